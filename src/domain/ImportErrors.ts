/** Why an import with a named producer (`?producer=`) is refused before the upgrade. */
import { Schema } from "effect"

/**
 * Without deduplication on the namespace the broker stores a resend again: a named producer's
 * promise — each frame exactly once — could not be kept, so the connection is refused.
 */
export class DeduplicationRequired extends Schema.TaggedError<DeduplicationRequired>()("DeduplicationRequired", {
  topic: Schema.String,
  /** What the broker said about deduplication on the topic's namespace. */
  detail: Schema.String
}) {
  override get message() {
    return (
      `producer= needs deduplication on the namespace of ${this.topic}, and it is not enabled (${this.detail}): ` +
      "enable it (pulsar-admin namespaces set-deduplication --enable <tenant>/<namespace>) or import without producer="
    )
  }
}
