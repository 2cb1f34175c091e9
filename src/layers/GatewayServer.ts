/**
 * The gateway on a port of its own (GATEWAY_HOST, GATEWAY_PORT): its routes (`GatewayRoutes.ts`)
 * served by `@effect/platform-node`'s HTTP server, any other path answered 404 with a JSON error.
 * With GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE it is HTTPS (and WSS), its certificate
 * re-read when the files change (`ListenerTls.ts`).
 *
 * Released in order: the connections drain while the listener still answers (`Connections.ts`),
 * then the listener closes and whatever HTTP connection is left (a keep-alive probe) is dropped,
 * so that closing the server does not wait on a client.
 */
import type { Server } from "node:http"
import { createServer as createSecureServer } from "node:https"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Context, Effect, Layer, type PubSub, Result, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { isSocketPath, resolveRoute } from "../domain/SocketRoutes.ts"
import { AccessControl } from "../services/AccessControl.ts"
import { Broker } from "../services/Broker.ts"
import { layerShutdownFirst } from "../services/Connections.ts"
import { deduplicationReport } from "../services/Deduplication.ts"
import { FlowRegistry } from "../services/FlowRegistry.ts"
import { GatewaySettings } from "../services/GatewaySettings.ts"
import { layerGatewayRoutes, type RouteServices } from "./GatewayRoutes.ts"
import { loadTlsPair, type TlsConfigError, tlsFilesOf, watchTlsPair } from "./ListenerTls.ts"
import { nodeHttp } from "./nodeHttp.ts"
import type { FileReload } from "./WatchedFiles.ts"

