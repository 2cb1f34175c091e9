/**
 * Backpressure: a dispatcher that does not read pauses the client's socket (through a real
 * WebSocket pair, and in bytes through a scripted socket), and a client that does not read holds
 * writers back instead of filling memory (a scripted socket, whose buffered bytes are exactly known).
 */
import { EventEmitter } from "node:events"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import WebSocket from "ws"
import { ownedBytes } from "../../src/domain/OwnedBytes.ts"
import { makeWsConnection } from "../../src/layers/WsConnection.ts"
import { SocketWriteFailed } from "../../src/services/Connection.ts"
import { socketPair } from "../support/socketPair.ts"

/**
 * The parts of a `ws` socket a connection uses, driven by the test: frames arrive when it says,
 * and a write completes only when it confirms it, so the bytes buffered are exactly known.
 */
class ScriptedSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN
  isPaused = false
  bufferedAmount = 0
  readonly sent: Array<{ readonly size: number; readonly done: (error?: Error) => void }> = []
  private confirmed = 0

  asWebSocket(): WebSocket {
    return this as unknown as WebSocket
  }
  receive(data: Buffer) {
    this.emit("message", data, false)
  }
  pause() {
    this.isPaused = true
  }
  resume() {
    this.isPaused = false
  }
  send(text: string | Uint8Array, options: { readonly binary: boolean }, done: (error?: Error) => void) {
    if (options.binary) throw new Error("a text frame was sent as binary")
    this.bufferedAmount += text.length
    this.sent.push({ size: text.length, done })
  }
  /** The client has read the next `count` frames written. */
  confirm(count: number) {
    for (const write of this.sent.slice(this.confirmed, this.confirmed + count)) {
      this.bufferedAmount -= write.size
      write.done()
    }
    this.confirmed += count
  }
  close() {}
  terminate() {}
}

const until = (condition: () => boolean) =>
  Effect.sync(condition).pipe(
    Effect.repeat({ until: (done) => done, schedule: Schedule.spaced("5 millis") }),
    Effect.timeout("10 seconds")
  )

