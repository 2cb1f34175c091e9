/**
 * The `graph-embeddings` kind: embedding vectors of graph entities.
 *
 * Frame:  `{"metadata":{…},"entities":[{"entity":T,"vector":[number]}]}`
 * Record: `GraphEmbeddings{metadata, entities: EntityEmbeddings{entity,vector,chunk_id}[]}` on the
 * `graph-embeddings-store` topic.
 *
 * The client shape has no `chunk_id`: imports publish `""`, and exports leave it out, as the
 * reference gateway does.
 */
import { Effect, Schema } from "effect"
import { copyMetadata, Metadata } from "./Metadata.ts"
import { T, Term, termFromRecord, termToRecord } from "./Term.ts"

export const Vector = Schema.Array(Schema.Finite)
export type Vector = typeof Vector.Type

export const EntityEmbeddingFrame = Schema.Struct({
  entity: T,
  vector: Vector
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
  chunk_id: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("")))
})
export type EntityEmbeddings = typeof EntityEmbeddings.Type

export const GraphEmbeddings = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityEmbeddings)
})
export type GraphEmbeddings = typeof GraphEmbeddings.Type

export const graphEmbeddingsToRecord = (frame: GraphEmbeddingsFrame): GraphEmbeddings => ({
  metadata: copyMetadata(frame.metadata),
  entities: frame.entities.map((entity) => ({
    entity: termToRecord(entity.entity),
    vector: entity.vector,
    chunk_id: ""
  }))
})

export const graphEmbeddingsFromRecord = (record: GraphEmbeddings): GraphEmbeddingsFrame => ({
  metadata: copyMetadata(record.metadata),
  entities: record.entities.map((entity) => ({
    entity: termFromRecord(entity.entity),
    vector: entity.vector
  }))
})
