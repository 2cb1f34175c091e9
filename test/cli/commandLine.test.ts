/**
 * The command line through effect/cli, run in this process: what each command receives, the help
 * in every language, and each usage error said in the user's words with exit 2.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { assert, describe, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { settings } from "../../src/domain/Settings.ts"
import { en } from "../../src/i18n/catalogs/en.ts"
import { languages, loadMessages, type Messages } from "../../src/i18n/messages.ts"
import { type ClientArgs, languageFlag, runCommandLine } from "../../src/programs/cli/commandLine.ts"
import { exportOptions, importOptions } from "../../src/programs/cli/commands.ts"
import { UsageError } from "../../src/programs/cli/UsageError.ts"

interface Run {
  readonly code: number | undefined
  readonly stdout: string
  readonly stderr: string
  /** What the commands were called with, in order. */
  readonly calls: ReadonlyArray<
    | { readonly command: "serve"; readonly options: Readonly<Record<string, string>> }
    | { readonly command: "import" | "export"; readonly args: ClientArgs }
  >
}

const messagesIn = (language: string) => Effect.promise(() => loadMessages(language, {}))

/** Runs `argv` with commands that only record how they were called; `client` answers for import and export. */
const run = (
  argv: ReadonlyArray<string>,
  options: {
    readonly messages?: Messages
    readonly client?: (command: "import" | "export", args: ClientArgs) => Effect.Effect<number, UsageError>
  } = {}
) =>
  Effect.gen(function* () {
    const messages = options.messages ?? (yield* messagesIn("en"))
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const calls: Array<Run["calls"][number]> = []
    const console: Console.Console = Object.assign(Object.create(globalThis.console), {
      log: (...parts: ReadonlyArray<unknown>) => stdout.push(parts.join(" ")),
      error: (...parts: ReadonlyArray<unknown>) => stderr.push(parts.join(" "))
    })
    const code = yield* runCommandLine(argv, messages, "1.2.3", {
      serve: (given) => Effect.sync(() => void calls.push({ command: "serve", options: given })),
      client: (command, args) =>
        Effect.sync(() => calls.push({ command, args })).pipe(
          Effect.andThen(options.client?.(command, args) ?? Effect.succeed(0))
        )
    }).pipe(Effect.provideService(Console.Console, console), Effect.provide(NodeServices.layer))
    const result: Run = { code, stdout: stdout.join("\n"), stderr: stderr.join("\n"), calls }
    return result
  })

const clientCall = (result: Run): ClientArgs => {
  const call = result.calls[0]
  assert.isDefined(call, result.stderr)
  if (call === undefined || call.command === "serve") throw new Error(`no client command ran: ${result.stderr}`)
  return call.args
}

