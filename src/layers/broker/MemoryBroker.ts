/**
 * The in-memory broker: the embedded default of `tg-gateway serve` and the unit-test double.
 * It keeps Pulsar's semantics that tg-gateway relies on — confirmed sends, durable named
 * subscriptions (shared, exclusive), initial position, ack, nack with a redelivery delay, and
 * unacked messages going back to the subscription when a consumer closes, named producers whose
 * resends are dropped as with deduplication on a Pulsar namespace — so the contract suite
 * runs unchanged against it and against a real Pulsar broker.
 */
import { Duration, Effect, Layer, type Scope } from "effect"
import { BrokerUnavailable, ConnectionClosed, MessageTooLarge, TopicRefused } from "../../domain/BrokerErrors.ts"
import {
  Broker,
  type BrokerShape,
  type Consumer,
  consumerDefaults,
  type ConsumerOptions,
  defaultMaxPayloadSize,
  duplicateMessageId,
  type MessageId,
  type OutgoingMessage,
  type Producer,
  type ProducerOptions,
  type ReceivedMessage
} from "../../services/Broker.ts"
import { makeReceiveBuffer, type ReceiveBuffer } from "./ReceiveBuffer.ts"
import { parseTopicName, topicNameProblem } from "./topicName.ts"

interface StoredMessage {
  readonly seq: number
  readonly id: string
  readonly payload: Uint8Array
  readonly properties: Readonly<Record<string, string>>
}

interface MemoryConsumer {
  readonly buffer: ReceiveBuffer<ReceivedMessage, ConnectionClosed>
  /** Messages this consumer may still be handed before `receive` takes some (flow control). */
  permits: number
}

class Subscription {
  private cursor: number
  /** Nacked or returned messages that are due again, kept in publish order. */
  private readonly redeliver: Array<StoredMessage> = []
  private readonly unacked = new Map<string, { readonly message: StoredMessage; readonly owner: MemoryConsumer }>()
  private readonly redeliveries = new Map<string, number>()
  readonly consumers: Array<MemoryConsumer> = []
  private next = 0
  readonly topic: Topic
  readonly exclusive: boolean

  constructor(topic: Topic, start: number, exclusive: boolean) {
    this.topic = topic
    this.cursor = start
    this.exclusive = exclusive
  }

  /** Hands available messages to consumers with permits, round robin. */
  dispatch(): void {
    for (;;) {
      const consumer = this.pickConsumer()
      if (consumer === undefined) return
      const message = this.redeliver.shift() ?? this.topic.at(this.cursor++)
      if (message === undefined) {
        this.cursor = this.topic.end
        return
      }
      consumer.permits--
      this.unacked.set(message.id, { message, owner: consumer })
      consumer.buffer.push({
        id: message.id,
        payload: message.payload,
        properties: message.properties,
        redeliveryCount: this.redeliveries.get(message.id) ?? 0
      })
    }
  }

  ack(id: string): void {
    if (this.unacked.delete(id)) this.redeliveries.delete(id)
    this.topic.trim()
  }

  /** The first message this subscription may still need: below it everything is acknowledged. */
  get lowWater(): number {
    let low = this.cursor
    for (const { message } of this.unacked.values()) low = Math.min(low, message.seq)
    const waiting = this.redeliver[0]
    return waiting === undefined ? low : Math.min(low, waiting.seq)
  }

  /** Takes a message back from its consumer; returns it for redelivery, or undefined if unknown. */
  reclaim(id: string): StoredMessage | undefined {
    const entry = this.unacked.get(id)
    if (entry === undefined) return undefined
    this.unacked.delete(id)
    this.redeliveries.set(id, (this.redeliveries.get(id) ?? 0) + 1)
    return entry.message
  }

  requeue(message: StoredMessage): void {
    // Binary search keeps redeliveries in publish order.
    let low = 0
    let high = this.redeliver.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((this.redeliver[mid] as StoredMessage).seq < message.seq) low = mid + 1
      else high = mid
    }
    this.redeliver.splice(low, 0, message)
    this.dispatch()
  }

  detach(consumer: MemoryConsumer): void {
    const at = this.consumers.indexOf(consumer)
    if (at >= 0) this.consumers.splice(at, 1)
    for (const [id, entry] of this.unacked) {
      if (entry.owner !== consumer) continue
      const message = this.reclaim(id)
      if (message !== undefined) this.requeue(message)
    }
    this.dispatch()
  }

  private pickConsumer(): MemoryConsumer | undefined {
    const count = this.consumers.length
    for (let i = 0; i < count; i++) {
      const consumer = this.consumers[(this.next + i) % count] as MemoryConsumer
      if (consumer.permits > 0 && !consumer.buffer.isPaused) {
        this.next = (this.next + i + 1) % count
        return consumer
      }
    }
    return undefined
  }
}

