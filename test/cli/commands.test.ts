import { assert, describe, it } from "@effect/vitest"
import { parseFrom, parseInputFormat, parseOutputFormat } from "../../src/programs/cli/commands.ts"

describe("client option values", () => {
  it("a choice is read as the settings read theirs: spaces around it do not matter", () => {
    assert.deepStrictEqual(parseFrom(" earliest "), { ok: true, value: "earliest" })
    assert.deepStrictEqual(parseInputFormat("jsonl\n"), { ok: true, value: "jsonl" })
    assert.deepStrictEqual(parseOutputFormat("jsonl"), { ok: true, value: "jsonl" })
  })

  it("a value that is not one of the choices is refused with the choices listed", () => {
    const parsed = parseFrom("oldest")
    assert.isFalse(parsed.ok)
    if (!parsed.ok)
      assert.deepStrictEqual(parsed.problem, {
        key: "notChoice",
        params: { text: "oldest", choices: "latest, earliest" }
      })
  })
})
