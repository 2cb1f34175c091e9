/**
 * The gateway for Effect programs: `layer` serves the import and export sockets, `/healthz`,
 * `/readyz` and `/metrics` on its own port (GATEWAY_HOST, GATEWAY_PORT) over a `Broker` the
 * program provides, with every setting read through the program's `ConfigProvider` by the same
 * names as `tg-gateway serve`'s environment. The gateway logs through Effect's logger, so the
 * program's logger layer applies to it.
 *
 * ```ts
 * import { TgGateway } from "tg-gateway"
 * const gateway = TgGateway.layer.pipe(Layer.provide(TgGateway.layerMemoryBroker))
 * ```
 */
import { type Config, Layer } from "effect"
import type { Broker } from "./services/Broker.ts"
import type { FlowConfigError } from "./services/FlowRegistry.ts"
import type { GatewayServer, ServerStartFailed } from "./layers/GatewayServer.ts"
import { layerConfiguredBroker, layerLifecycle, layerServer } from "./layers/GatewayLayer.ts"
import { layerGatewaySettings } from "./services/GatewaySettings.ts"

/** Why the gateway could not start: a setting refused, a FLOWS_FILE that is wrong, a port taken. */
export type StartError = Config.ConfigError | FlowConfigError | ServerStartFailed

/**
 * The gateway over the `Broker` the program provides; BROKER and the PULSAR_* settings are not
 * read. Releasing the layer drains every connection within its bounds before the broker goes.
 */
export const layer: Layer.Layer<GatewayServer, StartError, Broker> = layerServer.pipe(
  Layer.provide(layerLifecycle),
  Layer.provide(layerGatewaySettings)
)

/** The gateway with the broker BROKER names (PULSAR_HTTP_URL and the other PULSAR_* settings), as `tg-gateway serve` runs it. */
export const layerWithConfiguredBroker: Layer.Layer<GatewayServer | Broker, StartError> = layerServer.pipe(
  Layer.provideMerge(layerConfiguredBroker),
  Layer.provide(layerLifecycle),
  Layer.provide(layerGatewaySettings)
)

export { layerMemoryBroker, type MemoryBroker, makeMemoryBroker } from "./layers/broker/MemoryBroker.ts"
export { layerPulsarBroker, type PulsarBrokerConfig } from "./layers/broker/PulsarBroker.ts"
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
export { FlowConfigError } from "./services/FlowRegistry.ts"
export { GatewaySettings, settingsConfig } from "./services/GatewaySettings.ts"
export { settings, type SettingName, type SettingValues } from "./domain/Settings.ts"
export { type ExportableKindName, type KindName, kindNames } from "./domain/Kinds.ts"
