/**
 * The `entity-contexts` kind: a text context for each graph entity.
 *
 * Frame:  `{"metadata":{…},"entities":[{"entity":T,"context":s,"rdf_type"?:[s],"attributes"?:{…}}]}`
 * Record: `EntityContexts{metadata, entities: EntityContext{entity,context,chunk_id,rdf_type,attributes}[]}`
 * on the `entity-contexts-load` topic.
 *
 * As TrustGraph's gateway (2.11) does, imports keep the client's `rdf_type` (`tg-load-knowledge`
 * sends the types of every typed entity), publish `chunk_id: ""` and `metadata.root: ""`, and fill
 * in `rdf_type: []` and `attributes: {}`; a client's `attributes` are kept too, where TrustGraph
 * drops them. Exports leave out `chunk_id`, and `rdf_type` and `attributes` when they are empty.
 */
import { Effect, Schema } from "effect"
import { annotationsOf, Attributes, RdfTypes, RecordAttributes, RecordRdfTypes } from "./GraphEmbeddings.ts"
import { copyMetadata, Metadata, withoutRoot } from "./Metadata.ts"
import { T, Term, termFromRecord, termToRecord } from "./Term.ts"

export const EntityContextFrame = Schema.Struct({
  entity: T,
  context: Schema.String,
  rdf_type: Schema.optionalKey(RdfTypes),
  attributes: Schema.optionalKey(Attributes)
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
  chunk_id: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed(""))),
  rdf_type: RecordRdfTypes,
  attributes: RecordAttributes
})
export type EntityContext = typeof EntityContext.Type

export const EntityContexts = Schema.Struct({
  metadata: Metadata,
  entities: Schema.Array(EntityContext)
})
export type EntityContexts = typeof EntityContexts.Type

export const entityContextsToRecord = (frame: EntityContextsFrame): EntityContexts => ({
  metadata: withoutRoot(frame.metadata),
  entities: frame.entities.map((entity) => ({
    entity: termToRecord(entity.entity),
    context: entity.context,
    chunk_id: "",
    rdf_type: entity.rdf_type ?? [],
    attributes: entity.attributes ?? {}
  }))
})

export const entityContextsFromRecord = (record: EntityContexts): EntityContextsFrame => ({
  metadata: copyMetadata(record.metadata),
  entities: record.entities.map((entity) => ({
    entity: termFromRecord(entity.entity),
    context: entity.context,
    ...annotationsOf(entity.rdf_type, entity.attributes)
  }))
})
