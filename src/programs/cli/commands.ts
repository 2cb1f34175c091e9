/**
 * The options of `tg-gateway import` and `tg-gateway export`, one table each: the help text,
 * the environment variables that back them and how their values are read come from here.
 */
import { type Parsed, parseDuration, problem } from "../../domain/Settings.ts"
import type { MessageKey } from "../../i18n/catalogs/en.ts"
import { type InputFormat, inputFormats } from "./frameSource.ts"
import { type OutputFormat, outputFormats } from "./exportCommand.ts"

export interface ClientOption {
  readonly flag: string
  readonly placeholder: string
  readonly help: MessageKey
  /** Environment variable that backs it, if any. */
  readonly env?: string
  readonly default?: string
}

const shared: ReadonlyArray<ClientOption> = [
  { flag: "url", placeholder: "URL", help: "option.url", env: "TG_GATEWAY_URL", default: "ws://127.0.0.1:8888" },
  { flag: "flow", placeholder: "FLOW", help: "option.flow", default: "default" },
  { flag: "kind", placeholder: "KIND", help: "option.kind", default: "triples" },
  { flag: "workspace", placeholder: "NAME", help: "option.workspace", default: "default" },
  { flag: "token", placeholder: "TOKEN", help: "option.token", env: "TG_GATEWAY_TOKEN" }
]

export const importOptions: ReadonlyArray<ClientOption> = [
  ...shared,
  { flag: "format", placeholder: inputFormats.join("|"), help: "option.inputFormat" },
  { flag: "batch", placeholder: "N", help: "option.batch", default: "100" },
  { flag: "collection", placeholder: "NAME", help: "option.collection", default: "default" },
  { flag: "document-id", placeholder: "ID", help: "option.documentId" },
  { flag: "window", placeholder: "N", help: "option.window", default: "64" },
  { flag: "retries", placeholder: "N", help: "option.retries", default: "5" }
]

export const exportOptions: ReadonlyArray<ClientOption> = [
  ...shared,
  { flag: "output", placeholder: "FILE", help: "option.output", default: "-" },
  { flag: "format", placeholder: outputFormats.join("|"), help: "option.outputFormat" },
  { flag: "subscription", placeholder: "NAME", help: "option.subscription" },
  { flag: "from", placeholder: "latest|earliest", help: "option.from", default: "latest" },
  { flag: "count", placeholder: "N", help: "option.count" },
  { flag: "idle", placeholder: "DURATION", help: "option.idle" }
]

/** Reads options of `table`: the flag, then the environment variable, then the default. */
export const optionReader =
  (
    table: ReadonlyArray<ClientOption>,
    given: Readonly<Record<string, string>>,
    env: Readonly<Record<string, string | undefined>>
  ) =>
  (flag: string): string | undefined => {
    const option = table.find((o) => o.flag === flag)
    if (option === undefined) return undefined
    return given[option.flag] ?? (option.env === undefined ? undefined : env[option.env]) ?? option.default
  }

export const parseCount = (text: string): Parsed<number> => {
  const value = Number(text)
  return Number.isInteger(value) && value > 0 ? { ok: true, value } : problem("notPositive", { text })
}

export const parseChoice =
  <const C extends string>(choices: ReadonlyArray<C>) =>
  (text: string): Parsed<C> =>
    (choices as ReadonlyArray<string>).includes(text)
      ? { ok: true, value: text as C }
      : problem("notChoice", { text, choices: choices.join(", ") })

export const parseInputFormat = parseChoice<InputFormat>(inputFormats)
export const parseOutputFormat = parseChoice<OutputFormat>(outputFormats)
export const parseFrom = parseChoice(["latest", "earliest"] as const)
export { parseDuration }
