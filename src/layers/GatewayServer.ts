/**
 * The gateway's HTTP server: one port for the import/export WebSocket routes, `/metrics`,
 * `/healthz` and `/readyz`. Requests are refused before the upgrade when the token is wrong
 * (401), the route, flow or kind does not exist (404) or the server is shutting down (503).
 *
 * Closing the layer shuts down in order: readiness turns false and new connections are refused,
 * every open connection drains in parallel (each bounded by its drain timeouts), and after
 * SHUTDOWN_GRACE_PERIOD beyond those bounds whatever is still open is interrupted.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http"
import type { Duplex } from "node:stream"
import { Cause, Context, Duration, Effect, FiberSet, Layer, Redacted, Schema } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { type WebSocket, WebSocketServer } from "ws"
import { isExportable, kindNames, parseKindName } from "../domain/Kinds.ts"
import { Broker } from "../services/Broker.ts"
import { FlowRegistry } from "../services/FlowRegistry.ts"
import { GatewaySettings } from "../services/GatewaySettings.ts"
import { Lifecycle } from "../services/Lifecycle.ts"
import { registerAll } from "../services/Metrics.ts"
import { openEndpoint, type Route } from "../services/SocketEndpoint.ts"
import { makeWsConnection } from "./WsConnection.ts"

export class ServerStartFailed extends Schema.TaggedError<ServerStartFailed>()("ServerStartFailed", {
  address: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot listen on ${this.address}: ${this.reason} (set GATEWAY_PORT or --gateway-port to a free port)`
  }
}

class UpgradeAbandoned extends Schema.TaggedError<UpgradeAbandoned>()("UpgradeAbandoned", {}) {}

export class GatewayServer extends Context.Service<
  GatewayServer,
  {
    /** Where the server listens; the port is the real one when GATEWAY_PORT is 0. */
    readonly port: number
    readonly host: string
  }
>()("tg-gateway/GatewayServer") {}

interface Refusal {
  readonly status: number
  readonly error: string
}

type Resolved = { readonly ok: true; readonly route: Route } | { readonly ok: false; readonly refusal: Refusal }

const routePattern = /^\/api\/v1\/flow\/([^/]+)\/(import|export)\/([^/]+)\/?$/
const subscriptionPattern = /^[A-Za-z0-9._-]{1,128}$/

const digest = (text: string) => createHash("sha256").update(text).digest()

/** Compares in constant time, whatever the lengths. */
const tokenMatches = (given: string, secret: string) => timingSafeEqual(digest(given), digest(secret))

const tokenOf = (url: URL, request: IncomingMessage): string | undefined => {
  const fromQuery = url.searchParams.get("token")
  if (fromQuery !== null) return fromQuery
  const header = request.headers.authorization
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined
}

/** A path segment decoded, or undefined when its percent-encoding is malformed. */
const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const isTrue = (value: string | null) => value !== null && ["true", "1", "yes"].includes(value.toLowerCase())

const writeRefusal = (socket: Duplex, refusal: Refusal) => {
  const body = JSON.stringify({ error: refusal.error })
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ""}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

const respond = (response: ServerResponse, status: number, body: string, type = "application/json") => {
  response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) })
  response.end(body)
}

export const layerGatewayServer: Layer.Layer<
  GatewayServer,
  ServerStartFailed,
  Broker | FlowRegistry | GatewaySettings | Lifecycle
