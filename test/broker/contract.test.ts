/**
 * The Broker contract: every adapter — the in-memory broker and a real Apache Pulsar broker —
 * must pass the same tests. Pulsar-backed tests carry "pulsar" in their names.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Schedule, Scope } from "effect"
import { inject } from "vitest"
import { type BrokerShape, type Consumer, duplicateMessageId } from "../../src/services/Broker.ts"
import { type BrokerUnderTest, brokersUnderTest, bytes, freshTopic, text } from "../support/brokers.ts"
import { dedupNamespace, ensureDedupNamespace } from "../support/dedupNamespace.ts"
import { subscriptionsOnTopic } from "../support/pulsarAdmin.ts"
import { pulsarSecurity } from "../support/pulsarSecurity.ts"

/** Long enough for a paused or drained consumer to show a message if one were coming. */
const quietPeriod = "750 millis"

const receiveTexts = (consumer: Consumer, count: number, ack = true) =>
  Effect.gen(function* () {
    const texts: Array<string> = []
    for (let i = 0; i < count; i++) {
      const message = yield* consumer.receive
      texts.push(text(message.payload))
      if (ack) yield* consumer.ack(message.id)
    }
    return texts
  })

const sendAll = (broker: BrokerShape, topic: string, texts: ReadonlyArray<string>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const producer = yield* broker.producer(topic)
      return yield* Effect.forEach(texts, (t) => producer.send({ payload: bytes(t) }), { concurrency: 256 })
    })
  )

/**
 * Until the broker no longer lists `subscription` on `topic`. A closed consumer's end reaches the
 * broker later than its close returns where the WebSocket API is a proxy of its own (the secured
 * broker): the proxy closes its own consumer on the broker after the socket is gone, and a
 * consumer opened before that joins the old subscription.
 */
const subscriptionGone = (adapter: BrokerUnderTest, topic: string, subscription: string) =>
  adapter.name === "memory"
    ? Effect.void
    : Effect.promise(() => subscriptionsOnTopic(inject("pulsarHttpUrl"), topic, pulsarSecurity())).pipe(
        Effect.filterOrFail(
          (names) => !names.includes(subscription),
          () => `${subscription} is still listed on ${topic}`
        ),
        Effect.retry({ schedule: Schedule.spaced("100 millis"), times: 300 }),
        Effect.orDie
      )

const range = (count: number, prefix = "m") => Array.from({ length: count }, (_, i) => `${prefix}${i}`)

/** A topic no other test uses, in the tests' namespace with deduplication on. */
const dedupTopic = (adapter: BrokerUnderTest, label: string) =>
  Effect.as(
    ensureDedupNamespace(adapter),
    freshTopic(label).replace("persistent://tg/flow/", `persistent://${dedupNamespace}/`)
  )

/** Sends in order, one at a time, from a producer named `name`; the broker's answers. */
const sendNamed = (
  broker: BrokerShape,
  topic: string,
  name: string,
  initialSequenceId: number | undefined,
  texts: ReadonlyArray<string>
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const producer = yield* broker.producer(topic, {
        name,
        ...(initialSequenceId === undefined ? {} : { initialSequenceId })
      })
      return yield* Effect.forEach(texts, (t) => producer.send({ payload: bytes(t) }))
    })
  )

const nothingWithin = (consumer: Consumer) =>
  consumer.receive.pipe(Effect.timeoutOption(quietPeriod), Effect.map(Option.isNone))

