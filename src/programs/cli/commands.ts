/**
 * The options of `tg-gateway import` and `tg-gateway export`, one table each: the command line's
 * flags (src/programs/cli/commandLine.ts), their help text, the environment variables that back
 * them and how their values are read come from here.
 */
import { type Parsed, parseChoice, parseDuration, problem } from "../../domain/Settings.ts"
import type { MessageKey } from "../../i18n/catalogs/en.ts"
import type { OutputFormat } from "./exportCommand.ts"
import type { ProducerChoice } from "./importCommand.ts"
import type { InputFormat } from "./frameSource.ts"

/** `list`, when it names every member of `T` and nothing else; a type error otherwise. */
const exactly =
  <T extends string>() =>
  <const L extends ReadonlyArray<T>>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never)): L =>
    list

// Named here rather than imported from the modules that read and write them, so that `--help`
// does not load those (and n3, ws, the platform); the types keep each list that module's own.
const inputFormats = exactly<InputFormat>()(["nt", "ttl", "jsonl"])
const outputFormats = exactly<OutputFormat>()(["jsonl", "nt"])

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
  { flag: "retries", placeholder: "N", help: "option.retries", default: "5" },
  {
    flag: "producer",
    placeholder: "auto|NAME|none",
    help: "option.producer",
    env: ["TG_IMPORT_PRODUCER"],
    default: "auto"
  }
]

export const exportOptions: ReadonlyArray<ClientOption> = [
  ...shared({ flag: "kind", placeholder: "KIND", help: "option.exportKind", default: "triples" }),
  { flag: "output", placeholder: "FILE", help: "option.output", default: "-" },
  { flag: "force", placeholder: "", help: "option.force", isSwitch: true },
  { flag: "format", placeholder: outputFormats.join("|"), help: "option.outputFormat" },
  { flag: "subscription", placeholder: "NAME", help: "option.subscription" },
  { flag: "from", placeholder: "latest|earliest", help: "option.from", default: "latest" },
  { flag: "count", placeholder: "N", help: "option.count" },
  { flag: "idle", placeholder: "DURATION", help: "option.idle" },
  { flag: "retries", placeholder: "N", help: "option.exportRetries", default: "5" }
]

/** Reads options of `table`: the flag, then the environment, then the default. */
export const optionReader =
  (
    table: ReadonlyArray<ClientOption>,
    given: Readonly<Record<string, string>>,
    env: Readonly<Record<string, string | undefined>>
  ) =>
  (flag: string): string | undefined => {
    const option = table.find((o) => o.flag === flag)
    if (option === undefined) return undefined
    const fromEnv = (option.env ?? []).map((name) => env[name]).find((v) => v !== undefined && v !== "")
    return given[flag] ?? fromEnv ?? option.default
  }

/** Where an option's value came from, for messages: `--url` or `TG_GATEWAY_URL`. */
export const sourceOf = (
  table: ReadonlyArray<ClientOption>,
  given: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  flag: string
): string => {
  if (given[flag] !== undefined) return `--${flag}`
  const option = table.find((o) => o.flag === flag)
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

/** `--producer`: auto, none, or a name the gateway takes (1 to 128 of letters, digits, '.', '_', '-'). */
export const parseProducer = (text: string): Parsed<ProducerChoice> => {
  if (text === "auto") return { ok: true, value: { _tag: "Auto" } }
  if (text === "none") return { ok: true, value: { _tag: "Off" } }
  return /^[A-Za-z0-9._-]{1,128}$/.test(text)
    ? { ok: true, value: { _tag: "Named", name: text } }
    : problem("badProducerName", { text })
}

export const parseInputFormat = parseChoice<InputFormat>(inputFormats)
export const parseOutputFormat = parseChoice<OutputFormat>(outputFormats)
export const parseFrom = parseChoice(["latest", "earliest"] as const)
export { parseDuration }
