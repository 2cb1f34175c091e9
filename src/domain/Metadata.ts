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
 * Document-embeddings clients may leave out any field, or the whole block: the reference fills in
 * `collection: "default"` and empty strings for the rest.
 */
export const LenientMetadata = Schema.Struct({
  id: orDefault(""),
  root: orDefault(""),
  collection: orDefault("default")
})

/** A fresh metadata object with exactly the three fields, in the reference's order. */
export const copyMetadata = (metadata: Metadata): Metadata => ({
  id: metadata.id,
  root: metadata.root,
  collection: metadata.collection
})
