/**
 * The `document-embeddings` kind: embedding vectors of document chunks.
 *
 * Frame:  `{"metadata":{"id"?,"root"?,"collection"?},"chunks":[{"chunk_id":s,"vector":[number]}]}`
 * Record: `DocumentEmbeddings{metadata, chunks: ChunkEmbeddings{chunk_id,vector}[]}` on the
 * `document-embeddings-store` topic.
 *
 * Unlike the other kinds, the reference accepts a frame without `metadata`, or with any of its
 * fields missing, and files it under collection `"default"`.
 */
import { Effect, Schema } from "effect"
import { Vector } from "./GraphEmbeddings.ts"
import { copyMetadata, LenientMetadata, Metadata } from "./Metadata.ts"

export const ChunkEmbeddings = Schema.Struct({
  chunk_id: Schema.String,
  vector: Vector
})
export type ChunkEmbeddings = typeof ChunkEmbeddings.Type

export const DocumentEmbeddingsFrame = Schema.Struct({
  metadata: LenientMetadata.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  chunks: Schema.Array(ChunkEmbeddings)
})
export type DocumentEmbeddingsFrame = typeof DocumentEmbeddingsFrame.Type

export const DocumentEmbeddings = Schema.Struct({
  metadata: Metadata,
  chunks: Schema.Array(ChunkEmbeddings)
})
export type DocumentEmbeddings = typeof DocumentEmbeddings.Type

const copyChunk = (chunk: ChunkEmbeddings): ChunkEmbeddings => ({ chunk_id: chunk.chunk_id, vector: chunk.vector })

export const documentEmbeddingsToRecord = (frame: DocumentEmbeddingsFrame): DocumentEmbeddings => ({
  metadata: copyMetadata(frame.metadata),
  chunks: frame.chunks.map(copyChunk)
})

export const documentEmbeddingsFromRecord = (record: DocumentEmbeddings): DocumentEmbeddingsFrame => ({
  metadata: copyMetadata(record.metadata),
  chunks: record.chunks.map(copyChunk)
})
