/**
 * Argument handling for `tg-gateway import` and `tg-gateway export`: help from the option
 * tables, values from flags and environment, validation with messages that name the option.
 */
import { statSync } from "node:fs"
import { Duration } from "effect"
import { isExportable, kindNames } from "../domain/Kinds.ts"
import { type Parsed, parseChoice } from "../domain/Settings.ts"
import { describeProblem, type Messages } from "../i18n/messages.ts"
import {
  type ClientOption,
  exportOptions,
  importOptions,
  optionNamed,
  optionReader,
  parseCount,
  parseDuration,
  parseFrom,
  parseInputFormat,
  parseOutputFormat,
  parseRetries,
  sourceOf
} from "./cli/commands.ts"
import { type ExportOptions, runExport } from "./cli/exportCommand.ts"
import { documentIdOf, formatOf, inputSize, type SourceOptions } from "./cli/frameSource.ts"
import { checkGatewayUrl, type GatewayTarget } from "./cli/gatewayUrl.ts"
import { exitCodes, type ImportOptions, runImport } from "./cli/importCommand.ts"

type Env = Readonly<Record<string, string | undefined>>

/** What the command line gave a client command. */
export interface ClientArgs {
  readonly positionals: ReadonlyArray<string>
  readonly options: Readonly<Record<string, string>>
  readonly switches: ReadonlySet<string>
  readonly unknownShort: ReadonlyArray<string>
}

export const clientHelp = (command: "import" | "export", messages: Messages): string => {
  const { t } = messages
  const table = command === "import" ? importOptions : exportOptions
  const rows = table.map((option: ClientOption) => {
    const origin = [
      option.env === undefined ? undefined : t("cli.env", { name: option.env.join(", ") }),
      option.default === undefined ? undefined : t("cli.default", { value: option.default })
    ].filter((part) => part !== undefined)
    const names = [
      ...(option.short === undefined ? [] : [`-${option.short}`]),
      `--${option.flag}`,
      ...(option.aliases ?? []).map((alias) => `--${alias}`)
    ].join(", ")
    return [
      `  ${names}${option.isSwitch === true ? "" : ` ${option.placeholder}`}`,
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
    `  -h, --help\n      ${t("cli.option.help")}`,
    "",
    command === "import" ? t("import.exitCodes") : t("export.exitCodes")
  ].join("\n")
}

class UsageError extends Error {}

const reader =
  (messages: Messages, source: (flag: string) => string) =>
  <A>(flag: string, text: string | undefined, parse: (text: string) => Parsed<A>): A | undefined => {
    if (text === undefined) return undefined
    const parsed = parse(text)
    if (!parsed.ok) throw new UsageError(`${source(flag)}: ${describeProblem(messages, parsed.problem)}`)
    return parsed.value
  }

const checkFlags = (table: ReadonlyArray<ClientOption>, args: ClientArgs, messages: Messages, command: string) => {
  for (const short of args.unknownShort) throw new UsageError(messages.t("cli.unknownFlag", { flag: short, command }))
  for (const name of Object.keys(args.options)) {
    const option = optionNamed(table, name)
    if (option === undefined || option.isSwitch === true)
      throw new UsageError(messages.t("cli.unknownFlag", { flag: `--${name}`, command }))
  }
  for (const name of args.switches) {
    if (name === "help" || name === "version") continue
    if (optionNamed(table, name)?.isSwitch !== true)
      throw new UsageError(messages.t("cli.unknownFlag", { flag: `--${name}`, command }))
  }
}

/** The kinds each command takes: every kind can be imported, only some exported. */
const kindsFor = {
  import: parseChoice(kindNames),
  export: parseChoice(kindNames.filter(isExportable))
} as const

const targetOf = (
  command: "import" | "export",
  value: (flag: string) => string | undefined,
  source: (flag: string) => string,
  messages: Messages
): GatewayTarget => {
  const url = value("url") ?? "ws://127.0.0.1:8888"
  const problem = checkGatewayUrl(url)
  if (problem !== undefined) throw new UsageError(`${source("url")}: ${messages.t("cli.badUrl", { url })}`)
  return {
    url,
    flow: value("flow") ?? "default",
    // Checked here, so that a kind the gateway does not serve in this direction is said before connecting.
    kind: reader(messages, source)("kind", value("kind"), kindsFor[command]) ?? "triples",
    workspace: value("workspace"),
    token: value("token")
  }
}

/** A file to read must be there and be a file: said now, before anything connects. */
const checkInput = (input: string, messages: Messages) => {
  if (input === "-") return
  let isFile: boolean
  try {
    isFile = statSync(input).isFile()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      code === "ENOENT"
        ? messages.t("import.noSuchFile", { input })
        : messages.t("import.cannotRead", { input, reason: (error as Error).message })
    )
  }
  if (!isFile) throw new UsageError(messages.t("import.notAFile", { input }))
}

const importOptionsOf = (args: ClientArgs, env: Env, messages: Messages): ImportOptions => {
  checkFlags(importOptions, args, messages, "import")
  const source = (flag: string) => sourceOf(importOptions, args.options, env, flag)
  const read = reader(messages, source)
  const inputs = args.positionals
  if (inputs.length === 0) throw new UsageError(messages.t("import.noInput"))
  if (inputs.filter((input) => input === "-").length > 0 && inputs.length > 1)
    throw new UsageError(messages.t("import.stdinAlone"))
  const value = optionReader(importOptions, args.options, env)
  const given = read("format", value("format"), parseInputFormat)
  for (const input of inputs) checkInput(input, messages)
  const target = targetOf("import", value, source, messages)
  const batch = read("batch", value("batch"), parseCount) ?? 100
  const sources = inputs.map((input): SourceOptions => {
    const format = given ?? (input === "-" ? "nt" : formatOf(input))
    if (format === undefined) throw new UsageError(messages.t("import.unknownFormat", { input }))
    if (format !== "jsonl" && target.kind !== "triples")
      throw new UsageError(messages.t("import.rdfOnlyTriples", { kind: target.kind }))
    return {
      input,
      format,
      batch,
      metadata: {
        id: value("document-id") ?? documentIdOf(input),
        root: "",
        collection: value("collection") ?? "default"
      }
    }
  })
  const sizes = inputs.map(inputSize)
  return {
    target,
    sources,
    bytesTotal: sizes.some((size) => size === undefined)
      ? undefined
      : sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0),
    window: read("window", value("window"), parseCount) ?? 64,
    retries: read("retries", value("retries"), parseRetries) ?? 5
  }
}