describe("WsConnection", () => {
  it.live("frames the dispatcher has not taken pause the socket at 16, and taking them resumes it, in order", () =>
    Effect.gen(function* () {
      const { server, client } = yield* socketPair()
      const connection = yield* makeWsConnection(server, { highWaterFrames: 16 })
      for (let i = 0; i < 40; i++) client.send(`{"n":${i}}`)
      yield* until(() => server.isPaused)
      const received: Array<string> = []
      while (received.length < 40) {
        const batch = yield* connection.receive
        received.push(...batch.map((frame) => frame.data.toString()))
      }
      assert.deepStrictEqual(
        received,
        Array.from({ length: 40 }, (_, i) => `{"n":${i}}`)
      )
      assert.isFalse(server.isPaused)
    })
  )

  it.live(
    "frames written with releaseWhenWritten reach the client whole, and their memory is released once written",
    () =>
      Effect.gen(function* () {
        const { server, client } = yield* socketPair()
        const connection = yield* makeWsConnection(server)
        const received: Array<string> = []
        client.on("message", (data) => received.push(data.toString()))
        const frame = (n: number) => {
          const bytes = ownedBytes(20_000)
          bytes.fill(" ").write(`{"n":${n}}`)
          return bytes
        }
        const released = [frame(1), frame(2)]
        const kept = frame(3)
        const written = yield* connection.write(released, { releaseWhenWritten: true })
        assert.deepStrictEqual(yield* written, { written: 2 })
        yield* Effect.flatten(connection.write([kept]))
        yield* until(() => received.length === 3)
        assert.deepStrictEqual(
          received.map((text) => [text.length, text.trim()]),
          [
            [20_000, `{"n":1}`],
            [20_000, `{"n":2}`],
            [20_000, `{"n":3}`]
          ]
        )
        assert.deepStrictEqual(
          [...released, kept].map((bytes) => bytes.byteLength),
          [0, 0, 20_000]
        )
      })
  )

  it.effect(
    "frames not yet taken pause the socket once they reach the read buffer's size in bytes, not only its count",
    () =>
      Effect.gen(function* () {
        const socket = new ScriptedSocket()
        const connection = yield* makeWsConnection(socket.asWebSocket(), {
          highWaterFrames: 16,
          readBufferBytes: 1024 * 1024
        })
        const frame = Buffer.alloc(400 * 1024, "x")
        socket.receive(frame)
        socket.receive(frame)
        assert.isFalse(socket.isPaused, "800 KiB held: still reading")
        socket.receive(frame)
        assert.isTrue(socket.isPaused, "1.2 MiB held: the socket is paused at three frames, well below 16")
        const batch = yield* connection.receive
        assert.strictEqual(batch.length, 3)
        assert.isFalse(socket.isPaused, "taken: reading resumes")
      })
  )

  for (const [name, texts] of [
    ["one frame at a time", 1],
    ["two frames at a time", 2]
  ] as const) {
    it.effect(
      `a client that does not read holds a writer of ${name} back at the high-water mark, and lets it go as the socket drains`,
      () =>
        Effect.gen(function* () {
          const socket = new ScriptedSocket()
          const connection = yield* makeWsConnection(socket.asWebSocket(), { highWaterBytes: 1024 * 1024 })
          const frame = "x".repeat(256 * 1024)
          let handedOver = 0
          // Runs at once, up to where it waits: the socket never confirms a write by itself.
          const writer = yield* Effect.forkChild(
            Effect.gen(function* () {
              for (;;) {
                yield* connection.write(Array.from({ length: texts }, () => frame))
                handedOver++
              }
            }),
            { startImmediately: true }
          )
          // Frames go out until the buffer passes 1 MiB (five of 256 KiB, or three pairs); then the
          // writer waits for a write to complete.
          const held = texts === 1 ? 5 : 6
          assert.strictEqual(socket.sent.length, held)
          assert.isAtMost(socket.bufferedAmount, 1024 * 1024 + texts * frame.length)
          // The client reads: each confirmed write lowers the buffer and lets the writer go on.
          socket.confirm(texts === 1 ? 1 : 2)
          yield* Effect.yieldNow
          assert.isAbove(socket.sent.length, held, "the writer went on once there was room")
          assert.isAtMost(socket.bufferedAmount, 1024 * 1024 + texts * frame.length)
          assert.isAbove(handedOver, 0)
          yield* Fiber.interrupt(writer)
        })
    )
  }

  it.effect(
    "a client that does not read holds a writer of small frames back at 1,024 frames handed over and not taken, far below the byte mark",
    () =>
      Effect.gen(function* () {
        const socket = new ScriptedSocket()
        const connection = yield* makeWsConnection(socket.asWebSocket())
        // One-triple frames: 1,024 of them are 200 KiB, nowhere near the 4 MiB byte mark.
        const frame = "x".repeat(200)
        const writer = yield* Effect.forkChild(
          Effect.gen(function* () {
            for (;;) yield* connection.write(Array.from({ length: 16 }, () => frame))
          }),
          { startImmediately: true }
        )
        assert.strictEqual(socket.sent.length, 1024, "the writer waits once 1,024 frames are unconfirmed")
        assert.isBelow(socket.bufferedAmount, 4 * 1024 * 1024)
        socket.confirm(16)
        yield* Effect.yieldNow
        assert.strictEqual(socket.sent.length, 1040, "and goes on as the socket takes them")
        yield* Fiber.interrupt(writer)
      })
  )

  it.effect("a writer held at the high-water mark is let go when the socket closes, and told that it is closed", () =>
    Effect.gen(function* () {
      const socket = new ScriptedSocket()
      const connection = yield* makeWsConnection(socket.asWebSocket(), { highWaterBytes: 1024 * 1024 })
      const frame = "x".repeat(256 * 1024)
      const writer = yield* Effect.forkChild(
        Effect.gen(function* () {
          for (;;) yield* connection.write([frame])
        }),
        { startImmediately: true }
      )
      assert.strictEqual(socket.sent.length, 5, "held at the high-water mark")
      assert.isUndefined(writer.pollUnsafe())
      socket.readyState = WebSocket.CLOSED
      socket.emit("close", 1006)
      const failure = yield* Fiber.join(writer).pipe(Effect.flip)
      assert.instanceOf(failure, SocketWriteFailed)
      assert.strictEqual(failure.reason, "the connection is closed")
    })
  )
})
