/**
 * The Publisher's run loop and its drain → flush → close shutdown, on the in-memory broker, with
 * every timeout driven by the TestClock.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Latch, Metric, Scope, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { SendFailed } from "../../src/domain/BrokerErrors.ts"
import { ownedBytes, release } from "../../src/domain/OwnedBytes.ts"
import { Broker } from "../../src/services/Broker.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import { makePublisher, type PublisherOptions } from "../../src/services/Publisher.ts"
import { bytes, freshTopic } from "../support/brokers.ts"
import { makeScriptedBroker, type Script } from "../support/scriptedBroker.ts"
import { recordingTracer } from "../support/spans.ts"
import { withSettled } from "../support/settled.ts"

const message = (t: string) => ({ payload: bytes(t) })
const range = (count: number) => Array.from({ length: count }, (_, i) => `m${i}`)

/** A publisher in a scope the test closes itself, on a scripted broker. */
const setup = (script: Script, options: Omit<PublisherOptions, "topic"> = {}) =>
  Effect.gen(function* () {
    const { broker, memory, events } = yield* makeScriptedBroker(script)
    const topic = freshTopic("publisher")
    const scope = yield* Scope.make()
    const publisher = yield* makePublisher({ topic, ...options }).pipe(
      Effect.provideService(Broker, broker),
      Scope.provide(scope)
    )
    return { publisher, scope, events, stored: () => memory.countOnTopic(topic) }
  })

/** Lets the fibers run until `done` holds; fails rather than spin forever. */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the expected state was reached")
  })

