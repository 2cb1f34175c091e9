/**
 * The import dispatcher on a scripted connection and the in-memory broker: frames arrive in
 * batches, and every frame of a batch is answered — acked once persisted, refused when bad, or
 * nacked as retryable when the publisher no longer accepts messages.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Latch, Queue, Result, Scope } from "effect"
import * as Arr from "effect/Array"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { translateFrame } from "../../src/domain/Codec.ts"
import { Broker } from "../../src/services/Broker.ts"
import type { Connection, InboundFrame } from "../../src/services/Connection.ts"
import { makeImport } from "../../src/services/ImportDispatcher.ts"
import { makePublisher } from "../../src/services/Publisher.ts"
import { freshTopic } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { makeTestConnection, textOf } from "../support/connection.ts"
import { makeScriptedBroker, type Script } from "../support/scriptedBroker.ts"
import { withSettled } from "../support/settled.ts"

/** A connection fed batch by batch by the test, recording every answer sent. */
const scriptedConnection = Effect.gen(function* () {
  const batches = yield* Queue.unbounded<NonEmptyReadonlyArray<InboundFrame>, Cause.Done>()
  const sent: Array<unknown> = []
  const connection: Connection = {
    receive: Queue.take(batches),
    write: (texts) =>
      Effect.sync(() => {
        sent.push(...texts.map((text) => JSON.parse(textOf(text))))
        return Effect.succeed({ written: texts.length })
      }),
    stopReading: Queue.end(batches).pipe(Effect.asVoid),
    peerClosed: Effect.never,
    isOpen: () => true,
    close: () => Effect.void
  }
  const deliver = (...frames: NonEmptyReadonlyArray<string>) =>
    Queue.offer(
      batches,
      Arr.map(frames, (data): InboundFrame => ({ data, isBinary: false }))
    )
  return { connection, deliver, sent, end: Queue.end(batches) }
})

const setup = (script: Script = {}) =>
  Effect.gen(function* () {
    const { broker, memory } = yield* makeScriptedBroker(script)
    const topic = freshTopic("import")
    const publisherScope = yield* Scope.make()
    const publisher = yield* makePublisher({ topic, maxInFlight: 1 }).pipe(
      Effect.provideService(Broker, broker),
      Scope.provide(publisherScope)
    )
    const { connection, deliver, sent, end } = yield* scriptedConnection
    const dispatcher = yield* makeImport(connection, publisher, { kind: "triples", ack: true })
    const reader = yield* Effect.forkChild(dispatcher.run)
    return { publisher, dispatcher, reader, deliver, sent, end, stored: () => memory.countOnTopic(topic) }
  })

const frame = (id: string) => JSON.stringify(triplesFrame(id))

/** Lets the fibers run until `done` holds; fails rather than spin forever. */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the expected state was reached")
  })

