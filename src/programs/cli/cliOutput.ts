/**
 * The command line's help and errors in the user's language. effect/cli describes a command as a
 * `HelpDoc` and a bad command line as `CliError`s; the formatter here renders both with the
 * catalog's words, in tg-gateway's layout, and the presenter writes help to standard output and
 * errors to standard error.
 */
import { Console, Layer, Option } from "effect"
import { CliError, CliOutput, type HelpDoc } from "effect/cli"
import type { MessageKey } from "../../i18n/catalogs/en.ts"
import type { Messages } from "../../i18n/messages.ts"
import { UsageError } from "./UsageError.ts"

/** The words of each subcommand's help that are not in its HelpDoc. */
const commandKeys: Readonly<Record<string, { readonly usage: MessageKey; readonly footer?: MessageKey }>> = {
  serve: { usage: "serve.usage" },
  import: { usage: "import.usage", footer: "import.exitCodes" },
  export: { usage: "export.usage", footer: "export.exitCodes" }
}

/** effect/cli's own flags, described in the catalog's words and listed after the command's flags. */
const builtIns: Readonly<Record<string, MessageKey>> = { help: "cli.option.help", version: "cli.option.version" }

/** `serve` for `["tg-gateway", "serve"]`; undefined for `tg-gateway` itself. */
const subcommandOf = (commandPath: ReadonlyArray<string> | undefined): string | undefined => commandPath?.[1]

/** `-u, --url, --api-url URL`: one-letter forms, the name, the other long names, the value. */
const namesOf = (flag: HelpDoc.FlagDoc): string => {
  const short = flag.aliases.filter((alias) => !alias.startsWith("--"))
  const long = flag.aliases.filter((alias) => alias.startsWith("--"))
  const names = [...short, `--${flag.name}`, ...long].join(", ")
  return flag.type === "boolean" ? names : `${names} ${flag.type}`
}

export interface TranslatedOutput extends CliOutput.Formatter {
  /** A command line effect/cli refused: each error on a line naming the command, then where to look. */
  readonly formatInvalid: (
    commandPath: ReadonlyArray<string>,
    errors: ReadonlyArray<CliError.CliError>,
    helpDoc: HelpDoc.HelpDoc
  ) => string
}

