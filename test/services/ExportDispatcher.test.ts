/**
 * The export dispatcher between a real Subscriber (on the in-memory broker) and a scripted
 * connection whose writes the test confirms or fails: a message is acknowledged only once its
 * frame is written, a failed write gives the rest of its batch back, and enough failures in a
 * row end the export.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Metric, Queue, Result, Scope } from "effect"
import { translateFrame } from "../../src/domain/Codec.ts"
import { Broker } from "../../src/services/Broker.ts"
import {
  type Connection,
  type InboundFrame,
  SocketWriteFailed,
  type WriteOptions,
  type Written
} from "../../src/services/Connection.ts"
import { type ExportOptions, makeExport } from "../../src/services/ExportDispatcher.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import { makeSubscriber } from "../../src/services/Subscriber.ts"
import { bytes, freshTopic } from "../support/brokers.ts"
import { textOf } from "../support/connection.ts"
import { triplesFrame } from "../support/frames.ts"
import { makeScriptedBroker } from "../support/scriptedBroker.ts"
import { withSettled } from "../support/settled.ts"

/**
 * A connection whose every write waits for the test to say how it ended, and whose client frames
 * (acks) the test sends; ending `fromClient` is the client's side closing.
 */
const scriptedConnection = (fromClient: Queue.Queue<InboundFrame, Cause.Done>) => {
  const writes: Array<{
    readonly texts: ReadonlyArray<string>
    readonly options: WriteOptions | undefined
    readonly outcome: Deferred.Deferred<Written>
  }> = []
  const connection: Connection = {
    receive: Queue.takeAll(fromClient),
    write: (texts, options) =>
      Effect.sync(() => {
        const outcome = Deferred.makeUnsafe<Written>()
        writes.push({ texts: texts.map(textOf), options, outcome })
        return Deferred.await(outcome)
      }),
    stopReading: Effect.void,
    peerClosed: Effect.never,
    isOpen: () => true,
    close: () => Effect.void
  }
  return { connection, writes, fromClient }
}

const record = (id: string): Uint8Array => {
  const translated = translateFrame("triples", JSON.stringify(triplesFrame(id)))
  if (Result.isFailure(translated)) throw translated.failure
  return translated.success
}

const setup = (
  maxConsecutiveErrors = 3,
  deadLetter?: ExportOptions["deadLetter"],
  clientAcks?: ExportOptions["clientAcks"]
) =>
  Effect.gen(function* () {
    const { broker, events } = yield* makeScriptedBroker({ releasable: true })
    const topic = freshTopic("export")
    const scope = yield* Scope.make()
    const subscriber = yield* makeSubscriber({ topic, subscription: "client" }).pipe(
      Effect.provideService(Broker, broker),
      Scope.provide(scope)
    )
    const deliveries = yield* subscriber.subscribeAll("client").pipe(Scope.provide(scope))
    const producer = yield* broker.producer(topic)
    const { connection, writes, fromClient } = scriptedConnection(yield* Queue.unbounded<InboundFrame, Cause.Done>())
    const exported = makeExport(connection, deliveries, {
      kind: "triples",
      maxConsecutiveErrors,
      ...(deadLetter === undefined ? {} : { deadLetter }),
      ...(clientAcks === undefined ? {} : { clientAcks })
    })
    const exporter = yield* Effect.forkChild(exported.run, { startImmediately: true })
    /** The client sends these frames, together. */
    const client = (...frames: ReadonlyArray<string>) =>
      Queue.offerAll(
        fromClient,
        frames.map((data): InboundFrame => ({ data, isBinary: false }))
      )
    const publish = (...ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => producer.send({ payload: record(id) }), { discard: true })
    const acked = () => events.filter((e) => e.startsWith("ack ")).length
    const nacked = () => events.filter((e) => e.startsWith("nack ")).length
    /** Every frame handed to the socket, data and error frames alike, in order. */
    const written = () => writes.flatMap((w) => w.texts)
    /** Confirms every write not answered yet, as a socket that wrote them all. */
    const writeAll = Effect.forEach(writes, (w) => Deferred.succeed(w.outcome, { written: w.texts.length }), {
      discard: true
    })
    return {
      exporter,
      exported,
      publish,
      producer,
      writes,
      written,
      writeAll,
      client,
      fromClient,
      events,
      acked,
      nacked
    }
  })