describe("ImportDispatcher", () => {
  it.effect("every frame of a batch is published in order and acked by its number on the connection", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { dispatcher, reader, deliver, sent, end, stored } = yield* setup()
        yield* deliver(frame("a"), frame("b"), frame("c"))
        yield* deliver(frame("d"))
        yield* end
        yield* Fiber.join(reader)
        yield* dispatcher.answered
        assert.deepStrictEqual(sent, [{ ack: 1 }, { ack: 2 }, { ack: 3 }, { ack: 4 }])
        assert.strictEqual(dispatcher.frames(), 4)
        assert.strictEqual(stored(), 4)
      })
    )
  )

  it.effect("each record is sent as the dispatcher's own, to be released once stored", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const stored: Array<[boolean | undefined, number]> = []
        const { dispatcher, reader, deliver, end } = yield* setup({
          afterStored: (message) => void stored.push([message.releaseWhenStored, message.payload.buffer.byteLength])
        })
        yield* deliver(frame("a"), frame("b"))
        yield* end
        yield* Fiber.join(reader)
        yield* dispatcher.answered
        const size = (id: string) => Result.getOrThrow(translateFrame("triples", frame(id))).byteLength
        assert.deepStrictEqual(
          stored,
          [
            [true, size("a")],
            [true, size("b")]
          ],
          "memory of its own: the record's size, not a slice of a pool"
        )
      })
    )
  )

  it.effect("a bad frame in a batch is refused by number and path; the frames around it are published", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const { dispatcher, reader, deliver, sent, end, stored } = yield* setup()
        yield* deliver(frame("a"), `{"metadata": 3}`, frame("c"))
        yield* end
        yield* Fiber.join(reader)
        yield* dispatcher.answered
        const refused = sent.find((answer) => (answer as { nack?: number }).nack === 2) as {
          readonly error: { readonly path: string; readonly frame: number; readonly retryable?: boolean }
        }
        assert.strictEqual(refused.error.path, "metadata")
        assert.strictEqual(refused.error.frame, 2)
        assert.isUndefined(refused.error.retryable, "resending a bad frame is pointless")
        assert.sameDeepMembers(
          sent.filter((answer) => "ack" in (answer as object)),
          [{ ack: 1 }, { ack: 3 }]
        )
        assert.strictEqual(sent.length, 3, "one answer per frame")
        assert.strictEqual(stored(), 2)
      })
    )
  )

  it.effect("once the publisher is shutting down, every frame of the batch is nacked as retryable", () =>
    withSettled((settled) =>
      Effect.scoped(
        Effect.gen(function* () {
          const gate = yield* Latch.make(false)
          const { publisher, dispatcher, reader, deliver, sent } = yield* setup({ beforeSend: () => gate.await })
          yield* deliver(frame("a"))
          yield* settled
          assert.deepStrictEqual(sent, [], "frame 1 is held by the broker: not acked before it is persisted")
          const shutdown = yield* Effect.forkChild(publisher.shutdown, { startImmediately: true })
          yield* deliver(frame("b"), frame("c"), frame("d"))
          yield* Fiber.join(reader)
          yield* gate.open
          yield* Fiber.join(shutdown)
          yield* dispatcher.answered
          const nacks = sent.filter((answer) => "nack" in (answer as object)) as ReadonlyArray<{
            readonly nack: number
            readonly error: { readonly retryable?: boolean; readonly message: string }
          }>
          assert.deepStrictEqual(
            nacks.map((nack) => [nack.nack, nack.error.retryable]),
            [
              [2, true],
              [3, true],
              [4, true]
            ]
          )
          assert.include(nacks[0]!.error.message, "shutting down")
          assert.deepInclude(sent, { ack: 1 }, "the frame accepted before the shutdown is still acked")
          assert.strictEqual(dispatcher.frames(), 4)
          assert.isTrue(Exit.isSuccess(yield* Fiber.await(reader)))
        })
      )
    )
  )

  it.effect(
    "a client that does not read its answers stops the reading of its frames, and reading resumes when it reads",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const { broker } = yield* makeScriptedBroker()
          const publisher = yield* makePublisher({ topic: freshTopic("import") }).pipe(
            Effect.provideService(Broker, broker)
          )
          const client = yield* makeTestConnection
          const dispatcher = yield* makeImport(client.connection, publisher, {
            kind: "triples",
            ack: true,
            maxUnwrittenAnswerBytes: 100
          })
          yield* client.reading(false)
          for (let b = 0; b < 40; b++) {
            yield* client.deliver(frame(`${b}a`), frame(`${b}b`), frame(`${b}c`), frame(`${b}d`), frame(`${b}e`))
          }
          yield* Effect.forkChild(dispatcher.run)
          yield* until(() => dispatcher.frames() >= 10)
          for (let i = 0; i < 50; i++) yield* Effect.yieldNow
          // About nine acks fill 100 characters; the frames read meanwhile are still answered,
          // but reading stops well before the 200 frames waiting, and stays stopped.
          const read = dispatcher.frames()
          assert.isBelow(read, 100, "frames stop being read while answers wait")
          for (let i = 0; i < 50; i++) yield* Effect.yieldNow
          assert.strictEqual(dispatcher.frames(), read, "and stay unread")
          yield* client.reading(true)
          yield* until(() => client.sent.length === 200)
          assert.strictEqual(dispatcher.frames(), 200)
        })
      )
  )
})
