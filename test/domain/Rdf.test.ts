/** RDF text ⇄ client terms: what n3 parses becomes the client codec, and N-Triples written back parses the same. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Parser } from "n3"
import { type RdfQuad, tripleFromRdf, tripleToNTriples } from "../../src/domain/Rdf.ts"
import type { TripleT } from "../../src/domain/Term.ts"

const parse = (text: string, format = "N-Quads*"): Array<TripleT> =>
  (new Parser({ format }).parse(text) as unknown as Array<RdfQuad>).map(tripleFromRdf)

const iri = (i: string) => ({ t: "i", i }) as const

const samples: ReadonlyArray<TripleT> = [
  { s: iri("http://example.org/a"), p: iri("http://example.org/p"), o: { t: "l", v: "plain" } },
  { s: iri("http://example.org/a"), p: iri("http://example.org/p"), o: { t: "l", v: "hola", ln: "es" } },
  {
    s: iri("http://example.org/a"),
    p: iri("http://example.org/p"),
    o: { t: "l", v: "42", dt: "http://www.w3.org/2001/XMLSchema#integer" }
  },
  { s: { t: "b", d: "node1" }, p: iri("http://example.org/p"), o: { t: "b", d: "node2" } },
  {
    s: iri("http://example.org/a"),
    p: iri("http://example.org/p"),
    o: { t: "l", v: 'quotes " and \\ backslash,\nnew line, tab\t, bell \u0007, emoji 🙂, عربى' }
  },
  {
    s: iri("http://example.org/a"),
    p: iri("http://example.org/p"),
    o: iri("http://example.org/b"),
    g: "http://example.org/g"
  },
  {
    s: { t: "t", tr: { s: iri("http://example.org/a"), p: iri("http://example.org/p"), o: { t: "l", v: "x" } } },
    p: iri("http://example.org/source"),
    o: iri("http://example.org/wiki")
  }
]

describe("Rdf", () => {
  it.effect("Turtle terms become client terms: xsd:string and rdf:langString datatypes are left out", () =>
    Effect.sync(() => {
      const [a, b] = parse(
        `@prefix ex: <http://example.org/> . ex:a ex:p "x"^^<http://www.w3.org/2001/XMLSchema#string> , "y"@en .`,
        "Turtle*"
      )
      assert.deepStrictEqual(a?.o, { t: "l", v: "x" })
      assert.deepStrictEqual(b?.o, { t: "l", v: "y", ln: "en" })
    })
  )

  for (const [index, triple] of samples.entries()) {
    it.effect(`written as N-Triples and parsed again, sample ${index + 1} is unchanged`, () =>
      Effect.sync(() => {
        const line = tripleToNTriples(triple)
        assert.notInclude(line, "\n", "one line")
        const [back] = parse(`${line}\n`)
        if (triple.s.t === "b") {
          // n3 gives blank nodes labels of its own; the shape is what must survive.
          assert.strictEqual(back?.s.t, "b")
          assert.strictEqual(back?.o.t, "b")
        } else {
          assert.deepStrictEqual(back, triple)
        }
      })
    )
  }
})