const exportOptionsOf = (args: ClientArgs, env: Env, messages: Messages): ExportOptions => {
  checkFlags(exportOptions, args, messages, "export")
  const source = (flag: string) => sourceOf(exportOptions, args.options, env, flag)
  const read = reader(messages, source)
  if (args.positionals.length > 0)
    throw new UsageError(messages.t("export.noPositionals", { extra: args.positionals.join(" ") }))
  const value = optionReader(exportOptions, args.options, env)
  const output = value("output") ?? "-"
  const idle = read("idle", value("idle"), parseDuration)
  const subscription = value("subscription")
  const force = args.switches.has("force")
  // An existing file is never emptied by surprise: resuming a subscription adds to it, --force
  // starts it again, anything else is refused before connecting.
  if (output !== "-" && !force && subscription === undefined && inputSize(output) !== undefined)
    throw new UsageError(messages.t("export.outputExists", { output }))
  return {
    target: targetOf("export", value, source, messages),
    output,
    mode: subscription !== undefined && !force ? "append" : force ? "overwrite" : "create",
    format:
      read("format", value("format"), parseOutputFormat) ??
      (output.endsWith(".nt") || output.endsWith(".nq") ? "nt" : "jsonl"),
    subscription,
    from: read("from", value("from"), parseFrom) ?? "latest",
    count: read("count", value("count"), parseCount),
    idleMillis: idle === undefined ? undefined : Duration.toMillis(idle)
  }
}

export const runClientCommand = async (
  command: "import" | "export",
  args: ClientArgs,
  env: Env,
  messages: Messages
): Promise<number> => {
  try {
    return command === "import"
      ? await runImport(importOptionsOf(args, env, messages), messages)
      : await runExport(exportOptionsOf(args, env, messages), messages)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`tg-gateway ${command}: ${error.message}\n${messages.t("cli.seeHelp", { command })}\n`)
    return exitCodes.usage
  }
}
