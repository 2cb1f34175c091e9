import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { encodeFrame, encodeRecord, parseFrame, parseRecord, translateRecord } from "../../src/domain/Codec.ts"
import { isExportable, type Kind, type KindName, kindNames, kinds, parseKindName } from "../../src/domain/Kinds.ts"
import { canonicalRecords, normalFrames, normalRecords, viaJson } from "./fixtures.ts"

const utf8 = new TextDecoder()

const an = (name: string): string => `${/^[aeiou]/.test(name) ? "an" : "a"} ${name}`

describe("Kinds", () => {
  describe("the table", () => {
    it("lists the five kinds of the import routes, in route order", () => {
      assert.deepStrictEqual(
        [...kindNames],
        ["triples", "graph-embeddings", "document-embeddings", "entity-contexts", "rows"]
      )
      assert.sameMembers(Object.keys(kinds), [...kindNames])
      for (const name of kindNames) assert.strictEqual(kinds[name].name, name)
    })

    it("maps each kind to its flow interface, entity contexts to entity-contexts-load", () => {
      assert.deepStrictEqual(Object.fromEntries(kindNames.map((name) => [name, kinds[name].topicInterface])), {
        triples: "triples-store",
        "graph-embeddings": "graph-embeddings-store",
        "document-embeddings": "document-embeddings-store",
        "entity-contexts": "entity-contexts-load",
        rows: "rows-store"
      })
    })

    it("makes every kind but rows exportable", () => {
      assert.deepStrictEqual(kindNames.filter(isExportable), [
        "triples",
        "graph-embeddings",
        "document-embeddings",
        "entity-contexts"
      ])
      assert.isFalse(isExportable("rows"))
    })

    it("recognises kind names from a route segment and refuses anything else", () => {
      assert.strictEqual(parseKindName("graph-embeddings"), "graph-embeddings")
      assert.strictEqual(parseKindName("rows"), "rows")
      assert.isUndefined(parseKindName("objects"))
      assert.isUndefined(parseKindName("toString"))
      assert.isUndefined(parseKindName("__proto__"))
    })
  })

  // One block of properties per kind, registered through a generic helper so each runs with the
  // kind's own frame and record types.
  const properties = <K extends KindName>(name: K) => {
    const kind: Kind<K> = kinds[name]
    const normalFrame = normalFrames[name]
    const normalRecord = normalRecords[name]

    describe(`${name} properties`, () => {
      it.effect.prop(`${an(name)} frame translated to its record and back is the same frame`, [kind.frame], ([frame]) =>
        Effect.sync(() => {
          assert.deepStrictEqual(kind.fromRecord(kind.toRecord(frame)), normalFrame(frame))
        })
      )

      it.effect.prop(
        `a canonical ${name} record translated to its frame and back is the same record`,
        [canonicalRecords[name]],
        ([record]) =>
          Effect.sync(() => {
            assert.deepStrictEqual(kind.toRecord(kind.fromRecord(record)), normalRecord(record))
          })
      )

      it.effect.prop(
        `${an(name)} frame sent as JSON text decodes to the frame it was made from`,
        [kind.frame],
        ([frame]) =>
          Effect.sync(() => {
            const decoded = parseFrame(name, encodeFrame(name, frame))
            assert.isTrue(Result.isSuccess(decoded))
            if (Result.isSuccess(decoded)) assert.deepStrictEqual(viaJson(decoded.success), viaJson(frame))
          })
      )

      it.effect.prop(`${an(name)} frame's Pulsar payload is the UTF-8 JSON of its record`, [kind.frame], ([frame]) =>
        Effect.sync(() => {
          const payload = encodeRecord(name, frame)
          const record = parseRecord(name, payload)
          assert.isTrue(Result.isSuccess(record))
          if (Result.isSuccess(record)) assert.deepStrictEqual(viaJson(record.success), viaJson(kind.toRecord(frame)))
          assert.deepStrictEqual(JSON.parse(utf8.decode(payload)), viaJson(kind.toRecord(frame)))
        })
      )

      it.effect.prop(
        `${an(name)} payload exported to a client reads back as the frame that was imported`,
        [kind.frame],
        ([frame]) =>
          Effect.sync(() => {
            const text = Result.getOrThrow(translateRecord(name, encodeRecord(name, frame)))
            const reread = parseFrame(name, text)
            assert.isTrue(Result.isSuccess(reread))
            if (Result.isSuccess(reread)) assert.deepStrictEqual(viaJson(reread.success), viaJson(normalFrame(frame)))
          })
      )
    })
  }

  for (const name of kindNames) properties(name)
})