export const makeFormatter = (messages: Messages): TranslatedOutput => {
  const { t } = messages

  const descriptionOf = (flag: HelpDoc.FlagDoc): string => {
    const builtIn = builtIns[flag.name]
    return builtIn !== undefined ? t(builtIn) : Option.getOrElse(flag.description, () => "")
  }

  /** The command's flags, then `--lang`, then effect/cli's; `--version` only at the top. */
  const flagsOf = (doc: HelpDoc.HelpDoc, atTop: boolean): ReadonlyArray<HelpDoc.FlagDoc> => {
    const global = (doc.globalFlags ?? []).filter((flag) => atTop || flag.name !== "version")
    return [
      ...doc.flags,
      ...global.filter((flag) => builtIns[flag.name] === undefined),
      ...global.filter((flag) => builtIns[flag.name] !== undefined)
    ]
  }

  /** Two columns, for the short lines of `tg-gateway --help`. */
  const table = (rows: ReadonlyArray<readonly [string, string]>): Array<string> => {
    const width = Math.max(...rows.map(([left]) => CliOutput.displayWidth(left)))
    return rows.map(([left, right]) => `  ${left}${" ".repeat(width - CliOutput.displayWidth(left) + 2)}${right}`)
  }

  const topHelp = (doc: HelpDoc.HelpDoc): string => {
    const commands = (doc.subcommands ?? []).flatMap((group) => group.commands)
    return [
      t("cli.usage"),
      "",
      t("cli.commands"),
      ...table(commands.map((command) => [command.name, command.shortDescription ?? command.description] as const)),
      "",
      t("cli.options"),
      ...table(flagsOf(doc, true).map((flag) => [namesOf(flag), descriptionOf(flag)] as const)),
      "",
      t("cli.seeHelp", { command: "<command>" })
    ].join("\n")
  }

  // Each option's names on a line of their own and its description below them: a long
  // description, or one in a right-to-left language, is not squeezed into a column beside them.
  const commandHelp = (command: string, doc: HelpDoc.HelpDoc): string => {
    const keys = commandKeys[command]
    const rows = flagsOf(doc, false).map((flag) =>
      [
        `  ${namesOf(flag)}`,
        ...descriptionOf(flag)
          .split("\n")
          .map((line) => `      ${line}`)
      ].join("\n")
    )
    return [
      keys === undefined ? doc.usage : t(keys.usage),
      "",
      ...(doc.description === "" ? [] : [doc.description, ""]),
      t("cli.options"),
      ...rows,
      ...(keys?.footer === undefined ? [] : ["", t(keys.footer)])
    ].join("\n")
  }

  const formatHelpDoc = (doc: HelpDoc.HelpDoc): string => {
    const command = subcommandOf(doc.commandPath)
    return command === undefined ? topHelp(doc) : commandHelp(command, doc)
  }

  const didYouMean = (suggestions: ReadonlyArray<string>) =>
    suggestions.length === 0 ? "" : ` (${t("cli.didYouMean", { names: suggestions.join(", ") })})`

  const describe = (error: CliError.CliError, command: string | undefined): string => {
    switch (error._tag) {
      case "UnrecognizedOption":
        return (
          t("cli.unknownFlag", {
            flag: error.option,
            command: subcommandOf(error.command) ?? command ?? "tg-gateway"
          }) + didYouMean(error.suggestions)
        )
      case "InvalidValue":
        // effect/cli says a missing value as an empty one, and a repeated flag by its count.
        if (error.value === "") return t("cli.missingValue", { flag: error.option })
        if (/^\d+ occurrences$/.test(error.value)) return t("cli.repeatedFlag", { flag: error.option })
        return t("cli.badValue", { flag: error.option, value: error.value })
      case "UnexpectedArgument": {
        const extra = error.arguments.join(" ")
        if (command === "serve") return t("serve.noArguments", { extra })
        if (command === "export") return t("export.noPositionals", { extra })
        return error.message
      }
      case "UnknownSubcommand":
        return t("cli.unknownCommand", { command: error.subcommand }) + didYouMean(error.suggestions)
      case "UserError":
        return error.cause instanceof UsageError ? error.cause.message : error.message
      default:
        // Flags that are required, or checked by effect/cli beyond the above: tg-gateway has none.
        return error.message
    }
  }

  /** Each line names the command; a subcommand's errors end with where to look, the top's with its help. */
  const framed = (command: string | undefined, lines: ReadonlyArray<string>, after: string): string =>
    [
      ...lines.map((line) => (command === undefined ? `tg-gateway: ${line}` : `tg-gateway ${command}: ${line}`)),
      after
    ].join("\n")

  const seeHelp = (command: string | undefined) => t("cli.seeHelp", { command: command ?? "<command>" })

  return {
    formatHelpDoc,
    formatCliError: (error) => describe(error, undefined),
    formatErrors: (errors) => errors.map((error) => describe(error, undefined)).join("\n"),
    formatError: (error) => {
      const command = error._tag === "UserError" && error.cause instanceof UsageError ? error.cause.command : undefined
      return framed(command, [describe(error, command)], seeHelp(command))
    },
    formatVersion: (_name, version) => version,
    formatInvalid: (commandPath, errors, helpDoc) => {
      const command = subcommandOf(commandPath)
      const lines = errors.map((error) => describe(error, command))
      return framed(command, lines, command === undefined ? formatHelpDoc(helpDoc) : seeHelp(command))
    }
  }
}

/** The formatter, and a presenter that writes help to standard output and errors to standard error. */
export const layerTranslated = (messages: Messages): Layer.Layer<never> => {
  const formatter = makeFormatter(messages)
  return Layer.mergeAll(
    CliOutput.layer(formatter),
    CliOutput.layerPresenter({
      present: (event) => {
        switch (event._tag) {
          case "Help":
            return Console.log(formatter.formatHelpDoc(event.helpDoc))
          case "Version":
            return Console.log(formatter.formatVersion(event.name, event.version))
          case "InvalidInvocation":
            return Console.error(formatter.formatInvalid(event.commandPath, event.errors, event.helpDoc))
        }
      }
    })
  )
}
