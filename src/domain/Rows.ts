/**
 * The `rows` kind: structured objects extracted for a named row schema. Import only.
 *
 * Frame:  `{"metadata":{…},"schema_name":s,"values":[{k:s}] or {k:s},"confidence"?,"source_span"?}`
 * Record: `ExtractedObject{metadata,schema_name,values,confidence,source_span}` on the
 * `rows-store` topic.
 *
 * `values` may be a single object for compatibility with older clients; the record always carries
 * an array. `confidence` defaults to 1.0 and `source_span` to `""`, and `metadata.root` is
 * published as `""` whatever the client sent, as in the reference.
 */
import { Effect, Schema } from "effect"
import { copyMetadata, Metadata, withoutRoot } from "./Metadata.ts"

export const RowValues = Schema.Record(Schema.String, Schema.String)
export type RowValues = typeof RowValues.Type

export const RowsFrame = Schema.Struct({
  metadata: Metadata,
  schema_name: Schema.String,
  values: Schema.ArrayEnsure(RowValues).pipe(
    Schema.annotateEncoded({
      message: "expected an object of string values, or an array of such objects"
    })
  ),
  confidence: Schema.Finite.pipe(Schema.withDecodingDefaultKey(Effect.succeed(1.0))),
  source_span: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("")))
})
export type RowsFrame = typeof RowsFrame.Type

export const ExtractedObject = Schema.Struct({
  metadata: Metadata,
  schema_name: Schema.String,
  values: Schema.Array(RowValues),
  confidence: Schema.Finite,
  source_span: Schema.String
})
export type ExtractedObject = typeof ExtractedObject.Type

const translate = (
  from: RowsFrame | ExtractedObject,
  metadata: (metadata: Metadata) => Metadata
): RowsFrame & ExtractedObject => ({
  metadata: metadata(from.metadata),
  schema_name: from.schema_name,
  values: from.values,
  confidence: from.confidence,
  source_span: from.source_span
})

// TrustGraph's gateway builds the record's metadata from `id` and `collection` only.
export const rowsToRecord = (frame: RowsFrame): ExtractedObject => translate(frame, withoutRoot)

export const rowsFromRecord = (record: ExtractedObject): RowsFrame => translate(record, copyMetadata)
