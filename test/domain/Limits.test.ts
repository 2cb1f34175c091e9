/**
 * Hostile frames and records: translation must refuse them as that frame's or that record's
 * failure — never throw, never overflow the stack — and the fast and general paths must refuse
 * exactly the same input.
 */
import { afterEach, assert, describe, it, vi } from "@effect/vitest"
import { Effect, Result } from "effect"
import {
  encodeRecord,
  parseFrame,
  parseRecord,
  recordToFrame,
  translateFrame,
  translateRecord
} from "../../src/domain/Codec.ts"
import { formatPath } from "../../src/domain/errors.ts"
import { type Kind, type KindName, kindNames, kinds } from "../../src/domain/Kinds.ts"
import { findNonFinite, MAX_NESTING_DEPTH, nestingProblem } from "../../src/domain/Limits.ts"
import { triplesFrameToRecordText, triplesRecordToFrameText } from "../../src/domain/TriplesTranscoder.ts"
import { compactFrameText } from "../support/compactTriples.ts"
import { canonicalRecords, pythonJson, type Random, seeded, seedOf } from "./fixtures.ts"

const utf8 = new TextDecoder()

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth)
const deepObject = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1)

const iriFrame = '{"t":"i","i":"http://ex/x"}'
/** A client term: a quoted triple whose subject is quoted again, `depth` times. */
const quotedFrameTerm = (depth: number) =>
  '{"t":"t","tr":{"s":'.repeat(depth) + iriFrame + `,"p":${iriFrame},"o":${iriFrame}}}`.repeat(depth)

const iriRecord = '{"type":"i","iri":"http://ex/x","id":"","value":"","datatype":"","language":"","triple":null}'
/** A record term, quoted `depth` times, in the compact layout tg-gateway writes. */
const quotedRecordTerm = (depth: number) =>
  '{"type":"t","iri":"","id":"","value":"","datatype":"","language":"","triple":{"s":'.repeat(depth) +
  iriRecord +
  `,"p":${iriRecord},"o":${iriRecord},"g":null}}`.repeat(depth)

const triplesFrameWith = (subject: string) =>
  `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":${subject},"p":${iriFrame},"o":${iriFrame}}]}`
const triplesRecordWith = (subject: string) =>
  `{"metadata":{"id":"d","root":"","collection":"c"},"triples":[{"s":${subject},"p":${iriRecord},"o":${iriRecord},"g":null}]}`

/** `triples[0].s.tr.s.tr…`: the path of the quoted triple at `depth`. */
const quotedPath = (prefix: string, depth: number) => prefix + ".tr.s".repeat(depth - 1) + ".tr"

const frameFailure = (kind: KindName, text: string, frame?: number) => {
  const result = translateFrame(kind, text, frame)
  if (Result.isSuccess(result)) throw new Error(`expected the ${kind} frame to be refused`)
  return result.failure
}

const recordFailure = (kind: KindName, text: string) => {
  const result = translateRecord(kind as Exclude<KindName, "rows">, text)
  if (Result.isSuccess(result)) throw new Error(`expected the ${kind} record to be refused`)
  return result.failure
}

const tooDeepMessage = (path: string) => new RegExp(`^nesting deeper than 64 levels at ${escape(path)}: `)
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

