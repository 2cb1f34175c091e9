/**
 * The gateway's routes on an `HttpRouter`: the import and export sockets under
 * `/api/v1/flow/…`, `/healthz`, `/readyz` and (with METRICS_ENABLED) `/metrics`. They can be
 * served on the gateway's own port (`GatewayServer.ts`) or mounted next to an application's own
 * routes on its `@effect/platform-node` server.
 *
 * A socket request is answered over HTTP before the upgrade when it is refused: 401 for a missing
 * or unknown token, 403 for a token whose grant does not cover the request, 404 for an unknown
 * route, flow or kind, 426 without an upgrade, 503 while shutting down
 * or when the broker cannot open the topic, 502 when it refuses it. The upgrade itself is done
 * with `ws` on the request's own socket rather than through `request.upgrade`: the platform's
 * socket writes without waiting for the client to read (it never looks at `bufferedAmount`), and
 * an export to a slow client must be held back instead of filling the gateway's memory. The
 * route's response then waits for the connection to end: by then the socket is closed and
 * nothing more is written to it.
 */
import type { IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import { toIncomingMessage } from "@effect/platform-node/NodeHttpServerRequest"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Result, Schema } from "effect"
import { HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import { type WebSocket, WebSocketServer } from "ws"
import { isSocketPath, type Refusal, resolveRoute, type Route, subjectOf } from "../domain/SocketRoutes.ts"
import { AccessControl } from "../services/AccessControl.ts"
import { Broker } from "../services/Broker.ts"
import { Connections } from "../services/Connections.ts"
import { deduplicationReport } from "../services/Deduplication.ts"
import { FlowRegistry } from "../services/FlowRegistry.ts"
import { GatewaySettings } from "../services/GatewaySettings.ts"
import { Lifecycle } from "../services/Lifecycle.ts"
import { registerAll } from "../services/Metrics.ts"
import { openEndpoint } from "../services/SocketEndpoint.ts"
import { makeWsConnection } from "./WsConnection.ts"

class UpgradeAbandoned extends Schema.TaggedError<UpgradeAbandoned>()("UpgradeAbandoned", {}) {}

const refusalResponse = ({ status, error }: Refusal) => HttpServerResponse.jsonUnsafe({ error }, { status })

const shuttingDown: Refusal = { status: 503, error: "the gateway is shutting down" }

/** The request as Node received it, when it came through Node's `upgrade` event. */
const upgradeRequest = (request: HttpServerRequest.HttpServerRequest): IncomingMessage | undefined => {
  // Node marks the requests it hands to its `upgrade` listeners; its types do not declare it.
  const incoming = toIncomingMessage(request) as IncomingMessage & { readonly upgrade?: boolean }
  return incoming.upgrade === true ? incoming : undefined
}

/** Everything the routes use, read once when they are added. */
const makeSocketRoute = Effect.gen(function* () {
  const settings = yield* GatewaySettings
  const lifecycle = yield* Lifecycle
  const flows = yield* FlowRegistry
  const connections = yield* Connections
  const broker = yield* Broker
  const access = yield* AccessControl
  const sockets = yield* Effect.acquireRelease(
    Effect.sync(
      () => new WebSocketServer({ noServer: true, maxPayload: settings.maxFrameSize, perMessageDeflate: false })
    ),
    (sockets) =>
      Effect.sync(() => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
      })
  )

  /** Completes the upgrade, unless the client went away while its topic was being opened. */
  const upgrade = (request: IncomingMessage, socket: Duplex, state: { upgraded: boolean }) =>
    Effect.callback<WebSocket, UpgradeAbandoned>((resume) => {
      if (socket.destroyed) return resume(Effect.fail(new UpgradeAbandoned()))
      const abandoned = () => resume(Effect.fail(new UpgradeAbandoned()))
      socket.once("close", abandoned)
      // A client sends nothing before the 101 (RFC 6455 §4.1), so there is no head to hand over.
      sockets.handleUpgrade(request, socket, Buffer.alloc(0), (ws) => {
        state.upgraded = true
        socket.off("close", abandoned)
        resume(Effect.succeed(ws))
      })
    })

  /** The connection's whole life: its topic opened first, then the upgrade, then the endpoint. */
  const serve = (route: Route, request: IncomingMessage, state: { upgraded: boolean }) =>
    Effect.scoped(
      Effect.gen(function* () {
        const socket = request.socket
        socket.on("error", () => socket.destroy())
        const run = yield* openEndpoint(route)
        const ws = yield* upgrade(request, socket, state)
        // Whatever happens to the connection's fibers, the client is not left with a silent socket.
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            if (ws.readyState === ws.OPEN) ws.close(1011, "internal error")
          })
        )
        yield* run(
          yield* makeWsConnection(ws, {
            transport: socket,
            pingInterval: Duration.toMillis(settings.wsPingInterval),
            readBufferBytes: settings.wsReadBufferSize
          })
        )
        return undefined
      })
    ).pipe(
      Effect.catchTags({
        BrokerUnavailable: (error): Effect.Effect<Refusal> => Effect.succeed({ status: 503, error: error.message }),
        // 409: a named producer still connected (the previous connection of a resuming import).
        TopicRefused: (error): Effect.Effect<Refusal> =>
          Effect.succeed({ status: error.status === 409 ? 409 : 502, error: error.message }),
        DeduplicationRequired: (error): Effect.Effect<Refusal> => Effect.succeed({ status: 409, error: error.message }),
        UpgradeAbandoned: () => Effect.succeed(undefined)
      }),
      Effect.tapCause((cause) =>
        Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("connection failed", cause)
      ),
      Effect.provideService(Broker, broker),
      Effect.provideService(GatewaySettings, settings)
    )

  return Effect.fn("GatewayRoutes.socket")(function* (request: HttpServerRequest.HttpServerRequest) {
    const url = new URL(request.url, "http://gateway")
    if (!isSocketPath(url.pathname)) return refusalResponse({ status: 404, error: `no such route: ${url.pathname}` })
    const incoming = upgradeRequest(request)
    if (incoming === undefined) return refusalResponse({ status: 426, error: "this route needs a WebSocket upgrade" })
    if (lifecycle.isStopping()) return refusalResponse(shuttingDown)
    // The grants as they are now: a changed tokens file applies to the next request.
    const resolved = resolveRoute(
      { url, authorization: request.headers.authorization },
      { ...flows, secret: settings.secret, grants: access.grants() }
    )
    if (Result.isFailure(resolved)) return refusalResponse(resolved.failure)
    const route = resolved.success
    const state = { upgraded: false }
    // Run among the gateway's connections, not in this request's fiber: the shutdown drains it,
    // and the request fiber may be interrupted when the socket closes.
    const connection = yield* connections.run(subjectOf(route), serve(route, incoming, state))
    const exit = yield* Fiber.await(connection)
    if (state.upgraded) return HttpServerResponse.empty()
    if (Exit.isSuccess(exit)) return exit.value === undefined ? HttpServerResponse.empty() : refusalResponse(exit.value)
    // Cut at the shutdown's bound while its topic was still opening: the client is answered.
    return refusalResponse(
      Cause.hasInterruptsOnly(exit.cause) ? shuttingDown : { status: 500, error: "internal error" }
    )
  })
})