describe("Publisher", () => {
  it.effect("10 queued messages are sent in order, then flushed, then the producer is closed, each once", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const gate = yield* Latch.make(false)
        const { publisher, scope, events, stored } = yield* setup({ beforeSend: () => gate.await })
        for (const t of range(10)) yield* publisher.publish(message(t))
        const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
        yield* settled
        assert.deepStrictEqual(
          events,
          range(10).map((t) => `send ${t}`),
          "all sent, and the producer stays open while they are unconfirmed"
        )
        yield* gate.open
        yield* Fiber.join(closing)
        assert.deepStrictEqual(events, [
          ...range(10).map((t) => `send ${t}`),
          ...range(10).map((t) => `confirmed ${t}`),
          "producer closed"
        ])
        assert.strictEqual(stored(), 10)
      })
    )
  )

  it.effect("publishConfirmed completes with the broker's message id once the message is persisted", () =>
    Effect.gen(function* () {
      const { publisher } = yield* setup({})
      const ids = yield* Effect.forEach(range(3), (t) => publisher.publishConfirmed(message(t)))
      assert.deepStrictEqual(ids, ["0", "1", "2"])
    })
  )

  it.effect(
    "publishNotify tells each message's outcome once: the id when persisted, PublisherClosed when dropped at the drain timeout",
    () =>
      Effect.gen(function* () {
        const gate = yield* Latch.make(false)
        const { publisher } = yield* setup(
          { beforeSend: () => gate.await },
          { maxInFlight: 1, drainTimeout: "5 seconds", flushTimeout: "2 seconds" }
        )
        const outcomes: Array<string> = []
        const tell = (t: string) => (outcome: Exit.Exit<string, { readonly _tag: string }>) =>
          void outcomes.push(Exit.isSuccess(outcome) ? `${t} ${outcome.value}` : `${t} ${String(outcome.cause)}`)
        // m0 is in flight, held at the gate; m1 and m2 wait in the queue.
        for (const t of range(3)) yield* publisher.publishNotify(message(t), tell(t))
        const shutdown = yield* Effect.forkChild(publisher.shutdown, { startImmediately: true })
        yield* TestClock.adjust("5 seconds")
        assert.strictEqual(outcomes.length, 2, "the two dropped are told at the drain timeout")
        assert.match(outcomes[0]!, /^m1 .*PublisherClosed/)
        assert.match(outcomes[1]!, /^m2 .*PublisherClosed/)
        yield* gate.open
        yield* Fiber.join(shutdown)
        assert.deepStrictEqual(outcomes.slice(2), ["m0 0"], "the one in flight is told its id once persisted")
      })
  )

  it.effect("publish suspends while the queue is full and resumes when the worker makes room", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const gate = yield* Latch.make(false)
        const { publisher, events, stored } = yield* setup(
          { beforeSend: () => gate.await },
          { maxQueueSize: 2, maxInFlight: 1 }
        )
        // m0 is in flight, m1 and m2 fill the queue.
        for (const t of range(3)) yield* publisher.publish(message(t))
        const blocked = yield* Effect.forkChild(publisher.publish(message("m3")))
        yield* settled
        assert.isUndefined(blocked.pollUnsafe(), "the fourth publish waits for room")
        assert.strictEqual(yield* publisher.queueDepth, 2)
        assert.deepStrictEqual(events, ["send m0"])
        yield* gate.open
        yield* Fiber.join(blocked)
        yield* publisher.shutdown
        assert.strictEqual(stored(), 4, "the one that waited is sent too")
      })
    )
  )

  it.effect("once shutdown has begun, publish fails at once with PublisherClosed while the queue drains", () =>
    Effect.gen(function* () {
      const gate = yield* Latch.make(false)
      const { publisher, scope, stored } = yield* setup({ beforeSend: () => gate.await })
      for (const t of range(3)) yield* publisher.publish(message(t))
      const shutdown = yield* Effect.forkChild(publisher.shutdown, { startImmediately: true })
      const refused = yield* Effect.flip(publisher.publish(message("late")))
      assert.strictEqual(refused._tag, "PublisherClosed")
      assert.include(refused.message, "shutting down")
      yield* gate.open
      const report = yield* Fiber.join(shutdown)
      assert.deepInclude(report, { drained: true, dropped: 0, unconfirmed: 0, failed: 0 })
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(stored(), 3, "the three accepted messages are on the topic, the late one is not")
    })
  )

  it.effect(
    "with a stuck producer the drain gives up at exactly 5 s, counts what was left, and flush and close still run",
    () =>
      Effect.gen(function* () {
        const registry = new Map()
        yield* withSettled((settled) =>
          Effect.gen(function* () {
            const { publisher, scope, events } = yield* setup(
              { beforeSend: () => Effect.never },
              { maxQueueSize: 10, maxInFlight: 1, drainTimeout: "5 seconds", flushTimeout: "2 seconds" }
            )
            for (const t of range(5)) yield* publisher.publish(message(t))
            const shutdown = yield* Effect.forkChild(publisher.shutdown)

            yield* TestClock.adjust("4999 millis")
            yield* settled
            assert.isUndefined(shutdown.pollUnsafe(), "still draining at 4.999 s")
            assert.strictEqual(yield* publisher.queueDepth, 4, "nothing given up at 4.999 s")
            assert.strictEqual((yield* Metric.value(Metrics.publisherMessagesDropped)).count, 0)

            yield* TestClock.adjust("1 millis")
            assert.strictEqual(
              (yield* Metric.value(Metrics.publisherMessagesDropped)).count,
              4,
              "at 5 s the 4 queued are dropped"
            )
            yield* TestClock.adjust("1999 millis")
            yield* settled
            assert.isUndefined(shutdown.pollUnsafe(), "then the flush waits for the one send in flight, for 2 s")

            yield* TestClock.adjust("1 millis")
            const report = yield* Fiber.join(shutdown)
            assert.deepInclude(report, { drained: false, dropped: 4, unconfirmed: 1, failed: 0 })
            yield* settled
            assert.deepStrictEqual(events, ["send m0"], "the shutdown leaves the producer's close to the scope")
            yield* Scope.close(scope, Exit.void)
            assert.deepStrictEqual(events, ["send m0", "producer closed"], "close runs after the flush timeout")
          })
        ).pipe(Effect.provideService(Metric.MetricRegistry, registry))
      })
  )

  it.effect(
    "a send error mid-drain surfaces as SendFailed for that message; the rest are sent, flushed and the producer closed",
    () =>
      Effect.gen(function* () {
        const gate = yield* Latch.make(false)
        const { publisher, scope, events, stored } = yield* setup({
          beforeSend: (t) =>
            gate.await.pipe(
              Effect.andThen(
                t === "m2"
                  ? Effect.fail(
                      new SendFailed({ topic: "t", reason: "send-error:8: queue full", unknownOutcome: false })
                    )
                  : Effect.void
              )
            )
        })
        const outcomes = yield* Effect.forEach(range(5), (t) =>
          Effect.forkChild(Effect.exit(publisher.publishConfirmed(message(t))), { startImmediately: true })
        )
        const shutdown = yield* Effect.forkChild(publisher.shutdown, { startImmediately: true })
        yield* gate.open
        const report = yield* Fiber.join(shutdown)
        const exits = yield* Effect.forEach(outcomes, Fiber.join)
        assert.deepStrictEqual(exits.map(Exit.isSuccess), [true, true, false, true, true])
        const failure = exits[2]
        assert.isTrue(failure !== undefined && Exit.isFailure(failure) && String(failure.cause).includes("queue full"))
        assert.deepInclude(report, { drained: true, dropped: 0, unconfirmed: 0, failed: 1 })
        yield* Scope.close(scope, Exit.void)
        assert.strictEqual(events.at(-1), "producer closed")
        assert.strictEqual(stored(), 4)
      })
  )

  it.effect(
    "a shutdown interrupted at 3 s and run again by the finalizer still ends at 5 s + 2 s from its start, not later",
    () =>
      withSettled((settled) =>
        Effect.gen(function* () {
          const { publisher, scope, events } = yield* setup(
            { beforeSend: () => Effect.never },
            { maxQueueSize: 10, maxInFlight: 1, drainTimeout: "5 seconds", flushTimeout: "2 seconds" }
          )
          for (const t of range(3)) yield* publisher.publish(message(t))
          const first = yield* Effect.forkChild(publisher.shutdown)
          yield* TestClock.adjust("3 seconds")
          yield* Fiber.interrupt(first)
          const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
          yield* TestClock.adjust("3999 millis")
          yield* settled
          assert.isUndefined(closing.pollUnsafe(), "the flush still has 1 ms of its bound")
          assert.notInclude(events, "producer closed")
          yield* TestClock.adjust("1 millis")
          yield* Fiber.join(closing)
          assert.strictEqual(events.at(-1), "producer closed")
        })
      )
  )

  it.effect("shutdownAfter: the caller's last publishes and the queue share one drain bound", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const { publisher } = yield* setup(
          { beforeSend: () => Effect.never },
          { maxQueueSize: 10, maxInFlight: 1, drainTimeout: "5 seconds", flushTimeout: "2 seconds" }
        )
        yield* publisher.publish(message("m0"))
        const lastFrames = Effect.andThen(Effect.sleep("3 seconds"), publisher.publish(message("m1")))
        const shutdown = yield* Effect.forkChild(publisher.shutdownAfter(lastFrames))
        yield* TestClock.adjust("3 seconds")
        yield* TestClock.adjust("1999 millis")
        yield* settled
        assert.strictEqual(yield* publisher.queueDepth, 1, "m1 was handed over and still waits")
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(yield* publisher.queueDepth, 0, "dropped at 5 s from the start, not 3 s + 5 s")
        yield* TestClock.adjust("2 seconds")
        const report = yield* Fiber.join(shutdown)
        assert.deepInclude(report, { handedOver: true, drained: false, dropped: 1, unconfirmed: 1 })
      })
    )
  )

  it.effect(
    "publish also waits while the queue holds PUBLISHER_MAX_QUEUE_BYTES, and goes on when the worker takes",
    () =>
      Effect.gen(function* () {
        const gate = yield* Latch.make(false)
        const { publisher, events } = yield* setup(
          { beforeSend: () => gate.await },
          { maxQueueSize: 10, maxInFlight: 1, maxQueueBytes: 1000 }
        )
        const sized = (t: string, size: number) => ({ payload: bytes(t.padEnd(size, ".")) })
        yield* publisher.publish(sized("m0", 500))
        yield* until(() => events.some((e) => e.startsWith("send m0")))
        yield* publisher.publish(sized("m1", 600))
        yield* publisher.publish(sized("m2", 500))
        // 1,100 bytes queued, two messages of ten: only the bytes hold the next publish back.
        const blocked = yield* Effect.forkChild(publisher.publish(sized("m3", 10)), { startImmediately: true })
        assert.isUndefined(blocked.pollUnsafe(), "held back by the bytes queued")
        yield* gate.open
        yield* Fiber.join(blocked)
      })
  )

  it.effect(
    "a named producer sends nothing after a failed send: what waits is told it was not sent, and so is a later publish",
    () =>
      Effect.gen(function* () {
        const { publisher, events } = yield* setup(
          {
            beforeSend: (t) =>
              t === "m1"
                ? Effect.fail(new SendFailed({ topic: "t", reason: "timed out", unknownOutcome: true }))
                : Effect.void
          },
          { maxInFlight: 1, producer: { name: "loader", first: 1 } }
        )
        const outcomes: Array<string> = []
        const tell = (t: string) => (outcome: Exit.Exit<string, { readonly _tag: string; readonly message: string }>) =>
          void outcomes.push(Exit.isSuccess(outcome) ? `${t} stored` : `${t} ${Cause.squash(outcome.cause)}`)
        for (const t of range(5)) yield* publisher.publishNotify(message(t), tell(t))
        yield* until(() => outcomes.length === 5)
        // m2 stored after m1 failed would make m1, sent again under the same name, look like a resend.
        assert.deepStrictEqual(events, ["send m0", "confirmed m0", "send m1"])
        assert.strictEqual(outcomes[0], "m0 stored")
        assert.match(outcomes[1]!, /^m1 .*timed out/)
        for (const [i, t] of ["m2", "m3", "m4"].entries()) {
          assert.match(outcomes[i + 2]!, new RegExp(`^${t} .*not sent: an earlier message of this named producer`))
        }
        const later = yield* Effect.flip(publisher.publish(message("m5")))
        assert.include(later.message, "not sent: an earlier message of this named producer")
      })
  )

  it.effect("the worker sends no more while PUBLISHER_MAX_IN_FLIGHT_BYTES are unconfirmed", () =>
    Effect.gen(function* () {
      const gates = new Map(
        yield* Effect.forEach(["m0", "m1", "m2"], (t) => Effect.map(Latch.make(false), (gate) => [t, gate] as const))
      )
      const { publisher, events } = yield* setup(
        { beforeSend: (t) => gates.get(t.slice(0, 2))?.await ?? Effect.void },
        { maxQueueSize: 10, maxInFlight: 10, maxInFlightBytes: 1000 }
      )
      const sized = (t: string) => ({ payload: bytes(t.padEnd(600, ".")) })
      yield* publisher.publish(sized("m0"))
      yield* publisher.publish(sized("m1"))
      yield* until(() => events.some((e) => e.startsWith("send m1")))
      yield* publisher.publish(sized("m2"))
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      yield* gates.get("m0")!.open
      yield* until(
        () => events.some((e) => e.startsWith("send m2")) && events.some((e) => e.startsWith("confirmed m0"))
      )
      const at = (prefix: string) => events.findIndex((e) => e.startsWith(prefix))
      assert.isAbove(at("send m2"), at("confirmed m0"), "m2 waited for room: 1,200 bytes were in flight")
      for (const gate of gates.values()) yield* gate.open
    })
  )

  it.effect(
    "a payload released once stored (releaseWhenStored) still gives its bytes back to the in-flight window",
    () =>
      Effect.gen(function* () {
        const gates = new Map(
          yield* Effect.forEach(["m0", "m1"], (t) => Effect.map(Latch.make(false), (gate) => [t, gate] as const))
        )
        const { publisher, events } = yield* setup(
          {
            beforeSend: (t) => gates.get(t.slice(0, 2))?.await ?? Effect.void,
            // As the binary adapter does once the broker has stored a message.
            afterStored: (sent) => {
              if (sent.releaseWhenStored === true) release(sent.payload)
            }
          },
          { maxQueueSize: 10, maxInFlight: 10, maxInFlightBytes: 1000 }
        )
        const owned = (t: string) => {
          const payload = ownedBytes(600)
          payload.write(t.padEnd(600, "."))
          return { payload, releaseWhenStored: true }
        }
        yield* publisher.publish(owned("m0"))
        yield* publisher.publish(owned("m1"))
        yield* until(() => events.some((e) => e.startsWith("send m1")))
        yield* publisher.publish(owned("m2"))
        yield* gates.get("m0")!.open
        // 1,200 bytes were in flight; m0's 600 came back when it was stored, though its payload is gone.
        yield* until(() => events.some((e) => e.startsWith("send m2")))
        yield* gates.get("m1")!.open
        yield* until(() => events.filter((e) => e.startsWith("confirmed")).length === 3)
      })
  )

  it.effect(
    "publishConfirmed and shutdownAfter are traced under the Publisher's name; publish, once per frame, is not",
    () =>
      Effect.gen(function* () {
        const { names, tracer } = recordingTracer()
        const { publisher } = yield* setup({})
        yield* Effect.gen(function* () {
          yield* publisher.publish(message("m0"))
          yield* publisher.publishConfirmed(message("m1"))
          yield* publisher.shutdownAfter(Effect.void)
        }).pipe(Effect.provideService(Tracer.Tracer, tracer))
        assert.deepStrictEqual(names, ["Publisher.publishConfirmed", "Publisher.shutdownAfter"])
      })
  )
})
