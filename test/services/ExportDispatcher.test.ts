/**
 * The export dispatcher between a real Subscriber (on the in-memory broker) and a scripted
 * connection whose writes the test confirms or fails: a message is acknowledged only once its
 * frame is written, a failed write gives the rest of its batch back, and enough failures in a
 * row end the export.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Result, Scope } from "effect"
import { translateFrame } from "../../src/domain/Codec.ts"
import { Broker } from "../../src/services/Broker.ts"
import { type Connection, SocketWriteFailed, type Written } from "../../src/services/Connection.ts"
import { runExport } from "../../src/services/ExportDispatcher.ts"
import { makeSubscriber } from "../../src/services/Subscriber.ts"
import { bytes, freshTopic } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { makeScriptedBroker } from "../support/scriptedBroker.ts"

/** A connection whose every write waits for the test to say how it ended. */
const scriptedConnection = () => {
  const writes: Array<{ readonly texts: ReadonlyArray<string>; readonly outcome: Deferred.Deferred<Written> }> = []
  const connection: Connection = {
    receive: Effect.never,
    write: (texts) =>
      Effect.sync(() => {
        const outcome = Deferred.makeUnsafe<Written>()
        writes.push({ texts, outcome })
        return Deferred.await(outcome)
      }),
    stopReading: Effect.void,
    peerClosed: Effect.never,
    isOpen: () => true,
    close: () => Effect.void
  }
  return { connection, writes }
}

const record = (id: string): Uint8Array => {
  const translated = translateFrame("triples", JSON.stringify(triplesFrame(id)))
  if (Result.isFailure(translated)) throw translated.failure
  return translated.success
}

const setup = (maxConsecutiveErrors = 3) =>
  Effect.gen(function* () {
    const { broker, events } = yield* makeScriptedBroker()
    const topic = freshTopic("export")
    const scope = yield* Scope.make()
    const subscriber = yield* makeSubscriber({ topic, subscription: "client" }).pipe(
      Effect.provideService(Broker, broker),
      Scope.provide(scope)
    )
    const deliveries = yield* subscriber.subscribeAll("client").pipe(Scope.provide(scope))
    const producer = yield* broker.producer(topic)
    const { connection, writes } = scriptedConnection()
    const exporter = yield* Effect.forkChild(
      runExport(connection, deliveries, { kind: "triples", maxConsecutiveErrors }),
      { startImmediately: true }
    )
    const publish = (...ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => producer.send({ payload: record(id) }), { discard: true })
    const acked = () => events.filter((e) => e.startsWith("ack ")).length
    const nacked = () => events.filter((e) => e.startsWith("nack ")).length
    return { exporter, publish, producer, writes, events, acked, nacked }
  })

/** Lets the fibers run until `done` holds; fails rather than spin forever. */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the expected state was reached")
  })

const idOf = (frame: string) => (JSON.parse(frame) as { metadata: { id: string } }).metadata.id

describe("ExportDispatcher", () => {
  it.effect("acknowledges a message only once its frame is written, and writes waiting messages together", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { publish, writes, acked } = yield* setup()
        yield* publish("a")
        yield* until(() => writes.length === 1)
        yield* publish("b", "c")
        for (let i = 0; i < 20; i++) yield* Effect.yieldNow
        assert.strictEqual(acked(), 0, "handed to the socket, not yet written")
        yield* Deferred.succeed(writes[0]!.outcome, { written: 1 })
        yield* until(() => acked() === 1 && writes.length === 2)
        assert.deepStrictEqual(writes[1]!.texts.map(idOf), ["b", "c"], "the two that waited go out as one batch")
        yield* Deferred.succeed(writes[1]!.outcome, { written: 2 })
        yield* until(() => acked() === 3)
      })
    )
  )

  it.effect("a write that fails partway: the frames written are acknowledged, the rest given back", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { publish, writes, acked, nacked, events } = yield* setup(10)
        yield* publish("a", "b", "c")
        yield* until(() => writes.length === 1 && writes[0]!.texts.length === 3)
        const failure = new SocketWriteFailed({ reason: "broken pipe" })
        yield* Deferred.succeed(writes[0]!.outcome, { written: 1, failure })
        yield* until(() => acked() === 1 && nacked() === 2)
        assert.strictEqual(
          events.find((e) => e.startsWith("ack ")),
          `ack ${new TextDecoder().decode(record("a"))}`
        )
      })
    )
  )

  it.effect("maxConsecutiveErrors frames failing in a row end the export with TooManyWriteErrors", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { exporter, publish, writes, nacked } = yield* setup(3)
        yield* publish("a", "b")
        yield* until(() => writes.length === 1)
        const failure = new SocketWriteFailed({ reason: "broken pipe" })
        yield* Deferred.succeed(writes[0]!.outcome, { written: 0, failure })
        yield* until(() => nacked() === writes[0]!.texts.length)
        assert.isUndefined(exporter.pollUnsafe(), "fewer than 3 failures in a row: still running")
        yield* publish("c", "d")
        yield* until(() => writes.length === 2)
        yield* Deferred.succeed(writes[1]!.outcome, { written: 0, failure })
        const exit = yield* Fiber.await(exporter)
        assert.isTrue(Exit.isFailure(exit))
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        assert.match(
          String(error),
          /[34] consecutive writes to the client failed \(last: broken pipe\); ending the export/
        )
      })
    )
  )

  it.effect("a record no client could read is acknowledged, not redelivered forever; the rest go out", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { producer, publish, writes, acked } = yield* setup()
        yield* producer.send({ payload: bytes('{"not":"a triples record"}') })
        yield* publish("good")
        yield* until(() => acked() >= 1 && writes.length >= 1)
        yield* Deferred.succeed(writes[0]!.outcome, { written: writes[0]!.texts.length })
        yield* until(() => acked() === 2)
        assert.deepStrictEqual(
          writes.flatMap((w) => w.texts.map(idOf)),
          ["good"]
        )
      })
    )
  )
})
