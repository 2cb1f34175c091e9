/**
 * The triples fast path against the general path (schema decoding, toRecord/fromRecord): for
 * every input the fast path either gives up or gives the same answer — byte for byte for the
 * canonical form, as the same JSON value for reformatted input — and it never accepts what the
 * general path rejects.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import {
  encodeFrame,
  encodeRecord,
  parseFrame,
  parseRecord,
  recordToFrame,
  translateFrame,
  translateRecord
} from "../../src/domain/Codec.ts"
import { compactTriplesFrameToRecord, compactTriplesRecordToFrame } from "../../src/domain/CompactTriples.ts"
import { Triples, TriplesFrame, triplesToRecord } from "../../src/domain/Triples.ts"
import { triplesRecordText } from "../../src/domain/TriplesText.ts"
import { triplesFrameToRecordText, triplesRecordToFrameText } from "../../src/domain/TriplesTranscoder.ts"
import { compactFrameText, compactRecordText, wellFormed } from "../support/compactTriples.ts"
import { triplesFrame } from "../support/frames.ts"
import { pythonJson, type Random, seeded, seedOf } from "./fixtures.ts"

const utf8 = new TextDecoder()

/** The general path's record text for a frame, or undefined if it rejects the frame. */
const generalRecord = (frame: string): string | undefined => {
  const parsed = parseFrame("triples", frame)
  return Result.isSuccess(parsed) ? utf8.decode(encodeRecord("triples", parsed.success)) : undefined
}

/**
 * The general path's frame text for a record, or undefined if it rejects the record. The compact
 * path reads the text's UTF-8, in which a lone surrogate has become U+FFFD; so does the text here.
 */
const generalFrame = (record: string): string | undefined => {
  const parsed = parseRecord("triples", wellFormed(record))
  return Result.isSuccess(parsed) ? encodeFrame("triples", recordToFrame("triples", parsed.success)) : undefined
}

const spaces = ["", "", "", " ", "\n", "\t", "\r\n  "]
const extras: ReadonlyArray<unknown> = [1, -0.5e3, true, false, null, [], { x: [1, "y", { z: null }] }, "extra", ""]

/** A string written with some characters as `\uXXXX` or `\/` escapes: the same value. */
const escaped = (value: string, random: Random): string => {
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === "/" && random(2) === 0) out += "\\/"
    else if (/[A-Za-z0-9 ]/.test(c) && random(8) === 0) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
    else out += JSON.stringify(c).slice(1, -1)
  }
  return out + '"'
}

/**
 * The same JSON value written differently: whitespace between tokens, keys in another order,
 * extra keys the schemas ignore, escapes in string values (and in keys, when asked).
 */
const reformat = (value: unknown, random: Random, escapeKeys: boolean): string => {
  const pad = () => spaces[random(spaces.length)]!
  if (typeof value === "string") return escaped(value, random)
  if (Array.isArray(value))
    return `[${pad()}${value.map((v) => reformat(v, random, escapeKeys)).join(`${pad()},${pad()}`)}${pad()}]`
  if (typeof value === "object" && value !== null) {
    const entries: Array<[string, unknown]> = Object.entries(value)
    if (random(3) === 0) entries.push([`x-${random(100)}`, extras[random(extras.length)]])
    for (let i = entries.length - 1; i > 0; i--) {
      const j = random(i + 1)
      ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
    }
    const members = entries.map(
      ([k, v]) =>
        `${pad()}${escapeKeys && random(4) === 0 ? escaped(k, () => 0) : JSON.stringify(k)}${pad()}:${pad()}${reformat(v, random, escapeKeys)}`
    )
    return `{${members.join(",")}${pad()}}`
  }
  return JSON.stringify(value)
}

const damage = (text: string, random: Random): string => {
  const at = random(text.length)
  const pieces = ["", "{", "}", "[", "]", ",", ":", '"', "\\", "0", "-", "a", "null", " ", "\u0001"]
  const piece = pieces[random(pieces.length)]!
  return random(2) === 0 ? text.slice(0, at) + piece + text.slice(at + 1) : text.slice(0, at) + piece + text.slice(at)
}

