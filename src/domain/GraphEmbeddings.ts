/**
 * The `graph-embeddings` kind: embedding vectors of graph entities.
 *
 * Frame:  `{"metadata":{…},"entities":[{"entity":T,"vector":[number],"rdf_type"?:[s],"attributes"?:{…}}]}`
 * Record: `GraphEmbeddings{metadata, entities: EntityEmbeddings{entity,vector,chunk_id,rdf_type,attributes}[]}`
 * on the `graph-embeddings-store` topic.
 *
 * As TrustGraph's gateway (2.11) does, imports publish `chunk_id: ""` (the client shape has none)
 * and `metadata.root: ""`, and fill in `rdf_type: []` and `attributes: {}`. Unlike it, a client's
 * `rdf_type` and `attributes` are kept rather than dropped: TrustGraph's graph-embeddings store
 * files them with the vector. Exports leave out `chunk_id`, and `rdf_type` and `attributes`
 * when they are empty, so an unchanged TrustGraph client sees the frames it knows.
 */
import { Effect, Schema } from "effect"
import { copyMetadata, Metadata, withoutRoot } from "./Metadata.ts"
import { T, Term, termFromRecord, termToRecord } from "./Term.ts"

export const Vector = Schema.Array(Schema.Finite)
export type Vector = typeof Vector.Type

/** An entity's RDF types (IRIs): `tg-load-knowledge` sends them for every typed entity. */
export const RdfTypes = Schema.Array(Schema.String)
export type RdfTypes = typeof RdfTypes.Type

/** Search attributes TrustGraph's vector stores file with an embedding: a string or strings each. */
export const Attributes = Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Array(Schema.String)]))
export type Attributes = typeof Attributes.Type

/** `rdf_type` and `attributes` of a record, as a frame carries them: only when not empty. */
export const annotationsOf = (
  rdfType: RdfTypes,
  attributes: Attributes
): { rdf_type?: RdfTypes; attributes?: Attributes } => {
  const out: { rdf_type?: RdfTypes; attributes?: Attributes } = {}
  if (rdfType.length > 0) out.rdf_type = rdfType
  for (const _ in attributes) {
    out.attributes = attributes
    break
  }
  return out
}

/** `rdf_type` of a record: producers that predate it do not write it. */
export const RecordRdfTypes = RdfTypes.pipe(Schema.withDecodingDefaultKey(Effect.sync((): RdfTypes => [])))
/** `attributes` of a record: producers that predate it do not write it. */
export const RecordAttributes = Attributes.pipe(Schema.withDecodingDefaultKey(Effect.sync((): Attributes => ({}))))

export const EntityEmbeddingFrame = Schema.Struct({
  entity: T,
  vector: Vector,
  rdf_type: Schema.optionalKey(RdfTypes),
  attributes: Schema.optionalKey(Attributes)
})
export type EntityEmbeddingFrame = typeof EntityEmbeddingFrame.Type

export const GraphEmbeddingsFrame = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityEmbeddingFrame)
})
export type GraphEmbeddingsFrame = typeof GraphEmbeddingsFrame.Type

export const EntityEmbeddings = Schema.Struct({
  entity: Term,
  vector: Vector,
  // Producers that predate chunk provenance do not write it.
  chunk_id: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed(""))),
  rdf_type: RecordRdfTypes,
  attributes: RecordAttributes
})
export type EntityEmbeddings = typeof EntityEmbeddings.Type

export const GraphEmbeddings = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityEmbeddings)
})
export type GraphEmbeddings = typeof GraphEmbeddings.Type

export const graphEmbeddingsToRecord = (frame: GraphEmbeddingsFrame): GraphEmbeddings => ({
  metadata: withoutRoot(frame.metadata),
  entities: frame.entities.map((entity) => ({
    entity: termToRecord(entity.entity),
    vector: entity.vector,
    chunk_id: "",
    rdf_type: entity.rdf_type ?? [],
    attributes: entity.attributes ?? {}
  }))
})

export const graphEmbeddingsFromRecord = (record: GraphEmbeddings): GraphEmbeddingsFrame => ({
  metadata: copyMetadata(record.metadata),
  entities: record.entities.map((entity) => ({
    entity: termFromRecord(entity.entity),
    vector: entity.vector,
    ...annotationsOf(entity.rdf_type, entity.attributes)
  }))
})
