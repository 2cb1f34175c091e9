/**
 * The docs stay true to the code: the README's configuration table matches the settings, and
 * every translation of the README keeps its structure, its commands, and no merge leftovers.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { settings } from "../src/domain/Settings.ts"
import { languages } from "../src/i18n/messages.ts"

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8")
const readme = read("README.md")

/** Heading levels in order, outside code blocks. */
const headingLevels = (markdown: string) => {
  let inCode = false
  const levels: Array<number> = []
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode
    else if (!inCode && /^#{1,6} /.test(line)) levels.push(line.indexOf(" "))
  }
  return levels
}

/** Fenced code blocks, at the margin or indented under a list item, with their indentation. */
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/^( *)```[^\n]*\n([\s\S]*?)^\1```$/gm)].map((m) => `${m[1]}${m[2]}`)

const conflictMarkers = (markdown: string) => markdown.split("\n").filter((line) => /^(<{7}|={7}|>{7})( |$)/.test(line))

describe("docs", () => {
  it.effect("the README's configuration table lists every setting with its flag and default", () =>
    Effect.sync(() => {
      for (const spec of Object.values(settings)) {
        const row = readme.split("\n").find((line) => line.startsWith(`| \`${spec.env}\` |`))
        assert.isDefined(row, spec.env)
        const cells = (row ?? "").split("|").map((cell) => cell.trim())
        assert.strictEqual(cells[2], `\`--${spec.flag}\``, spec.env)
        assert.strictEqual(cells[3], spec.default === undefined ? "unset" : `\`${spec.default}\``, spec.env)
      }
    })
  )

  it.effect("the README has no merge-conflict markers", () =>
    Effect.sync(() => assert.deepStrictEqual(conflictMarkers(readme), []))
  )

  for (const language of languages.filter((l) => l !== "en")) {
    it.effect(
      `README.${language}.md opens with a machine-translation notice, keeps the headings and code blocks, and has no merge-conflict markers`,
      () =>
        Effect.sync(() => {
          const translation = read(`docs/i18n/README.${language}.md`)
          const first = translation.split("\n").find((line) => line.trim() !== "") ?? ""
          assert.match(first, /^> .*\(\.\.\/\.\.\/README\.md\)/, "the first line is a notice linking to the original")
          assert.deepStrictEqual(headingLevels(translation), headingLevels(readme), "heading structure")
          assert.deepStrictEqual(codeBlocks(translation), codeBlocks(readme), "code blocks")
          assert.deepStrictEqual(conflictMarkers(translation), [])
        })
    )
  }
})