/** Takes a field of some object in the value away, or gives it a value of the wrong type. */
const mistype = (value: unknown, random: Random): unknown => {
  const copy = JSON.parse(JSON.stringify(value)) as unknown
  const objects: Array<Record<string, unknown>> = []
  const collect = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(collect)
    else if (typeof v === "object" && v !== null) {
      objects.push(v as Record<string, unknown>)
      Object.values(v).forEach(collect)
    }
  }
  collect(copy)
  const target = objects[random(objects.length)]!
  const keys = Object.keys(target)
  const key = keys[random(keys.length)]!
  const wrong: ReadonlyArray<unknown> = [undefined, null, 7, "x", [], {}, true, "t"]
  const replacement = wrong[random(wrong.length)]
  if (replacement === undefined) delete target[key]
  else target[key] = replacement
  return copy
}

describe("TriplesTranscoder", () => {
  // The compact paths scan strings four bytes at a time: whatever ends or escapes a string must be
  // found at each place in a word, after every length of string before it.
  describe("compact paths: a string's special bytes at every place in a word", () => {
    const specials = ['"', "\\", "\u0001", "\u001f", "\u007f", "é", "€", "😀", "\u2028", "\\u0041", "\\/", "\n"]
    const raw = ["\u0001", "\t", "\u001f"]
    const values = specials.flatMap((special) =>
      Array.from({ length: 9 }, (_, before) =>
        Array.from({ length: 6 }, (_, after) => "x".repeat(before) + special + "y".repeat(after))
      ).flat()
    )

    it("writes exactly the general path's record and frame for each value", () => {
      for (const value of values) {
        const frame = {
          metadata: { id: value, root: "", collection: value },
          triples: [
            { s: { t: "i", i: value }, p: { t: "b", d: value }, o: { t: "l", v: value, ln: value }, g: value },
            { s: { t: "i", i: "s" }, p: { t: "i", i: value }, o: { t: "l", v: value, dt: value } }
          ]
        }
        const text = JSON.stringify(frame)
        const record = compactRecordText(text)
        assert.isDefined(record, `the compact import path gave up on ${text}`)
        assert.strictEqual(record, generalRecord(text))
        const exported = compactFrameText(record!)
        assert.isDefined(exported, `the compact export path gave up on ${record}`)
        assert.strictEqual(exported, generalFrame(record!))
      }
    })

    it("never accepts a control character written as it is, wherever it stands", () => {
      for (const control of raw) {
        for (let before = 0; before < 9; before++) {
          const text = JSON.stringify(triplesFrame("doc", 1)).replace("label 0", "x".repeat(before) + control)
          assert.isUndefined(compactRecordText(text), JSON.stringify(text))
          assert.isUndefined(generalRecord(text))
          const record = JSON.stringify(JSON.parse(generalRecord(JSON.stringify(triplesFrame("doc", 1)))!)).replace(
            "label 0",
            "x".repeat(before) + control
          )
          assert.isUndefined(compactFrameText(record), JSON.stringify(record))
          assert.isUndefined(generalFrame(record))
        }
      }
    })
  })

  describe("import: frame text → record text", () => {
    it.effect.prop(
      "takes every canonical frame and writes exactly the general path's record",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const text = JSON.stringify(frame)
          assert.strictEqual(triplesFrameToRecordText(text), generalRecord(text))
        }),
      { arbitrary: { runs: 300 } }
    )

    it.effect.prop(
      "takes reformatted frames — whitespace, key order, extra keys, escaped values — and writes the same record",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const random = seeded(seedOf(JSON.stringify(frame)))
          for (let i = 0; i < 4; i++) {
            const text = reformat(frame, random, false)
            const fast = triplesFrameToRecordText(text)
            assert.isDefined(fast, `the fast path gave up on ${JSON.stringify(text)}`)
            assert.deepStrictEqual(JSON.parse(fast!), JSON.parse(generalRecord(text)!))
          }
        }),
      { arbitrary: { runs: 200 } }
    )

    it.effect.prop(
      "gives up or agrees when keys are escaped, and never accepts a damaged frame the general path rejects",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const random = seeded(seedOf(JSON.stringify(frame)) ^ 0x5eed)
          const compact = JSON.stringify(frame)
          const texts = [
            reformat(frame, random, true),
            ...Array.from({ length: 6 }, () => damage(compact, random)),
            ...Array.from({ length: 12 }, () => damage(reformat(frame, random, false), random)),
            ...Array.from({ length: 6 }, () => JSON.stringify(mistype(frame, random)))
          ]
          for (const text of texts) {
            const fast = triplesFrameToRecordText(text)
            if (fast === undefined) continue
            const general = generalRecord(text)
            assert.isDefined(general, `the fast path accepted what the general path rejects: ${text}`)
            assert.deepStrictEqual(JSON.parse(fast), JSON.parse(general!))
          }
        }),
      { arbitrary: { runs: 200 } }
    )

    it.effect.prop(
      "takes frames as Python's json.dumps writes them and writes exactly the general path's record",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const text = pythonJson(frame)
          assert.strictEqual(triplesFrameToRecordText(text), generalRecord(text))
        }),
      { arbitrary: { runs: 200 } }
    )

    it("reads a frame again from the start when it leaves the compact layout after escaped strings", () => {
      // Key order breaks the compact layout in the first triple's object, after an escaped quote;
      // the second triple holds an escaped backslash. Read again the general way, both must stay whole.
      const text = JSON.stringify({
        metadata: { id: "a", collection: "c" },
        triples: [
          { s: { t: "i", i: 'x"y' }, p: { t: "i", i: "p" }, o: { i: "q", t: "i" } },
          { s: { t: "i", i: "z\\w" }, p: { t: "i", i: "p" }, o: { t: "i", i: "o" } }
        ]
      })
      const fast = triplesFrameToRecordText(text)
      assert.isDefined(fast)
      assert.strictEqual(fast, generalRecord(text))
    })

    it("takes the frames TrustGraph clients send, with the legacy metadata fields", () => {
      const frame = {
        metadata: { id: "doc-1", metadata: [], user: "trustgraph", collection: "default" },
        triples: triplesFrame("doc-1", 3).triples
      }
      const text = JSON.stringify(frame)
      assert.strictEqual(triplesFrameToRecordText(text), generalRecord(text))
    })
  })

  describe("import: frame bytes in the compact layout → record bytes", () => {
    it.effect.prop(
      "takes every frame as JSON.stringify writes it and writes exactly the general path's record",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          // The bytes carry the text's UTF-8, in which a lone surrogate has become U+FFFD.
          const text = wellFormed(JSON.stringify(frame))
          const fast = compactRecordText(text)
          assert.isDefined(fast, `the compact path gave up on ${text}`)
          assert.strictEqual(fast, generalRecord(text))
        }),
      { arbitrary: { runs: 300 } }
    )

    it.effect.prop(
      "never accepts a damaged or mistyped frame the general path rejects, and agrees where it accepts",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const random = seeded(seedOf(JSON.stringify(frame)) ^ 0xb17e)
          const compact = JSON.stringify(frame)
          const texts = [
            ...Array.from({ length: 12 }, () => damage(compact, random)),
            ...Array.from({ length: 6 }, () => JSON.stringify(mistype(frame, random)))
          ].map(wellFormed)
          for (const text of texts) {
            const fast = compactRecordText(text)
            if (fast === undefined) continue
            const general = generalRecord(text)
            assert.isDefined(general, `the compact path accepted what the general path rejects: ${text}`)
            // Where the damage made an escape, the compact path keeps it: the same value.
            assert.deepStrictEqual(JSON.parse(fast), JSON.parse(general!), `from ${text}`)
          }
        }),
      { arbitrary: { runs: 200 } }
    )

    it("takes every kind of term, a graph, escapes and characters outside ASCII as they are", () => {
      const text = JSON.stringify({
        metadata: { id: "dökümän\u00e9", root: "r", collection: "c" },
        triples: [
          {
            s: { t: "b", d: "_:b1" },
            p: { t: "i", i: 'http://example.org/"quoted"/日本' },
            o: { t: "l", v: "line\nbreak \\ tab\t 😀", dt: "http://www.w3.org/2001/XMLSchema#string", ln: "en" },
            g: "http://example.org/g"
          },
          {
            s: { t: "t", tr: { s: { t: "i", i: "s" }, p: { t: "i", i: "p" }, o: { t: "l", v: "o" } } },
            p: { t: "i", i: "http://example.org/q" },
            o: { t: "l", v: "w", ln: "de" },
            g: null
          }
        ]
      })
      assert.strictEqual(compactRecordText(text), generalRecord(text))
    })

    it("leaves frames in another layout to the text path, which writes the same record", () => {
      const frame = triplesFrame("doc-1", 3)
      const python = pythonJson(frame)
      const reordered = JSON.stringify(frame).replace(
        '{"t":"i","i":"http://example.org/doc-1/s0"}',
        '{"i":"http://example.org/doc-1/s0","t":"i"}'
      )
      for (const text of [python, `${JSON.stringify(frame)} x`, reordered, `\ufeff${JSON.stringify(frame)}`]) {
        assert.isUndefined(compactRecordText(text), text)
      }
      // The legacy TrustGraph metadata, `metadata: []` among it, is not a compact frame either.
      const legacy = { metadata: { id: "d", metadata: [], user: "u", collection: "c" }, triples: frame.triples }
      assert.isUndefined(compactRecordText(JSON.stringify(legacy)))
      for (const text of [python, JSON.stringify(legacy)]) {
        const translated = translateFrame("triples", Buffer.from(text, "utf8"))
        assert.strictEqual(utf8.decode(Result.getOrThrow(translated)), generalRecord(text))
      }
    })

    it("gives bytes that are not UTF-8 to the general path, which says so", () => {
      const bytes = Buffer.from(JSON.stringify(triplesFrame("doc-1", 2)), "utf8")
      bytes[bytes.indexOf("http") + 4] = 0x80
      assert.isUndefined(compactTriplesFrameToRecord(bytes))
      const translated = translateFrame("triples", bytes)
      assert.isTrue(Result.isFailure(translated))
      if (Result.isFailure(translated)) assert.include(translated.failure.message, "not valid UTF-8")
    })

    it("rewrites a frame many times its scratch buffer, and the next one as well", () => {
      const big = JSON.stringify(triplesFrame("doc-big", 5_000))
      assert.isAbove(big.length * 2, 256 * 1024)
      assert.strictEqual(compactRecordText(big), generalRecord(big))
      const small = JSON.stringify(triplesFrame("doc-small", 3))
      assert.strictEqual(compactRecordText(small), generalRecord(small))
    })
  })

  describe("export: record bytes in the compact layout → frame bytes", () => {
    /** A record as tg-gateway writes it, from a frame. */
    const recordOf = (frame: unknown) =>
      triplesRecordText(Result.getOrThrow(parseFrame("triples", JSON.stringify(frame))))

    it("gives bytes that are not UTF-8 to the general path, which says so", () => {
      const bytes = Buffer.from(recordOf(triplesFrame("doc-1", 2)), "utf8")
      // A lone continuation byte inside the first IRI.
      bytes[bytes.indexOf("http") + 4] = 0x80
      assert.isUndefined(compactTriplesRecordToFrame(bytes))
      const translated = translateRecord("triples", bytes)
      assert.isTrue(Result.isFailure(translated))
      if (Result.isFailure(translated)) assert.include(translated.failure.message, "not valid UTF-8")
    })

    it("copies strings with escapes and characters outside ASCII as they are", () => {
      const frame = {
        metadata: { id: "dökümän\u00e9", root: "", collection: "c" },
        triples: [
          {
            s: { t: "i", i: 'http://example.org/"quoted"/日本' },
            p: { t: "i", i: "http://example.org/p" },
            o: { t: "l", v: "line\nbreak \\ tab\t 😀", ln: "tr" }
          }
        ]
      }
      const record = recordOf(frame)
      assert.strictEqual(compactFrameText(record), JSON.stringify(frame))
      assert.strictEqual(compactFrameText(record), generalFrame(record))
    })

    it("takes every kind of term, and a graph", () => {
      const frame = {
        metadata: { id: "d", root: "r", collection: "c" },
        triples: [
          {
            s: { t: "b", d: "_:b1" },
            p: { t: "i", i: "http://example.org/p" },
            o: { t: "l", v: "v", dt: "http://www.w3.org/2001/XMLSchema#string", ln: "en" },
            g: "http://example.org/g"
          },
          {
            s: { t: "t", tr: { s: { t: "i", i: "s" }, p: { t: "i", i: "p" }, o: { t: "l", v: "o" } } },
            p: { t: "i", i: "http://example.org/q" },
            o: { t: "l", v: "w", ln: "de" }
          }
        ]
      }
      const record = recordOf(frame)
      assert.strictEqual(compactFrameText(record), JSON.stringify(frame))
      assert.strictEqual(compactFrameText(record), generalFrame(record))
    })

    it("takes a record with a trailing newline, and gives up on whitespace inside", () => {
      const record = recordOf(triplesFrame("doc-1", 2))
      assert.strictEqual(compactFrameText(`${record}\n`), generalFrame(record))
      assert.isUndefined(compactFrameText(record.replace('"p":', '"p": ')))
    })

    it("rewrites a record many times its scratch buffer, and the next one as well", () => {
      const big = recordOf(triplesFrame("doc-big", 5_000))
      assert.isAbove(big.length, 1024 * 1024)
      assert.strictEqual(compactFrameText(big), generalFrame(big))
      const small = recordOf(triplesFrame("doc-small", 3))
      assert.strictEqual(compactFrameText(small), generalFrame(small))
    })
  })

  describe("export: record text in the compact layout → frame text", () => {
    it.effect.prop(
      "takes every record as tg-gateway writes it and writes exactly the general path's frame",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const text = triplesRecordText(frame)
          const fast = compactFrameText(text)
          assert.isDefined(fast, `the compact path gave up on ${JSON.stringify(text)}`)
          assert.strictEqual(fast, generalFrame(text))
        }),
      { arbitrary: { runs: 300 } }
    )

    it.effect.prop(
      "gives up or agrees on any other record, and never accepts a damaged one the general path rejects",
      [Triples],
      ([record]) =>
        Effect.sync(() => {
          const text = JSON.stringify(record)
          const random = seeded(seedOf(text))
          const texts = [
            text,
            pythonJson(record),
            reformat(record, random, false),
            ...Array.from({ length: 12 }, () => damage(text, random)),
            ...Array.from({ length: 6 }, () => JSON.stringify(mistype(record, random)))
          ]
          for (const candidate of texts) {
            const fast = compactFrameText(candidate)
            if (fast === undefined) continue
            const general = generalFrame(candidate)
            assert.isDefined(general, `the compact path accepted what the general path rejects: ${candidate}`)
            assert.deepStrictEqual(JSON.parse(fast), JSON.parse(general!))
          }
        }),
      { arbitrary: { runs: 200 } }
    )
  })

  describe("export: parsed record → frame text", () => {
    it.effect.prop(
      "takes every record the schema accepts and writes exactly the general path's frame",
      [Triples],
      ([record]) =>
        Effect.sync(() => {
          const text = JSON.stringify(record)
          assert.strictEqual(triplesRecordToFrameText(JSON.parse(text)), generalFrame(text))
        }),
      { arbitrary: { runs: 300 } }
    )

    it.effect.prop(
      "never accepts a record with a field missing or mistyped that the general path rejects, and agrees otherwise",
      [TriplesFrame],
      ([frame]) =>
        Effect.sync(() => {
          const record = triplesToRecord(frame)
          const random = seeded(seedOf(JSON.stringify(record)))
          for (let i = 0; i < 8; i++) {
            const text = JSON.stringify(mistype(record, random))
            const fast = triplesRecordToFrameText(JSON.parse(text))
            assert.strictEqual(fast, generalFrame(text), text)
          }
        }),
      { arbitrary: { runs: 200 } }
    )
  })
})