describe("the command line", () => {
  it.effect("serve receives its flags by name, an empty value kept; nothing it is not given", () =>
    Effect.gen(function* () {
      const result = yield* run(["serve", "--broker", "pulsar", "--gateway-host=", "--log-level", "debug"])
      assert.strictEqual(result.code, undefined, "serve sets its own exit code")
      assert.deepStrictEqual(result.calls, [
        { command: "serve", options: { broker: "pulsar", "gateway-host": "", "log-level": "debug" } }
      ])
    })
  )

  it.effect("import takes trustgraph-cli's spellings, one-letter values attached, files after --", () =>
    Effect.gen(function* () {
      const result = yield* run([
        "import",
        "-uhttp://127.0.0.1:1",
        "--flow-id",
        "f1",
        "-w=ws1",
        "-t",
        "secret",
        "--batch=5",
        "a.nt",
        "--",
        "-odd-name.nt"
      ])
      assert.strictEqual(result.code, 0, result.stderr)
      const args = clientCall(result)
      assert.deepStrictEqual(args.options, {
        url: "http://127.0.0.1:1",
        flow: "f1",
        workspace: "ws1",
        token: "secret",
        batch: "5"
      })
      assert.deepStrictEqual(args.positionals, ["a.nt", "-odd-name.nt"])
      const stdin = clientCall(yield* run(["import", "--api-url", "ws://h:1", "-"]))
      assert.deepStrictEqual(stdin.options, { url: "ws://h:1" })
      assert.deepStrictEqual(stdin.positionals, ["-"])
    })
  )

  it.effect("export's --force is a switch; the command's exit code is the process's", () =>
    Effect.gen(function* () {
      const result = yield* run(["export", "--force", "--count", "3"], { client: () => Effect.succeed(1) })
      assert.strictEqual(result.code, 1)
      const args = clientCall(result)
      assert.deepStrictEqual([...args.switches], ["force"])
      assert.deepStrictEqual(args.options, { count: "3" })
      assert.deepStrictEqual([...clientCall(yield* run(["export"])).switches], [])
    })
  )

  it.effect("a usage error of a command is said through the formatter, with where to look, exit 2", () =>
    Effect.gen(function* () {
      const result = yield* run(["import", "x.nt"], {
        client: () => Effect.fail(new UsageError({ command: "import", message: "no such file: x.nt" }))
      })
      assert.strictEqual(result.code, 2)
      assert.strictEqual(
        result.stderr,
        "tg-gateway import: no such file: x.nt\nRun 'tg-gateway import --help' for its options."
      )
    })
  )

  for (const [argv, said] of [
    [["serve", "--brokr", "pulsar"], "tg-gateway serve: unknown option --brokr for 'serve' (did you mean --broker?)"],
    [["serve", "-p", "8888"], "tg-gateway serve: unknown option -p for 'serve'"],
    [["serve", "--force"], "tg-gateway serve: unknown option --force for 'serve'"],
    [
      ["serve", "pulsar"],
      "tg-gateway serve: serve takes no arguments (extra: pulsar); settings are options, such as --broker pulsar"
    ],
    [["serve", "--flows", "a", "--flows", "b"], "tg-gateway serve: option --flows is given more than once"],
    [["export", "--idle"], "tg-gateway export: option --idle needs a value"],
    [["export", "--idle", "--count", "3"], "tg-gateway export: option --idle needs a value"],
    [["export", "--force=maybe"], `tg-gateway export: option --force does not take the value "maybe"`],
    [["export", "out.jsonl"], "tg-gateway export: export takes no file argument (use --output): out.jsonl"],
    [["import", "--lang"], "tg-gateway import: option --lang needs a value"]
  ] as const) {
    it.effect(`${argv.join(" ")}: "${said}", exit 2, and nothing runs`, () =>
      Effect.gen(function* () {
        const result = yield* run(argv)
        assert.strictEqual(result.code, 2)
        assert.deepStrictEqual(result.calls, [])
        const command = argv[0]
        assert.strictEqual(result.stderr, `${said}\nRun 'tg-gateway ${command} --help' for its options.`)
        assert.strictEqual(result.stdout, "")
      })
    )
  }

  it.effect("an unknown command or option of tg-gateway itself is said with the list of commands, exit 2", () =>
    Effect.gen(function* () {
      for (const [argv, said] of [
        [["imprt"], `tg-gateway: unknown command "imprt" (did you mean import?)`],
        [["--bogus"], "tg-gateway: unknown option --bogus for 'tg-gateway'"]
      ] as const) {
        const result = yield* run(argv)
        assert.strictEqual(result.code, 2)
        assert.deepStrictEqual(result.stderr.split("\n").slice(0, 2), [said, en["cli.usage"]])
        assert.include(result.stderr, `  import  ${en["cli.command.import"]}`)
      }
      const bare = yield* run([])
      assert.strictEqual(bare.code, 2)
      assert.strictEqual(
        bare.stderr,
        `tg-gateway: ${en["cli.usage"]}\nRun 'tg-gateway <command> --help' for its options.`
      )
    })
  )

  it.effect("help import is import --help; help of a command that does not exist is a usage error", () =>
    Effect.gen(function* () {
      const help = yield* run(["help", "import"])
      assert.strictEqual(help.code, 0)
      assert.strictEqual(help.stdout, (yield* run(["import", "--help"])).stdout)
      assert.isTrue(help.stdout.startsWith(en["import.usage"]))
      assert.strictEqual((yield* run(["help"])).stdout, (yield* run(["--help"])).stdout)
      const unknown = yield* run(["help", "bogus"])
      assert.strictEqual(unknown.code, 2)
      assert.include(unknown.stderr, `tg-gateway: unknown command "bogus"`)
      assert.deepStrictEqual(unknown.calls, [])
    })
  )

  it.effect("--help wins over everything else on the line, and runs nothing; --version prints the version", () =>
    Effect.gen(function* () {
      const help = yield* run(["serve", "--brokr", "x", "-h"])
      assert.strictEqual(help.code, 0)
      assert.deepStrictEqual(help.calls, [])
      assert.isTrue(help.stdout.startsWith(en["serve.usage"]))
      const version = yield* run(["--version"])
      assert.deepStrictEqual([version.code, version.stdout], [0, "1.2.3"])
    })
  )

  it.effect("--lang is read before anything else, wherever it is, and not after --", () =>
    Effect.sync(() => {
      assert.strictEqual(languageFlag(["import", "x.nt", "--lang", "es"]), "es")
      assert.strictEqual(languageFlag(["--lang=he", "serve"]), "he")
      assert.isUndefined(languageFlag(["import", "--", "--lang", "es"]))
      assert.isUndefined(languageFlag(["serve"]))
    })
  )
})

