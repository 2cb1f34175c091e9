/**
 * Argument handling for `tg-gateway import` and `tg-gateway export`: help from the option
 * tables, values from flags and environment, validation with messages that name the option.
 */
import { Duration } from "effect"
import type { Parsed } from "../domain/Settings.ts"
import { describeProblem, type Messages } from "../i18n/messages.ts"
import {
  type ClientOption,
  exportOptions,
  importOptions,
  optionReader,
  parseCount,
  parseDuration,
  parseFrom,
  parseInputFormat,
  parseOutputFormat
} from "./cli/commands.ts"
import { type ExportOptions, runExport } from "./cli/exportCommand.ts"
import { documentIdOf, formatOf, inputSize } from "./cli/frameSource.ts"
import type { GatewayTarget } from "./cli/gatewayUrl.ts"
import { exitCodes, type ImportOptions, runImport } from "./cli/importCommand.ts"

type Env = Readonly<Record<string, string | undefined>>

export const clientHelp = (command: "import" | "export", messages: Messages): string => {
  const { t } = messages
  const table = command === "import" ? importOptions : exportOptions
  const rows = table.map((option: ClientOption) => {
    const origin = [
      option.env === undefined ? undefined : t("cli.env", { name: option.env }),
      option.default === undefined ? undefined : t("cli.default", { value: option.default })
    ].filter((part) => part !== undefined)
    return [
      `  --${option.flag} ${option.placeholder}`,
      `      ${t(option.help)}`,
      ...(origin.length > 0 ? [`      ${origin.join("; ")}`] : [])
    ].join("\n")
  })
  return [
    command === "import" ? t("import.usage") : t("export.usage"),
    "",
    command === "import" ? t("import.title") : t("export.title"),
    "",
    t("cli.options"),
    ...rows,
    `  --lang LANG\n      ${t("cli.option.lang")}`,
    `  --help\n      ${t("cli.option.help")}`,
    "",
    command === "import" ? t("import.exitCodes") : t("export.exitCodes")
  ].join("\n")
}

class UsageError extends Error {}

const reader =
  (messages: Messages) =>
  <A>(flag: string, text: string | undefined, parse: (text: string) => Parsed<A>): A | undefined => {
    if (text === undefined) return undefined
    const parsed = parse(text)
    if (!parsed.ok) throw new UsageError(`--${flag}: ${describeProblem(messages, parsed.problem)}`)
    return parsed.value
  }

const checkFlags = (
  table: ReadonlyArray<ClientOption>,
  given: Readonly<Record<string, string>>,
  messages: Messages,
  command: string
) => {
  for (const flag of Object.keys(given)) {
    if (!table.some((option) => option.flag === flag))
      throw new UsageError(messages.t("cli.unknownFlag", { flag, command }))
  }
}

const targetOf = (value: (flag: string) => string | undefined): GatewayTarget => {
  return {
    url: value("url") ?? "ws://127.0.0.1:8888",
    flow: value("flow") ?? "default",
    kind: value("kind") ?? "triples",
    workspace: value("workspace"),
    token: value("token")
  }
}

const importOptionsOf = (
  positionals: ReadonlyArray<string>,
  given: Readonly<Record<string, string>>,
  env: Env,
  messages: Messages
): ImportOptions => {
  checkFlags(importOptions, given, messages, "import")
  const read = reader(messages)
  const [input, ...extra] = positionals
  if (input === undefined) throw new UsageError(messages.t("import.noInput"))
  if (extra.length > 0) throw new UsageError(messages.t("import.oneInput", { extra: extra.join(" ") }))
  const value = optionReader(importOptions, given, env)
  const format = read("format", value("format"), parseInputFormat) ?? (input === "-" ? "nt" : formatOf(input))
  if (format === undefined) throw new UsageError(messages.t("import.unknownFormat", { input }))
  const target = targetOf(value)
  if (format !== "jsonl" && target.kind !== "triples")
    throw new UsageError(messages.t("import.rdfOnlyTriples", { kind: target.kind }))
  return {
    target,
    source: {
      input,
      format,
      batch: read("batch", value("batch"), parseCount) ?? 100,
      metadata: {
        id: value("document-id") ?? documentIdOf(input),
        root: "",
        collection: value("collection") ?? "default"
      }
    },
    bytesTotal: inputSize(input),
    window: read("window", value("window"), parseCount) ?? 64,
    retries: read("retries", value("retries"), parseCount) ?? 5
  }
}

const exportOptionsOf = (
  positionals: ReadonlyArray<string>,
  given: Readonly<Record<string, string>>,
  env: Env,
  messages: Messages
): ExportOptions => {
  checkFlags(exportOptions, given, messages, "export")
  const read = reader(messages)
  if (positionals.length > 0) throw new UsageError(messages.t("export.noPositionals", { extra: positionals.join(" ") }))
  const value = optionReader(exportOptions, given, env)
  const output = value("output") ?? "-"
  const idle = read("idle", value("idle"), parseDuration)
  return {
    target: targetOf(value),
    output,
    format:
      read("format", value("format"), parseOutputFormat) ??
      (output.endsWith(".nt") || output.endsWith(".nq") ? "nt" : "jsonl"),
    subscription: value("subscription"),
    from: read("from", value("from"), parseFrom) ?? "latest",
    count: read("count", value("count"), parseCount),
    idleMillis: idle === undefined ? undefined : Duration.toMillis(idle)
  }
}

export const runClientCommand = async (
  command: "import" | "export",
  positionals: ReadonlyArray<string>,
  given: Readonly<Record<string, string>>,
  env: Env,
  messages: Messages
): Promise<number> => {
  try {
    return command === "import"
      ? await runImport(importOptionsOf(positionals, given, env, messages), messages)
      : await runExport(exportOptionsOf(positionals, given, env, messages), messages)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`tg-gateway ${command}: ${error.message}\n${messages.t("cli.seeHelp", { command })}\n`)
    return exitCodes.usage
  }
}
