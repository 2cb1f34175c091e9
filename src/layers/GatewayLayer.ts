/**
 * The whole gateway as layers: the HTTP server, its flows, its shutdown state and the broker
 * (released last, after every connection has drained). Settings come from `Config` (the running
 * program's `ConfigProvider`) or, for tests that need exact values, from resolved settings.
 */
import { type Config, Effect, Layer } from "effect"
import type { SettingValues } from "../domain/Settings.ts"
import type { Broker } from "../services/Broker.ts"
import { type FlowConfigError, layerFlowRegistry } from "../services/FlowRegistry.ts"
import { GatewaySettings, layerGatewaySettings } from "../services/GatewaySettings.ts"
import { Lifecycle, type LifecycleShape, makeLifecycle } from "../services/Lifecycle.ts"
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

/** The broker BROKER names, with the settings in context. */
export const layerConfiguredBroker: Layer.Layer<Broker, never, GatewaySettings> = Layer.unwrap(
  Effect.gen(function* () {
    return layerBroker(yield* GatewaySettings)
  })
)

/** A fresh shutdown state, for a gateway whose caller does not need to read it afterwards. */
export const layerLifecycle: Layer.Layer<Lifecycle> = Layer.effect(Lifecycle, makeLifecycle)

/** The server and its flows, over settings, a shutdown state and a broker provided from outside. */
export const layerServer: Layer.Layer<
  GatewayServer,
  ServerStartFailed | FlowConfigError,
  Broker | GatewaySettings | Lifecycle
> = layerGatewayServer.pipe(
  Layer.provide(
    Layer.unwrap(
      Effect.gen(function* () {
        return layerFlowRegistry(yield* GatewaySettings)
      })
    )
  )
)

/**
 * The gateway as `tg-gateway serve` runs it: settings read through the current `ConfigProvider`,
 * the broker BROKER names. `lifecycle` is passed in so that the caller can still ask, after the
 * layer is released, whether any connection's shutdown was forced (the exit code).
 */
export const layerGatewayFromConfig = (
  lifecycle: LifecycleShape
): Layer.Layer<GatewayServer | Broker, ServerStartFailed | FlowConfigError | Config.ConfigError> =>
  layerServer.pipe(
    Layer.provideMerge(layerConfiguredBroker),
    Layer.provide(Layer.succeed(Lifecycle, lifecycle)),
    Layer.provide(layerGatewaySettings)
  )

/** The same from settings already resolved, for tests that build exact values. */
export const layerGateway = (
  settings: SettingValues,
  lifecycle: LifecycleShape,
  broker: Layer.Layer<Broker> = layerBroker(settings)
): Layer.Layer<GatewayServer | Broker, ServerStartFailed | FlowConfigError> =>
  layerServer.pipe(
    Layer.provideMerge(broker),
    Layer.provide(Layer.succeed(Lifecycle, lifecycle)),
    Layer.provide(Layer.succeed(GatewaySettings, settings))
  )

export { GatewayServer }
