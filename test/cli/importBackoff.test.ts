/**
 * `tg-gateway import`'s waits on the TestClock, against a scripted gateway without a network:
 * when it reconnects, when it gives up, when it resends a frame nacked as retryable, and that a
 * Ctrl-C during a wait ends it at once. Times are the TestClock's, in milliseconds from the start.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit, Fiber, Pull, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { type ImportOptions, importCommand } from "../../src/programs/cli/importCommand.ts"
import { backoff } from "../../src/programs/cli/reconnect.ts"
import { idOf, jsonLinesInputs, notListening, type Script, scriptedGateway, stderrCapture } from "./scriptedGateway.ts"

const messages = makeMessages("en", en)
const { input } = jsonLinesInputs("tg-import-backoff-")

const options = (path: string, retries: number): ImportOptions => ({
  target: { urls: ["ws://gateway.test"], flow: "default", kind: "triples", workspace: undefined, token: undefined },
  sources: [{ input: path, format: "jsonl", batch: 100, metadata: { id: "doc", root: "", collection: "default" } }],
  bytesTotal: undefined,
  window: 64,
  retries,
  producer: { _tag: "Off" }
})

/** Starts the command against the script; the test then moves the TestClock. */
const start = (path: string, retries: number, script: Script) =>
  Effect.gen(function* () {
    const gateway = scriptedGateway(script)
    const stderr = stderrCapture()
    const fiber = yield* importCommand(options(path, retries), messages, stderr.stream).pipe(
      Effect.provide(gateway.layer),
      Effect.forkChild
    )
    return { gateway, stderr, fiber }
  })

const ack = (n: number) => ({ ack: n })
const retryableNack = (n: number) => ({ nack: n, error: { message: "send failed", retryable: true } })

/** The delays of a schedule, until it ends. */
const delaysOf = (retries: number) =>
  Effect.gen(function* () {
    const step = yield* Schedule.toStep(backoff(retries))
    const delays: Array<number> = []
    while (true) {
      const delay = yield* step(0, undefined).pipe(
        Effect.map(([, duration]) => Duration.toMillis(duration)),
        Pull.catchDone(() => Effect.succeed(undefined))
      )
      if (delay === undefined) return delays
      delays.push(delay)
    }
  })

