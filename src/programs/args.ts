/**
 * Splits argv into a command, `--name value` / `--name=value` / `-n value` / `-nvalue` options,
 * switches and positionals.
 */

export interface ParsedArgs {
  readonly command: string | undefined
  readonly options: Readonly<Record<string, string>>
  readonly switches: ReadonlySet<string>
  readonly positionals: ReadonlyArray<string>
  readonly missingValue: string | undefined
  /** Short options that are not in `shortNames` (`-x`), as written. */
  readonly unknownShort: ReadonlyArray<string>
}

/**
 * `switchNames` take no value (`--help`); every other `--name` takes one. `shortNames` maps a
 * one-letter option to its long name (`u` → `url`); `-h` is always `--help`.
 */
export const parseArgs = (
  argv: ReadonlyArray<string>,
  switchNames: ReadonlySet<string>,
  shortNames: Readonly<Record<string, string>> = {}
): ParsedArgs => {
  const options: Record<string, string> = {}
  const switches = new Set<string>()
  const positionals: Array<string> = []
  const unknownShort: Array<string> = []
  let missingValue: string | undefined
  const take = (name: string, inline: string | undefined, i: number): number => {
    if (switchNames.has(name) && inline === undefined) {
      switches.add(name)
    } else if (inline !== undefined) {
      options[name] = inline
    } else if (i + 1 < argv.length) {
      options[name] = argv[i + 1] ?? ""
      return i + 1
    } else {
      missingValue ??= name
    }
    return i
  }
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
    if (arg.startsWith("--")) {
      const [name = "", inline] = splitOnce(arg.slice(2), "=")
      i = take(name, inline, i)
      continue
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const name = shortNames[arg.slice(1, 2)]
      if (name === undefined) {
        unknownShort.push(arg)
        continue
      }
      const rest = arg.slice(2)
      i = take(name, rest === "" ? undefined : rest.replace(/^=/, ""), i)
      continue
    }
    positionals.push(arg)
  }
  const [command, ...rest] = positionals
  return { command, options, switches, positionals: rest, missingValue, unknownShort }
}

const splitOnce = (text: string, separator: string): [string, string | undefined] => {
  const at = text.indexOf(separator)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}