/**
 * A topic's messages. Once every subscription has acknowledged a prefix of the log, that prefix
 * is let go, as Pulsar does without a retention policy, so a gateway with live exports does not
 * grow without bound; with no subscription at all everything is kept (for `?from=earliest`).
 */
class Topic {
  private log: Array<StoredMessage> = []
  /** Sequence number of `log[0]`. */
  private base = 0
  readonly subscriptions = new Map<string, Subscription>()
  readonly name: string
  /** Per producer name, the highest sequence id stored: deduplication is always on here. */
  readonly lastSequence = new Map<string, number>()
  /** Names with a producer open: a second one is refused, as Pulsar does. */
  readonly connectedNames = new Set<string>()

  constructor(name: string) {
    this.name = name
  }

  /** Sequence number the next message will get; also how many were ever appended. */
  get end(): number {
    return this.base + this.log.length
  }

  /** The oldest message still held (new subscriptions at Earliest start here). */
  get start(): number {
    return this.base
  }

  at(seq: number): StoredMessage | undefined {
    return this.log[seq - this.base]
  }

  append(message: OutgoingMessage): string {
    const seq = this.end
    const id = `${seq}`
    this.log.push({ seq, id, payload: message.payload, properties: message.properties ?? {} })
    for (const subscription of this.subscriptions.values()) subscription.dispatch()
    return id
  }

  trim(): void {
    if (this.subscriptions.size === 0) return
    let low = this.end
    for (const subscription of this.subscriptions.values()) low = Math.min(low, subscription.lowWater)
    // Trimming copies the log: wait until it frees a good share of it.
    const freed = low - this.base
    if (freed < 1024 || freed * 4 < this.log.length) return
    this.log = this.log.slice(freed)
    this.base = low
  }
}

export interface MemoryBroker extends BrokerShape {
  /** How many messages were ever published to the topic: an independent count for tests. */
  readonly countOnTopic: (topic: string) => number
  /** How many of them the broker still holds in memory. */
  readonly heldOnTopic: (topic: string) => number
}

