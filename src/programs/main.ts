#!/usr/bin/env node
/** The `tg-gateway` command: picks the language, then the command, and hands over. */
import { readFileSync } from "node:fs"
import { loadMessages } from "../i18n/messages.ts"
import { parseArgs } from "./args.ts"
import { shortNames, switchNames } from "./cli/commands.ts"
import { clientHelp, runClientCommand } from "./clientCommands.ts"
import { serve, serveHelp, serveUsageProblem } from "./serve.ts"

const commands = ["serve", "import", "export"] as const
// `tg-gateway help import` is `tg-gateway import --help`.
const parsed = parseArgs(process.argv.slice(2), new Set(["help", "version", ...switchNames]), shortNames)
const args =
  parsed.command === "help"
    ? {
        ...parsed,
        command: parsed.positionals[0],
        positionals: parsed.positionals.slice(1),
        switches: new Set(["help"])
      }
    : parsed
const messages = await loadMessages(args.options["lang"], process.env)
if (messages.notice !== undefined) console.error(messages.notice)
const { t } = messages

const mainHelp = () =>
  [
    t("cli.usage"),
    "",
    t("cli.commands"),
    ...commands.map((c) => `  ${c.padEnd(8)} ${t(`cli.command.${c}`)}`),
    "",
    t("cli.options"),
    `  --lang LANG  ${t("cli.option.lang")}`,
    `  -h, --help   ${t("cli.option.help")}`,
    `  --version    ${t("cli.option.version")}`,
    "",
    t("cli.seeHelp", { command: "<command>" })
  ].join("\n")

/** A usage error: said with the command it is about, and where to look. */
const fail = (message: string, command?: string) => {
  console.error(
    command === undefined
      ? `tg-gateway: ${message}`
      : `tg-gateway ${command}: ${message}\n${t("cli.seeHelp", { command })}`
  )
  process.exitCode = 2
}

if (args.switches.has("version")) {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string
  }
  console.log(manifest.version)
} else if (args.command === undefined) {
  if (args.switches.has("help")) console.log(mainHelp())
  else fail(`${t("cli.usage")}\n${t("cli.seeHelp", { command: "<command>" })}`)
} else if (args.missingValue !== undefined) {
  fail(t("cli.missingValue", { flag: args.missingValue }), args.command)
} else if (args.command === "serve") {
  const { lang: _lang, ...options } = args.options
  const problem = serveUsageProblem(options, args.switches, args.positionals, args.unknownShort, messages)
  if (args.switches.has("help")) console.log(serveHelp(messages))
  else if (problem !== undefined) fail(`${problem}\n${t("cli.seeHelp", { command: "serve" })}`)
  else serve(options, process.env, messages)
} else if (args.command === "import" || args.command === "export") {
  const { lang: _lang, ...options } = args.options
  if (args.switches.has("help")) console.log(clientHelp(args.command, messages))
  else process.exitCode = await runClientCommand(args.command, { ...args, options }, process.env, messages)
} else {
  fail(`${t("cli.unknownCommand", { command: args.command })}\n${mainHelp()}`)
}
