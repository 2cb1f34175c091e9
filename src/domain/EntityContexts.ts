/**
 * The `entity-contexts` kind: a text context for each graph entity.
 *
 * Frame:  `{"metadata":{…},"entities":[{"entity":T,"context":s}]}`
 * Record: `EntityContexts{metadata, entities: EntityContext{entity,context,chunk_id}[]}` on the
 * `entity-contexts-load` topic.
 *
 * The client shape has no `chunk_id`: imports publish `""`, and exports leave it out, as the
 * reference gateway does.
 */
import { Effect, Schema } from "effect"
import { copyMetadata, Metadata } from "./Metadata.ts"
import { T, Term, termFromRecord, termToRecord } from "./Term.ts"

export const EntityContextFrame = Schema.Struct({
  entity: T,
  context: Schema.String
})
export type EntityContextFrame = typeof EntityContextFrame.Type

export const EntityContextsFrame = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityContextFrame)
})
export type EntityContextsFrame = typeof EntityContextsFrame.Type

export const EntityContext = Schema.Struct({
  entity: Term,
  context: Schema.String,
  // Producers that predate chunk provenance do not write it.
  chunk_id: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("")))
})
export type EntityContext = typeof EntityContext.Type

export const EntityContexts = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityContext)
})
export type EntityContexts = typeof EntityContexts.Type

export const entityContextsToRecord = (frame: EntityContextsFrame): EntityContexts => ({
  metadata: copyMetadata(frame.metadata),
  entities: frame.entities.map((entity) => ({
    entity: termToRecord(entity.entity),
    context: entity.context,
    chunk_id: ""
  }))
})

export const entityContextsFromRecord = (record: EntityContexts): EntityContextsFrame => ({
  metadata: copyMetadata(record.metadata),
  entities: record.entities.map((entity) => ({
    entity: termFromRecord(entity.entity),
    context: entity.context
  }))
})
