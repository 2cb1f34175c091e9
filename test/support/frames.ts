/** Client frames of every kind, as a TrustGraph client sends them, for end-to-end tests. */
import type { KindName } from "../../src/domain/Kinds.ts"

const metadata = (id: string) => ({ id, root: "", collection: "default" })
const iri = (i: string) => ({ t: "i", i })

export const triplesFrame = (id: string, count = 1) => ({
  metadata: metadata(id),
  triples: Array.from({ length: count }, (_, n) => ({
    s: iri(`http://example.org/${id}/s${n}`),
    p: iri("http://www.w3.org/2000/01/rdf-schema#label"),
    o: { t: "l", v: `label ${n}`, ln: "en" }
  }))
})

export const sampleFrames: { readonly [K in KindName]: (id: string) => unknown } = {
  triples: (id) => ({
    metadata: metadata(id),
    triples: [
      { s: iri("http://example.org/a"), p: iri("http://example.org/knows"), o: { t: "b", d: "b0" } },
      {
        s: {
          t: "t",
          tr: {
            s: iri("http://example.org/a"),
            p: iri("http://example.org/p"),
            o: { t: "l", v: "42", dt: "http://www.w3.org/2001/XMLSchema#integer" }
          }
        },
        p: iri("http://example.org/source"),
        o: { t: "l", v: "wiki" },
        g: "http://example.org/graph"
      }
    ]
  }),
  "graph-embeddings": (id) => ({
    metadata: metadata(id),
    entities: [{ entity: iri("http://example.org/a"), vector: [0.25, -1.5, 3] }]
  }),
  "document-embeddings": (id) => ({
    metadata: metadata(id),
    chunks: [{ chunk_id: "chunk-1", vector: [0.5, 0.75] }]
  }),
  "entity-contexts": (id) => ({
    metadata: metadata(id),
    entities: [{ entity: iri("http://example.org/a"), context: "Alice is a person." }]
  }),
  rows: (id) => ({
    metadata: metadata(id),
    schema_name: "people",
    values: [{ name: "Alice", age: "42" }],
    confidence: 0.9,
    source_span: "Alice, 42"
  })
}