describe.each(brokersUnderTest())("Broker contract: $name", (adapter) => {
  const name = adapter.name

  it.live(
    `${name}: a named producer's resend of a sequence id the broker holds is not stored again, and is answered`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const topic = yield* dedupTopic(adapter, "contract-dedup")
        const state = yield* broker.deduplication!(topic)
        assert.isTrue(state.enabled, state.detail)
        // Sequence ids 1, 2, 3; then a new session resends 2 and 3 and adds 4.
        const first = yield* sendNamed(broker, topic, "p", 0, ["a", "b", "c"])
        assert.notInclude(first, duplicateMessageId)
        const again = yield* sendNamed(broker, topic, "p", 1, ["b", "c", "d"])
        assert.deepStrictEqual(again.slice(0, 2), [duplicateMessageId, duplicateMessageId])
        assert.notStrictEqual(again[2], duplicateMessageId)
        assert.strictEqual(yield* broker.countOnTopic(topic), 4, "the resent b and c are not stored twice")
        // Another name has its own sequence.
        yield* sendNamed(broker, topic, "q", 0, ["q1"])
        const consumer = yield* broker.consumer({ topic, subscription: "s", initialPosition: "Earliest" })
        assert.deepStrictEqual(yield* receiveTexts(consumer, 5), ["a", "b", "c", "d", "q1"])
      })
  )

  it.live(`${name}: a new session of a named producer without a sequence id continues after the last one stored`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = yield* dedupTopic(adapter, "contract-dedup-continue")
      yield* sendNamed(broker, topic, "p", 9, ["s10", "s11"])
      const continued = yield* sendNamed(broker, topic, "p", undefined, ["s12"])
      assert.notStrictEqual(continued[0], duplicateMessageId, "numbered 12, after the 11 stored")
      const resent = yield* sendNamed(broker, topic, "p", 10, ["s11", "s12", "s13"])
      assert.deepStrictEqual(resent.slice(0, 2), [duplicateMessageId, duplicateMessageId])
      assert.strictEqual(yield* broker.countOnTopic(topic), 4)
    })
  )

  it.live(`${name}: 1,000 confirmed sends are all received once, in order, by one consumer`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-order")
      const consumer = yield* broker.consumer({ topic, subscription: "s", initialPosition: "Earliest" })
      const ids = yield* sendAll(broker, topic, range(1000))
      assert.strictEqual(new Set(ids).size, 1000, "every send is confirmed with its own message id")
      const received = yield* receiveTexts(consumer, 1000)
      assert.deepStrictEqual(received, range(1000))
      assert.isTrue(yield* nothingWithin(consumer), "no message is delivered twice")
    })
  )

  it.live(`${name}: ack removes a message; nack redelivers it with a growing redelivery count`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-nack")
      const options = {
        topic,
        subscription: "s",
        initialPosition: "Earliest",
        nackRedeliveryDelay: "100 millis"
      } as const
      yield* sendAll(broker, topic, ["only"])
      yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* broker.consumer(options)
          const counts: Array<number> = []
          for (let i = 0; i < 3; i++) {
            const message = yield* consumer.receive
            assert.strictEqual(text(message.payload), "only")
            counts.push(message.redeliveryCount)
            if (i < 2) yield* consumer.nack(message.id)
            else yield* consumer.ack(message.id)
          }
          assert.deepStrictEqual(counts, [0, 1, 2])
        })
      )
      yield* sendAll(broker, topic, ["marker"])
      const again = yield* broker.consumer(options)
      assert.deepStrictEqual(yield* receiveTexts(again, 1), ["marker"])
      assert.isTrue(yield* nothingWithin(again), "the acked message does not come back")
    })
  )

  it.live(`${name}: a consumer closed with unacked messages hands them to the next consumer of the subscription`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-handover")
      const options = { topic, subscription: "s", initialPosition: "Earliest" } as const
      yield* sendAll(broker, topic, range(10))
      const first = yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* broker.consumer(options)
          const received = yield* receiveTexts(consumer, 10, false)
          return received
        })
      )
      assert.deepStrictEqual(first, range(10))
      const next = yield* broker.consumer(options)
      const redelivered = yield* receiveTexts(next, 10)
      assert.deepStrictEqual([...redelivered].sort(), [...range(10)].sort())
    })
  )

  it.live(`${name}: closing a producer with sends in flight loses none of them`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-close")
      const scope = yield* Scope.make()
      const producer = yield* broker.producer(topic).pipe(Scope.provide(scope))
      const sends = yield* Effect.forEach(range(1000), (t) =>
        producer.send({ payload: bytes(t) }).pipe(Effect.forkChild({ startImmediately: true }))
      )
      yield* Scope.close(scope, Exit.void)
      const outcomes = yield* Effect.forEach(sends, (fiber) => Fiber.await(fiber))
      assert.isTrue(outcomes.every(Exit.isSuccess), "every send handed over before the close is confirmed")
      assert.strictEqual(yield* broker.countOnTopic(topic), 1000, "the topic holds all 1,000 messages")
    })
  )

  it.live(`${name}: pause stops delivery and resume restarts it`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-pause")
      const consumer = yield* broker.consumer({ topic, subscription: "s", initialPosition: "Earliest" })
      yield* consumer.pause
      yield* sendAll(broker, topic, range(5))
      assert.isTrue(yield* nothingWithin(consumer), "nothing is delivered while paused")
      yield* consumer.resume
      assert.deepStrictEqual(yield* receiveTexts(consumer, 5), range(5))
    })
  )

  it.live(`${name}: a new subscription starts at the latest message, or the earliest when asked`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-position")
      yield* sendAll(broker, topic, ["old"])
      const latest = yield* broker.consumer({ topic, subscription: "latest", initialPosition: "Latest" })
      const earliest = yield* broker.consumer({ topic, subscription: "earliest", initialPosition: "Earliest" })
      yield* sendAll(broker, topic, ["new"])
      assert.deepStrictEqual(yield* receiveTexts(latest, 1), ["new"])
      assert.deepStrictEqual(yield* receiveTexts(earliest, 2), ["old", "new"])
    })
  )

  it.live(`${name}: a non-durable subscription ends with its last consumer, unacked messages and all`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const topic = freshTopic("contract-nondurable")
      const options = { topic, subscription: "tap", durable: false } as const
      yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* broker.consumer(options)
          yield* sendAll(broker, topic, ["before"])
          assert.deepStrictEqual(yield* receiveTexts(consumer, 1, false), ["before"])
        })
      )
      yield* subscriptionGone(adapter, topic, options.subscription)
      const next = yield* broker.consumer(options)
      yield* sendAll(broker, topic, ["after"])
      assert.deepStrictEqual(yield* receiveTexts(next, 1), ["after"])
      assert.isTrue(yield* nothingWithin(next), "the unacked message went away with the subscription")
    })
  )

  it.live(`${name}: an unreachable broker gives a BrokerUnavailable error naming where it looked`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.unreachable
      const topic = freshTopic("contract-unreachable")
      const producer = yield* Effect.flip(broker.producer(topic))
      const consumer = yield* Effect.flip(broker.consumer({ topic, subscription: "s" }))
      for (const error of [producer, consumer]) {
        assert.strictEqual(error._tag, "BrokerUnavailable")
        assert.match(error.message, /^broker unreachable at /)
      }
    })
  )

  it.live(`${name}: an invalid topic gives a TopicRefused error naming the topic`, () =>
    Effect.gen(function* () {
      const broker = yield* adapter.make
      const error = yield* Effect.flip(broker.producer("not a topic"))
      assert.strictEqual(error._tag, "TopicRefused")
      assert.include(error.message, "not a topic")
      const consumerError = yield* Effect.flip(
        broker.consumer({ topic: "persistent://tg/only-two", subscription: "s" })
      )
      assert.strictEqual(consumerError._tag, "TopicRefused")
    })
  )

  it.live(
    `${name}: a message above the broker's limit fails at once with MessageTooLarge naming both sizes; the producer goes on`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const topic = freshTopic("contract-too-large")
        const consumer = yield* broker.consumer({ topic, subscription: "s", initialPosition: "Earliest" })
        const producer = yield* broker.producer(topic)
        assert.strictEqual(
          producer.maxMessageSize,
          5 * 1024 * 1024 - 4096,
          "Pulsar's default maxMessageSize, less room for the metadata"
        )
        const size = producer.maxMessageSize + 1
        const refused = yield* Effect.flip(producer.send({ payload: new Uint8Array(size) }))
        assert.strictEqual(refused._tag, "MessageTooLarge")
        assert.include(refused.message, size.toLocaleString("en-US"))
        assert.include(refused.message, producer.maxMessageSize.toLocaleString("en-US"))
        yield* producer.send({ payload: new Uint8Array(producer.maxMessageSize) })
        yield* producer.send({ payload: bytes("after") })
        assert.strictEqual((yield* consumer.receive).payload.byteLength, producer.maxMessageSize)
        assert.deepStrictEqual(yield* receiveTexts(consumer, 1), ["after"])
        assert.strictEqual(yield* broker.countOnTopic(topic), 2, "the refused message never reached the broker")
      })
  )
})