describe("help in ten languages", () => {
  for (const language of languages) {
    it.effect(`${language}: every command's help lists each option, its words and its variable and default`, () =>
      Effect.gen(function* () {
        const messages = yield* messagesIn(language)
        const { t } = messages
        const top = (yield* run(["--help"], { messages })).stdout
        for (const key of ["cli.usage", "cli.commands", "cli.command.serve", "cli.option.version"] as const)
          assert.include(top, t(key), key)
        const serve = (yield* run(["serve", "--help"], { messages })).stdout
        assert.isTrue(serve.startsWith(`${t("serve.usage")}\n\n${t("serve.title")}\n\n${t("cli.options")}\n`))
        for (const spec of Object.values(settings)) {
          const shown = spec.default === undefined ? t("cli.unset") : spec.default
          assert.include(
            serve,
            [
              `  --${spec.flag} ${spec.placeholder}`,
              `      ${t(`setting.${spec.env}` as Parameters<typeof t>[0])}`,
              `      ${t("cli.env", { name: spec.env })}; ${t("cli.default", { value: shown })}`
            ].join("\n"),
            spec.env
          )
        }
        for (const [command, table] of [
          ["import", importOptions],
          ["export", exportOptions]
        ] as const) {
          const help = (yield* run([command, "--help"], { messages })).stdout
          assert.isTrue(help.startsWith(t(command === "import" ? "import.usage" : "export.usage")))
          assert.isTrue(help.endsWith(t(command === "import" ? "import.exitCodes" : "export.exitCodes")))
          for (const option of table) assert.include(help, `--${option.flag}`, option.flag)
          for (const option of table) assert.include(help, `\n      ${t(option.help)}`, option.help)
          assert.include(help, `  --lang LANG\n      ${t("cli.option.lang")}`)
          assert.include(help, `  -h, --help\n      ${t("cli.option.help")}`)
        }
        if (language !== "en") assert.notInclude(serve, en["cli.options"], "the section heading is translated")
      })
    )
  }

  it.effect("right to left (ar, he): each option's names begin a line of their own, its words on the lines below", () =>
    Effect.gen(function* () {
      for (const language of ["ar", "he"]) {
        const messages = yield* messagesIn(language)
        const help = (yield* run(["import", "--help"], { messages })).stdout
        const lines = help.split("\n")
        const at = lines.indexOf(messages.t("cli.options"))
        const rows = lines.slice(at + 1, lines.lastIndexOf("") === -1 ? undefined : lines.lastIndexOf(""))
        for (const line of rows) assert.match(line, /^ {2}-|^ {6}\S/, `${language}: ${line}`)
        // The names are left to right only: no word of the right-to-left script is mixed into them.
        for (const line of rows.filter((row) => row.startsWith("  -")))
          assert.match(line, /^[\x20-\x7e]+$/, `${language}: ${line}`)
        const error = yield* run(["serve", "--flows", "a", "--flows", "b"], { messages })
        assert.include(error.stderr, messages.t("cli.repeatedFlag", { flag: "flows" }))
      }
    })
  )

  it.effect("every usage error is in the user's language", () =>
    Effect.gen(function* () {
      const messages = yield* messagesIn("es")
      const { t } = messages
      const unknown = yield* run(["serve", "--brokr", "x"], { messages })
      assert.include(unknown.stderr, t("cli.unknownFlag", { flag: "--brokr", command: "serve" }))
      assert.include(unknown.stderr, t("cli.didYouMean", { names: "--broker" }))
      assert.include(unknown.stderr, t("cli.seeHelp", { command: "serve" }))
      assert.include((yield* run(["export", "--idle"], { messages })).stderr, t("cli.missingValue", { flag: "idle" }))
      assert.include(
        (yield* run(["export", "--force=no-way"], { messages })).stderr,
        t("cli.badValue", { flag: "force", value: "no-way" })
      )
      assert.include((yield* run(["bogus"], { messages })).stderr, t("cli.unknownCommand", { command: "bogus" }))
      assert.include((yield* run(["serve", "x"], { messages })).stderr, t("serve.noArguments", { extra: "x" }))
    })
  )
})