const withMetrics = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

const idOf = (frame: string) => (JSON.parse(frame) as { metadata: { id: string } }).metadata.id

describe("ExportDispatcher", () => {
  it.effect("acknowledges a message only once its frame is written, and writes waiting messages together", () =>
    withSettled((settled) =>
      Effect.scoped(
        Effect.gen(function* () {
          const { publish, writes, acked } = yield* setup()
          yield* publish("a")
          yield* settled
          assert.strictEqual(writes.length, 1)
          yield* publish("b", "c")
          yield* settled
          assert.strictEqual(acked(), 0, "handed to the socket, not yet written")
          yield* Deferred.succeed(writes[0]!.outcome, { written: 1 })
          yield* settled
          assert.strictEqual(acked(), 1, "a is written: acknowledged; b and c are not")
          assert.deepStrictEqual(
            writes.map((w) => w.texts.map(idOf)),
            [["a"], ["b", "c"]],
            "the two that waited go out as one batch"
          )
          yield* Deferred.succeed(writes[1]!.outcome, { written: 2 })
          yield* settled
          assert.strictEqual(acked(), 3)
        })
      )
    )
  )

  it.effect("a message's memory is given back once its frame is made, and the frames are written to be released", () =>
    withSettled((settled) =>
      Effect.scoped(
        Effect.gen(function* () {
          const { publish, writes, events, acked } = yield* setup()
          yield* publish("a", "b")
          yield* settled
          const sentAt = events.findIndex((e) => e.startsWith("send "))
          assert.deepStrictEqual(
            events.filter((e) => e.startsWith("release ")),
            ["a", "b"].map((id) => `release ${new TextDecoder().decode(record(id))}`)
          )
          assert.isAbove(
            events.findIndex((e) => e.startsWith("release ")),
            sentAt
          )
          assert.deepStrictEqual(
            writes.map((w) => [w.texts.map(idOf), w.options]),
            [[["a", "b"], { releaseWhenWritten: true }]],
            "the frames, made from the records before they were released, are whole"
          )
          yield* Deferred.succeed(writes[0]!.outcome, { written: 2 })
          yield* settled
          assert.strictEqual(acked(), 2)
        })
      )
    )
  )

  it.effect("a write that fails partway: the frames written are acknowledged, the rest given back", () =>
    withSettled((settled) =>
      Effect.scoped(
        Effect.gen(function* () {
          const { publish, writes, acked, nacked, events } = yield* setup(10)
          yield* publish("a", "b", "c")
          yield* settled
          assert.deepStrictEqual(
            writes.map((w) => w.texts.map(idOf)),
            [["a", "b", "c"]]
          )
          const failure = new SocketWriteFailed({ reason: "broken pipe" })
          yield* Deferred.succeed(writes[0]!.outcome, { written: 1, failure })
          yield* settled
          assert.deepStrictEqual([acked(), nacked()], [1, 2])
          assert.strictEqual(
            events.find((e) => e.startsWith("ack ")),
            `ack ${new TextDecoder().decode(record("a"))}`
          )
        })
      )
    )
  )

  it.effect("maxConsecutiveErrors frames failing in a row end the export with TooManyWriteErrors", () =>
    withSettled((settled) =>
      Effect.scoped(
        Effect.gen(function* () {
          const { exporter, publish, writes, nacked } = yield* setup(3)
          const failure = new SocketWriteFailed({ reason: "broken pipe" })
          /** Every write not answered yet fails with nothing written. */
          const failAll = Effect.forEach(writes, (w) => Deferred.succeed(w.outcome, { written: 0, failure }), {
            discard: true
          })
          yield* publish("a", "b")
          yield* settled
          yield* failAll
          yield* settled
          assert.strictEqual(nacked(), 2)
          assert.isUndefined(exporter.pollUnsafe(), "2 failures in a row: still running")
          yield* publish("c")
          yield* settled
          yield* failAll
          yield* settled
          assert.isDefined(exporter.pollUnsafe(), "the third failure in a row ended it")
          const exit = yield* Fiber.await(exporter)
          assert.isTrue(Exit.isFailure(exit))
          const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
          assert.strictEqual(
            (error as Error | undefined)?.message,
            "3 consecutive writes to the client failed (last: broken pipe); ending the export"
          )
        })
      )
    )
  )

  it.effect("a record no client could read is acknowledged, not redelivered forever; the rest go out", () =>
    withMetrics(
      withSettled((settled) =>
        Effect.scoped(
          Effect.gen(function* () {
            const { producer, publish, writes, acked, nacked } = yield* setup()
            yield* producer.send({ payload: bytes('{"not":"a triples record"}') })
            yield* publish("good")
            yield* settled
            assert.strictEqual(acked(), 1, "the unreadable record is acknowledged at once")
            assert.strictEqual((yield* Metric.value(Metrics.exportRecordsRejected)).count, 1)
            assert.deepStrictEqual(
              writes.map((w) => w.texts.map(idOf)),
              [["good"]]
            )
            yield* Deferred.succeed(writes[0]!.outcome, { written: 1 })
            yield* settled
            assert.deepStrictEqual([acked(), nacked()], [2, 0])
          })
        )
      )
    )
  )

  it.effect(
    "with a dead-letter topic an unreadable record is acknowledged once moved there, given back if it cannot be",
    () =>
      withMetrics(
        withSettled((settled) =>
          Effect.scoped(
            Effect.gen(function* () {
              const moved: Array<string> = []
              let refuse = false
              const { producer, acked, nacked } = yield* setup(3, (_message, reason) =>
                refuse ? Effect.fail("dead-letter topic unavailable") : Effect.sync(() => void moved.push(reason))
              )
              yield* producer.send({ payload: bytes('{"not":"a triples record"}') })
              yield* settled
              assert.deepStrictEqual([acked(), nacked()], [1, 0])
              assert.lengthOf(moved, 1)
              assert.include(moved[0], "not a triples record")
              refuse = true
              yield* producer.send({ payload: bytes('{"still":"not one"}') })
              yield* settled
              assert.deepStrictEqual([acked(), nacked()], [1, 1], "given back rather than lost")
              assert.strictEqual((yield* Metric.value(Metrics.exportRecordsRejected)).count, 2)
            })
          )
        )
      )
  )

  describe("client acks (?ack=true)", () => {
    const acks = { maxUnacked: 100 }
    const errorsOf = (frames: ReadonlyArray<string>) =>
      frames.filter((f) => f.startsWith(`{"error"`)).map((f) => (JSON.parse(f) as { error: unknown }).error)

    it.effect(
      "a written frame is acknowledged to the broker only once the client acks it; an ack covers every frame up to it",
      () =>
        withSettled((settled) =>
          Effect.scoped(
            Effect.gen(function* () {
              const { publish, writeAll, client, acked, nacked } = yield* setup(3, undefined, acks)
              yield* publish("a", "b", "c")
              yield* settled
              yield* writeAll
              yield* settled
              assert.strictEqual(acked(), 0, "written, but the client has not acked")
              yield* client(`{"ack":2}`)
              yield* settled
              assert.strictEqual(acked(), 2, "frames 1 and 2")
              yield* client(`{"ack":2}`, `{"ack":3}`)
              yield* settled
              assert.deepStrictEqual([acked(), nacked()], [3, 0])
            })
          )
        )
    )

    it.effect("at most maxUnacked frames are out unacknowledged; each ack lets as many more out", () =>
      withSettled((settled) =>
        Effect.scoped(
          Effect.gen(function* () {
            const { publish, written, writeAll, client, acked } = yield* setup(3, undefined, { maxUnacked: 2 })
            yield* publish("a", "b", "c", "d", "e")
            yield* settled
            yield* writeAll
            yield* settled
            assert.deepStrictEqual(written().map(idOf), ["a", "b"], "the window is full at 2")
            yield* client(`{"ack":1}`)
            yield* settled
            yield* writeAll
            yield* settled
            assert.deepStrictEqual(written().map(idOf), ["a", "b", "c"])
            yield* client(`{"ack":3}`)
            yield* settled
            yield* writeAll
            yield* settled
            assert.deepStrictEqual(written().map(idOf), ["a", "b", "c", "d", "e"])
            assert.strictEqual(acked(), 3)
          })
        )
      )
    )

    it.effect("a bad ack is answered with an error frame saying what was wrong, and the export goes on", () =>
      withSettled((settled) =>
        Effect.scoped(
          Effect.gen(function* () {
            const { publish, written, writeAll, client, acked } = yield* setup(3, undefined, acks)
            yield* publish("a", "b", "c")
            yield* settled
            yield* writeAll
            yield* client(`{"ack":2}`)
            yield* settled
            yield* client("nope", `{"ok":1}`, `{"ack":1.5}`, `{"ack":0}`, `{"ack":9}`, `{"ack":1}`)
            yield* settled
            assert.deepStrictEqual(errorsOf(written()), [
              {
                message: `frame 2 is not JSON (Unexpected token 'o', "nope" is not valid JSON); an export with ?ack=true takes {"ack": n}, n the number of the last frame received`,
                path: "",
                frame: 2
              },
              {
                message: `frame 3 has no "ack"; an export with ?ack=true takes {"ack": n}, n the number of the last frame received`,
                path: "",
                frame: 3
              },
              {
                message: "ack must be a positive integer (the number of a frame received), not 1.5",
                path: "ack",
                frame: 4
              },
              {
                message: "ack must be a positive integer (the number of a frame received), not 0",
                path: "ack",
                frame: 5
              },
              { message: "ack 9 is beyond the 3 frame(s) written on this connection", path: "ack", frame: 6 },
              { message: "ack 1 goes back: frames up to 2 are already acknowledged", path: "ack", frame: 7 }
            ])
            assert.strictEqual(acked(), 2, "no bad ack acknowledged anything")
            yield* client(`{"ack":3}`)
            yield* settled
            assert.strictEqual(acked(), 3, "the connection goes on")
          })
        )
      )
    )

    it.effect("interrupted, the export gives back every frame written and not acked", () =>
      withSettled((settled) =>
        Effect.scoped(
          Effect.gen(function* () {
            const { exporter, publish, writeAll, client, acked, nacked } = yield* setup(3, undefined, acks)
            yield* publish("a", "b", "c")
            yield* settled
            yield* writeAll
            yield* client(`{"ack":1}`)
            yield* settled
            yield* Fiber.interrupt(exporter)
            yield* settled
            assert.deepStrictEqual([acked(), nacked()], [1, 2])
          })
        )
      )
    )

    it.effect("the client's close: the acks it sent before are taken, then what it had not acked is given back", () =>
      withSettled((settled) =>
        Effect.scoped(
          Effect.gen(function* () {
            const { exported, publish, writeAll, client, fromClient, acked, nacked } = yield* setup(3, undefined, acks)
            yield* publish("a", "b", "c")
            yield* settled
            yield* writeAll
            yield* settled
            const read = yield* Effect.forkChild(exported.acksRead)
            yield* client(`{"ack":1}`)
            yield* settled
            assert.isUndefined(read.pollUnsafe(), "the client is still there")
            assert.deepStrictEqual([acked(), nacked()], [1, 0])
            yield* Queue.end(fromClient)
            yield* Fiber.join(read)
            assert.deepStrictEqual([acked(), nacked()], [1, 2])
          })
        )
      )
    )
  })
})