describe("tg-gateway import on the TestClock", () => {
  it.effect("the backoff waits 0.5 s, doubling up to 10 s, once per --retries", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* delaysOf(7), [500, 1000, 2000, 4000, 8000, 10_000, 10_000])
      assert.deepStrictEqual(yield* delaysOf(1), [500])
      assert.deepStrictEqual(yield* delaysOf(0), [])
    })
  )

  it.effect(
    "a dropped connection is reopened after 0.5 s, 1 s, 2 s between failed attempts; an opened one starts the waits again",
    () =>
      Effect.gen(function* () {
        const { gateway, stderr, fiber } = yield* start(input("drops.jsonl", 5), 3, {
          accept: (attempt) => (attempt === 2 || attempt === 3 ? notListening() : undefined),
          onFrame: (connection, n) => {
            if (connection.index === 0) {
              // Acks frames 1, 2 and 4 of 5, then the connection is lost.
              if (n === 1 || n === 2 || n === 4) connection.push(ack(n))
              if (n === 5) connection.drop()
            } else if (connection.index === 1) {
              // Acks the first frame it is sent again, and is lost at the second.
              if (n === 1) connection.push(ack(n))
              else connection.drop()
            } else connection.push(ack(n))
          }
        })
        yield* stderr.said("connection dropped")
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
        assert.deepStrictEqual(gateway.attempts, [0, 500, 1500, 3500, 4000])
        const sent = (index: number) => gateway.connections[index]?.frames.map((frame) => idOf(frame.text))
        assert.deepStrictEqual(sent(1), ["f3", "f5"])
        assert.deepStrictEqual(sent(2), ["f5"])
        assert.include(stderr.text(), "reconnecting (attempt 1 of 3)\nnothing is listening at 127.0.0.1:1")
        assert.include(stderr.text(), "reconnecting (attempt 3 of 3)\nreconnected; sending again the 2 frames")
        assert.include(stderr.text(), "5 of 5 frames acknowledged")
      })
  )

  it.effect("the first connection is not retried: a gateway that is not running is said once, exit 1", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber } = yield* start(input("never.jsonl", 1), 3, { accept: () => notListening() })
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.strictEqual(
        stderr.text(),
        "nothing is listening at 127.0.0.1:1 (connection refused for ws://127.0.0.1:1): is 'tg-gateway serve' running there?\n"
      )
    })
  )

  it.effect("after --retries failed attempts it gives up, exit 1, and nothing keeps trying afterwards", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber } = yield* start(input("gone.jsonl", 2), 3, {
        accept: (attempt) => (attempt > 1 ? notListening() : undefined),
        onFrame: (connection, n) => {
          if (n === 1) connection.push(ack(n))
          else connection.drop()
        }
      })
      yield* stderr.said("connection dropped")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      assert.deepStrictEqual(gateway.attempts, [0, 500, 1500, 3500])
      assert.include(stderr.text(), "1 of 2 frames acknowledged")
      assert.include(stderr.text(), "gave up after 3 reconnection attempts")
      assert.include(stderr.text(), "not everything landed: 1 frame unacknowledged, 0 refused")
      // A reconnect loop that outlived the command would try again here.
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual(gateway.attempts.length, 4)
    })
  )

  it.effect("Ctrl-C while waiting to reconnect ends it at once: exit 130, with what was not acknowledged", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber } = yield* start(input("waiting.jsonl", 2), 3, {
        onFrame: (connection, n) => {
          if (n === 1) connection.push(ack(n))
          else connection.drop()
        }
      })
      yield* stderr.said("connection dropped")
      process.emit("SIGINT")
      // No time passes: the wait for the next attempt is given up, not waited out.
      assert.strictEqual(yield* Fiber.join(fiber), 130)
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.include(stderr.text(), "1 of 2 frames acknowledged")
      assert.include(stderr.text(), "interrupted: 1 frame sent but not acknowledged")
    })
  )

  it.effect("a frame nacked as retryable is sent again after 0.5 s, then 1 s; after --retries it is reported", () =>
    Effect.gen(function* () {
      const nacked = Deferred.makeUnsafe<void>()
      const { gateway, stderr, fiber } = yield* start(input("retry.jsonl", 2), 2, {
        onFrame: (connection, n, text) => {
          if (idOf(text) === "f2") return connection.push(ack(n))
          connection.push(retryableNack(n))
          Deferred.doneUnsafe(nacked, Exit.void)
        }
      })
      yield* Deferred.await(nacked)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      const f1 = gateway.connections[0]?.frames.filter((frame) => idOf(frame.text) === "f1").map((frame) => frame.at)
      assert.deepStrictEqual(f1, [0, 500, 1500])
      assert.include(stderr.text(), "retry.jsonl line 1) still not taken after 3 attempts: send failed")
      assert.include(stderr.text(), "1 of 2 frames acknowledged")
    })
  )

  it.effect(
    "a frame waiting to be resent when the connection drops is sent once on the new connection, not twice",
    () =>
      Effect.gen(function* () {
        const firstNack = Deferred.makeUnsafe<void>()
        const { gateway, stderr, fiber } = yield* start(input("once.jsonl", 1), 3, {
          onFrame: (connection, n) => {
            if (connection.index > 0) return
            connection.push(retryableNack(n))
            Deferred.doneUnsafe(firstNack, Exit.void)
            // The second nack (at 0.5 s) sets the next resend 1 s later; the connection is lost
            // before that, and the reconnect 0.5 s later sends the frame again first.
            if (n === 2) connection.drop()
          }
        })
        yield* Deferred.await(firstNack)
        yield* TestClock.adjust("500 millis")
        yield* stderr.said("connection dropped")
        yield* TestClock.adjust("1 minute")
        const again = gateway.connections[1]
        assert.deepStrictEqual(
          again?.frames.map((frame) => [idOf(frame.text), frame.at]),
          [["f1", 1000]]
        )
        again?.push(ack(1))
        assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
      })
  )
})