/** Builds an in-memory broker that lives as long as the scope; afterwards it refuses every request. */
export const makeMemoryBroker: Effect.Effect<MemoryBroker, never, Scope.Scope> = Effect.gen(function* () {
  const scope = yield* Effect.scope
  const topics = new Map<string, Topic>()
  let open = true
  yield* Effect.addFinalizer(() =>
    Effect.sync(() => {
      open = false
    })
  )

  const topicFor = (topic: string) =>
    Effect.suspend((): Effect.Effect<Topic, BrokerUnavailable | TopicRefused> => {
      if (!open)
        return Effect.fail(new BrokerUnavailable({ url: "memory:", reason: "the in-memory broker is shut down" }))
      if (parseTopicName(topic) === undefined) {
        return Effect.fail(new TopicRefused({ topic, status: 400, reason: topicNameProblem(topic) }))
      }
      let found = topics.get(topic)
      if (found === undefined) {
        found = new Topic(topic)
        topics.set(topic, found)
      }
      return Effect.succeed(found)
    })

  const producer = (
    topicName: string,
    options: ProducerOptions = {}
  ): Effect.Effect<Producer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      const topic = yield* topicFor(topicName)
      const name = options.name
      if (name !== undefined && topic.connectedNames.has(name)) {
        return yield* new TopicRefused({
          topic: topicName,
          status: 409,
          reason: `a producer named ${name} is already connected to the topic`
        })
      }
      if (name !== undefined) topic.connectedNames.add(name)
      // As Pulsar's client: from the given sequence id, else from the last one stored for the name.
      let sequence = name === undefined ? -1 : (options.initialSequenceId ?? topic.lastSequence.get(name) ?? -1)
      let closed = false
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closed = true
          if (name !== undefined) topic.connectedNames.delete(name)
        })
      )
      const append = (message: OutgoingMessage): MessageId => {
        if (name === undefined) return topic.append(message)
        const id = ++sequence
        if (id <= (topic.lastSequence.get(name) ?? -1)) return duplicateMessageId
        topic.lastSequence.set(name, id)
        return topic.append(message)
      }
      return {
        topic: topicName,
        // An append is the in-memory broker's "persisted": it completes at once.
        send: (message: OutgoingMessage) =>
          Effect.suspend((): Effect.Effect<MessageId, MessageTooLarge | ConnectionClosed> =>
            closed || !open
              ? Effect.fail(new ConnectionClosed({ topic: topicName, reason: "the producer is closed" }))
              : message.payload.byteLength > defaultMaxPayloadSize
                ? Effect.fail(
                    new MessageTooLarge({
                      topic: topicName,
                      size: message.payload.byteLength,
                      limit: defaultMaxPayloadSize
                    })
                  )
                : Effect.succeed(append(message))
          ),
        // Pulsar's default, so that what works here works on a broker left at its defaults.
        maxMessageSize: defaultMaxPayloadSize,
        flush: Effect.void,
        // The in-memory broker lives in the process: there is no connection to lose.
        lost: Effect.never
      }
    })

  const consumer = (options: ConsumerOptions): Effect.Effect<Consumer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      const settings = { ...consumerDefaults, ...options }
      const topic = yield* topicFor(settings.topic)
      const exclusive = settings.type === "Exclusive" || settings.type === "Failover"
      let subscription = topic.subscriptions.get(settings.subscription)
      if (subscription === undefined) {
        const start = settings.initialPosition === "Earliest" ? topic.start : topic.end
        subscription = new Subscription(topic, start, exclusive)
        topic.subscriptions.set(settings.subscription, subscription)
      } else if ((subscription.exclusive || exclusive) && subscription.consumers.length > 0) {
        return yield* new TopicRefused({
          topic: settings.topic,
          status: 409,
          reason: `subscription ${settings.subscription} already has an exclusive consumer`
        })
      }
      const sub = subscription
      const nackDelay = Duration.fromInputUnsafe(settings.nackRedeliveryDelay)
      const self: MemoryConsumer = {
        permits: settings.receiverQueueSize,
        buffer: yield* makeReceiveBuffer<ReceivedMessage, ConnectionClosed>(() => {
          self.permits++
          sub.dispatch()
        })
      }
      sub.consumers.push(self)
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          self.buffer.close(new ConnectionClosed({ topic: settings.topic, reason: "the consumer is closed" }))
          sub.detach(self)
          if (!settings.durable && sub.consumers.length === 0) topic.subscriptions.delete(settings.subscription)
        })
      )
      sub.dispatch()

      return {
        topic: settings.topic,
        subscription: settings.subscription,
        receive: self.buffer.take,
        ack: (id: string) => Effect.sync(() => sub.ack(id)),
        nack: (id: string) =>
          Effect.suspend(() => {
            const message = sub.reclaim(id)
            if (message === undefined) return Effect.void
            return Effect.sleep(nackDelay).pipe(
              Effect.andThen(Effect.sync(() => sub.requeue(message))),
              Effect.forkIn(scope),
              Effect.asVoid
            )
          }),
        lost: Effect.never,
        pause: Effect.sync(() => self.buffer.pause()),
        resume: Effect.sync(() => {
          self.buffer.resume()
          sub.dispatch()
        })
      }
    })

  return {
    description: "the embedded in-memory broker",
    ping: Effect.suspend(() =>
      open
        ? Effect.void
        : Effect.fail(new BrokerUnavailable({ url: "memory:", reason: "the in-memory broker is shut down" }))
    ),
    producer,
    consumer,
    deduplication: () =>
      Effect.succeed({ enabled: true, detail: "the in-memory broker always drops resends from a named producer" }),
    countOnTopic: (topic) => topics.get(topic)?.end ?? 0,
    heldOnTopic: (topic) => {
      const found = topics.get(topic)
      return found === undefined ? 0 : found.end - found.start
    }
  }
})

export const layerMemoryBroker: Layer.Layer<Broker> = Layer.effect(Broker, makeMemoryBroker)
