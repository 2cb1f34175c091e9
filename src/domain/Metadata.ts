/**
 * The `metadata` block every kind carries: the source document (`id`), the root document it was
 * derived from (`root`) and the collection it belongs to. The client frame and the processor-side
 * record have the same three fields; only the defaults for missing ones differ by kind.
 */
import { Effect, Schema } from "effect"

/** The processor-side `Metadata{id,root,collection}`, and the normalised client `metadata`. */
export interface Metadata {
  readonly id: string
  readonly root: string
  readonly collection: string
}

const orDefault = (value: string) => Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

/**
 * `{"id":s,"root"?:s,"collection":s}`: `root` may be left out (clients that predate it never send
 * it). Extra keys such as the legacy `"metadata":[]` or `"user"` are dropped.
 */
export const Metadata = Schema.Struct({
  id: Schema.String,
  root: orDefault(""),
  collection: Schema.String
})

/**
 * The metadata of document embeddings, on the client frame and on the record: TrustGraph's
 * gateway publishes a frame without `id` with `id: null` (`metadata.get("id")` in Python), so a
 * record may carry a null id, and an export passes it on as TrustGraph's does.
 */
export interface DocumentMetadata {
  readonly id: string | null
  readonly root: string
  readonly collection: string
}

/**
 * Document-embeddings clients may leave out any field, or the whole block: the reference fills in
 * `id: null`, `root: ""` and `collection: "default"`.
 */
export const LenientMetadata = Schema.Struct({
  id: Schema.NullOr(Schema.String).pipe(Schema.withDecodingDefaultKey(Effect.succeed(null))),
  root: orDefault(""),
  collection: orDefault("default")
})

/** The document-embeddings record's metadata: like `Metadata`, but `id` may be null. */
export const DocumentMetadata = Schema.Struct({
  id: Schema.NullOr(Schema.String),
  root: orDefault(""),
  collection: Schema.String
})

/** A fresh metadata object with exactly the three fields, in the reference's order. */
export const copyMetadata = <M extends Metadata | DocumentMetadata>(metadata: M): M =>
  ({
    id: metadata.id,
    root: metadata.root,
    collection: metadata.collection
  }) as M

/**
 * The metadata TrustGraph's gateway publishes for graph embeddings, entity contexts and rows: it
 * builds their records from `id` and `collection` only, so `root` is always `""` there whatever
 * the client sent. (Triples and document embeddings keep the client's `root`.)
 */
export const withoutRoot = (metadata: Metadata): Metadata => ({
  id: metadata.id,
  root: "",
  collection: metadata.collection
})
