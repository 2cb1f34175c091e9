#!/usr/bin/env node
/**
 * The `tg-gateway` command: picks the language, then runs the command line (cli/commandLine.ts).
 * What each command runs is loaded only when it is chosen, so that `--help` stays quick.
 */
import { readFileSync } from "node:fs"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { loadMessages } from "../i18n/messages.ts"
import { languageFlag, runCommandLine } from "./cli/commandLine.ts"

const argv = process.argv.slice(2)
const messages = await loadMessages(languageFlag(argv), process.env)
if (messages.notice !== undefined) console.error(messages.notice)

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  readonly version: string
}

const exitCode = await Effect.runPromise(
  runCommandLine(argv, messages, version, {
    serve: (options) =>
      Effect.promise(() => import("./serve.ts")).pipe(Effect.map(({ serve }) => serve(options, process.env, messages))),
    client: (command, args) =>
      Effect.promise(() => import("./clientCommands.ts")).pipe(
        Effect.flatMap(({ runClientCommand }) => runClientCommand(command, args, process.env, messages))
      )
  }).pipe(Effect.provide(NodeServices.layer))
)
if (exitCode !== undefined) process.exitCode = exitCode
