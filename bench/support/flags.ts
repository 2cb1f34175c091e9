/**
 * Command-line flags of a benchmark script: `--help` prints the script's opening comment (its
 * usage, kept beside the code it describes), and a flag the script does not know, or one without
 * its value, ends it with one line that names the flag and exit code 2, not a stack trace.
 */
import { readFileSync } from "node:fs"
import { basename } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs, type ParseArgsOptionsConfig } from "node:util"

/** The text of the first block comment in a script, without its comment markers. */
export const openingComment = (source: string): string => {
  const match = /\/\*\*([\s\S]*?)\*\//.exec(source)
  if (match === null) return ""
  return match[1]!
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim()
}

/** `script` is the calling script's `import.meta.url`. */
export const parseFlags = <const O extends ParseArgsOptionsConfig>(script: string, options: O) => {
  const file = fileURLToPath(script)
  const args = process.argv.slice(2)
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${openingComment(readFileSync(file, "utf8"))}\n`)
    process.exit(0)
  }
  try {
    return parseArgs({ args, options, strict: true }).values
  } catch (error) {
    process.stderr.write(
      `${basename(file)}: ${error instanceof Error ? error.message : String(error)} (--help lists the options)\n`
    )
    process.exit(2)
  }
}
