/**
 * The whole gateway as layers: the HTTP server, its flows and connections, and the broker
 * (released last, after every connection has drained). Settings come from `Config` (the running
 * program's `ConfigProvider`) or, for tests that need exact values, from resolved settings.
 */
import { type Config, Effect, Layer } from "effect"
import type { SettingValues } from "../domain/Settings.ts"
import { type AccessControl, layerAccessControl, type TokensFileError } from "../services/AccessControl.ts"
import type { Broker } from "../services/Broker.ts"
import { type FlowConfigError, type FlowRegistry, layerFlowRegistry } from "../services/FlowRegistry.ts"
import { type Connections, layerConnections } from "../services/Connections.ts"
import { GatewaySettings, layerGatewaySettings } from "../services/GatewaySettings.ts"
import { Lifecycle, type LifecycleShape } from "../services/Lifecycle.ts"
import { binarySecurityProblem, layerPulsarBinaryBroker } from "./broker/binary/PulsarBinaryBroker.ts"
import { layerMemoryBroker } from "./broker/MemoryBroker.ts"
import { BrokerConfigError, securityProblem } from "./broker/PulsarAccess.ts"
import { layerPulsarBroker, type PulsarBrokerConfig } from "./broker/PulsarBroker.ts"
import { GatewayServer, layerGatewayServer, type ServerStartFailed } from "./GatewayServer.ts"
import type { TlsConfigError } from "./ListenerTls.ts"

/** The Pulsar adapter's options, from the settings. */
export const pulsarConfigOf = (settings: SettingValues): PulsarBrokerConfig => ({
  httpUrl: settings.pulsarHttpUrl,
  ...(settings.pulsarAdminUrl === undefined ? {} : { adminUrl: settings.pulsarAdminUrl }),
  pingInterval: settings.pulsarPingInterval,
  compression: settings.pulsarCompression,
  enableDeduplication: settings.pulsarEnableDeduplication,
  ...(settings.pulsarMaxMessageSize === undefined ? {} : { maxMessageSize: settings.pulsarMaxMessageSize }),
  auth: definedOnly({
    token: settings.pulsarAuthToken,
    tokenFile: settings.pulsarAuthTokenFile,
    oauth2: definedOnly({
      issuerUrl: settings.pulsarAuthOauth2IssuerUrl,
      audience: settings.pulsarAuthOauth2Audience,
      credentialsFile: settings.pulsarAuthOauth2CredentialsFile
    })
  }),
  tls: definedOnly({
    caFile: settings.pulsarTlsCaFile,
    certFile: settings.pulsarTlsCertFile,
    keyFile: settings.pulsarTlsKeyFile,
    insecure: settings.pulsarTlsInsecure
  })
})

/**
 * The binary port producers and consumers reach: PULSAR_URL, else the admin API's host on Pulsar's
 * standard port (6650, or 6651 over TLS when the admin API is https) — where a standalone broker
 * and a cluster's brokers listen — or undefined with PULSAR_TRANSPORT=websocket.
 */
export const pulsarServiceUrlOf = (settings: SettingValues): string | undefined => {
  if (settings.pulsarTransport === "websocket") return undefined
  if (settings.pulsarUrl !== undefined) return settings.pulsarUrl
  const admin = new URL(settings.pulsarAdminUrl ?? settings.pulsarHttpUrl)
  return admin.protocol === "https:" ? `pulsar+ssl://${admin.hostname}:6651` : `pulsar://${admin.hostname}:6650`
}

/** The broker BROKER names, built from settings already checked (tests, embedding apps). */
export const layerBroker = (settings: SettingValues): Layer.Layer<Broker> => {
  if (settings.broker !== "pulsar") return layerMemoryBroker
  const serviceUrl = pulsarServiceUrlOf(settings)
  return serviceUrl === undefined
    ? layerPulsarBroker(pulsarConfigOf(settings))
    : layerPulsarBinaryBroker({ ...pulsarConfigOf(settings), serviceUrl })
}

/** The object without its undefined fields: the broker's options are optional, not undefined. */
const definedOnly = <A extends Record<string, unknown>>(value: A): { [K in keyof A]?: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], undefined>
  }

/**
 * The broker BROKER names, with the settings in context. Pulsar settings that cannot work
 * together (a client certificate without its key, a token and OAuth2 at once, …) stop it here,
 * before anything starts, as other configuration errors do.
 */
export const layerConfiguredBroker: Layer.Layer<Broker, BrokerConfigError, GatewaySettings> = Layer.unwrap(
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    if (settings.broker !== "pulsar") return layerMemoryBroker
    const config = pulsarConfigOf(settings)
    if (settings.pulsarTransport === "websocket" && settings.pulsarUrl !== undefined) {
      return yield* new BrokerConfigError({
        source: "the PULSAR_* settings",
        problem:
          `PULSAR_URL (${settings.pulsarUrl}) is the binary port, and PULSAR_TRANSPORT=websocket sends ` +
          `everything through PULSAR_HTTP_URL's WebSocket API instead: unset one of the two`
      })
    }
    const serviceUrl = pulsarServiceUrlOf(settings)
    const binary = serviceUrl === undefined ? undefined : { ...config, serviceUrl }
    const problem =
      binary === undefined ? securityProblem(config.httpUrl, config.auth, config.tls) : binarySecurityProblem(binary)
    if (problem !== undefined) return yield* new BrokerConfigError({ source: "the PULSAR_* settings", problem })
    return layerBroker(settings)
  })
)

/** What the gateway's routes share: its flows, its open connections and the tokens' grants. */
export const layerServices: Layer.Layer<
  AccessControl | Connections | FlowRegistry,
  FlowConfigError | TokensFileError,
  GatewaySettings | Lifecycle
> = Layer.mergeAll(
  layerConnections,
  layerAccessControl,
  Layer.unwrap(
    Effect.gen(function* () {
      return layerFlowRegistry(yield* GatewaySettings)
    })
  )
)

/** The server on its own port, over settings, a shutdown state and a broker provided from outside. */
export const layerServer: Layer.Layer<
  GatewayServer,
  ServerStartFailed | FlowConfigError | TokensFileError | TlsConfigError,
  Broker | GatewaySettings | Lifecycle
> = layerGatewayServer.pipe(Layer.provide(layerServices))

/**
 * The gateway as `tg-gateway serve` runs it: settings read through the current `ConfigProvider`,
 * the broker BROKER names. The shutdown state comes from outside, so that the caller can still
 * ask, after the layer is released, whether any connection's shutdown was forced (the exit code).
 */
export const layerGatewayFromConfig: Layer.Layer<
  GatewayServer | Broker,
  ServerStartFailed | FlowConfigError | TokensFileError | TlsConfigError | BrokerConfigError | Config.ConfigError,
  Lifecycle
> = layerServer.pipe(Layer.provideMerge(layerConfiguredBroker), Layer.provide(layerGatewaySettings))

/** The same from settings already resolved, for tests that build exact values. */
export const layerGateway = (
  settings: SettingValues,
  lifecycle: LifecycleShape,
  broker: Layer.Layer<Broker> = layerBroker(settings)
): Layer.Layer<GatewayServer | Broker, ServerStartFailed | FlowConfigError | TokensFileError | TlsConfigError> =>
  layerServer.pipe(
    Layer.provideMerge(broker),
    Layer.provide(Layer.succeed(Lifecycle, lifecycle)),
    Layer.provide(Layer.succeed(GatewaySettings, settings))
  )

export { GatewayServer }