/**
 * `/readyz`: 503 while draining, while the broker does not answer, or while it refuses the
 * gateway's credentials (asked at most once a second).
 */
const makeReadiness = Effect.gen(function* () {
  const lifecycle = yield* Lifecycle
  const broker = yield* Broker
  const brokerState = yield* Effect.cachedWithTTL(
    broker.ping.pipe(
      Effect.as("ready"),
      Effect.catchTags({
        CredentialsRefused: () => Effect.succeed("broker refused the credentials"),
        BrokerUnavailable: () => Effect.succeed("broker unreachable")
      })
    ),
    "1 second"
  )
  // What `?producer=` needs, per namespace imported into: a detail of a ready broker, which does
  // not decide readiness.
  const deduplication = yield* Effect.cachedWithTTL(
    deduplicationReport(broker, yield* FlowRegistry).pipe(
      Effect.timeoutOrElse({ duration: "2 seconds", orElse: () => Effect.succeed({}) })
    ),
    "10 seconds"
  )
  return Effect.gen(function* () {
    if (lifecycle.isStopping()) return HttpServerResponse.jsonUnsafe({ status: "draining" }, { status: 503 })
    const status = yield* brokerState
    if (status !== "ready") return HttpServerResponse.jsonUnsafe({ status }, { status: 503 })
    return HttpServerResponse.jsonUnsafe({ status, deduplication: yield* deduplication })
  })
})

/** What the routes need from the running gateway. */
export type RouteServices = AccessControl | Broker | Connections | FlowRegistry | GatewaySettings | Lifecycle

/** Every route of the gateway, added to the `HttpRouter` in context. */
export const layerGatewayRoutes: Layer.Layer<never, never, HttpRouter.HttpRouter | RouteServices> = Layer.unwrap(
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const socket = yield* makeSocketRoute
    const readiness = yield* makeReadiness
    const routes = Layer.mergeAll(
      HttpRouter.add("*", "/api/v1/flow/*", socket),
      HttpRouter.add("GET", "/healthz", HttpServerResponse.jsonUnsafe({ status: "ok" })),
      HttpRouter.add("GET", "/readyz", readiness)
    )
    if (!settings.metricsEnabled) return routes
    // Every metric is listed from the first scrape, at zero until it moves.
    yield* registerAll
    return Layer.merge(routes, PrometheusMetrics.layerHttp())
  })
)
