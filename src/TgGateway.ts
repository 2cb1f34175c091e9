/**
 * The gateway for Effect programs, in two shapes:
 *
 * - `layer` serves the import and export sockets, `/healthz`, `/readyz` and `/metrics` on a port
 *   of its own (GATEWAY_HOST, GATEWAY_PORT);
 * - `routes` adds the same routes to the program's own `HttpRouter`, served by its own
 *   `@effect/platform-node` server, with `layerServices` providing what they share and
 *   `drainFirst` draining the gateway's connections before that server closes.
 *
 * Either way the gateway runs over a `Broker` the program provides (or the one BROKER names),
 * reads every setting through the program's `ConfigProvider` by the names `tg-gateway serve`
 * reads from its environment, and logs through Effect's logger, so the program's logger applies.
 *
 * ```ts
 * import { TgGateway } from "tg-gateway"
 * const gateway = TgGateway.layer.pipe(Layer.provide(TgGateway.layerMemoryBroker))
 * ```
 */
import { type Config, Layer } from "effect"
import type { AccessControl, TokensFileError } from "./services/AccessControl.ts"
import type { Broker } from "./services/Broker.ts"
import { type Connections, layerShutdownFirst } from "./services/Connections.ts"
import type { FlowConfigError, FlowRegistry } from "./services/FlowRegistry.ts"
import type { GatewayServer, ServerStartFailed } from "./layers/GatewayServer.ts"
import type { TlsConfigError } from "./layers/ListenerTls.ts"
import type { BrokerConfigError } from "./layers/broker/PulsarAccess.ts"
import { layerConfiguredBroker, layerServer, layerServices as layerSharedServices } from "./layers/GatewayLayer.ts"
import { layerGatewayRoutes } from "./layers/GatewayRoutes.ts"
import { type GatewaySettings, layerGatewaySettings } from "./services/GatewaySettings.ts"
import { type Lifecycle, layerLifecycle } from "./services/Lifecycle.ts"

/**
 * Why the gateway could not start: a setting refused, a FLOWS_FILE or GATEWAY_TOKENS_FILE that
 * is wrong, a TLS certificate and key that cannot be used, Pulsar settings that cannot work
 * together, a port taken.
 */
export type StartError =
  Config.ConfigError | FlowConfigError | TokensFileError | TlsConfigError | BrokerConfigError | ServerStartFailed

/**
 * The gateway on its own port over the `Broker` the program provides; BROKER and the PULSAR_*
 * settings are not read. Releasing the layer drains every connection within its bounds before
 * the broker goes.
 */
export const layer: Layer.Layer<GatewayServer, StartError, Broker> = layerServer.pipe(
  Layer.provide(layerLifecycle),
  Layer.provide(layerGatewaySettings)
)

/**
 * The gateway with the broker BROKER names (PULSAR_HTTP_URL, PULSAR_URL and the other PULSAR_*
 * settings), as `tg-gateway serve` runs it.
 */
export const layerWithConfiguredBroker: Layer.Layer<GatewayServer | Broker, StartError> = layerServer.pipe(
  Layer.provideMerge(layerConfiguredBroker),
  Layer.provide(layerLifecycle),
  Layer.provide(layerGatewaySettings)
)

/** What `routes` needs from the program. */
export type Services = AccessControl | Connections | FlowRegistry | GatewaySettings | Lifecycle

/**
 * The gateway's routes for the program's own `HttpRouter`: the sockets under `/api/v1/flow/`,
 * `/healthz`, `/readyz` and, with METRICS_ENABLED, `/metrics`. The sockets need the server to be
 * `@effect/platform-node`'s (they take over the upgraded Node socket).
 */
export const routes = layerGatewayRoutes

/** What the routes share, read through the program's `ConfigProvider`, over its `Broker`. */
export const layerServices: Layer.Layer<Services, Config.ConfigError | FlowConfigError | TokensFileError, Broker> =
  layerSharedServices.pipe(Layer.provideMerge(layerLifecycle), Layer.provideMerge(layerGatewaySettings))

/**
 * For the program's served app (`HttpRouter.serve(…).pipe(TgGateway.drainFirst)`): when it is
 * released, the gateway's connections drain first, while the server still answers (`/readyz` says
 * 503, new sockets are refused with 503), and only then does the server close. Without it the
 * server's own shutdown waits for the sockets, which only close when the gateway is released.
 */
export const drainFirst = <A, E, R>(served: Layer.Layer<A, E, R>): Layer.Layer<A, E, R | Connections> =>
  Layer.provideMerge(layerShutdownFirst, served)

export { layerMemoryBroker, type MemoryBroker, makeMemoryBroker } from "./layers/broker/MemoryBroker.ts"
export { layerPulsarBroker, type PulsarBrokerConfig } from "./layers/broker/PulsarBroker.ts"
export {
  layerPulsarBinaryBroker,
  makePulsarBinaryBroker,
  type PulsarBinaryBrokerConfig
} from "./layers/broker/binary/PulsarBinaryBroker.ts"
export {
  Broker,
  type BrokerShape,
  type Consumer,
  type ConsumerOptions,
  type OutgoingMessage,
  type Producer,
  type ProducerOptions,
  type ReceivedMessage
} from "./services/Broker.ts"
export { GatewayServer, ServerStartFailed } from "./layers/GatewayServer.ts"
export { FlowConfigError, FlowRegistry } from "./services/FlowRegistry.ts"
export { AccessControl, TokensFileError } from "./services/AccessControl.ts"
export { TlsConfigError } from "./layers/ListenerTls.ts"
export { BrokerConfigError } from "./layers/broker/PulsarAccess.ts"
export { GatewaySettings, settingsConfig } from "./services/GatewaySettings.ts"
export { Connections } from "./services/Connections.ts"
export { Lifecycle } from "./services/Lifecycle.ts"
export { settings, type SettingName, type SettingValues } from "./domain/Settings.ts"
export { type ExportableKindName, type KindName, kindNames } from "./domain/Kinds.ts"
