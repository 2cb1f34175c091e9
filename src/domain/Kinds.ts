/**
 * The five kinds of import/export data, as one table. Each entry says how a client frame of that
 * kind looks, how it becomes the processor-side record published to Pulsar and back, which flow
 * interface (topic) carries it, and whether it can be exported. The import and export
 * dispatchers are driven by this table rather than written once per kind.
 */
import { Predicate, Schema } from "effect"
import {
  DocumentEmbeddings,
  documentEmbeddingsFromRecord,
  DocumentEmbeddingsFrame,
  documentEmbeddingsToRecord
} from "./DocumentEmbeddings.ts"
import {
  EntityContexts,
  entityContextsFromRecord,
  EntityContextsFrame,
  entityContextsToRecord
} from "./EntityContexts.ts"
import {
  GraphEmbeddings,
  graphEmbeddingsFromRecord,
  GraphEmbeddingsFrame,
  graphEmbeddingsToRecord
} from "./GraphEmbeddings.ts"
import { ExtractedObject, rowsFromRecord, RowsFrame, rowsToRecord } from "./Rows.ts"
import { Triples, triplesFromRecord, TriplesFrame, triplesToRecord } from "./Triples.ts"
import { compactTriplesFrameToRecord, compactTriplesRecordToFrame } from "./CompactTriples.ts"
import { triplesRecordText } from "./TriplesText.ts"
import { triplesFrameToRecordText, triplesRecordToFrameText } from "./TriplesTranscoder.ts"

/** Frame and record type of each kind, keyed by the kind's name in the route. */
export interface KindTypes {
  readonly triples: { readonly frame: TriplesFrame; readonly record: Triples }
  readonly "graph-embeddings": { readonly frame: GraphEmbeddingsFrame; readonly record: GraphEmbeddings }
  readonly "document-embeddings": { readonly frame: DocumentEmbeddingsFrame; readonly record: DocumentEmbeddings }
  readonly "entity-contexts": { readonly frame: EntityContextsFrame; readonly record: EntityContexts }
  readonly rows: { readonly frame: RowsFrame; readonly record: ExtractedObject }
}

/** `triples`, `graph-embeddings`, `document-embeddings`, `entity-contexts` or `rows`. */
export type KindName = keyof KindTypes

/** The kinds that have an export route (all but `rows`). */
export type ExportableKindName = Exclude<KindName, "rows">

/** The decoded client frame of a kind (defaults filled in). */
export type FrameOf<K extends KindName> = KindTypes[K]["frame"]

/** The processor-side record of a kind. */
export type RecordOf<K extends KindName> = KindTypes[K]["record"]

/** Everything the dispatchers need to know about one kind. */
export interface Kind<K extends KindName> {
  readonly name: K
  /** Schema of the client frame; decoding fills in defaults and drops unknown keys. */
  readonly frame: Schema.Codec<FrameOf<K>, unknown>
  /** Schema of the processor-side record as read from the broker. */
  readonly record: Schema.Codec<RecordOf<K>, unknown>
  readonly toRecord: (frame: FrameOf<K>) => RecordOf<K>
  readonly fromRecord: (record: RecordOf<K>) => FrameOf<K>
  /** Writes `JSON.stringify(toRecord(frame))` faster, for the kinds imported in bulk. */
  readonly recordText?: (frame: FrameOf<K>) => string
  /**
   * Shortcuts for the kinds moved in bulk, each checking its input exactly as the schemas would.
   * `undefined` from either means "not sure": the general path decides, and explains.
   */
  readonly fastPath?: {
    /** Client frame bytes in the compact layout → record bytes, never decoded or encoded. */
    readonly recordBytes: (frame: Uint8Array) => Uint8Array | undefined
    /** Client frame text → record text, never building either as objects. */
    readonly recordText: (frameText: string) => string | undefined
    /** Record bytes in the compact layout → client frame bytes, never decoded or parsed. */
    readonly frameBytes: (record: Uint8Array) => Uint8Array | undefined
    /** Parsed record → client frame text, in one walk. */
    readonly frameText: (record: unknown) => string | undefined
  }
  /** The flow interface whose topic carries the records, e.g. `triples-store`. */
  readonly topicInterface: string
  /** Whether `/api/v1/flow/{flow}/export/{kind}` exists for this kind. */
  readonly exportable: K extends ExportableKindName ? true : false
  /**
   * Recognises a frame of this kind by its top-level shape, so that a frame sent to the wrong
   * route can be answered with "this looks like a … frame".
   */
  readonly signature: (frame: { readonly [key: string]: unknown }) => boolean
}

const firstEntityHas = (frame: { readonly [key: string]: unknown }, key: string): boolean => {
  const entities = frame["entities"]
  if (!Array.isArray(entities)) return false
  const first: unknown = entities[0]
  return Predicate.isReadonlyObject(first) && key in first
}

export const kinds: { readonly [K in KindName]: Kind<K> } = {
  triples: {
    name: "triples",
    frame: TriplesFrame,
    record: Triples,
    toRecord: triplesToRecord,
    fromRecord: triplesFromRecord,
    recordText: triplesRecordText,
    fastPath: {
      recordBytes: compactTriplesFrameToRecord,
      recordText: triplesFrameToRecordText,
      frameBytes: compactTriplesRecordToFrame,
      frameText: triplesRecordToFrameText
    },
    topicInterface: "triples-store",
    exportable: true,
    signature: (frame) => "triples" in frame
  },
  "graph-embeddings": {
    name: "graph-embeddings",
    frame: GraphEmbeddingsFrame,
    record: GraphEmbeddings,
    toRecord: graphEmbeddingsToRecord,
    fromRecord: graphEmbeddingsFromRecord,
    topicInterface: "graph-embeddings-store",
    exportable: true,
    signature: (frame) => firstEntityHas(frame, "vector") || firstEntityHas(frame, "vectors")
  },
  "document-embeddings": {
    name: "document-embeddings",
    frame: DocumentEmbeddingsFrame,
    record: DocumentEmbeddings,
    toRecord: documentEmbeddingsToRecord,
    fromRecord: documentEmbeddingsFromRecord,
    topicInterface: "document-embeddings-store",
    exportable: true,
    signature: (frame) => "chunks" in frame
  },
  "entity-contexts": {
    name: "entity-contexts",
    frame: EntityContextsFrame,
    record: EntityContexts,
    toRecord: entityContextsToRecord,
    fromRecord: entityContextsFromRecord,
    topicInterface: "entity-contexts-load",
    exportable: true,
    signature: (frame) => firstEntityHas(frame, "context")
  },
  rows: {
    name: "rows",
    frame: RowsFrame,
    record: ExtractedObject,
    toRecord: rowsToRecord,
    fromRecord: rowsFromRecord,
    topicInterface: "rows-store",
    exportable: false,
    signature: (frame) => "schema_name" in frame
  }
}

/** Every kind name, in route order. */
export const kindNames = [
  "triples",
  "graph-embeddings",
  "document-embeddings",
  "entity-contexts",
  "rows"
] as const satisfies ReadonlyArray<KindName>

/** Schema of a kind name, for configuration and route parameters. */
export const KindName = Schema.Literals(kindNames)

export const isKindName = (name: string): name is KindName => Object.hasOwn(kinds, name)

export const isExportable = (kind: KindName): kind is ExportableKindName => kinds[kind].exportable

/** Narrows a route segment to a kind name; `undefined` for an unknown kind (HTTP 404). */
export const parseKindName = (name: string): KindName | undefined => (isKindName(name) ? name : undefined)
