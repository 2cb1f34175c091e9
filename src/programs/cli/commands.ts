/**
 * The options of `tg-gateway import` and `tg-gateway export`, one table each: the help text,
 * the environment variables that back them and how their values are read come from here.
 */
import { type Parsed, parseChoice, parseDuration, problem } from "../../domain/Settings.ts"
import type { MessageKey } from "../../i18n/catalogs/en.ts"
import { type InputFormat, inputFormats } from "./frameSource.ts"
import { type OutputFormat, outputFormats } from "./exportCommand.ts"

export interface ClientOption {
  readonly flag: string
  readonly placeholder: string
  readonly help: MessageKey
  /** Environment variables that back it, the first set one wins. */
  readonly env?: ReadonlyArray<string>
  readonly default?: string
  /** One-letter form, as trustgraph-cli spells it (`-u`). */
  readonly short?: string
  /** Other long names, as trustgraph-cli spells them (`--api-url`). */
  readonly aliases?: ReadonlyArray<string>
  /** Takes no value (`--force`). */
  readonly isSwitch?: boolean
}

/** The options both commands take; `kind` says which kinds the command takes. */
const shared = (kind: ClientOption): ReadonlyArray<ClientOption> => [
  {
    flag: "url",
    placeholder: "URL",
    help: "option.url",
    env: ["TG_GATEWAY_URL"],
    default: "ws://127.0.0.1:8888",
    short: "u",
    aliases: ["api-url"]
  },
  { flag: "flow", placeholder: "FLOW", help: "option.flow", default: "default", short: "f", aliases: ["flow-id"] },
  kind,
  { flag: "workspace", placeholder: "NAME", help: "option.workspace", default: "default", short: "w" },
  {
    flag: "token",
    placeholder: "TOKEN",
    help: "option.token",
    env: ["TG_GATEWAY_TOKEN", "TRUSTGRAPH_TOKEN"],
    short: "t"
  }
]

export const importOptions: ReadonlyArray<ClientOption> = [
  ...shared({ flag: "kind", placeholder: "KIND", help: "option.kind", default: "triples" }),
  { flag: "format", placeholder: inputFormats.join("|"), help: "option.inputFormat" },
  { flag: "batch", placeholder: "N", help: "option.batch", default: "100" },
  { flag: "collection", placeholder: "NAME", help: "option.collection", default: "default" },
  { flag: "document-id", placeholder: "ID", help: "option.documentId" },
  { flag: "window", placeholder: "N", help: "option.window", default: "64" },
  { flag: "retries", placeholder: "N", help: "option.retries", default: "5" }
]

export const exportOptions: ReadonlyArray<ClientOption> = [
  ...shared({ flag: "kind", placeholder: "KIND", help: "option.exportKind", default: "triples" }),
  { flag: "output", placeholder: "FILE", help: "option.output", default: "-" },
  { flag: "force", placeholder: "", help: "option.force", isSwitch: true },
  { flag: "format", placeholder: outputFormats.join("|"), help: "option.outputFormat" },
  { flag: "subscription", placeholder: "NAME", help: "option.subscription" },
  { flag: "from", placeholder: "latest|earliest", help: "option.from", default: "latest" },
  { flag: "count", placeholder: "N", help: "option.count" },
  { flag: "idle", placeholder: "DURATION", help: "option.idle" }
]

/** The one-letter forms of both commands, for the argument parser. */
export const shortNames: Readonly<Record<string, string>> = Object.fromEntries(
  [...importOptions, ...exportOptions].flatMap((option) =>
    option.short === undefined ? [] : [[option.short, option.flag] as const]
  )
)

/** The switches of both commands, for the argument parser. */
export const switchNames: ReadonlyArray<string> = [...importOptions, ...exportOptions].flatMap((option) =>
  option.isSwitch === true ? [option.flag] : []
)

/** The option of `table` a long name (or alias) given on the command line means. */
export const optionNamed = (table: ReadonlyArray<ClientOption>, name: string): ClientOption | undefined =>
  table.find((option) => option.flag === name || option.aliases?.includes(name) === true)

/** Reads options of `table`: the flag (or an alias), then the environment, then the default. */
export const optionReader =
  (
    table: ReadonlyArray<ClientOption>,
    given: Readonly<Record<string, string>>,
    env: Readonly<Record<string, string | undefined>>
  ) =>
  (flag: string): string | undefined => {
    const option = table.find((o) => o.flag === flag)
    if (option === undefined) return undefined
    const named = [option.flag, ...(option.aliases ?? [])].map((name) => given[name]).find((v) => v !== undefined)
    const fromEnv = (option.env ?? []).map((name) => env[name]).find((v) => v !== undefined && v !== "")
    return named ?? fromEnv ?? option.default
  }

/** Where an option's value came from, for messages: `--url` or `TG_GATEWAY_URL`. */
export const sourceOf = (
  table: ReadonlyArray<ClientOption>,
  given: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  flag: string
): string => {
  const option = table.find((o) => o.flag === flag)
  const named = [option?.flag ?? flag, ...(option?.aliases ?? [])].find((name) => given[name] !== undefined)
  if (named !== undefined) return `--${named}`
  return (option?.env ?? []).find((name) => env[name] !== undefined && env[name] !== "") ?? `--${flag}`
}

/** Zero or more: `--retries 0` means never try again. */
export const parseRetries = (text: string): Parsed<number> => {
  const value = Number(text)
  return text.trim() !== "" && Number.isInteger(value) && value >= 0 && value <= 1000
    ? { ok: true, value }
    : problem("notInteger", { text, min: 0, max: 1000 })
}

export const parseCount = (text: string): Parsed<number> => {
  const value = Number(text)
  return Number.isInteger(value) && value > 0 ? { ok: true, value } : problem("notPositive", { text })
}

export const parseInputFormat = parseChoice<InputFormat>(inputFormats)
export const parseOutputFormat = parseChoice<OutputFormat>(outputFormats)
export const parseFrom = parseChoice(["latest", "earliest"] as const)
export { parseDuration }
