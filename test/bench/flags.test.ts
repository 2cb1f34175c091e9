/**
 * The benchmark scripts' command lines: `--help` prints the script's usage, and a wrong flag is
 * one line naming it, with exit code 2 — before anything reaches for a broker.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { openingComment } from "../../bench/support/flags.ts"

const run = async (script: string, args: ReadonlyArray<string>) => {
  const file = fileURLToPath(new URL(`../../bench/${script}.ts`, import.meta.url))
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file, ...args])
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

const scripts = ["all", "gateway", "memory", "publisher", "startup"]

describe("benchmark scripts' flags", () => {
  it("a block comment's text, without its markers", () => {
    assert.strictEqual(
      openingComment("#!/usr/bin/env node\n/**\n * One.\n *\n *   two\n */\nconst x = 1 /** not this */"),
      "One.\n\n  two"
    )
  })

  for (const script of scripts) {
    it(`${script}: a flag it does not know is named, with exit code 2`, async () => {
      const result = await run(script, ["--frobnicate"])
      assert.strictEqual(result.code, 2)
      assert.strictEqual(result.stderr, `${script}.ts: Unknown option '--frobnicate' (--help lists the options)\n`)
      assert.strictEqual(result.stdout, "")
    })

    it(`${script}: --help prints its usage`, async () => {
      const result = await run(script, ["--help"])
      assert.strictEqual(result.code, 0)
      assert.include(result.stdout, "node bench/")
      assert.notInclude(result.stdout, "/**")
    })
  }
})
