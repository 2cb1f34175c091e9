/**
 * tg-gateway inside an Effect program of its own: the gateway over the in-memory broker with
 * settings from the program's own ConfigProvider, the program's logger (one JSON line per entry,
 * the gateway's lines included) and a route of the program's own, `GET /gateway`, on its own port
 * (APP_PORT, default 3000), that says where the gateway's sockets are.
 *
 *   node examples/embed.ts
 *   curl http://127.0.0.1:3000/gateway
 *
 * Ctrl-C (or SIGTERM) releases the layers in reverse: the program's server, then the gateway,
 * which drains its connections, then the broker.
 */
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Config, ConfigProvider, Effect, Layer, Logger } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { TgGateway } from "tg-gateway"

// The gateway's settings, by the names `tg-gateway serve` reads from its environment: the
// environment first, then this program's own choices.
const gatewaySettings = ConfigProvider.orElse(
  ConfigProvider.fromEnv(),
  ConfigProvider.fromUnknown({ GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: 8890, FLOWS: "default,demo" })
)

const Gateway = TgGateway.layer.pipe(
  Layer.provide(TgGateway.layerMemoryBroker),
  Layer.provide(ConfigProvider.layer(gatewaySettings))
)

const Routes = HttpRouter.add(
  "GET",
  "/gateway",
  Effect.gen(function* () {
    const { host, port } = yield* TgGateway.GatewayServer
    return HttpServerResponse.jsonUnsafe({
      import: `ws://${host}:${port}/api/v1/flow/{flow}/import/{kind}`,
      export: `ws://${host}:${port}/api/v1/flow/{flow}/export/{kind}`,
      kinds: TgGateway.kindNames
    })
  })
)

const App = HttpRouter.serve(Routes).pipe(
  Layer.provide(
    NodeHttpServer.layerConfig(createServer, {
      host: Config.String("APP_HOST").pipe(Config.withDefault("127.0.0.1")),
      port: Config.Int("APP_PORT").pipe(Config.withDefault(3000))
    })
  ),
  // Provided, not merged: the program's server is built after the gateway and released before it.
  Layer.provide(Gateway),
  Layer.provide(Logger.layer([Logger.consoleJson]))
)

Layer.launch(App).pipe(NodeRuntime.runMain)
