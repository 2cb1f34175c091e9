/**
 * tg-gateway inside an Effect program of its own: the program's HTTP server (APP_PORT, default
 * 3000) serves its own route, `GET /gateway`, next to the gateway's sockets, `/healthz`,
 * `/readyz` and `/metrics`. The gateway runs over the in-memory broker with settings from the
 * program's own ConfigProvider, and logs through the program's logger (one JSON line per entry).
 *
 *   node examples/embed.ts
 *   curl http://127.0.0.1:3000/gateway
 *
 * Ctrl-C (or SIGTERM) releases the layers in reverse: the gateway's connections drain first while
 * the server still answers (`drainFirst`), then the server closes, then the broker goes.
 */
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Config, ConfigProvider, Effect, Layer, Logger } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { TgGateway } from "tg-gateway"

// The gateway's settings, by the names `tg-gateway serve` reads from its environment: the
// environment first, then this program's own choices.
const gatewaySettings = ConfigProvider.orElse(
  ConfigProvider.fromEnv(),
  ConfigProvider.fromUnknown({ FLOWS: "default,demo" })
)

const Hello = HttpRouter.add(
  "GET",
  "/gateway",
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const base = `ws://${request.headers.host}/api/v1/flow/{flow}`
    return HttpServerResponse.jsonUnsafe({
      import: `${base}/import/{kind}`,
      export: `${base}/export/{kind}`,
      kinds: TgGateway.kindNames
    })
  })
)

const App = HttpRouter.serve(Layer.mergeAll(Hello, TgGateway.routes)).pipe(
  TgGateway.drainFirst,
  Layer.provide(
    NodeHttpServer.layerConfig(createServer, {
      host: Config.String("APP_HOST").pipe(Config.withDefault("127.0.0.1")),
      port: Config.Int("APP_PORT").pipe(Config.withDefault(3000))
    })
  ),
  Layer.provide(
    TgGateway.layerServices.pipe(
      Layer.provideMerge(TgGateway.layerMemoryBroker),
      Layer.provide(ConfigProvider.layer(gatewaySettings))
    )
  ),
  Layer.provide(Logger.layer([Logger.consoleJson]))
)

Layer.launch(App).pipe(NodeRuntime.runMain)
