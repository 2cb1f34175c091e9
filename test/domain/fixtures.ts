/**
 * Test-side models for the domain tests: schemas of *canonical* processor records (exactly what a
 * TrustGraph processor writes — only the fields of a term's type are set), and the normal forms
 * the round-trip properties compare against.
 */
import { Schema } from "effect"
import type { FrameOf, KindName, RecordOf } from "../../src/domain/Kinds.ts"
import { Attributes, RdfTypes } from "../../src/domain/GraphEmbeddings.ts"
import { DocumentMetadata, Metadata } from "../../src/domain/Metadata.ts"
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
    entities: Schema.Array(
      Schema.Struct({
        entity: CanonicalTerm,
        vector: Vector,
        chunk_id: Schema.String,
        rdf_type: RdfTypes,
        attributes: Attributes
      })
    )
  }),
  "document-embeddings": Schema.Struct({
    metadata: DocumentMetadata,
    chunks: Schema.Array(Schema.Struct({ chunk_id: Schema.String, vector: Vector, attributes: Attributes }))
  }),
  "entity-contexts": Schema.Struct({
    metadata: Metadata,
    entities: Schema.Array(
      Schema.Struct({
        entity: CanonicalTerm,
        context: Schema.String,
        chunk_id: Schema.String,
        rdf_type: RdfTypes,
        attributes: Attributes
      })
    )
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

/** An entity's or chunk's `rdf_type` and `attributes` as exports write them: left out when empty. */
const withoutEmpty = <A extends { readonly rdf_type?: ReadonlyArray<string>; readonly attributes?: object }>(
  value: A
): A => {
  const { rdf_type, attributes, ...rest } = value
  return {
    ...rest,
    ...(rdf_type === undefined || rdf_type.length === 0 ? {} : { rdf_type }),
    ...(attributes === undefined || Object.keys(attributes).length === 0 ? {} : { attributes })
  } as A
}

/** TrustGraph's gateway publishes `root: ""` for graph embeddings, entity contexts and rows. */
const rootless = <A extends { readonly metadata: { readonly root: string } }>(value: A): A => ({
  ...value,
  metadata: { ...value.metadata, root: "" }
})

/** Frames as the export direction produces them, after a trip through the record. */
export const normalFrames: { readonly [K in KindName]: (frame: FrameOf<K>) => FrameOf<K> } = {
  triples: (frame) => ({ ...frame, triples: frame.triples.map(normalTripleT) }),
  "graph-embeddings": (frame) =>
    rootless({
      ...frame,
      entities: frame.entities.map((entity) => withoutEmpty({ ...entity, entity: normalT(entity.entity) }))
    }),
  "document-embeddings": (frame) => ({ ...frame, chunks: frame.chunks.map(withoutEmpty) }),
  "entity-contexts": (frame) =>
    rootless({
      ...frame,
      entities: frame.entities.map((entity) => withoutEmpty({ ...entity, entity: normalT(entity.entity) }))
    }),
  rows: rootless
}

/** Records after a trip through the client shape, which has no `chunk_id` (and no `root` where TrustGraph drops it). */
export const normalRecords: { readonly [K in KindName]: (record: RecordOf<K>) => RecordOf<K> } = {
  triples: (record) => record,
  "graph-embeddings": (record) =>
    rootless({
      ...record,
      entities: record.entities.map((entity) => ({ ...entity, chunk_id: "" }))
    }),
  "document-embeddings": (record) => record,
  "entity-contexts": (record) =>
    rootless({
      ...record,
      entities: record.entities.map((entity) => ({ ...entity, chunk_id: "" }))
    }),
  rows: rootless
}

/** What a value looks like after a trip through JSON text (`-0` becomes `0`, which chai tells apart). */
export const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

// ---------------------------------------------------------------------------------------------
// Input generation beside the schemas' arbitraries
// ---------------------------------------------------------------------------------------------

/** A small seeded generator, so that every run varies its inputs the same way. */
export const seeded = (seed: number) => {
  let state = seed >>> 0
  return (below: number): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) % below) as number
  }
}
export type Random = ReturnType<typeof seeded>

export const seedOf = (text: string): number => {
  let hash = 2166136261
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619)
  return hash
}

/** JSON as Python's `json.dumps` writes it by default: ", " between items, ": " after keys. */
export const pythonJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`
  }
  return JSON.stringify(value)
}
