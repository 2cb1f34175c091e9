/**
 * The command line's WebSocket to a gateway route, as an Effect service: `connect` opens it in a
 * Scope, and closing the scope closes it (with 1000, waiting for the gateway's close frame). The
 * production layer is `ws`, the library the gateway and its tests use; tests of the commands
 * provide a scripted one, so that reconnects and timeouts run on the TestClock.
 *
 * Frames from the gateway wait in a buffer until taken; when it holds `highWaterFrames` of them
 * the socket is paused, so a consumer that cannot keep up (a slow disk under `export`) holds the
 * gateway back through TCP instead of filling memory.
 */
import { Cause, Context, Deferred, Effect, Exit, Layer, Queue, Schema, type Scope } from "effect"
import WebSocket from "ws"
import { shown } from "./gatewayUrl.ts"

/** Nothing accepts connections at the address: the gateway is not running there. */
export class GatewayNotListening extends Schema.TaggedError<GatewayNotListening>()("GatewayNotListening", {
  url: Schema.String
}) {
  override get message() {
    return `nothing is listening at ${new URL(this.url).host} (connection refused for ${shown(this.url)})`
  }
}

/** The connection could not be opened (DNS, TLS, a reset, …). */
export class GatewayUnreachable extends Schema.TaggedError<GatewayUnreachable>()("GatewayUnreachable", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot connect to ${shown(this.url)}: ${this.reason}`
  }
}

/** The server answered the upgrade with an HTTP status instead (401 for a bad token, 404, 503 …). */
export class UpgradeRefused extends Schema.TaggedError<UpgradeRefused>()("UpgradeRefused", {
  url: Schema.String,
  status: Schema.Number,
  body: Schema.String
}) {
  override get message() {
    return `${shown(this.url)} refused the connection with HTTP ${this.status}: ${this.body}`
  }
}

export type ConnectError = GatewayNotListening | GatewayUnreachable | UpgradeRefused

/** How a connection ended: the close code and reason, as the gateway sent them (1006: no close frame). */
export interface Closed {
  readonly code: number
  readonly reason: string
}

export interface GatewayConnection {
  /** Queues a text frame on the socket. Nothing waits on it: the caller bounds what it queues. */
  readonly send: (text: string) => Effect.Effect<void>
  /**
   * The next frame from the gateway, waiting for one if need be; fails with Done once the
   * connection has closed and every frame received has been taken.
   */
  readonly receive: Effect.Effect<string, Cause.Done>
  /** How the connection ended; waits until it has. */
  readonly closed: Effect.Effect<Closed>
}

export interface GatewaySocketShape {
  readonly connect: (url: string) => Effect.Effect<GatewayConnection, ConnectError, Scope.Scope>
}

export class GatewaySocket extends Context.Service<GatewaySocket, GatewaySocketShape>()(
  "tg-gateway/cli/GatewaySocket"
) {}

const highWaterFrames = 16

const connectError = (url: string, error: Error): ConnectError =>
  (error as NodeJS.ErrnoException).code === "ECONNREFUSED"
    ? new GatewayNotListening({ url })
    : new GatewayUnreachable({ url, reason: error.message })

/** Ends the socket and waits for its 'close' event, so that nothing of it outlives the scope. */
const closeSocket = (ws: WebSocket): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (ws.readyState === WebSocket.CLOSED) return resume(Effect.void)
    ws.once("close", () => resume(Effect.void))
    // A socket paused for a slow consumer must read again to see the close handshake, through
    // frames nobody will take now: they are let go instead of pausing it again.
    ws.removeAllListeners("message")
    if (ws.isPaused) ws.resume()
    if (ws.readyState === WebSocket.OPEN) ws.close(1000)
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate()
  })

/**
 * Starts the upgrade, with every listener in place before it completes: frames sent with the
 * upgrade's answer arrive before any fiber runs again. `opened` settles with the connection or
 * why there is none.
 */
const start = Effect.fnUntraced(function* (url: string) {
  const inbound = yield* Queue.unbounded<string, Cause.Done>()
  const closed = yield* Deferred.make<Closed>()
  const opened = yield* Deferred.make<GatewayConnection, ConnectError>()
  const ws = new WebSocket(url, { perMessageDeflate: false })
  const connection: GatewayConnection = {
    send: (text) =>
      Effect.sync(() => {
        // Sent after a close has begun, it could never be answered: it stays unacknowledged.
        if (ws.readyState === WebSocket.OPEN) ws.send(text)
      }),
    receive: Effect.tap(Queue.take(inbound), () =>
      Effect.sync(() => {
        if (ws.isPaused && Queue.sizeUnsafe(inbound) < highWaterFrames) ws.resume()
      })
    ),
    closed: Deferred.await(closed)
  }
  ws.on("message", (data) => {
    Queue.offerUnsafe(inbound, data.toString())
    if (Queue.sizeUnsafe(inbound) >= highWaterFrames && !ws.isPaused) ws.pause()
  })
  ws.once("close", (code, reason) => {
    Deferred.doneUnsafe(closed, Exit.succeed({ code, reason: reason.toString() }))
    Queue.endUnsafe(inbound)
  })
  // After the open, an error is followed by the close, which is what the connection reports.
  ws.on("error", (error) => Deferred.doneUnsafe(opened, Exit.fail(connectError(url, error))))
  ws.once("unexpected-response", (request, response) => {
    let body = ""
    response.on("data", (chunk: Buffer) => (body += chunk.toString()))
    response.on("end", () => {
      request.destroy()
      Deferred.doneUnsafe(opened, Exit.fail(new UpgradeRefused({ url, status: response.statusCode ?? 0, body })))
    })
  })
  ws.once("open", () => Deferred.doneUnsafe(opened, Exit.succeed(connection)))
  return { ws, opened: Deferred.await(opened) }
})

/**
 * The client socket over `ws`. Waiting for the upgrade can be interrupted (Ctrl-C while a
 * gateway does not answer); the socket is closed with the scope either way.
 */
export const connectWs = (url: string): Effect.Effect<GatewayConnection, ConnectError, Scope.Scope> =>
  Effect.acquireRelease(start(url), ({ ws }) => closeSocket(ws)).pipe(Effect.flatMap(({ opened }) => opened))

export const layerWs: Layer.Layer<GatewaySocket> = Layer.succeed(
  GatewaySocket,
  GatewaySocket.of({ connect: connectWs })
)
