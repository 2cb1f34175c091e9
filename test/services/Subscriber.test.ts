/**
 * The Subscriber's receive loop, routing, backpressure strategies and its pause → drain → nack →
 * close shutdown, on the in-memory broker, with every timeout driven by the TestClock.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Metric, Queue, Scope, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { Broker } from "../../src/services/Broker.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import { makeSubscriber, type SubscriberOptions } from "../../src/services/Subscriber.ts"
import { bytes, freshTopic, text } from "../support/brokers.ts"
import { makeScriptedBroker, type Script } from "../support/scriptedBroker.ts"
import { recordingTracer } from "../support/spans.ts"
import { withSettled } from "../support/settled.ts"

type Options = Omit<SubscriberOptions, "topic" | "subscription">

/** A subscriber in a scope the test closes itself, and a way to publish to its topic. */
const setup = (options: Options = {}, script: Script = {}) =>
  Effect.gen(function* () {
    const { broker, events } = yield* makeScriptedBroker(script)
    const topic = freshTopic("subscriber")
    const scope = yield* Scope.make()
    const subscriber = yield* makeSubscriber({ topic, subscription: "export", ...options }).pipe(
      Effect.provideService(Broker, broker),
      Scope.provide(scope)
    )
    const producer = yield* broker.producer(topic)
    const send = (...texts: ReadonlyArray<string>) =>
      Effect.forEach(texts, (t) => producer.send({ payload: bytes(t) }), { discard: true })
    const sendWithId = (id: string, t: string) => producer.send({ payload: bytes(t), properties: { id } })
    return { subscriber, scope, events, send, sendWithId, subscribeIn: scope }
  })

/** Lets the subscriber's fibers run until `done` holds; fails rather than spin forever. */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the expected state was reached")
  })

const takeText = (queue: Queue.Dequeue<{ readonly message: { readonly payload: Uint8Array } }>) =>
  Effect.map(Queue.take(queue), (d) => text(d.message.payload))

/** What the consumer side did: acks, nacks, pause, close — without the producer's sends. */
const consumerSide = (events: ReadonlyArray<string>) => events.filter((e) => !/^(send|confirmed|producer) /.test(e))

const withMetrics = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

const count = (metric: Metric.Metric<number, Metric.CounterState<number>>) =>
  Effect.map(Metric.value(metric), (state) => state.count)

