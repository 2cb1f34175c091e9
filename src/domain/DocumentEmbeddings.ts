/**
 * The `document-embeddings` kind: embedding vectors of document chunks.
 *
 * Frame:  `{"metadata":{"id"?,"root"?,"collection"?},"chunks":[{"chunk_id":s,"vector":[number],"attributes"?:{…}}]}`
 * Record: `DocumentEmbeddings{metadata, chunks: ChunkEmbeddings{chunk_id,vector,attributes}[]}` on the
 * `document-embeddings-store` topic.
 *
 * Unlike the other kinds, the reference accepts a frame without `metadata`, or with any of its
 * fields missing: it publishes a missing `id` as `null`, a missing `root` as `""` and files the
 * frame under collection `"default"`. A chunk's `attributes` are kept (`{}` when absent), as
 * TrustGraph's gateway keeps them; exports leave them out when they are empty.
 */
import { Effect, Schema } from "effect"
import { annotationsOf, Attributes, RecordAttributes, Vector } from "./GraphEmbeddings.ts"
import { copyMetadata, DocumentMetadata, LenientMetadata } from "./Metadata.ts"

export const ChunkEmbeddingsFrame = Schema.Struct({
  chunk_id: Schema.String,
  vector: Vector,
  attributes: Schema.optionalKey(Attributes)
})
export type ChunkEmbeddingsFrame = typeof ChunkEmbeddingsFrame.Type

export const DocumentEmbeddingsFrame = Schema.Struct({
  metadata: LenientMetadata.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  chunks: Schema.Array(ChunkEmbeddingsFrame)
})
export type DocumentEmbeddingsFrame = typeof DocumentEmbeddingsFrame.Type

export const ChunkEmbeddings = Schema.Struct({
  chunk_id: Schema.String,
  vector: Vector,
  attributes: RecordAttributes
})
export type ChunkEmbeddings = typeof ChunkEmbeddings.Type

export const DocumentEmbeddings = Schema.Struct({
  metadata: DocumentMetadata,
  chunks: Schema.Array(ChunkEmbeddings)
})
export type DocumentEmbeddings = typeof DocumentEmbeddings.Type

export const documentEmbeddingsToRecord = (frame: DocumentEmbeddingsFrame): DocumentEmbeddings => ({
  metadata: copyMetadata(frame.metadata),
  chunks: frame.chunks.map((chunk) => ({
    chunk_id: chunk.chunk_id,
    vector: chunk.vector,
    attributes: chunk.attributes ?? {}
  }))
})

export const documentEmbeddingsFromRecord = (record: DocumentEmbeddings): DocumentEmbeddingsFrame => ({
  metadata: copyMetadata(record.metadata),
  chunks: record.chunks.map((chunk) => ({
    chunk_id: chunk.chunk_id,
    vector: chunk.vector,
    ...annotationsOf([], chunk.attributes)
  }))
})
