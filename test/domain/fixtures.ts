/**
 * Test-side models for the domain tests: schemas of *canonical* processor records (exactly what a
 * TrustGraph processor writes — only the fields of a term's type are set), and the normal forms
 * the round-trip properties compare against.
 */
import { Schema } from "effect"
import type { FrameOf, KindName, RecordOf } from "../../src/domain/Kinds.ts"
import { Metadata } from "../../src/domain/Metadata.ts"
import type { T, Term, Triple, TripleT } from "../../src/domain/Term.ts"

const Empty = Schema.Literal("")

export const CanonicalTerm: Schema.Codec<Term> = Schema.Union([
  Schema.Struct({
    type: Schema.Literal("i"),
    iri: Schema.String,
    id: Empty,
    value: Empty,
    datatype: Empty,
    language: Empty,
    triple: Schema.Null
  }),
  Schema.Struct({
    type: Schema.Literal("b"),
    iri: Empty,
    id: Schema.String,
    value: Empty,
    datatype: Empty,
    language: Empty,
    triple: Schema.Null
  }),
  Schema.Struct({
    type: Schema.Literal("l"),
    iri: Empty,
    id: Empty,
    value: Schema.String,
    datatype: Schema.String,
    language: Schema.String,
    triple: Schema.Null
  }),
  Schema.Struct({
    type: Schema.Literal("t"),
    iri: Empty,
    id: Empty,
    value: Empty,
    datatype: Empty,
    language: Empty,
    triple: Schema.suspend((): Schema.Codec<Triple> => CanonicalTriple)
  })
])

export const CanonicalTriple: Schema.Codec<Triple> = Schema.Struct({
  s: CanonicalTerm,
  p: CanonicalTerm,
  o: CanonicalTerm,
  g: Schema.NullOr(Schema.String)
})

// Metadata's Type side is what the arbitrary generates: all three fields present.
const Vector = Schema.Array(Schema.Finite)

export const canonicalRecords: { readonly [K in KindName]: Schema.Codec<RecordOf<K>, unknown> } = {
  triples: Schema.Struct({
    metadata: Metadata,
    triples: Schema.Array(CanonicalTriple)
  }),
  "graph-embeddings": Schema.Struct({
    metadata: Metadata,
    entities: Schema.Array(Schema.Struct({ entity: CanonicalTerm, vector: Vector, chunk_id: Schema.String }))
  }),
  "document-embeddings": Schema.Struct({
    metadata: Metadata,
    chunks: Schema.Array(Schema.Struct({ chunk_id: Schema.String, vector: Vector }))
  }),
  "entity-contexts": Schema.Struct({
    metadata: Metadata,
    entities: Schema.Array(Schema.Struct({ entity: CanonicalTerm, context: Schema.String, chunk_id: Schema.String }))
  }),
  rows: Schema.Struct({
    metadata: Metadata,
    schema_name: Schema.String,
    values: Schema.Array(Schema.Record(Schema.String, Schema.String)),
    confidence: Schema.Finite,
    source_span: Schema.String
  })
}

// ---------------------------------------------------------------------------------------------
// Normal forms
// ---------------------------------------------------------------------------------------------

/** A term as the gateway emits it: empty `dt` / `ln` left out. */
export const normalT = (term: T): T => {
  switch (term.t) {
    case "i":
    case "b":
      return term
    case "l": {
      const literal: { t: "l"; v: string; dt?: string; ln?: string } = { t: "l", v: term.v }
      if (term.dt !== undefined && term.dt !== "") literal.dt = term.dt
      if (term.ln !== undefined && term.ln !== "") literal.ln = term.ln
      return literal
    }
    case "t":
      return { t: "t", tr: normalTripleT(term.tr) }
  }
}

/** A triple as the gateway emits it: a null graph left out. */
export const normalTripleT = (triple: TripleT): TripleT => {
  const s = normalT(triple.s)
  const p = normalT(triple.p)
  const o = normalT(triple.o)
  return triple.g === undefined || triple.g === null ? { s, p, o } : { s, p, o, g: triple.g }
}

/** Frames as the export direction produces them. */
export const normalFrames: { readonly [K in KindName]: (frame: FrameOf<K>) => FrameOf<K> } = {
  triples: (frame) => ({ ...frame, triples: frame.triples.map(normalTripleT) }),
  "graph-embeddings": (frame) => ({
    ...frame,
    entities: frame.entities.map((entity) => ({ ...entity, entity: normalT(entity.entity) }))
  }),
  "document-embeddings": (frame) => frame,
  "entity-contexts": (frame) => ({
    ...frame,
    entities: frame.entities.map((entity) => ({ ...entity, entity: normalT(entity.entity) }))
  }),
  rows: (frame) => frame
}

/** Records after a trip through the client shape, which has no `chunk_id`. */
export const normalRecords: { readonly [K in KindName]: (record: RecordOf<K>) => RecordOf<K> } = {
  triples: (record) => record,
  "graph-embeddings": (record) => ({
    ...record,
    entities: record.entities.map((entity) => ({ ...entity, chunk_id: "" }))
  }),
  "document-embeddings": (record) => record,
  "entity-contexts": (record) => ({
    ...record,
    entities: record.entities.map((entity) => ({ ...entity, chunk_id: "" }))
  }),
  rows: (record) => record
}

/** What a value looks like after a trip through JSON text (`-0` becomes `0`, which chai tells apart). */
export const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
