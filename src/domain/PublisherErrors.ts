import { Schema } from "effect"

/** A publish after the publisher began shutting down, or a message it had to give up on. */
export class PublisherClosed extends Schema.TaggedError<PublisherClosed>()("PublisherClosed", {
  topic: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `publisher for ${this.topic} is closed: ${this.reason}`
  }
}
