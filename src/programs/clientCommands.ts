/**
 * What `tg-gateway import` and `tg-gateway export` run with: values from the flags effect/cli has
 * read, else the environment, else the default, each checked with a message that names the option
 * or variable it came from, before anything connects.
 */
import { statSync } from "node:fs"
import { Duration, Effect } from "effect"
import { isExportable, kindNames } from "../domain/Kinds.ts"
import { type Parsed, parseChoice } from "../domain/Settings.ts"
import { describeProblem, type Messages } from "../i18n/messages.ts"
import type { ClientArgs } from "./cli/commandLine.ts"
import {
  exportOptions,
  importOptions,
  optionReader,
  parseCount,
  parseDuration,
  parseFrom,
  parseInputFormat,
  parseOutputFormat,
  parseProducer,
  parseRetries,
  sourceOf
} from "./cli/commands.ts"
import { type ExportOptions, runExport } from "./cli/exportCommand.ts"
import { documentIdOf, formatOf, inputSize, type SourceOptions } from "./cli/frameSource.ts"
import { checkGatewayUrl, type GatewayTarget, gatewayUrlsOf } from "./cli/gatewayUrl.ts"
import { type ImportOptions, runImport } from "./cli/importCommand.ts"
import { UsageError } from "./cli/UsageError.ts"

type Env = Readonly<Record<string, string | undefined>>

/** Reads an option's text with `parse`; a refused value is a usage error naming where it came from. */
const reader =
  (command: "import" | "export", messages: Messages, source: (flag: string) => string) =>
  <A>(
    flag: string,
    text: string | undefined,
    parse: (text: string) => Parsed<A>
  ): Effect.Effect<A | undefined, UsageError> => {
    if (text === undefined) return Effect.succeed(undefined)
    const parsed = parse(text)
    return parsed.ok
      ? Effect.succeed(parsed.value)
      : Effect.fail(
          new UsageError({ command, message: `${source(flag)}: ${describeProblem(messages, parsed.problem)}` })
        )
  }

/** The kinds each command takes: every kind can be imported, only some exported. */
const kindsFor = {
  import: parseChoice(kindNames),
  export: parseChoice(kindNames.filter(isExportable))
} as const

const targetOf = Effect.fnUntraced(function* (
  command: "import" | "export",
  value: (flag: string) => string | undefined,
  source: (flag: string) => string,
  messages: Messages
) {
  const urls = gatewayUrlsOf(value("url") ?? "ws://127.0.0.1:8888")
  for (const url of urls.length === 0 ? [""] : urls) {
    if (checkGatewayUrl(url) !== undefined)
      return yield* new UsageError({ command, message: `${source("url")}: ${messages.t("cli.badUrl", { url })}` })
  }
  const target: GatewayTarget = {
    urls,
    flow: value("flow") ?? "default",
    // Checked here, so that a kind the gateway does not serve in this direction is said before connecting.
    kind: (yield* reader(command, messages, source)("kind", value("kind"), kindsFor[command])) ?? "triples",
    workspace: value("workspace"),
    token: value("token")
  }
  return target
})

/** A file to read must be there and be a file: said now, before anything connects. */
const checkInput = (input: string, messages: Messages): Effect.Effect<void, UsageError> => {
  if (input === "-") return Effect.void
  const refused = (message: string) => Effect.fail(new UsageError({ command: "import", message }))
  try {
    return statSync(input).isFile() ? Effect.void : refused(messages.t("import.notAFile", { input }))
  } catch (error) {
    return refused(
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? messages.t("import.noSuchFile", { input })
        : messages.t("import.cannotRead", { input, reason: (error as Error).message })
    )
  }
}

const importOptionsOf = Effect.fnUntraced(function* (args: ClientArgs, env: Env, messages: Messages) {
  const source = (flag: string) => sourceOf(importOptions, args.options, env, flag)
  const read = reader("import", messages, source)
  const refused = (message: string) => new UsageError({ command: "import", message })
  const inputs = args.positionals
  if (inputs.length === 0) return yield* refused(messages.t("import.noInput"))
  if (inputs.includes("-") && inputs.length > 1) return yield* refused(messages.t("import.stdinAlone"))
  const value = optionReader(importOptions, args.options, env)
  const given = yield* read("format", value("format"), parseInputFormat)
  for (const input of inputs) yield* checkInput(input, messages)
  const target = yield* targetOf("import", value, source, messages)
  const batch = (yield* read("batch", value("batch"), parseCount)) ?? 100
  const sources: Array<SourceOptions> = []
  for (const input of inputs) {
    const format = given ?? (input === "-" ? "nt" : formatOf(input))
    if (format === undefined) return yield* refused(messages.t("import.unknownFormat", { input }))
    if (format !== "jsonl" && target.kind !== "triples")
      return yield* refused(messages.t("import.rdfOnlyTriples", { kind: target.kind }))
    sources.push({
      input,
      format,
      batch,
      metadata: {
        id: value("document-id") ?? documentIdOf(input),
        root: "",
        collection: value("collection") ?? "default"
      }
    })
  }
  const sizes = inputs.map(inputSize)
  const options: ImportOptions = {
    target,
    sources,
    bytesTotal: sizes.some((size) => size === undefined)
      ? undefined
      : sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0),
    window: (yield* read("window", value("window"), parseCount)) ?? 64,
    retries: (yield* read("retries", value("retries"), parseRetries)) ?? 5,
    producer: (yield* read("producer", value("producer"), parseProducer)) ?? { _tag: "Auto" }
  }
  return options
})

const exportOptionsOf = Effect.fnUntraced(function* (args: ClientArgs, env: Env, messages: Messages) {
  const source = (flag: string) => sourceOf(exportOptions, args.options, env, flag)
  const read = reader("export", messages, source)
  const value = optionReader(exportOptions, args.options, env)
  const output = value("output") ?? "-"
  const idle = yield* read("idle", value("idle"), parseDuration)
  const subscription = value("subscription")
  const force = args.switches.has("force")
  // An existing file is never emptied by surprise: resuming a subscription adds to it, --force
  // starts it again, anything else is refused before connecting.
  if (output !== "-" && !force && subscription === undefined && inputSize(output) !== undefined)
    return yield* new UsageError({ command: "export", message: messages.t("export.outputExists", { output }) })
  const options: ExportOptions = {
    target: yield* targetOf("export", value, source, messages),
    output,
    mode: subscription !== undefined && !force ? "append" : force ? "overwrite" : "create",
    format:
      (yield* read("format", value("format"), parseOutputFormat)) ??
      (output.endsWith(".nt") || output.endsWith(".nq") ? "nt" : "jsonl"),
    subscription,
    from: (yield* read("from", value("from"), parseFrom)) ?? "latest",
    count: yield* read("count", value("count"), parseCount),
    idleMillis: idle === undefined ? undefined : Duration.toMillis(idle),
    retries: (yield* read("retries", value("retries"), parseRetries)) ?? 5
  }
  return options
})

/** Checks what `import` or `export` was given, then runs it: its exit code. */
export const runClientCommand = (
  command: "import" | "export",
  args: ClientArgs,
  env: Env,
  messages: Messages
): Effect.Effect<number, UsageError> =>
  command === "import"
    ? importOptionsOf(args, env, messages).pipe(
        Effect.flatMap((options) => Effect.promise(() => runImport(options, messages)))
      )
    : exportOptionsOf(args, env, messages).pipe(
        Effect.flatMap((options) => Effect.promise(() => runExport(options, messages)))
      )
