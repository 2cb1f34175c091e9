/**
 * The command line, through effect/cli: `tg-gateway` with `serve`, `import` and `export`, one
 * Command each, whose flags are declared once from the tables — serve's from the settings of
 * Settings.ts, import's and export's from cli/commands.ts — with `--help`, `--version` and `--lang`
 * for all of them, and help and errors in the user's language (cliOutput.ts). What a command does
 * is given by the caller, so that `--help` loads nothing of the gateway or of the client.
 */
import { Effect, Layer, Option, Ref } from "effect"
import { Argument, CliConfig, type CliError, Command, Flag, GlobalFlag } from "effect/cli"
import { settings } from "../../domain/Settings.ts"
import type { Messages } from "../../i18n/messages.ts"
import { layerTranslated } from "./cliOutput.ts"
import { type ClientOption, exportOptions, importOptions } from "./commands.ts"
import { UsageError } from "./UsageError.ts"

/** What the command line gave `import` or `export`. */
export interface ClientArgs {
  readonly positionals: ReadonlyArray<string>
  /** The value of each option given, by its name: `url` for `-u` and `--api-url` too. */
  readonly options: Readonly<Record<string, string>>
  readonly switches: ReadonlySet<string>
}

export interface CommandHandlers {
  /** Starts the gateway with the settings given as flags, by flag name; it sets the exit code itself. */
  readonly serve: (options: Readonly<Record<string, string>>) => Effect.Effect<void, UsageError>
  /** Runs `import` or `export` to its end: its exit code. */
  readonly client: (command: "import" | "export", args: ClientArgs) => Effect.Effect<number, UsageError>
}

/** A usage error's exit code, whether effect/cli or a command found it. */
export const usageExitCode = 2

/** One-letter options that take a value: u, f, w, t. */
const valueShorts = new Set(
  [...importOptions, ...exportOptions].flatMap((option) =>
    option.short !== undefined && option.isSwitch !== true ? [option.short] : []
  )
)

/**
 * `-uVALUE` as `-u=VALUE`: trustgraph-cli (argparse) takes a one-letter option's value attached,
 * where effect/cli would read `-uhttp://x` as the switches -u -h -t …, and show the help.
 */
export const attachedValues = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const end = argv.indexOf("--")
  return argv.map((arg, at) =>
    (end < 0 || at < end) && /^-[A-Za-z][^=]/.test(arg) && valueShorts.has(arg.charAt(1))
      ? `-${arg.charAt(1)}=${arg.slice(2)}`
      : arg
  )
}

/**
 * The value of `--lang`, read before effect/cli runs: the help and the errors it prints are in
 * that language, and the catalog has to be loaded first. effect/cli then checks the flag itself.
 */
export const languageFlag = (argv: ReadonlyArray<string>): string | undefined => {
  for (const [at, arg] of argv.entries()) {
    if (arg === "--") return undefined
    if (arg === "--lang") return argv[at + 1]
    if (arg.startsWith("--lang=")) return arg.slice("--lang=".length)
  }
  return undefined
}

/** The values given, by flag name: `Option`s of strings from effect/cli, the absent ones left out. */
const given = (values: Readonly<Record<string, Option.Option<string>>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(values).flatMap(([name, value]) => (Option.isSome(value) ? [[name, value.value]] : []))
  )

const serveCommand = (messages: Messages, run: CommandHandlers["serve"]) => {
  const { t } = messages
  const flags = Object.fromEntries(
    Object.values(settings).map((spec) => {
      const shown = spec.default === undefined ? t("cli.unset") : spec.default
      const description = [
        t(`setting.${spec.env}` as Parameters<typeof t>[0]),
        `${t("cli.env", { name: spec.env })}; ${t("cli.default", { value: shown })}`
      ].join("\n")
      const flag = Flag.String(spec.flag).pipe(
        Flag.optional,
        Flag.withMetavar(spec.placeholder),
        Flag.withDescription(description)
      )
      return [spec.flag, flag] as const
    })
  )
  return Command.make("serve", flags, (values) => run(given(values))).pipe(
    Command.withDescription(t("serve.title")),
    Command.withShortDescription(t("cli.command.serve"))
  )
}

