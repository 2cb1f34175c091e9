/**
 * `tg-gateway export` after a lost connection, on the TestClock against a scripted gateway: with
 * `--subscription` it reconnects on import's backoff schedule, round `--url`'s list, numbering its
 * acks from 1 again on each connection; without one it stops, since a new connection would miss
 * what came meanwhile. Times are the TestClock's, in milliseconds from the start.
 */
import { PassThrough } from "node:stream"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { exportCommand, type ExportOptions } from "../../src/programs/cli/exportCommand.ts"
import { UpgradeRefused } from "../../src/programs/cli/GatewaySocket.ts"
import { triplesFrame } from "../support/frames.ts"
import { notListening, type Script, scriptedGateway, stderrCapture } from "./scriptedGateway.ts"

const messages = makeMessages("en", en)

const options = (overrides: Partial<ExportOptions>): ExportOptions => ({
  target: { urls: ["ws://gateway.test"], flow: "default", kind: "triples", workspace: undefined, token: undefined },
  output: "-",
  mode: "overwrite",
  format: "jsonl",
  subscription: "s",
  from: "latest",
  count: undefined,
  idleMillis: undefined,
  retries: 5,
  ...overrides
})

/** Starts the command against the script; the test then moves the TestClock. */
const start = (overrides: Partial<ExportOptions>, script: Script) =>
  Effect.gen(function* () {
    const gateway = scriptedGateway(script)
    const stderr = stderrCapture()
    const stdout = new PassThrough()
    let text = ""
    const waiting: Array<{ readonly lines: number; readonly deferred: Deferred.Deferred<void> }> = []
    stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString()
      for (const waiter of waiting.filter((waiter) => written().length >= waiter.lines))
        Deferred.doneUnsafe(waiter.deferred, Exit.void)
    })
    const fiber = yield* exportCommand(options(overrides), messages, stderr.stream, stdout).pipe(
      Effect.provide(gateway.layer),
      Effect.forkChild
    )
    /** The document ids of the frames written, in order. */
    const written = () =>
      text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => (JSON.parse(line) as { metadata: { id: string } }).metadata.id)
    /** Waits until `lines` frames have reached the output. */
    const wrote = (lines: number) =>
      Effect.suspend(() => {
        if (written().length >= lines) return Effect.void
        const deferred = Deferred.makeUnsafe<void>()
        waiting.push({ lines, deferred })
        return Deferred.await(deferred)
      })
    return { gateway, stderr, fiber, written, wrote }
  })

/** The acks the command sent on a connection. */
const acksOn = (frames: ReadonlyArray<{ readonly text: string }> | undefined) =>
  (frames ?? []).map((frame) => (JSON.parse(frame.text) as { ack: number }).ack)

/** Sends `ids` as frames when the connection opens; drops it with `code` once all of them are acknowledged. */
const sendThenDrop =
  (ids: ReadonlyArray<string>, code = 1006): NonNullable<Script["onFrame"]> =>
  (connection, _n, text) => {
    if (text === JSON.stringify({ ack: ids.length })) connection.drop(code)
  }

