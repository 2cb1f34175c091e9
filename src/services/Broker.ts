/**
 * The Broker port: the few operations tg-gateway needs from a message broker. Adapters live in
 * `src/layers/` (Apache Pulsar over its WebSocket API, and an in-memory broker); one contract
 * suite (`test/broker/contract.test.ts`) holds every adapter to the same semantics.
 */
import { Context, type Duration, type Effect, type Scope } from "effect"
import type {
  BrokerUnavailable,
  ConnectionClosed,
  CredentialsRefused,
  MessageTooLarge,
  SendFailed,
  TopicRefused
} from "../domain/BrokerErrors.ts"

/** Opaque broker message id (Pulsar: its base64 form). */
export type MessageId = string

export interface OutgoingMessage {
  readonly payload: Uint8Array
  readonly properties?: Readonly<Record<string, string>>
  readonly key?: string
  /**
   * The payload is the sender's own buffer, made by `ownedBytes` for this message, and nothing
   * reads it once the broker has it: an adapter that keeps no copy releases it then
   * (`OwnedBytes.release`). Senders that keep or share their payloads leave this out.
   */
  readonly releaseWhenStored?: boolean
}

export interface ReceivedMessage {
  readonly id: MessageId
  /** The message's bytes. An adapter may decode them afresh on every read: read them once. */
  readonly payload: Uint8Array
  readonly properties: Readonly<Record<string, string>>
  /** How many times this message was handed out before (nack, consumer closed unacked). */
  readonly redeliveryCount: number
  /**
   * Gives the payload's memory back at once, when the adapter holds it in memory of its own; the
   * payload reads as empty after. For the one reader that is done with it (acknowledging and
   * nacking need only the id). Absent where the memory is shared.
   */
  readonly releasePayload?: () => void
}

export interface Producer {
  readonly topic: string
  /**
   * Completes once the broker has persisted the message. Many sends may be in flight at once. A
   * payload above `maxMessageSize` fails at once with MessageTooLarge, without reaching the broker.
   */
  readonly send: (message: OutgoingMessage) => Effect.Effect<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>
  /** The largest payload, in bytes, the broker accepts in one message. */
  readonly maxMessageSize: number
  /** Waits until every send issued so far has been confirmed or has failed. */
  readonly flush: Effect.Effect<void>
  /** Completes if the connection to the broker ends before the producer is closed. */
  readonly lost: Effect.Effect<ConnectionClosed>
}

export interface ProducerOptions {
  /**
   * Bound on waiting for outstanding confirmations when the producer closes; the adapter's own
   * default when absent. A caller that has already waited for them, as the Publisher's flush
   * does, passes 0 so that closing costs nothing more.
   */
  readonly closeTimeout?: Duration.Input
  /**
   * The producer's name. With deduplication on the namespace, the broker remembers the highest
   * sequence id it has stored from each name, across sessions, and drops (and still confirms, with
   * `duplicateMessageId`) a send whose sequence id is not above it.
   */
  readonly name?: string
  /**
   * The sequence id before the first send: sends carry `initialSequenceId + 1`, `+ 2`, … in the
   * order they are made (Pulsar's WebSocket API takes no sequence id per message). Only with `name`.
   */
  readonly initialSequenceId?: number
}

/**
 * What `send` completes with when the broker dropped the message as a resend of one it holds
 * (Pulsar answers it with the message id -1:-1).
 */
export const duplicateMessageId: MessageId = "duplicate"

/** Whether the broker drops resends on a topic's namespace, and what it said when asked. */
export interface DeduplicationState {
  readonly enabled: boolean
  /** In words, for the logs and `/readyz`: "enabled on tg/flow", or why it is not known. */
  readonly detail: string
}

export type SubscriptionType = "Exclusive" | "Shared" | "Failover" | "Key_Shared"
export type InitialPosition = "Latest" | "Earliest"

export interface ConsumerOptions {
  readonly topic: string
  readonly subscription: string
  /** Default `Shared`. */
  readonly type?: SubscriptionType
  /** Where a new subscription starts. Default `Latest`. */
  readonly initialPosition?: InitialPosition
  /** Delay before a nacked message is redelivered. Default 1 minute, as Pulsar's. */
  readonly nackRedeliveryDelay?: Duration.Input
  /** Messages the broker may push ahead of `receive` (flow-control window). Default 1000. */
  readonly receiverQueueSize?: number
  /**
   * Default true: the subscription and its unacked messages outlive the consumer. A non-durable
   * subscription disappears with its last consumer (a live tap, as TrustGraph's export uses).
   */
  readonly durable?: boolean
}

export interface Consumer {
  readonly topic: string
  readonly subscription: string
  /** The next message; suspends while none is available or while paused. */
  readonly receive: Effect.Effect<ReceivedMessage, ConnectionClosed>
  readonly ack: (id: MessageId) => Effect.Effect<void>
  /** Gives a message back; the subscription redelivers it after the nack delay. */
  readonly nack: (id: MessageId) => Effect.Effect<void>
  /** Stops delivery: no permits to the broker, `receive` suspends until `resume`. */
  readonly pause: Effect.Effect<void>
  readonly resume: Effect.Effect<void>
  /** Completes if the connection to the broker ends before the consumer is closed. */
  readonly lost: Effect.Effect<ConnectionClosed>
}

export interface BrokerShape {
  /** What and where the broker is, in words, for the logs: "Pulsar at http://…". */
  readonly description: string
  /** Succeeds when the broker answers now and accepts the gateway's credentials (for readiness checks). */
  readonly ping: Effect.Effect<void, BrokerUnavailable | CredentialsRefused>
  /** A producer that lives as long as the scope; closing waits (bounded) for outstanding sends. */
  readonly producer: (
    topic: string,
    options?: ProducerOptions
  ) => Effect.Effect<Producer, BrokerUnavailable | TopicRefused, Scope.Scope>
  /**
   * Whether the broker drops resends on the topic's namespace (producer names and sequence ids).
   * An adapter without the feature leaves it out: never enabled.
   */
  readonly deduplication?: (topic: string) => Effect.Effect<DeduplicationState, BrokerUnavailable | CredentialsRefused>
  /** A consumer that lives as long as the scope; closing returns unacked messages to the subscription. */
  readonly consumer: (
    options: ConsumerOptions
  ) => Effect.Effect<Consumer, BrokerUnavailable | TopicRefused, Scope.Scope>
}

/** Pulsar's default `maxMessageSize`: 5 MB, a message's metadata included. */
export const defaultMaxMessageSize = 5 * 1024 * 1024

/** Room kept in a message for its metadata (producer name, sequence id, publish time, properties). */
export const metadataReserve = 4096

/** The largest payload under Pulsar's default limit; the in-memory broker keeps it too. */
export const defaultMaxPayloadSize = defaultMaxMessageSize - metadataReserve

export class Broker extends Context.Service<Broker, BrokerShape>()("tg-gateway/Broker") {}

export const consumerDefaults = {
  type: "Shared",
  initialPosition: "Latest",
  nackRedeliveryDelay: "1 minute",
  receiverQueueSize: 1000,
  durable: true
} as const satisfies Required<Omit<ConsumerOptions, "topic" | "subscription">>