describe("Limits", () => {
  describe("poison frames from the report", () => {
    it("a 40 KB triples frame with a 20,000-deep array under an ignored metadata key is refused, not thrown", () => {
      const text = `{"metadata":{"id":"d","collection":"c","x":${deepArray(20_000)}},"triples":[]}`
      assert.isAbove(text.length, 40_000)
      const failure = frameFailure("triples", text, 7)
      // metadata is level 2, x level 3: the array at level 65 is the 63rd.
      const path = `metadata.x${"[0]".repeat(62)}`
      assert.strictEqual(failure._tag, "FrameRejected")
      assert.strictEqual(failure.path, path)
      assert.match(failure.message, tooDeepMessage(path))
      assert.include(failure.message, "MAX_NESTING_DEPTH")
      assert.strictEqual(failure.frame, 7)
    })

    it("a 158 KB entity-contexts frame with 2,000 nested quoted triples is refused, not thrown", () => {
      const text = `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":${quotedFrameTerm(2000)},"context":"x"}]}`
      assert.isAbove(text.length, 150_000)
      const failure = frameFailure("entity-contexts", text, 2)
      // The entity is level 4; each quoted triple two levels deeper: the 31st tr is level 65.
      const path = quotedPath("entities[0].entity", 31)
      assert.strictEqual(failure.path, path)
      assert.match(failure.message, tooDeepMessage(path))
    })

    it("the same 2,000 nested quoted triples on the triples fast path, and in a record, are refused", () => {
      assert.strictEqual(
        frameFailure("triples", triplesFrameWith(quotedFrameTerm(2000))).path,
        quotedPath("triples[0].s", 31)
      )
      const record = triplesRecordWith(quotedRecordTerm(2000))
      assert.strictEqual(
        recordFailure("triples", record).path,
        quotedPath("triples[0].s", 31).replaceAll(".tr", ".triple")
      )
    })
  })

  describe("the limit is the same on every path", () => {
    it("quoted triples 30 deep are taken by the fast and the general path alike, 31 deep refused by both", () => {
      const within = triplesFrameWith(quotedFrameTerm(30))
      const fast = triplesFrameToRecordText(within)
      assert.isDefined(fast)
      const parsed = parseFrame("triples", within)
      assert.isTrue(Result.isSuccess(parsed))
      if (Result.isSuccess(parsed)) assert.strictEqual(fast, utf8.decode(encodeRecord("triples", parsed.success)))
      // …and its record comes back as the same frame on both export paths.
      const frameText = compactFrameText(fast!)
      assert.isDefined(frameText)
      assert.deepStrictEqual(
        JSON.parse(frameText!),
        JSON.parse(within.replace('"collection"', '"root":"","collection"'))
      )
      const viaParse = translateRecord("triples", pythonJson(JSON.parse(fast!)))
      assert.isTrue(Result.isSuccess(viaParse))
      if (Result.isSuccess(viaParse)) assert.strictEqual(viaParse.success, frameText)

      const beyond = triplesFrameWith(quotedFrameTerm(31))
      assert.isUndefined(triplesFrameToRecordText(beyond))
      assert.isTrue(Result.isFailure(parseFrame("triples", beyond)))
      assert.isUndefined(compactFrameText(triplesRecordWith(quotedRecordTerm(31))))
      assert.isTrue(Result.isFailure(parseRecord("triples", triplesRecordWith(quotedRecordTerm(31)))))
    })

    it("an ignored value reaching level 64 is skipped, one reaching level 65 refused, on both paths", () => {
      const frame = (depth: number) => `{"metadata":{"id":"d","collection":"c","x":${deepArray(depth)}},"triples":[]}`
      assert.isDefined(triplesFrameToRecordText(frame(62)))
      assert.isTrue(Result.isSuccess(parseFrame("triples", frame(62))))
      assert.isUndefined(triplesFrameToRecordText(frame(63)))
      assert.isTrue(Result.isFailure(parseFrame("triples", frame(63))))
    })

    it("nestingProblem counts the document as level 1 and names the first value beyond the limit", () => {
      assert.isUndefined(nestingProblem(JSON.parse(deepArray(MAX_NESTING_DEPTH))))
      assert.strictEqual(nestingProblem(JSON.parse(deepArray(MAX_NESTING_DEPTH + 1)))?.path, "[0]".repeat(64))
      assert.strictEqual(
        nestingProblem({ a: [1, 2, { b: JSON.parse(deepObject(70)) }], c: JSON.parse(deepArray(100)) })?.path,
        `a[2].b${".a".repeat(61)}`
      )
      assert.isUndefined(nestingProblem("text"))
    })
  })

  describe("nothing makes translation throw", () => {
    const hostile = (random: Random): string => {
      switch (random(6)) {
        case 0:
          return deepArray(100_000)
        case 1:
          return deepObject(100_000)
        case 2:
          return deepArray(MAX_NESTING_DEPTH - 5 + random(10))
        case 3:
          return quotedFrameTerm(2000 + random(3000))
        case 4:
          return quotedRecordTerm(25 + random(10))
        default:
          return `[${'{"a":['.repeat(50_000)}${"]}".repeat(50_000)}]`
      }
    }

    /** Every object and array in a value, with its path and its level. */
    const containersOf = (value: unknown) => {
      const found: Array<{
        readonly value: object
        readonly path: ReadonlyArray<string | number>
        readonly level: number
      }> = []
      const walk = (v: unknown, path: ReadonlyArray<string | number>, level: number) => {
        if (typeof v !== "object" || v === null) return
        found.push({ value: v, path, level })
        if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i], level + 1))
        else for (const [key, item] of Object.entries(v)) walk(item, [...path, key], level + 1)
      }
      walk(value, [], 1)
      return found
    }

    const MARK = "\u0000hostile\u0000"

    /**
     * The value written as JSON in one of the layouts clients and producers use, with a hostile
     * value put in place of a new key or element somewhere inside. Built as text: the hostile
     * values are too deep for `JSON.stringify`.
     */
    const poisoned = (value: unknown, random: Random) => {
      const copy = JSON.parse(JSON.stringify(value)) as unknown
      const containers = containersOf(copy)
      const target = containers[random(containers.length)]!
      let path: ReadonlyArray<string | number>
      if (Array.isArray(target.value)) {
        const at = random(target.value.length + 1)
        target.value.splice(at, 0, MARK)
        path = [...target.path, at]
      } else {
        ;(target.value as Record<string, unknown>)["x-hostile"] = MARK
        path = [...target.path, "x-hostile"]
      }
      const layout = random(2) === 0 ? JSON.stringify(copy) : pythonJson(copy)
      const poison = hostile(random)
      return {
        text: layout.replace(JSON.stringify(MARK), poison),
        path: formatPath(path),
        level: target.level + 1,
        poison
      }
    }

    const depthOf = (text: string): number => {
      let depth = 0
      let deepest = 0
      let inString = false
      for (let i = 0; i < text.length; i++) {
        const c = text[i]
        if (inString) {
          if (c === "\\") i++
          else if (c === '"') inString = false
        } else if (c === '"') inString = true
        else if (c === "[" || c === "{") deepest = Math.max(deepest, ++depth)
        else if (c === "]" || c === "}") depth--
      }
      return deepest
    }

    const check = (
      result: () => Result.Result<unknown, { readonly message: string; readonly path: string }>,
      poisoned: { readonly text: string; readonly path: string; readonly level: number; readonly poison: string }
    ) => {
      let answer: Result.Result<unknown, { readonly message: string; readonly path: string }>
      try {
        answer = result()
      } catch (error) {
        assert.fail(`translation threw ${String(error)} at ${poisoned.path}`)
      }
      const tooDeep = poisoned.level - 1 + depthOf(poisoned.poison) > MAX_NESTING_DEPTH
      if (tooDeep) {
        assert.isTrue(Result.isFailure(answer), `accepted a value nested too deeply at ${poisoned.path}`)
        if (Result.isFailure(answer)) {
          assert.match(answer.failure.message, /^nesting deeper than 64 levels at /)
          assert.isTrue(
            answer.failure.path.startsWith(poisoned.path),
            `${answer.failure.path} is not under ${poisoned.path}`
          )
        }
      }
    }

    const frameProperty = <K extends KindName>(name: K) => {
      const kind: Kind<K> = kinds[name]
      it.effect.prop(
        `${name}: a frame with a hostile value anywhere is answered, refused when too deep`,
        [kind.frame],
        ([frame]) =>
          Effect.sync(() => {
            const random = seeded(seedOf(JSON.stringify(frame)))
            for (let i = 0; i < 3; i++) {
              const sample = poisoned(frame, random)
              check(() => translateFrame(name, sample.text, 1), sample)
              check(() => parseFrame(name, sample.text, 1), sample)
              if (name === "triples") {
                // The fast path never accepts what the general path refuses.
                const fast = triplesFrameToRecordText(sample.text)
                if (fast !== undefined) {
                  const general = parseFrame("triples", sample.text)
                  assert.isTrue(Result.isSuccess(general), `the fast path accepted ${sample.path}`)
                  if (Result.isSuccess(general)) {
                    assert.deepStrictEqual(
                      JSON.parse(fast),
                      JSON.parse(utf8.decode(encodeRecord("triples", general.success)))
                    )
                  }
                }
              }
            }
          }),
        { arbitrary: { runs: 30 } }
      )
    }

    const recordProperty = <K extends Exclude<KindName, "rows">>(name: K) => {
      it.effect.prop(
        `${name}: a record with a hostile value anywhere is answered, refused when too deep`,
        [canonicalRecords[name]],
        ([record]) =>
          Effect.sync(() => {
            const random = seeded(seedOf(JSON.stringify(record)) ^ 0xdee9)
            for (let i = 0; i < 3; i++) {
              const sample = poisoned(record, random)
              check(() => translateRecord(name, sample.text), sample)
              check(() => parseRecord(name, sample.text), sample)
              if (name === "triples") {
                // Neither export fast path accepts what the general path refuses, and both agree with it.
                const general = parseRecord("triples", sample.text)
                const generalText = Result.isSuccess(general)
                  ? JSON.stringify(recordToFrame("triples", general.success))
                  : undefined
                const compact = compactFrameText(sample.text)
                if (compact !== undefined)
                  assert.strictEqual(compact, generalText, `the compact path accepted ${sample.path}`)
                const parsed = triplesRecordToFrameText(JSON.parse(sample.text))
                if (parsed !== undefined)
                  assert.strictEqual(parsed, generalText, `the parsed path accepted ${sample.path}`)
              }
            }
          }),
        { arbitrary: { runs: 30 } }
      )
    }

    for (const name of kindNames) {
      frameProperty(name)
      if (name !== "rows") recordProperty(name)
    }

    it("huge strings, huge arrays and huge vectors are translated, not thrown", () => {
      const term = { t: "i", i: "http://ex/x" }
      const bigLiteral = JSON.stringify({
        metadata: { id: "d", collection: "c" },
        triples: [{ s: term, p: term, o: { t: "l", v: "x".repeat(5_000_000) } }]
      })
      const manyTriples = JSON.stringify({
        metadata: { id: "d", root: "", collection: "c" },
        triples: Array.from({ length: 50_000 }, () => ({ s: term, p: term, o: term }))
      })
      const bigVector = JSON.stringify({
        metadata: { id: "d", collection: "c" },
        entities: [{ entity: term, vector: Array.from({ length: 200_000 }, (_, i) => i / 7) }]
      })
      for (const [kind, text] of [
        ["triples", bigLiteral],
        ["triples", manyTriples],
        ["triples", pythonJson(JSON.parse(manyTriples))],
        ["graph-embeddings", bigVector]
      ] as const) {
        const imported = translateFrame(kind, text)
        assert.isTrue(Result.isSuccess(imported), kind)
        if (Result.isSuccess(imported)) assert.isTrue(Result.isSuccess(translateRecord(kind, imported.success)))
      }
      // The wrong kind for a huge frame: refused with a short message.
      const wrong = frameFailure("entity-contexts", bigVector)
      assert.isBelow(wrong.message.length, 500)
    })

    describe("whatever throws inside translation is that frame's or that record's failure", () => {
      afterEach(() => {
        vi.restoreAllMocks()
      })
      const frame = `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"vector":[1]}]}`
      const record = `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iriRecord},"vector":[1]}]}`

      it("a translation longer than the longest string says the frame is too large", () => {
        // Building a real one takes gigabytes; the engine's own error is what the gateway meets.
        vi.spyOn(kinds["graph-embeddings"], "toRecord").mockImplementation(() => {
          throw new RangeError("Invalid string length")
        })
        const failure = frameFailure("graph-embeddings", frame, 3)
        assert.strictEqual(failure.frame, 3)
        assert.strictEqual(
          failure.message,
          "the frame is too large to translate: its translation would exceed the longest text the gateway can hold"
        )
      })

      it("any other exception is named as an internal error, on import and on export", () => {
        vi.spyOn(kinds["graph-embeddings"], "toRecord").mockImplementation(() => {
          throw new Error("boom")
        })
        vi.spyOn(kinds["graph-embeddings"], "fromRecord").mockImplementation(() => {
          throw new TypeError("bang")
        })
        assert.strictEqual(
          frameFailure("graph-embeddings", frame).message,
          "the frame could not be translated (an internal error, please report it): Error: boom"
        )
        const failure = recordFailure("graph-embeddings", record)
        assert.strictEqual(failure._tag, "RecordRejected")
        assert.strictEqual(failure.kind, "graph-embeddings")
        assert.strictEqual(
          failure.message,
          "the record could not be translated (an internal error, please report it): TypeError: bang"
        )
      })
    })
  })

  describe("NaN and Infinity", () => {
    it("are refused on import, naming the value, where it is and why", () => {
      const frame = `{"metadata": {"id": "d", "collection": "c"}, "entities": [{"entity": {"t": "i", "i": "a"}, "vector": [0.5, 1.0]}, {"entity": {"t": "i", "i": "b"}, "vector": [0.1, 0.2, NaN]}]}`
      const failure = frameFailure("graph-embeddings", frame, 4)
      assert.strictEqual(failure.path, "entities[1].vector[2]")
      assert.strictEqual(failure.frame, 4)
      assert.strictEqual(
        failure.message,
        "entities[1].vector[2]: NaN is not allowed: vectors and other numbers must be finite, and JSON has no NaN or Infinity (Python's json.dumps writes them unless called with allow_nan=False)"
      )
      const chunks = `{"chunks": [{"chunk_id": "c", "vector": [Infinity, 0]}]}`
      assert.match(
        frameFailure("document-embeddings", chunks).message,
        /^chunks\[0\]\.vector\[0\]: Infinity is not allowed/
      )
      const rows = `{"metadata": {"id": "d", "collection": "c"}, "schema_name": "s", "values": {}, "confidence": -Infinity}`
      assert.match(frameFailure("rows", rows).message, /^confidence: -Infinity is not allowed/)
    })

    it("are refused in records from the broker too, so an export settles them once", () => {
      const record = `{"metadata": {"id": "d", "root": "", "collection": "c"}, "chunks": [{"chunk_id": "c", "vector": [0.25, NaN], "attributes": {}}]}`
      const failure = recordFailure("document-embeddings", record)
      assert.strictEqual(failure._tag, "RecordRejected")
      assert.strictEqual(failure.path, "chunks[0].vector[1]")
      assert.match(failure.message, /NaN is not allowed/)
    })

    it("a word inside a string or after another syntax error is not taken for one", () => {
      assert.isUndefined(findNonFinite(`{"a": "NaN", "b": [1, 2]}`))
      assert.isUndefined(findNonFinite(`{"a": [1 2, NaN]}`))
      assert.isUndefined(findNonFinite(`{"a": tru, "b": NaN}`))
      assert.deepStrictEqual(findNonFinite(`{"a\\"b": {"c": [[], {}, -Infinity]}}`), {
        word: "-Infinity",
        path: `["a\\"b"].c[2]`
      })
      // Deeper than the limit, the text is refused as malformed, with a message of bounded length.
      assert.deepStrictEqual(findNonFinite(`${"[".repeat(64)}NaN${"]".repeat(64)}`)?.word, "NaN")
      assert.isUndefined(findNonFinite(`${"[".repeat(65)}NaN${"]".repeat(65)}`))
      assert.isBelow(frameFailure("triples", `${"[".repeat(100_000)}NaN${"]".repeat(100_000)}`).message.length, 300)
      // The malformed-JSON message is unchanged for everything else.
      assert.match(frameFailure("triples", `{"metadata": nan}`).message, /^Malformed JSON: /)
    })
  })
})
