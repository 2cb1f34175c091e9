/**
 * What can go wrong between tg-gateway and a message broker, as tagged errors whose messages tell
 * an operator what to check.
 */
import { Schema } from "effect"

/** The broker could not be reached at all (connection refused, DNS, TLS, timeout). */
export class BrokerUnavailable extends Schema.TaggedError<BrokerUnavailable>()("BrokerUnavailable", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `broker unreachable at ${this.url}: ${this.reason}`
  }
}

/**
 * The broker (or the OAuth2 issuer that gives the gateway its token) answered and refused the
 * gateway's credentials: retrying with the same ones cannot help.
 */
export class CredentialsRefused extends Schema.TaggedError<CredentialsRefused>()("CredentialsRefused", {
  url: Schema.String,
  status: Schema.Number,
  reason: Schema.String
}) {
  override get message() {
    return (
      `${this.url} refused the gateway's credentials (HTTP ${this.status}: ${this.reason}): check ` +
      "PULSAR_AUTH_TOKEN, PULSAR_AUTH_TOKEN_FILE or PULSAR_AUTH_OAUTH2_*, and that the broker knows the token's role"
    )
  }
}

/** The broker answered but refused to open a producer or consumer on the topic. */
export class TopicRefused extends Schema.TaggedError<TopicRefused>()("TopicRefused", {
  topic: Schema.String,
  status: Schema.Number,
  reason: Schema.String
}) {
  override get message() {
    return `topic ${this.topic} refused with HTTP ${this.status}: ${this.reason}`
  }
}

/** The broker did not persist a message. Whether a retry could duplicate it is in `unknownOutcome`. */
export class SendFailed extends Schema.TaggedError<SendFailed>()("SendFailed", {
  topic: Schema.String,
  reason: Schema.String,
  unknownOutcome: Schema.Boolean
}) {
  override get message() {
    return (
      `send to ${this.topic} failed: ${this.reason}` +
      (this.unknownOutcome ? " (the broker may have stored it; a resend can duplicate it)" : "")
    )
  }
}

/** A message larger than the broker accepts: refused before it is sent, since no retry could succeed. */
export class MessageTooLarge extends Schema.TaggedError<MessageTooLarge>()("MessageTooLarge", {
  topic: Schema.String,
  size: Schema.Number,
  limit: Schema.Number
}) {
  override get message() {
    return (
      `the message is ${this.size.toLocaleString("en-US")} bytes and the broker accepts at most ` +
      `${this.limit.toLocaleString("en-US")} bytes per message on ${this.topic}: send smaller frames`
    )
  }
}

/** A producer or consumer was used after its connection ended. */
export class ConnectionClosed extends Schema.TaggedError<ConnectionClosed>()("ConnectionClosed", {
  topic: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `connection for ${this.topic} is closed: ${this.reason}`
  }
}

export type BrokerError =
  BrokerUnavailable | CredentialsRefused | TopicRefused | SendFailed | MessageTooLarge | ConnectionClosed