describe("Subscriber", () => {
  it.effect("acknowledges a message only after its delivery is reported, never when it is queued", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, events, send } = yield* setup()
        const queue = yield* subscriber.subscribeAll("client")
        yield* send("m0")
        const delivery = yield* Queue.take(queue)
        yield* settled
        assert.notInclude(events, "ack m0", "queued and handed out, but not yet delivered")
        yield* delivery.delivered
        assert.include(events, "ack m0")
        yield* delivery.delivered
        yield* settled
        assert.strictEqual(events.filter((e) => e === "ack m0").length, 1, "a second report changes nothing")
      })
    )
  )

  it.effect("block: the loop waits for room and acks each message only once it is delivered", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, events, send } = yield* setup({ strategy: "block", maxQueueSize: 1 })
        const queue = yield* subscriber.subscribeAll("client")
        yield* send("m0", "m1", "m2")
        for (const t of ["m0", "m1", "m2"]) {
          const delivery = yield* Queue.take(queue)
          assert.strictEqual(text(delivery.message.payload), t)
          yield* settled
          assert.notInclude(events, `ack ${t}`)
          yield* delivery.delivered
          assert.include(events, `ack ${t}`)
        }
        yield* settled
        assert.isFalse(
          events.some((e) => e.startsWith("nack")),
          "nothing was refused"
        )
      })
    )
  )

  it.effect(
    "drop_new: a full queue refuses the new message, which is nacked (never acked), counted, and redelivered later",
    () =>
      withMetrics(
        withSettled((settled) =>
          Effect.gen(function* () {
            const { subscriber, events, send } = yield* setup({
              strategy: "drop_new",
              maxQueueSize: 1,
              nackRedeliveryDelay: "1 minute"
            })
            const queue = yield* subscriber.subscribeAll("client")
            yield* send("m0", "m1")
            yield* settled
            assert.include(events, "nack m1")
            assert.notInclude(events, "ack m1")
            assert.strictEqual(yield* count(Metrics.subscriberMessagesDropped), 1)
            assert.strictEqual(yield* count(Metrics.subscriberMessagesNacked), 1)
            const first = yield* Queue.take(queue)
            assert.strictEqual(text(first.message.payload), "m0")
            yield* first.delivered
            yield* TestClock.adjust("1 minute")
            const again = yield* Queue.take(queue)
            assert.strictEqual(text(again.message.payload), "m1")
            assert.strictEqual(again.message.redeliveryCount, 1)
          })
        )
      )
  )

  it.effect("drop_oldest: a full queue evicts its oldest message, which is acked and counted as dropped", () =>
    withMetrics(
      withSettled((settled) =>
        Effect.gen(function* () {
          const { subscriber, events, send } = yield* setup({ strategy: "drop_oldest", maxQueueSize: 2 })
          const queue = yield* subscriber.subscribeAll("client")
          yield* send("m0", "m1", "m2")
          yield* settled
          assert.deepStrictEqual(consumerSide(events), ["ack m0"], "the evicted m0 is acked, nothing else settled")
          assert.strictEqual(yield* count(Metrics.subscriberMessagesDropped), 1)
          assert.deepStrictEqual([yield* takeText(queue), yield* takeText(queue)], ["m1", "m2"])
          yield* settled
          assert.deepStrictEqual(consumerSide(events), ["ack m0"], "taken is not delivered: m1 and m2 are held")
        })
      )
    )
  )

  it.effect("drop_oldest: only copies written to the client count as delivered, evicted ones as dropped", () =>
    withMetrics(
      withSettled((settled) =>
        Effect.gen(function* () {
          const { subscriber, events, send } = yield* setup({ strategy: "drop_oldest", maxQueueSize: 2 })
          const queue = yield* subscriber.subscribeAll("client")
          yield* send("m0", "m1", "m2", "m3", "m4")
          yield* until(() => events.includes("ack m2"))
          for (let i = 0; i < 2; i++) yield* Effect.flatMap(Queue.take(queue), (d) => d.delivered)
          yield* settled
          assert.strictEqual(yield* count(Metrics.subscriberMessagesDelivered), 2)
          assert.strictEqual(yield* count(Metrics.subscriberMessagesDropped), 3)
          assert.strictEqual(yield* count(Metrics.subscriberMessagesAcknowledged), 5)
        })
      )
    )
  )

  it.effect(
    "block: a client leaving while the loop waits on its full queue gives every copy back once, and the drain ends at once",
    () =>
      withMetrics(
        withSettled((settled) =>
          Effect.gen(function* () {
            const { subscriber, events, send } = yield* setup({
              strategy: "block",
              maxQueueSize: 1,
              drainTimeout: "5 seconds"
            })
            const client = yield* Scope.make()
            yield* subscriber.subscribeAll("client").pipe(Scope.provide(client))
            yield* send("m0", "m1")
            yield* settled
            // m0 is queued and the loop is suspended offering m1 to the full queue.
            assert.strictEqual((yield* Metric.value(Metrics.subscriberQueueDepth)).value, 2)
            yield* Scope.close(client, Exit.void)
            // The TestClock never moves: a drain that waited for its timeout would never end.
            const shutdown = yield* Effect.forkChild(subscriber.shutdown)
            yield* settled
            assert.isDefined(shutdown.pollUnsafe(), "the drain ended with the clock at 0")
            const report = yield* Fiber.join(shutdown)
            assert.isTrue(report.drained, "nothing was left pending")
            assert.deepStrictEqual(
              consumerSide(events).filter((e) => e.startsWith("ack") || e.startsWith("nack")),
              ["nack m0", "nack m1"]
            )
            assert.strictEqual(yield* count(Metrics.subscriberMessagesNacked), 2)
          })
        )
      )
  )

  it.effect("routes by the id property to subscribe(id) queues and every message to subscribeAll queues", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, sendWithId } = yield* setup()
        const a = yield* subscriber.subscribe("a")
        const b = yield* subscriber.subscribe("b")
        const all = yield* subscriber.subscribeAll("tap")
        yield* sendWithId("a", "for a")
        yield* sendWithId("b", "for b")
        yield* sendWithId("c", "for c")
        yield* settled
        assert.strictEqual(yield* takeText(a), "for a")
        assert.strictEqual(yield* takeText(b), "for b")
        assert.deepStrictEqual(
          [yield* takeText(all), yield* takeText(all), yield* takeText(all)],
          ["for a", "for b", "for c"]
        )
        assert.strictEqual(yield* Queue.size(a), 0)
        assert.strictEqual(yield* Queue.size(b), 0)
      })
    )
  )

  it.effect("a message one queue takes may release its memory; one that several queues take may not", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, sendWithId } = yield* setup({}, { releasable: true })
        const a = yield* subscriber.subscribe("a")
        const all = yield* subscriber.subscribeAll("tap")
        yield* sendWithId("a", "for a and the tap")
        yield* sendWithId("b", "for the tap alone")
        yield* settled
        const [forA, shared, alone] = [yield* Queue.take(a), yield* Queue.take(all), yield* Queue.take(all)]
        assert.deepStrictEqual(
          [forA, shared, alone].map((d) => [text(d.message.payload), d.message.releasePayload !== undefined]),
          [
            ["for a and the tap", false],
            ["for a and the tap", false],
            ["for the tap alone", true]
          ]
        )
      })
    )
  )

  it.effect(
    "an orphaned message (no queue registered for its id) is nacked for redelivery and counted, not acked",
    () =>
      withMetrics(
        withSettled((settled) =>
          Effect.gen(function* () {
            const { subscriber, events, sendWithId } = yield* setup()
            yield* subscriber.subscribe("a")
            yield* sendWithId("z", "nobody's")
            yield* settled
            assert.deepStrictEqual(consumerSide(events), ["nack nobody's"])
            assert.strictEqual(yield* count(Metrics.subscriberMessagesOrphaned), 1)
            assert.strictEqual(yield* count(Metrics.subscriberMessagesNacked), 1)
          })
        )
      )
  )

  it.effect("nothing is received before the first queue is registered", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, events, send } = yield* setup()
        yield* send("early")
        yield* settled
        assert.deepStrictEqual(consumerSide(events), [], "not routed, not orphaned")
        const queue = yield* subscriber.subscribeAll("client")
        assert.strictEqual(yield* takeText(queue), "early")
      })
    )
  )

  it.effect(
    "shutdown runs pause → drain → nack what is undelivered → close, and the drain gives up at exactly 5 s",
    () =>
      withSettled((settled) =>
        Effect.gen(function* () {
          const { subscriber, scope, events, send } = yield* setup({ drainTimeout: "5 seconds" })
          const queue = yield* subscriber.subscribeAll("client")
          yield* send("m0", "m1", "m2")
          const first = yield* Queue.take(queue)
          const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
          yield* until(() => events.includes("pause"))
          yield* first.delivered
          yield* TestClock.adjust("4999 millis")
          yield* settled
          assert.isUndefined(closing.pollUnsafe(), "still draining at 4.999 s")
          assert.deepStrictEqual(consumerSide(events), ["pause", "ack m0"], "nothing given back before 5 s")
          yield* TestClock.adjust("1 millis")
          yield* Fiber.join(closing)
          assert.deepStrictEqual(consumerSide(events), ["pause", "ack m0", "nack m1", "nack m2", "consumer closed"])
        })
      )
  )

  it.effect("shutdown ends as soon as everything queued is delivered", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { subscriber, events, send } = yield* setup()
        const queue = yield* subscriber.subscribeAll("client")
        yield* send("m0", "m1")
        yield* until(() => events.includes("send m1"))
        const shutdown = yield* Effect.forkChild(subscriber.shutdown)
        yield* until(() => events.includes("pause"))
        for (let i = 0; i < 2; i++) yield* Effect.flatMap(Queue.take(queue), (d) => d.delivered)
        const report = yield* Fiber.join(shutdown)
        assert.deepInclude(report, { drained: true, nacked: 0 })
        yield* settled
        assert.deepStrictEqual(
          events.filter((e) => e.startsWith("ack") || e.startsWith("nack")),
          ["ack m0", "ack m1"]
        )
      })
    )
  )

  it.effect("subscribeAll and shutdown are traced under the Subscriber's name", () =>
    Effect.gen(function* () {
      const { names, tracer } = recordingTracer()
      const { subscriber, subscribeIn } = yield* setup()
      yield* Effect.gen(function* () {
        yield* subscriber.subscribeAll("client").pipe(Scope.provide(subscribeIn))
        yield* subscriber.shutdown
      }).pipe(Effect.provideService(Tracer.Tracer, tracer))
      assert.deepStrictEqual(names, ["Subscriber.subscribeAll", "Subscriber.shutdown"])
    })
  )
})
