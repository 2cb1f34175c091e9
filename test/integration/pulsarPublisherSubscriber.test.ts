/**
 * Publisher and Subscriber against a real Apache Pulsar broker, counting what reached the topic
 * and what was redelivered independently of the services under test.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Queue, Random, Scope } from "effect"
import { Broker } from "../../src/services/Broker.ts"
import { makePublisher } from "../../src/services/Publisher.ts"
import { makeSubscriber } from "../../src/services/Subscriber.ts"
import { bytes, freshTopic, pulsarBroker, text } from "../support/brokers.ts"
import { recording } from "../support/scriptedBroker.ts"

const total = 10_000
const texts = Array.from({ length: total }, (_, i) => `m${i}`)

describe("Publisher and Subscriber on Pulsar", () => {
  it.live(
    "pulsar: 10,000 messages published and the scope closed at once are all on the topic, exactly 10,000",
    () =>
      Effect.gen(function* () {
        const broker = yield* pulsarBroker().make
        const topic = freshTopic("publisher-close")
        const scope = yield* Scope.make()
        const publisher = yield* makePublisher({ topic, maxQueueSize: total, drainTimeout: "60 seconds" }).pipe(
          Effect.provideService(Broker, broker),
          Scope.provide(scope)
        )
        yield* Effect.forEach(texts, (t) => publisher.publish({ payload: bytes(t) }), { discard: true })
        const queuedAtClose = yield* publisher.queueDepth
        yield* Scope.close(scope, Exit.void)
        const report = yield* publisher.shutdown
        assert.isAbove(queuedAtClose, 0, "the close found messages still queued")
        assert.deepInclude(report, { drained: true, dropped: 0, unconfirmed: 0, failed: 0 })
        assert.strictEqual(yield* broker.countOnTopic(topic), total)
      }),
    120_000
  )

  it.live(
    "pulsar: a subscriber closed at a random point loses nothing — delivered ∪ redelivered is all 10,000, and only delivered messages were acked",
    () =>
      Effect.gen(function* () {
        const pulsar = yield* pulsarBroker().make
        const topic = freshTopic("subscriber-close")
        const options = { topic, subscription: "export", initialPosition: "Earliest" } as const
        yield* Effect.scoped(
          Effect.gen(function* () {
            const producer = yield* pulsar.producer(topic)
            yield* Effect.forEach(texts, (t) => producer.send({ payload: bytes(t) }), {
              concurrency: 500,
              discard: true
            })
          })
        )

        const { broker, events } = recording(pulsar)
        const stopAfter = yield* Random.nextIntBetween(500, total - 500)
        const delivered = new Set<string>()
        const scope = yield* Scope.make()
        const subscriber = yield* makeSubscriber(options).pipe(
          Effect.provideService(Broker, broker),
          Scope.provide(scope)
        )
        const queue = yield* subscriber.subscribeAll("client").pipe(Scope.provide(scope))
        // The client goes on taking deliveries while the subscriber drains, as a socket that is
        // still open does during a server shutdown.
        const client = yield* Effect.forkChild(
          Effect.forever(
            Effect.gen(function* () {
              const delivery = yield* Queue.take(queue)
              delivered.add(text(delivery.message.payload))
              yield* delivery.delivered
            })
          )
        )
        while (delivered.size < stopAfter) yield* Effect.yieldNow
        yield* Scope.close(scope, Exit.void)
        yield* Fiber.interrupt(client)

        const acked = events.filter((e) => e.startsWith("ack ")).map((e) => e.slice(4))
        assert.isTrue(
          acked.every((t) => delivered.has(t)),
          "every acked message had been delivered"
        )
        // The drain waited for the copy the client held, so nothing delivered went unacknowledged;
        // this also keeps the check above from passing on an empty list.
        assert.strictEqual(new Set(acked).size, delivered.size, "every delivered message was acked, once")
        assert.strictEqual(acked.length, delivered.size, "every delivered message was acked, once")

        const redelivered = new Set<string>()
        const next = yield* pulsar.consumer(options)
        while (delivered.size + redelivered.size < total) {
          const message = yield* next.receive.pipe(Effect.timeout("60 seconds"))
          const t = text(message.payload)
          if (!delivered.has(t)) redelivered.add(t)
          yield* next.ack(message.id)
        }
        const union = new Set([...delivered, ...redelivered])
        assert.strictEqual(
          union.size,
          total,
          `closed after ${stopAfter}: delivered ${delivered.size}, redelivered ${redelivered.size}`
        )
        assert.isTrue(texts.every((t) => union.has(t)))
      }),
    180_000
  )
})
