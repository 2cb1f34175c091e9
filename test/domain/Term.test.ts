import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { T, type Term, termFromRecord, termToRecord, tripleFromRecord, tripleToRecord } from "../../src/domain/Term.ts"
import { CanonicalTerm, CanonicalTriple, normalT, normalTripleT } from "./fixtures.ts"

const iriRecord = (iri: string): Term => ({
  type: "i",
  iri,
  id: "",
  value: "",
  datatype: "",
  language: "",
  triple: null
})

describe("Term", () => {
  describe("client term → record", () => {
    it("an IRI fills iri and leaves every other field empty, with triple null", () => {
      assert.deepStrictEqual(termToRecord({ t: "i", i: "http://example.org/a" }), iriRecord("http://example.org/a"))
    })

    it("a blank node fills id", () => {
      assert.deepStrictEqual(termToRecord({ t: "b", d: "b0" }), {
        type: "b",
        iri: "",
        id: "b0",
        value: "",
        datatype: "",
        language: "",
        triple: null
      })
    })

    it("a literal without dt or ln has an empty datatype and language", () => {
      assert.deepStrictEqual(termToRecord({ t: "l", v: "hello" }), {
        type: "l",
        iri: "",
        id: "",
        value: "hello",
        datatype: "",
        language: "",
        triple: null
      })
    })

    it("a literal with dt and ln carries them as datatype and language", () => {
      const record = termToRecord({ t: "l", v: "42", dt: "http://www.w3.org/2001/XMLSchema#integer", ln: "en" })
      assert.strictEqual(record.datatype, "http://www.w3.org/2001/XMLSchema#integer")
      assert.strictEqual(record.language, "en")
    })

    it("a quoted triple nests a full Triple record, g null when the quoted triple has no graph", () => {
      const record = termToRecord({
        t: "t",
        tr: { s: { t: "i", i: "http://ex/s" }, p: { t: "i", i: "http://ex/p" }, o: { t: "l", v: "o" } }
      })
      assert.deepStrictEqual(record, {
        type: "t",
        iri: "",
        id: "",
        value: "",
        datatype: "",
        language: "",
        triple: {
          s: iriRecord("http://ex/s"),
          p: iriRecord("http://ex/p"),
          o: { type: "l", iri: "", id: "", value: "o", datatype: "", language: "", triple: null },
          g: null
        }
      })
    })

    it("record fields come out in the reference's order", () => {
      assert.deepStrictEqual(Object.keys(termToRecord({ t: "b", d: "x" })), [
        "type",
        "iri",
        "id",
        "value",
        "datatype",
        "language",
        "triple"
      ])
    })
  })

  describe("record → client term", () => {
    it("a literal's empty datatype and language are left out", () => {
      assert.deepStrictEqual(termFromRecord(termToRecord({ t: "l", v: "x", dt: "", ln: "" })), { t: "l", v: "x" })
    })

    it("a literal keeps a datatype without a language, and the other way round", () => {
      assert.deepStrictEqual(termFromRecord(termToRecord({ t: "l", v: "1", dt: "xsd:int" })), {
        t: "l",
        v: "1",
        dt: "xsd:int"
      })
      assert.deepStrictEqual(termFromRecord(termToRecord({ t: "l", v: "chat", ln: "fr" })), {
        t: "l",
        v: "chat",
        ln: "fr"
      })
    })

    it("fields that do not belong to the term's type are not carried to the client", () => {
      assert.deepStrictEqual(termFromRecord({ ...iriRecord("http://ex/a"), value: "stray", id: "stray" }), {
        t: "i",
        i: "http://ex/a"
      })
    })

    it("a triple with a graph keeps it as g, and one without has no g key", () => {
      const s = iriRecord("http://ex/s")
      assert.deepStrictEqual(tripleFromRecord({ s, p: s, o: s, g: "http://ex/g" }).g, "http://ex/g")
      assert.isFalse("g" in tripleFromRecord({ s, p: s, o: s, g: null }))
    })

    it("quoted triples nest to any depth", () => {
      const inner = { s: { t: "i", i: "a" }, p: { t: "i", i: "b" }, o: { t: "b", d: "c" }, g: "G" } as const
      const middle = { s: { t: "t", tr: inner }, p: { t: "i", i: "says" }, o: { t: "l", v: "v" } } as const
      const outer = { s: { t: "t", tr: middle }, p: { t: "i", i: "p" }, o: { t: "t", tr: inner } } as const
      assert.deepStrictEqual(tripleFromRecord(tripleToRecord(outer)), outer)
    })
  })

  describe("properties", () => {
    it.effect.prop(
      "any client term translated to a record and back is the same term, empty dt/ln left out",
      [T],
      ([term]) =>
        Effect.sync(() => {
          assert.deepStrictEqual(termFromRecord(termToRecord(term)), normalT(term))
        })
    )

    it.effect.prop(
      "any client triple translated to a record and back is the same triple, a null g left out",
      [Schema.Struct({ s: T, p: T, o: T, g: Schema.optionalKey(Schema.NullOr(Schema.String)) })],
      ([triple]) =>
        Effect.sync(() => {
          assert.deepStrictEqual(tripleFromRecord(tripleToRecord(triple)), normalTripleT(triple))
        })
    )

    it.effect.prop(
      "any canonical term record translated to a client term and back is the same record",
      [CanonicalTerm],
      ([record]) =>
        Effect.sync(() => {
          assert.deepStrictEqual(termToRecord(termFromRecord(record)), record)
        })
    )

    it.effect.prop(
      "any canonical triple record translated to a client triple and back is the same record",
      [CanonicalTriple],
      ([record]) =>
        Effect.sync(() => {
          assert.deepStrictEqual(tripleToRecord(tripleFromRecord(record)), record)
        })
    )
  })
})
