/**
 * The resolved settings of a running gateway (see `src/domain/Settings.ts` for each one), and the
 * `Config` that reads them through whatever `ConfigProvider` the program runs with: the process
 * environment by default, or a host application's own provider when the gateway is embedded.
 */
import { Config, Context, Effect, Layer, Option, Schema, SchemaIssue } from "effect"
import { type Parsed, type Setting, type SettingName, type SettingValues, settings } from "../domain/Settings.ts"
import { en } from "../i18n/catalogs/en.ts"
import { fill } from "../i18n/messages.ts"

export class GatewaySettings extends Context.Service<GatewaySettings, SettingValues>()("tg-gateway/GatewaySettings") {}

/**
 * One setting read by its environment name. Absent (or, for the environment, empty) means its
 * default, as `resolveSettings` does; a refused text is kept as the table's problem, so that every
 * refused setting can be reported at once below rather than only the first.
 */
const settingConfig = <A>(spec: Setting<A>): Config.Config<Parsed<A | undefined>> =>
  Config.option(Config.String(spec.env)).pipe(
    Config.map((given): Parsed<A | undefined> => {
      const text = Option.getOrUndefined(given) ?? spec.default
      return text === undefined ? { ok: true, value: undefined } : spec.parse(text)
    })
  )

/**
 * Every setting of the gateway as one `Config`, built from the table in `src/domain/Settings.ts`
 * (the same names, defaults and parsers as `tg-gateway serve`). A refusal is one `ConfigError`
 * naming each variable that was wrong and why, in English (the command line translates its own).
 */
export const settingsConfig: Config.Config<SettingValues> = Config.all(
  Object.fromEntries(
    (Object.entries(settings) as Array<[SettingName, Setting<unknown>]>).map(([name, spec]) => [
      name,
      settingConfig(spec)
    ])
  ) as Record<SettingName, Config.Config<Parsed<unknown>>>
).pipe(
  Config.mapEffect((parsed) => {
    const values: Record<string, unknown> = {}
    const issues: Array<SchemaIssue.Issue> = []
    for (const [name, result] of Object.entries(parsed) as Array<[SettingName, Parsed<unknown>]>) {
      if (result.ok) values[name] = result.value
      else {
        const message = fill(en[`problem.${result.problem.key}`], result.problem.params)
        issues.push(new SchemaIssue.Pointer([settings[name].env], new SchemaIssue.InvalidValue({ message })))
      }
    }
    const [first, ...rest] = issues
    if (first === undefined) return Effect.succeed(values as SettingValues)
    const issue = rest.length === 0 ? first : new SchemaIssue.Composite(Schema.String.ast, [first, ...rest])
    return Effect.fail(new Config.ConfigError(new Schema.SchemaError(issue)))
  })
)

/** The settings read through the current `ConfigProvider`. */
export const layerGatewaySettings: Layer.Layer<GatewaySettings, Config.ConfigError> = Layer.effect(
  GatewaySettings,
  settingsConfig
)
