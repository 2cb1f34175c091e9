/** Splits argv into a command, `--name value` / `--name=value` options, switches and positionals. */

export interface ParsedArgs {
  readonly command: string | undefined
  readonly options: Readonly<Record<string, string>>
  readonly switches: ReadonlySet<string>
  readonly positionals: ReadonlyArray<string>
  readonly missingValue: string | undefined
}

/** `switchNames` take no value (`--help`); every other `--name` takes one. */
export const parseArgs = (argv: ReadonlyArray<string>, switchNames: ReadonlySet<string>): ParsedArgs => {
  const options: Record<string, string> = {}
  const switches = new Set<string>()
  const positionals: Array<string> = []
  let missingValue: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg === "-h") {
      switches.add("help")
      continue
    }
    if (!arg.startsWith("--") || arg === "-") {
      positionals.push(arg)
      continue
    }
    const [name = "", inline] = splitOnce(arg.slice(2), "=")
    if (switchNames.has(name) && inline === undefined) {
      switches.add(name)
    } else if (inline !== undefined) {
      options[name] = inline
    } else if (i + 1 < argv.length) {
      options[name] = argv[++i] ?? ""
    } else {
      missingValue ??= name
    }
  }
  const [command, ...rest] = positionals
  return { command, options, switches, positionals: rest, missingValue }
}

const splitOnce = (text: string, separator: string): [string, string | undefined] => {
  const at = text.indexOf(separator)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}
