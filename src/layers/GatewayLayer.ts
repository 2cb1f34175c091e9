/**
 * The whole gateway as one layer, from resolved settings: the broker chosen by BROKER (released
 * last, after every connection has drained), the flows, and the HTTP server. Compose it into a
 * larger Effect program with `Layer.launch`, or provide it to tests.
 */
import { Layer } from "effect"
import type { SettingValues } from "../domain/Settings.ts"
import type { Broker } from "../services/Broker.ts"
import { type FlowConfigError, layerFlowRegistry } from "../services/FlowRegistry.ts"
import { GatewaySettings } from "../services/GatewaySettings.ts"
import { Lifecycle, type LifecycleShape } from "../services/Lifecycle.ts"
import { layerMemoryBroker } from "./broker/MemoryBroker.ts"
import { layerPulsarBroker } from "./broker/PulsarBroker.ts"
import { GatewayServer, layerGatewayServer, type ServerStartFailed } from "./GatewayServer.ts"

export const layerBroker = (settings: SettingValues): Layer.Layer<Broker> =>
  settings.broker === "pulsar"
    ? layerPulsarBroker({
        httpUrl: settings.pulsarHttpUrl,
        pingInterval: settings.pulsarPingInterval,
        ...(settings.pulsarMaxMessageSize === undefined ? {} : { maxMessageSize: settings.pulsarMaxMessageSize })
      })
    : layerMemoryBroker

/**
 * `lifecycle` is passed in so that the caller can still ask, after the layer is released, whether
 * any connection's shutdown was forced (the exit code of `tg-gateway serve`).
 */
export const layerGateway = (
  settings: SettingValues,
  lifecycle: LifecycleShape,
  broker: Layer.Layer<Broker> = layerBroker(settings)
): Layer.Layer<GatewayServer | Broker, ServerStartFailed | FlowConfigError> =>
  layerGatewayServer.pipe(
    Layer.provide(layerFlowRegistry(settings)),
    Layer.provide(Layer.succeed(GatewaySettings, settings)),
    Layer.provide(Layer.succeed(Lifecycle, lifecycle)),
    Layer.provideMerge(broker)
  )

export { GatewayServer }
