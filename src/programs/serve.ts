/**
 * `tg-gateway serve`: resolves the settings from its flags (read by cli/commandLine.ts) and the
 * environment, runs the gateway layer until SIGTERM or SIGINT, and exits 0 when every connection
 * drained, 1 when a shutdown was forced (saying what), 2 on a usage or configuration error
 * (FLOWS_FILE included).
 */
// The module, not the package index: the index loads every platform module (about 25 MiB of RSS).
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, ConfigProvider, Effect, Exit, Layer } from "effect"
import { resolveSettings, settings } from "../domain/Settings.ts"
import { describeProblem, type Messages } from "../i18n/messages.ts"
import { layerGatewayFromConfig } from "../layers/GatewayLayer.ts"
import { layerLogging } from "../layers/Logging.ts"
import { BrokerConfigError } from "../layers/broker/PulsarAccess.ts"
import { TlsConfigError } from "../layers/ListenerTls.ts"
import { TokensFileError } from "../services/AccessControl.ts"
import { FlowConfigError } from "../services/FlowRegistry.ts"
import { Lifecycle, layerLifecycle } from "../services/Lifecycle.ts"

/**
 * The gateway reads its settings through `Config`; here that is the flags (by their variable's
 * name, an empty one kept as given) over the environment, so it sees exactly what
 * `resolveSettings` has just validated.
 */
export const flagsOverEnv = (
  options: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>
): ConfigProvider.ConfigProvider => {
  const flags = Object.fromEntries(
    Object.values(settings).flatMap((spec) => {
      const given = options[spec.flag]
      return given === undefined ? [] : [[spec.env, given]]
    })
  )
  return ConfigProvider.orElse(
    ConfigProvider.fromUnknown(flags, { preserveEmptyStrings: true }),
    ConfigProvider.fromEnvRecord({ ...env })
  )
}

export const serve = (
  options: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  messages: Messages
): void => {
  const { values, problems } = resolveSettings(env, options)
  if (problems.length > 0) {
    for (const p of problems)
      console.error(messages.t("config.invalid", { source: p.source, problem: describeProblem(messages, p.problem) }))
    console.error(messages.t("config.fix"))
    process.exitCode = 2
    return
  }
  // Read once the gateway is released, for the exit code.
  let forced: ReadonlyArray<string> = []
  const program = Effect.gen(function* () {
    const lifecycle = yield* Lifecycle
    return yield* Layer.launch(layerGatewayFromConfig).pipe(
      Effect.ensuring(Effect.sync(() => (forced = lifecycle.forced())))
    )
  }).pipe(
    Effect.provide(layerLifecycle),
    Effect.provideService(ConfigProvider.ConfigProvider, flagsOverEnv(options, env)),
    Effect.provide(layerLogging(values.logFormat, values.logLevel))
  )
  NodeRuntime.runMain(program, {
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      for (const what of forced) console.error(messages.t("serve.forced", { what }))
      if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) {
        const error = Cause.squash(exit.cause)
        // A FLOWS_FILE, GATEWAY_TOKENS_FILE or TLS pair that cannot be read or is wrong, or
        // broker settings that cannot work together, are configuration errors like any other.
        if (
          error instanceof FlowConfigError ||
          error instanceof TokensFileError ||
          error instanceof TlsConfigError ||
          error instanceof BrokerConfigError
        ) {
          console.error(messages.t("config.invalid", { source: error.source, problem: error.problem }))
          console.error(messages.t("config.fix"))
          return onExit(2)
        }
        console.error(`tg-gateway: ${error instanceof Error ? error.message : String(error)}`)
        return onExit(1)
      }
      if (forced.length > 0) return onExit(1)
      console.error(messages.t("serve.stopped"))
      onExit(0)
    }
  })
}