> = Layer.effect(
  GatewayServer,
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const lifecycle = yield* Lifecycle
    const flows = yield* FlowRegistry
    const broker = yield* Broker
    const services = yield* Effect.context<never>()
    yield* registerAll
    const connections = yield* FiberSet.make<void, never>()
    const runConnection = yield* FiberSet.runtime(connections)<Broker | GatewaySettings | Lifecycle>()
    /**
     * The connections whose endpoint has not recorded how its shutdown went, by what each serves.
     * One cut at the shutdown's bound before it has is counted as forced, once; one that has
     * recorded is only closing its sockets (a client that does not answer the close, a broker that
     * does not answer its own) and keeps the outcome it recorded.
     */
    const unrecorded = new Set<{ readonly subject: string }>()

    const resolve = (request: IncomingMessage, url: URL): Resolved => {
      const match = routePattern.exec(url.pathname)
      if (match === null) return { ok: false, refusal: { status: 404, error: `no such route: ${url.pathname}` } }
      if (settings.secret !== undefined) {
        const token = tokenOf(url, request)
        if (token === undefined || !tokenMatches(token, Redacted.value(settings.secret))) {
          return { ok: false, refusal: { status: 401, error: "unauthorized: a valid ?token= is required" } }
        }
      }
      const [, flowSegment = "", direction, kindSegment = ""] = match
      const flow = decodeSegment(flowSegment)
      const kindName = decodeSegment(kindSegment)
      if (flow === undefined || kindName === undefined) {
        return { ok: false, refusal: { status: 400, error: `malformed percent-encoding in ${url.pathname}` } }
      }
      const kind = parseKindName(kindName)
      if (kind === undefined || (direction === "export" && !isExportable(kind))) {
        const offered = direction === "export" ? kindNames.filter(isExportable) : kindNames
        return {
          ok: false,
          refusal: { status: 404, error: `unknown kind "${kindSegment}"; ${direction} kinds: ${offered.join(", ")}` }
        }
      }
      const workspace = url.searchParams.get("workspace") ?? "default"
      const topic = flows.topicFor(flow, workspace, kind)
      if (topic === undefined) {
        return {
          ok: false,
          refusal: { status: 404, error: `unknown flow "${flow}"; flows: ${flows.flows.join(", ")}` }
        }
      }
      if (direction === "import")
        return { ok: true, route: { direction, kind, topic, ack: isTrue(url.searchParams.get("ack")) } }
      const subscription = url.searchParams.get("subscription") ?? undefined
      if (subscription !== undefined && !subscriptionPattern.test(subscription)) {
        return {
          ok: false,
          refusal: { status: 400, error: "subscription names use 1 to 128 letters, digits, '.', '_' or '-'" }
        }
      }
      const from = url.searchParams.get("from")?.toLowerCase() ?? "latest"
      if (from !== "latest" && from !== "earliest") {
        return { ok: false, refusal: { status: 400, error: `from=${from}: expected latest or earliest` } }
      }
      if (!isExportable(kind)) return { ok: false, refusal: { status: 404, error: `unknown kind "${kind}"` } }
      const initialPosition = from === "earliest" ? "Earliest" : "Latest"
      return { ok: true, route: { direction: "export", kind, topic, subscription, from: initialPosition } }
    }

    const sockets = new WebSocketServer({ noServer: true, maxPayload: settings.maxFrameSize, perMessageDeflate: false })

    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy())
      const url = new URL(request.url ?? "/", "http://gateway")
      if (lifecycle.isStopping()) return writeRefusal(socket, { status: 503, error: "the gateway is shutting down" })
      const resolved = resolve(request, url)
      if (!resolved.ok) return writeRefusal(socket, resolved.refusal)
      const { route } = resolved
      const connection = {
        subject: route.direction === "import" ? `import to ${route.topic}` : `export from ${route.topic}`
      }
      unrecorded.add(connection)
      const recorded = Lifecycle.of({
        ...lifecycle,
        record: (outcome) =>
          Effect.andThen(
            Effect.sync(() => unrecorded.delete(connection)),
            lifecycle.record(outcome)
          )
      })
      const state = { upgraded: false }
      runConnection(
        Effect.scoped(
          Effect.gen(function* () {
            const serve = yield* openEndpoint(route)
            const ws = yield* upgrade(request, socket, head, state)
            // Whatever happens to the connection's fibers, the client is not left with a silent socket.
            yield* Effect.addFinalizer(() =>
              Effect.sync(() => {
                if (ws.readyState === ws.OPEN) ws.close(1011, "internal error")
              })
            )
            yield* serve(
              yield* makeWsConnection(ws, {
                transport: socket,
                pingInterval: Duration.toMillis(settings.wsPingInterval),
                readBufferBytes: settings.wsReadBufferSize
              })
            )
          })
        ).pipe(
          Effect.catchTags({
            BrokerUnavailable: (error) =>
              Effect.sync(() => writeRefusal(socket, { status: 503, error: error.message })),
            TopicRefused: (error) => Effect.sync(() => writeRefusal(socket, { status: 502, error: error.message })),
            UpgradeAbandoned: () => Effect.void
          }),
          Effect.tapCause((cause) =>
            Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("connection failed", cause)
          ),
          // Cut at the shutdown's bound while its topic was still opening: the client is answered.
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              if (!state.upgraded && !socket.destroyed) {
                writeRefusal(socket, { status: 503, error: "the gateway is shutting down" })
              }
            })
          ),
          Effect.provideService(Lifecycle, recorded),
          Effect.ensuring(Effect.sync(() => unrecorded.delete(connection)))
        )
      )
    }

    /** Completes the upgrade, unless the client went away while its topic was being opened. */
    const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer, state: { upgraded: boolean }) =>
      Effect.callback<WebSocket, UpgradeAbandoned>((resume) => {
        if (socket.destroyed) return resume(Effect.fail(new UpgradeAbandoned()))
        const abandoned = () => resume(Effect.fail(new UpgradeAbandoned()))
        socket.once("close", abandoned)
        sockets.handleUpgrade(request, socket, head, (ws) => {
          state.upgraded = true
          socket.off("close", abandoned)
          resume(Effect.succeed(ws))
        })
      })

    let brokerReady = { at: 0, ok: false }
    const readiness = async (): Promise<{ ok: boolean; reason: string }> => {
      if (lifecycle.isStopping()) return { ok: false, reason: "draining" }
      if (Date.now() - brokerReady.at > 1000) {
        const ok = await Effect.runPromiseWith(services)(Effect.isSuccess(broker.ping))
        brokerReady = { at: Date.now(), ok }
      }
      return brokerReady.ok ? { ok: true, reason: "ready" } : { ok: false, reason: "broker unreachable" }
    }

    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      const path = new URL(request.url ?? "/", "http://gateway").pathname
      if (path === "/healthz") return respond(response, 200, `{"status":"ok"}`)
      if (path === "/readyz") {
        return void readiness().then(({ ok, reason }) =>
          respond(response, ok ? 200 : 503, JSON.stringify({ status: reason }))
        )
      }
      if (path === "/metrics" && settings.metricsEnabled) {
        return respond(
          response,
          200,
          PrometheusMetrics.formatUnsafe(services),
          "text/plain; version=0.0.4; charset=utf-8"
        )
      }
      if (routePattern.test(path)) return respond(response, 426, `{"error":"this route needs a WebSocket upgrade"}`)
      respond(response, 404, JSON.stringify({ error: `no such route: ${path}` }))
    }

    const server = createServer(onRequest)
    server.on("upgrade", onUpgrade)

    const address = `${settings.host}:${settings.port}`
    const port = yield* Effect.acquireRelease(
      Effect.callback<number, ServerStartFailed>((resume) => {
        server.once("error", (error) => resume(Effect.fail(new ServerStartFailed({ address, reason: error.message }))))
        server.listen(settings.port, settings.host, () => {
          const bound = server.address()
          resume(Effect.succeed(typeof bound === "object" && bound !== null ? bound.port : settings.port))
        })
      }),
      () =>
        Effect.gen(function* () {
          // The listener stays open while connections drain: probes see /readyz answer 503 and new
          // upgrades are refused with 503 rather than with a connection error.
          yield* lifecycle.beginShutdown
          const open = yield* FiberSet.size(connections)
          yield* Effect.logInfo(`shutting down: draining ${open} connection(s)`)
          const bound = Duration.sum(
            Duration.max(
              Duration.sum(settings.publisherDrainTimeout, settings.publisherFlushTimeout),
              settings.subscriberDrainTimeout
            ),
            settings.shutdownGracePeriod
          )
          const drained = yield* FiberSet.awaitEmpty(connections).pipe(Effect.timeoutOption(bound))
          if (drained._tag === "None") {
            const cut = [...unrecorded]
            for (const { subject } of cut) {
              yield* lifecycle.record({
                graceful: false,
                forced: `${subject}: still open ${Duration.format(bound)} after shutdown began, interrupted`
              })
            }
            const closing = (yield* FiberSet.size(connections)) - cut.length
            if (closing > 0) {
              yield* Effect.logInfo(`${closing} drained connection(s) still closing their sockets were dropped`)
            }
            yield* FiberSet.clear(connections)
          }
          for (const client of sockets.clients) client.terminate()
          sockets.close()
          server.close()
          server.closeAllConnections()
        })
    )
    yield* Effect.logInfo(
      `tg-gateway listening on ${settings.host}:${port}, on ${broker.description}, serving flows ${flows.flows.join(", ")}`
    )
    // Said at once rather than at the first connection: a gateway up before its broker is common.
    yield* broker.ping.pipe(
      Effect.catch((error) =>
        Effect.logWarning(
          `the broker is unreachable at start-up (${error.message}); connections are refused with 503 until it answers`
        )
      ),
      Effect.forkScoped
    )
    return GatewayServer.of({ port, host: settings.host })
  })
)
