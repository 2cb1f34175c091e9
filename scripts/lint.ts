/**
 * Project rules the type checker does not enforce: no focused or skipped tests, no escape hatches
 * from the type system, no leftover merge-conflict markers. Run by `npm run lint`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

const rules: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:it|test|describe)(?:\.\w+)*\.(?:only|skip|todo)\(|\bskipIf\(/, "focused or skipped test"],
  [/@ts-ignore|@ts-expect-error|@ts-nocheck/, "type checker silenced"],
  [/\bas any\b|:\s*any\b|<any>/, "`any` type"],
  [/^(?:<{7}|={7}|>{7})(?:\s|$)/, "merge-conflict marker"]
]

const roots = ["src", "test", "scripts", "bench", "bin"]
const files = (dir: string): Array<string> => {
  try {
    return readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry)
      return statSync(path).isDirectory() ? files(path) : /\.(?:ts|js|mjs)$/.test(entry) ? [path] : []
    })
  } catch {
    return []
  }
}

const self = "scripts/lint.ts"
const problems = roots
  .flatMap(files)
  .filter((file) => file !== self)
  .flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, index) =>
        rules
          .filter(([pattern]) => pattern.test(line))
          .map(([, what]) => `${file}:${index + 1}: ${what}: ${line.trim()}`)
      )
  )

if (problems.length > 0) {
  console.error(problems.join("\n"))
  console.error(`lint: ${problems.length} problem(s)`)
  process.exit(1)
}
console.log("lint: ok")
