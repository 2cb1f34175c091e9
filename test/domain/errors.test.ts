import { assert, describe, it } from "@effect/vitest"
import { Result, Schema, SchemaParser } from "effect"
import { describeIssue, FrameRejected, formatPath, type Problem, toErrorFrame } from "../../src/domain/errors.ts"

/** The problem `describeIssue` finds when `input` does not decode with `schema`. */
const problemOf = (schema: Schema.Codec<unknown, unknown>, input: unknown): Problem => {
  const result = SchemaParser.decodeUnknownResult(schema, { reportInput: true })(input)
  if (Result.isSuccess(result)) throw new Error("expected the input to be rejected")
  return describeIssue(result.failure)
}

describe("errors", () => {
  describe("formatPath", () => {
    it("writes object keys with dots and array indexes in brackets", () => {
      assert.strictEqual(formatPath(["triples", 3, "o", "t"]), "triples[3].o.t")
    })

    it("writes the empty path as the empty string", () => {
      assert.strictEqual(formatPath([]), "")
    })

    it("quotes keys that are not identifiers", () => {
      assert.strictEqual(formatPath(["values", 0, "first name"]), `values[0]["first name"]`)
      assert.strictEqual(formatPath(['a"b']), `["a\\"b"]`)
      assert.strictEqual(formatPath([0, "x"]), "[0].x")
    })
  })

  describe("describeIssue", () => {
    it("renders only the beginning of a huge wrong value, never all of it", () => {
      // A wrong value can be a whole 50 MiB frame: count how much of it is read to write "got …".
      let reads = 0
      const values = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, { t: "i", i: "x" }]))
      const counted = new Proxy(values, {
        get: (target, key) => {
          reads++
          return Reflect.get(target, key)
        }
      })
      const problem = problemOf(Schema.Struct({ triples: Schema.Array(Schema.String) }), { triples: counted })
      assert.match(problem.message, /^triples: expected array, got \{"k0":\{"t":"i","i":"x"\},"k1":/)
      assert.isTrue(problem.message.endsWith("…"))
      assert.isBelow(problem.message.length, 320)
      assert.isBelow(reads, 100)
    })

    it("renders a small wrong value in full, as JSON writes it", () => {
      const problem = problemOf(Schema.Struct({ a: Schema.String }), { a: [1, true, null, "x", { b: [] }] })
      assert.strictEqual(problem.message, `a: expected string, got [1,true,null,"x",{"b":[]}]`)
    })

    const Shape = Schema.Union([
      Schema.Struct({ kind: Schema.Literal("circle"), radius: Schema.Number }),
      Schema.Struct({ kind: Schema.Literal("square"), side: Schema.Number })
    ])

    it("reports a missing field at the field's own path", () => {
      assert.deepStrictEqual(problemOf(Schema.Struct({ a: Schema.Struct({ b: Schema.String }) }), { a: {} }), {
        path: "a.b",
        message: "a.b: required field is missing"
      })
    })

    it("says what type was expected and echoes the value that came", () => {
      assert.deepStrictEqual(problemOf(Schema.Struct({ n: Schema.Array(Schema.Number) }), { n: [1, true] }), {
        path: "n[1]",
        message: "n[1]: expected number, got true"
      })
    })

    it("reports a problem with the whole value without a path prefix", () => {
      assert.deepStrictEqual(problemOf(Schema.Struct({ a: Schema.String }), "text"), {
        path: "",
        message: `expected object, got "text"`
      })
    })

    it("reports a union told apart by a literal field at that field when its value is unknown", () => {
      assert.deepStrictEqual(problemOf(Shape, { kind: "triangle" }), {
        path: "kind",
        message: `kind: expected "circle" or "square", got "triangle"`
      })
    })

    it("reports such a union at the member its literal field selects", () => {
      assert.deepStrictEqual(problemOf(Shape, { kind: "square", side: "big" }), {
        path: "side",
        message: `side: expected number, got "big"`
      })
    })

    it("reports a missing literal field of such a union with the values it can take", () => {
      assert.deepStrictEqual(problemOf(Shape, { radius: 1 }), {
        path: "kind",
        message: `kind: required field is missing (expected "circle" or "square")`
      })
    })

    it("falls back to the schema's own description for other unions", () => {
      const problem = problemOf(Schema.Union([Schema.String, Schema.Number]), null)
      assert.strictEqual(problem.path, "")
      assert.include(problem.message, "got null")
    })

    it("uses a message annotation when the schema has one", () => {
      const schema = Schema.Union([Schema.String, Schema.Number]).annotate({ message: "expected text or a count" })
      assert.deepStrictEqual(problemOf(Schema.Struct({ x: schema }), { x: [] }), {
        path: "x",
        message: "x: expected text or a count"
      })
    })
  })

  describe("FrameRejected", () => {
    it("is an Error whose message is the human-readable one", () => {
      const rejected = new FrameRejected({ message: "triples: required field is missing", path: "triples", frame: 2 })
      assert.instanceOf(rejected, Error)
      assert.strictEqual(rejected.message, "triples: required field is missing")
      assert.strictEqual(rejected._tag, "FrameRejected")
    })

    it("becomes the error frame a client receives", () => {
      const rejected = new FrameRejected({ message: "m", path: "p", frame: 2 })
      assert.strictEqual(JSON.stringify(toErrorFrame(rejected)), `{"error":{"message":"m","path":"p","frame":2}}`)
    })
  })
})
