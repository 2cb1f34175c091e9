/**
 * Backpressure through a real WebSocket pair: a dispatcher that does not read pauses the client's
 * socket, and a client that does not read holds writers back instead of filling memory.
 */
import { createServer } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import WebSocket, { WebSocketServer } from "ws"
import { makeWsConnection } from "../../src/layers/WsConnection.ts"
import type { Connection } from "../../src/services/Connection.ts"

/** A server-side socket and the client connected to it. */
const socketPair = Effect.acquireRelease(
  Effect.callback<{ readonly server: WebSocket; readonly client: WebSocket; readonly close: () => void }>((resume) => {
    const http = createServer()
    const wss = new WebSocketServer({ server: http })
    http.listen(0, "127.0.0.1", () => {
      const address = http.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const client = new WebSocket(`ws://127.0.0.1:${port}`)
      wss.once("connection", (server) => {
        const ready = () =>
          resume(
            Effect.succeed({
              server,
              client,
              close: () => {
                client.terminate()
                server.terminate()
                wss.close()
                http.close()
              }
            })
          )
        if (client.readyState === WebSocket.OPEN) ready()
        else client.once("open", ready)
      })
    })
  }),
  (pair) => Effect.sync(pair.close)
)

const until = (condition: () => boolean) =>
  Effect.sync(condition).pipe(
    Effect.repeat({ until: (done) => done, schedule: Schedule.spaced("5 millis") }),
    Effect.timeout("10 seconds")
  )

describe("WsConnection", () => {
  it.live("frames the dispatcher has not taken pause the socket at 16, and taking them resumes it, in order", () =>
    Effect.gen(function* () {
      const { server, client } = yield* socketPair
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

  const writers = [
    ["a batch of one", (connection: Connection, frame: string) => Effect.asVoid(connection.write([frame]))],
    ["a batch of two", (connection: Connection, frame: string) => Effect.asVoid(connection.write([frame, frame]))]
  ] as const

  for (const [name, writeOnce] of writers) {
    it.live(
      `a client that does not read holds ${name} back once the socket buffers more than the high-water mark`,
      () =>
        Effect.gen(function* () {
          const { server, client } = yield* socketPair
          client.pause()
          const connection = yield* makeWsConnection(server, { highWaterBytes: 1024 * 1024 })
          const frame = "x".repeat(256 * 1024)
          let written = 0
          const writer = yield* Effect.forkChild(
            Effect.forever(Effect.flatMap(writeOnce(connection, frame), () => Effect.sync(() => written++)))
          )
          // TCP buffers fill, then the socket's own buffer passes 1 MiB and the writer waits.
          yield* until(() => server.bufferedAmount > 1024 * 1024)
          // Give the writer every chance to go on: without the wait it would reach hundreds of
          // writes, tens of MiB in memory.
          for (let i = 0; i < 500; i++) yield* Effect.yieldNow
          assert.isBelow(server.bufferedAmount, 1024 * 1024 + 3 * frame.length, "memory stays bounded")
          const stalledAt = written
          client.resume()
          yield* until(() => written > stalledAt + 20)
          yield* Fiber.interrupt(writer)
        })
    )
  }
})