export class ServerStartFailed extends Schema.TaggedError<ServerStartFailed>()("ServerStartFailed", {
  address: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot listen on ${this.address}: ${this.reason} (set GATEWAY_PORT or --gateway-port to a free port)`
  }
}

export class GatewayServer extends Context.Service<
  GatewayServer,
  {
    /** Where the server listens; the port is the real one when GATEWAY_PORT is 0. */
    readonly port: number
    readonly host: string
    /** HTTPS and WSS (GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE), rather than HTTP and WS. */
    readonly secure: boolean
    /** With TLS, each re-read of changed certificate files: subscribe, then change the files. */
    readonly certificateReloads: PubSub.PubSub<FileReload> | undefined
  }
>()("tg-gateway/GatewayServer") {}

/** What the Node server was made with, for the start-up line and `GatewayServer`. */
class Listener extends Context.Service<
  Listener,
  { readonly certificateReloads: PubSub.PubSub<FileReload> | undefined }
>()("tg-gateway/GatewayServer/Listener") {}

/**
 * What no route answers. A socket path lands here only when the router could not decode it
 * (malformed percent-encoding), and is refused as `resolveRoute` says (400, or 401 first).
 */
const notRouted = Effect.gen(function* () {
  const request = yield* HttpServerRequest.HttpServerRequest
  const settings = yield* GatewaySettings
  const flows = yield* FlowRegistry
  const access = yield* AccessControl
  const url = new URL(request.url, "http://gateway")
  const resolved = isSocketPath(url.pathname)
    ? resolveRoute(
        { url, authorization: request.headers.authorization },
        { ...flows, secret: settings.secret, grants: access.grants() }
      )
    : undefined
  const refusal =
    resolved !== undefined && Result.isFailure(resolved)
      ? resolved.failure
      : { status: 404, error: `no such route: ${url.pathname}` }
  return HttpServerResponse.jsonUnsafe({ error: refusal.error }, { status: refusal.status })
})

/** The routes, with a JSON 404 for everything else. */
const layerServed = Layer.unwrap(
  Effect.map(HttpRouter.toHttpEffect(layerGatewayRoutes), (app) =>
    HttpServer.serve(
      app.pipe(
        Effect.catchIf(
          (error) => HttpServerError.isHttpServerError(error) && error.reason._tag === "RouteNotFound",
          () => notRouted
        )
      )
    )
  )
)

/**
 * The Node server: `node:https` with the TLS files, `node:http` without. Its own release closes
 * the listener and waits for the connections left; here those are dropped first, once the
 * gateway has drained, so that the wait does not hang on a client that keeps a connection open.
 */
const layerNodeServer: Layer.Layer<
  HttpServer.HttpServer | Listener,
  ServerStartFailed | TlsConfigError,
  GatewaySettings
> = Layer.effectContext(
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const tls = yield* Effect.fromResult(tlsFilesOf(settings))
    const pair = tls === undefined ? undefined : yield* loadTlsPair(tls)
    const secure = pair === undefined ? undefined : createSecureServer({ ...pair })
    // An https.Server is an http.Server with TLS underneath: the same requests and upgrades.
    const server: Server = secure ?? nodeHttp.createServer()
    // Watched before listening: a renewal from here on is not missed.
    const certificateReloads =
      tls === undefined || pair === undefined || secure === undefined
        ? undefined
        : yield* watchTlsPair(tls, pair, (next) => secure.setSecureContext({ ...next }))
    const http = yield* NodeHttpServer.make(() => server, {
      port: settings.port,
      host: settings.host,
      // The connections have drained by the time the listener closes (see `Connections.ts`).
      disablePreemptiveShutdown: true
    }).pipe(
      Effect.mapError(
        (error) =>
          new ServerStartFailed({
            address: `${settings.host}:${settings.port}`,
            reason: error.cause instanceof Error ? error.cause.message : String(error.cause)
          })
      )
    )
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.close()
        server.closeAllConnections()
      })
    )
    return Context.make(HttpServer.HttpServer, http).pipe(Context.add(Listener, { certificateReloads }))
  })
)

/** Says where the gateway listens, and warns at once when the broker does not answer. */
const layerStartupLog: Layer.Layer<
  GatewayServer,
  never,
  HttpServer.HttpServer | Listener | Broker | FlowRegistry | GatewaySettings
> = Layer.effect(
  GatewayServer,
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const flows = yield* FlowRegistry
    const broker = yield* Broker
    const { address } = yield* HttpServer.HttpServer
    const { certificateReloads } = yield* Listener
    const port = address._tag === "UnixPathAddress" ? settings.port : address.port
    const secure = certificateReloads !== undefined
    yield* Effect.logInfo(
      `tg-gateway listening on ${settings.host}:${port}${secure ? " (HTTPS, WSS)" : ""}, on ${broker.description}, serving flows ${flows.flows.join(", ")}`
    )
    // Said at once rather than at the first connection: a gateway up before its broker is common.
    yield* broker.ping.pipe(
      Effect.catchTags({
        BrokerUnavailable: (error) =>
          Effect.logWarning(
            `the broker is unreachable at start-up (${error.message}); connections are refused with 503 until it answers`
          ),
        CredentialsRefused: (error) =>
          Effect.logError(`the broker refused the gateway's credentials at start-up: ${error.message}`)
      }),
      Effect.forkScoped
    )
    // What `?producer=` (deduplicated imports) needs, per namespace the flows import into.
    yield* deduplicationReport(broker, flows).pipe(
      Effect.flatMap((report) =>
        Effect.forEach(Object.entries(report), ([namespace, detail]) =>
          Effect.logInfo(`deduplication (?producer=) on ${namespace}: ${detail}`)
        )
      ),
      Effect.forkScoped
    )
    return GatewayServer.of({ port, host: settings.host, secure, certificateReloads })
  })
)

/**
 * The gateway's routes on its own port. Its connections are shut down first when the layer is
 * released, then the server.
 */
export const layerGatewayServer: Layer.Layer<GatewayServer, ServerStartFailed | TlsConfigError, RouteServices> =
  Layer.mergeAll(layerStartupLog, layerShutdownFirst).pipe(Layer.provide(layerServed), Layer.provide(layerNodeServer))