/** The flags of `table`, in its order: a value for most, a switch (`--force`) for some. */
const clientFlags = (table: ReadonlyArray<ClientOption>, messages: Messages) => {
  const { t } = messages
  const flags: Record<string, Flag.Flag<Option.Option<string>> | Flag.Flag<boolean>> = {}
  for (const option of table) {
    const origin = [
      option.env === undefined ? undefined : t("cli.env", { name: option.env.join(", ") }),
      option.default === undefined ? undefined : t("cli.default", { value: option.default })
    ].filter((part) => part !== undefined)
    const description = [t(option.help), ...(origin.length > 0 ? [origin.join("; ")] : [])].join("\n")
    const names = [...(option.short === undefined ? [] : [option.short]), ...(option.aliases ?? [])]
    flags[option.flag] =
      option.isSwitch === true
        ? Flag.Boolean(option.flag).pipe(
            Flag.withoutNegation,
            Flag.withDefault(false),
            Flag.withDescription(description)
          )
        : names
            .reduce((flag, name) => Flag.withAlias(flag, name), Flag.String(option.flag))
            .pipe(Flag.optional, Flag.withMetavar(option.placeholder), Flag.withDescription(description))
  }
  return flags
}

const clientArgs = (
  values: Readonly<Record<string, Option.Option<string> | boolean>>,
  positionals: ReadonlyArray<string>
): ClientArgs => ({
  positionals,
  options: Object.fromEntries(
    Object.entries(values).flatMap(([name, value]) =>
      typeof value !== "boolean" && Option.isSome(value) ? [[name, value.value]] : []
    )
  ),
  switches: new Set(Object.keys(values).filter((name) => values[name] === true))
})

type RunClient = (command: "import" | "export", args: ClientArgs) => Effect.Effect<void, UsageError>

const importCommand = (messages: Messages, run: RunClient) =>
  Command.make(
    "import",
    {
      flags: clientFlags(importOptions, messages),
      // None is a usage error said by the command, in the words of `import.noInput`.
      files: Argument.String("file").pipe(Argument.variadic())
    },
    ({ flags, files }) => run("import", clientArgs(flags, files))
  ).pipe(
    Command.withDescription(messages.t("import.title")),
    Command.withShortDescription(messages.t("cli.command.import"))
  )

const exportCommand = (messages: Messages, run: RunClient) =>
  Command.make("export", { flags: clientFlags(exportOptions, messages) }, ({ flags }) =>
    run("export", clientArgs(flags, []))
  ).pipe(
    Command.withDescription(messages.t("export.title")),
    Command.withShortDescription(messages.t("cli.command.export"))
  )

/**
 * Runs the command line `argv` (without the program's name): the exit code to set, or undefined
 * when the command sets it itself (serve, at shutdown). A usage error is said through the
 * formatter and is exit 2.
 */
export const runCommandLine = (
  argv: ReadonlyArray<string>,
  messages: Messages,
  version: string,
  handlers: CommandHandlers
): Effect.Effect<number | undefined, never, Command.Environment> =>
  Effect.gen(function* () {
    const exitCode = yield* Ref.make<number | undefined>(0)
    const lang = GlobalFlag.Setting("lang")({
      flag: Flag.String("lang").pipe(
        Flag.optional,
        Flag.withMetavar("LANG"),
        Flag.withDescription(messages.t("cli.option.lang"))
      )
    })
    const serve = serveCommand(messages, (options) =>
      handlers.serve(options).pipe(Effect.andThen(Ref.set(exitCode, undefined)))
    )
    const client = (command: "import" | "export", args: ClientArgs) =>
      handlers.client(command, args).pipe(Effect.flatMap((code) => Ref.set(exitCode, code)))
    const commands = [serve, importCommand(messages, client), exportCommand(messages, client)] as const
    // `tg-gateway help import` is `tg-gateway import --help`; what follows the command is ignored, as there.
    const help = Command.make("help", { names: Argument.String("command").pipe(Argument.variadic()) }, ({ names }) => {
      const [name] = names
      if (name !== undefined && !commands.some((command) => command.name === name))
        return Effect.fail(new UsageError({ message: messages.t("cli.unknownCommand", { command: name }) }))
      // The help or error is said by the inner run; only its exit code is left to set.
      return run(name === undefined ? ["--help"] : [name, "--help"]).pipe(
        Effect.catch(() => Ref.set(exitCode, usageExitCode))
      )
    }).pipe(Command.unlisted)
    const root = Command.make("tg-gateway", {}, () =>
      Effect.fail(new UsageError({ message: messages.t("cli.usage") }))
    ).pipe(Command.withSubcommands([...commands, help]), Command.withGlobalFlags([lang]))
    const run: (
      args: ReadonlyArray<string>
    ) => Effect.Effect<void, CliError.CliError | UsageError, Command.Environment> = Command.runWith(root, { version })
    yield* run(attachedValues(argv))
    return yield* Ref.get(exitCode)
  }).pipe(
    // What was wrong has been said through the formatter already.
    Effect.catch(() => Effect.succeed(usageExitCode)),
    Effect.provide(
      Layer.mergeAll(
        layerTranslated(messages),
        // Only the built-ins tg-gateway translates; LOG_LEVEL is serve's own --log-level.
        CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] })
      )
    )
  )
