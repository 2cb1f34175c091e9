/**
 * The `triples` kind: a batch of triples about one source document.
 *
 * Frame:  `{"metadata":{"id","root"?,"collection"},"triples":[{"s":T,"p":T,"o":T,"g"?}]}`
 * Record: `Triples{metadata: Metadata, triples: Triple[]}` on the `triples-store` topic.
 */
import { Schema } from "effect"
import { copyMetadata, Metadata } from "./Metadata.ts"
import { Triple, tripleFromRecord, TripleT, tripleToRecord } from "./Term.ts"

export const TriplesFrame = Schema.Struct({
  metadata: Metadata,
  triples: Schema.Array(TripleT)
})
export type TriplesFrame = typeof TriplesFrame.Type

export const Triples = Schema.Struct({
  metadata: Metadata,
  triples: Schema.Array(Triple)
})
export type Triples = typeof Triples.Type

export const triplesToRecord = (frame: TriplesFrame): Triples => ({
  metadata: copyMetadata(frame.metadata),
  triples: frame.triples.map(tripleToRecord)
})

export const triplesFromRecord = (record: Triples): TriplesFrame => ({
  metadata: copyMetadata(record.metadata),
  triples: record.triples.map(tripleFromRecord)
})