describe("tg-gateway export after a lost connection", () => {
  it.effect(
    "with --subscription: reconnects after 0.5 s with the same subscription, acks numbered from 1 again, --count over the whole run",
    () =>
      Effect.gen(function* () {
        const { gateway, stderr, fiber, written } = yield* start(
          { count: 4 },
          {
            onOpen: (connection) => {
              const ids = connection.index === 0 ? ["a", "b"] : ["c", "d", "e"]
              for (const id of ids) connection.push(triplesFrame(id))
            },
            onFrame: (connection, n, text) => {
              if (connection.index === 0) sendThenDrop(["a", "b"])(connection, n, text)
            }
          }
        )
        yield* stderr.said("connection dropped (1006 )")
        yield* TestClock.adjust("500 millis")
        assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
        assert.deepStrictEqual(gateway.attempts, [0, 500])
        assert.deepStrictEqual(
          gateway.connections.map((connection) => connection.url),
          [0, 1].map(() => "ws://gateway.test/api/v1/flow/default/export/triples?subscription=s&from=latest&ack=true")
        )
        assert.deepStrictEqual(written(), ["a", "b", "c", "d"])
        assert.strictEqual(acksOn(gateway.connections[0]?.frames).at(-1), 2)
        // Frames c and d are the new connection's 1 and 2: numbering restarts with the connection.
        const second = acksOn(gateway.connections[1]?.frames)
        assert.strictEqual(second.at(-1), 2, stderr.text())
        assert.isTrue(
          second.every((n) => n <= 2),
          `acks on the second connection: ${second.join(", ")}`
        )
        assert.include(
          stderr.text(),
          "connection dropped (1006 )\nreconnecting (attempt 1 of 5)\nreconnected; subscription s goes on where the lost connection stopped\n"
        )
        assert.include(stderr.text(), "stopped after 4 frames")
        assert.include(stderr.text(), "wrote 4 frames (4 items) to standard output as jsonl")
      })
  )

  it.effect(
    "1001 (a gateway shutting down) and 1011 are reconnected after too, the waits starting again each time",
    () =>
      Effect.gen(function* () {
        const { gateway, stderr, fiber, written, wrote } = yield* start(
          {},
          {
            accept: (attempt) =>
              attempt === 2
                ? new UpgradeRefused({ url: "ws://gateway.test", status: 503, body: "restarting" })
                : undefined,
            onOpen: (connection) => connection.push(triplesFrame(`f${connection.index}`)),
            onFrame: (connection, n, text) => {
              if (connection.index === 0) sendThenDrop(["f0"], 1001)(connection, n, text)
              if (connection.index === 1) sendThenDrop(["f1"], 1011)(connection, n, text)
            }
          }
        )
        yield* stderr.said("connection dropped (1001 )")
        yield* TestClock.adjust("500 millis")
        yield* stderr.said("refused the connection with HTTP 503: restarting")
        yield* TestClock.adjust("1 second")
        yield* stderr.said("connection dropped (1011 )")
        yield* TestClock.adjust("500 millis")
        yield* wrote(3)
        assert.isUndefined(fiber.pollUnsafe(), "still exporting")
        process.emit("SIGINT")
        assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
        assert.deepStrictEqual(gateway.attempts, [0, 500, 1500, 2000])
        assert.deepStrictEqual(written(), ["f0", "f1", "f2"])
      })
  )

  it.effect("--url a,b: each attempt goes to the next gateway", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber, written } = yield* start(
        {
          count: 2,
          target: {
            urls: ["ws://a.test", "ws://b.test"],
            flow: "default",
            kind: "triples",
            workspace: undefined,
            token: undefined
          }
        },
        {
          onOpen: (connection) => connection.push(triplesFrame(`f${connection.index}`)),
          onFrame: (connection, n, text) => {
            if (connection.index === 0) sendThenDrop(["f0"])(connection, n, text)
          }
        }
      )
      yield* stderr.said("connection dropped")
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
      assert.deepStrictEqual(
        gateway.connections.map((connection) => new URL(connection.url).host),
        ["a.test", "b.test"]
      )
      assert.include(
        stderr.text(),
        "reconnecting to ws://b.test/api/v1/flow/default/export/triples?subscription=s&from=latest&ack=true (attempt 1 of 5)"
      )
      assert.deepStrictEqual(written(), ["f0", "f1"])
    })
  )

  it.effect("--url a,b: the first connection goes to b at once when a is down", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber, written } = yield* start(
        {
          count: 1,
          target: {
            urls: ["ws://a.test", "ws://b.test"],
            flow: "default",
            kind: "triples",
            workspace: undefined,
            token: undefined
          }
        },
        {
          accept: (attempt) => (attempt === 1 ? notListening("ws://a.test") : undefined),
          onOpen: (connection) => connection.push(triplesFrame("only"))
        }
      )
      assert.strictEqual(yield* Fiber.join(fiber), 0, stderr.text())
      assert.deepStrictEqual(gateway.attempts, [0, 0])
      assert.strictEqual(new URL(gateway.connections[0]?.url ?? "").host, "b.test")
      assert.include(stderr.text(), "nothing is listening at a.test")
      assert.deepStrictEqual(written(), ["only"])
    })
  )

  it.effect("after --retries failed attempts it gives up, exit 1, saying how to go on; nothing tries afterwards", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber, written } = yield* start(
        { retries: 3 },
        {
          accept: (attempt) => (attempt > 1 ? notListening() : undefined),
          onOpen: (connection) => connection.push(triplesFrame("a")),
          onFrame: sendThenDrop(["a"])
        }
      )
      yield* stderr.said("connection dropped")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      assert.deepStrictEqual(gateway.attempts, [0, 500, 1500, 3500])
      assert.include(stderr.text(), "reconnecting (attempt 3 of 3)\nnothing is listening at 127.0.0.1:1")
      assert.include(
        stderr.text(),
        "gave up after 3 reconnection attempts\nrun the same command again to go on where this one stopped: subscription s keeps the place\n"
      )
      assert.include(stderr.text(), "wrote 1 frame (1 item) to standard output as jsonl")
      assert.deepStrictEqual(written(), ["a"])
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual(gateway.attempts.length, 4)
    })
  )

  it.effect("a refusal another attempt would get too (401) ends it at the first attempt, exit 1", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber } = yield* start(
        {},
        {
          accept: (attempt) =>
            attempt > 1
              ? new UpgradeRefused({ url: "ws://gateway.test", status: 401, body: "unknown token" })
              : undefined,
          onOpen: (connection) => connection.push(triplesFrame("a")),
          onFrame: sendThenDrop(["a"])
        }
      )
      yield* stderr.said("connection dropped")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      assert.deepStrictEqual(gateway.attempts, [0, 500])
      assert.include(stderr.text(), "refused the connection with HTTP 401: unknown token\nrun the same command again")
    })
  )

  it.effect("without --subscription a lost connection ends it, exit 1, saying why it does not reconnect", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber, written } = yield* start(
        { subscription: undefined },
        {
          // Without acks, a frame received before the connection went is written all the same.
          onOpen: (connection) => {
            connection.push(triplesFrame("a"))
            connection.drop(1006)
          }
        }
      )
      assert.strictEqual(yield* Fiber.join(fiber), 1)
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.notInclude(gateway.connections[0]?.url ?? "", "ack")
      assert.include(
        stderr.text(),
        "the gateway closed the connection (1006 )\nwithout --subscription an export does not reconnect: a new connection would miss what came meanwhile"
      )
      assert.include(stderr.text(), "wrote 1 frame (1 item) to standard output as jsonl")
      assert.deepStrictEqual(written(), ["a"])
    })
  )

  it.effect("without --subscription a gateway shutting down (1001) ends it as before, exit 0, saying the same", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber } = yield* start(
        { subscription: undefined },
        { onOpen: (connection) => connection.drop(1001, "server shutting down") }
      )
      assert.strictEqual(yield* Fiber.join(fiber), 0)
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.include(stderr.text(), "(1001 server shutting down)\nwithout --subscription an export does not reconnect")
    })
  )

  it.effect("Ctrl-C while waiting to reconnect ends it at once, exit 0, with how to go on", () =>
    Effect.gen(function* () {
      const { gateway, stderr, fiber, written } = yield* start(
        {},
        {
          onOpen: (connection) => connection.push(triplesFrame("a")),
          onFrame: sendThenDrop(["a"])
        }
      )
      yield* stderr.said("connection dropped")
      process.emit("SIGINT")
      // No time passes: the wait for the next attempt is given up, not waited out.
      assert.strictEqual(yield* Fiber.join(fiber), 0)
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.include(
        stderr.text(),
        "stopped (Ctrl-C)\nrun the same command again to go on where this one stopped: subscription s keeps the place"
      )
      assert.deepStrictEqual(written(), ["a"])
    })
  )

  it.effect("--idle counts afresh on each connection: a reconnect is not time without a frame", () =>
    Effect.gen(function* () {
      const { stderr, fiber } = yield* start(
        { idleMillis: 1000 },
        {
          onOpen: (connection) => {
            if (connection.index === 0) connection.push(triplesFrame("a"))
          },
          onFrame: sendThenDrop(["a"])
        }
      )
      yield* stderr.said("connection dropped")
      yield* TestClock.adjust("500 millis")
      yield* stderr.said("reconnected")
      yield* TestClock.adjust("999 millis")
      assert.isUndefined(fiber.pollUnsafe(), "999 ms on the new connection")
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(fiber), 0)
      assert.include(stderr.text(), "stopped: no frame for 1 s")
    })
  )
})
