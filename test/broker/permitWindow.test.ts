/**
 * The consumer's window of permits, shared by both broker adapters: a budget of bytes that
 * shrinks the window for large messages and lets it grow back for small ones, grants in batches,
 * and none while paused. The WebSocket adapter is checked against a stand-in for the broker's web
 * port (the binary adapter's own check is in binaryAdapter.test.ts).
 */
import { createServer } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { WebSocketServer } from "ws"
import { makePermitWindow, receiveBudgetBytes } from "../../src/layers/broker/PermitWindow.ts"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { listenLocally } from "../support/localServer.ts"

const windowOf = (size: number) => {
  const grants: Array<number> = []
  return { grants, window: makePermitWindow(size, (count) => grants.push(count)) }
}

describe("consumer permit window", () => {
  it("grants nothing until resumed, then 100 before any size is known, the window once sizes are small", () => {
    const { grants, window } = windowOf(1000)
    assert.deepStrictEqual(grants, [], "nothing before the consumer is subscribed")
    window.resume()
    assert.deepStrictEqual(grants, [100])
    window.observe(10)
    window.returned(1)
    assert.deepStrictEqual(grants, [100, 901], "small messages: the whole window")
  })

  it("holds about its budget of bytes ahead for large messages, granting in batches of half", () => {
    const { grants, window } = windowOf(1000)
    window.resume()
    const large = 256 * 1024
    const fit = receiveBudgetBytes / large
    for (let i = 0; i < 100; i++) window.observe(large)
    // Taken one by one: nothing is granted until fewer than half the budget are out.
    for (let i = 0; i < 100 - fit / 2 - 1; i++) window.returned(1)
    assert.deepStrictEqual(grants, [100])
    window.returned(1)
    assert.deepStrictEqual(grants, [100, fit / 2])
  })

  it("grants nothing while paused, and what came back on resume", () => {
    const { grants, window } = windowOf(10)
    window.resume()
    window.pause()
    for (let i = 0; i < 10; i++) window.returned(1)
    assert.deepStrictEqual(grants, [10])
    window.resume()
    assert.deepStrictEqual(grants, [10, 10])
  })

  it("never grants less than one, whatever the size", () => {
    const { grants, window } = windowOf(1000)
    window.resume()
    window.observe(100 * receiveBudgetBytes)
    for (let i = 0; i < 100; i++) window.returned(1)
    assert.deepStrictEqual(grants, [100, 1])
  })

  it.live(
    "WebSocket adapter: about 8 MiB of large messages ahead, not its whole window, and its window again for small ones",
    () =>
      Effect.gen(function* () {
        // The broker's web port: every consumer's permits are recorded, and each of its permits
        // is answered with that many messages of the size `next` says.
        const permits = yield* Queue.unbounded<number>()
        let size = 256 * 1024
        let sent = 0
        const http = createServer((_request, response) => void response.writeHead(404).end())
        const sockets = new WebSocketServer({ server: http })
        sockets.on("connection", (socket) =>
          socket.on("message", (data) => {
            const asked = JSON.parse(data.toString()) as { type?: string; permitMessages?: number }
            if (asked.type !== "permit" || asked.permitMessages === undefined) return
            Queue.offerUnsafe(permits, asked.permitMessages)
            const payload = Buffer.alloc(size, 120).toString("base64")
            for (let i = 0; i < asked.permitMessages; i++) {
              socket.send(JSON.stringify({ messageId: `m${++sent}`, payload, properties: {} }))
            }
          })
        )
        const url = yield* listenLocally(http, sockets)
        const consumer = yield* makePulsarBroker({ httpUrl: url }).consumer({
          topic: "persistent://tg/flow/permits",
          subscription: "s",
          receiverQueueSize: 1000
        })
        assert.strictEqual(yield* Queue.take(permits), 100, "before any message's size is known")
        // 256 KiB each: 32 fit in 8 MiB. As they are taken, permits go back only below 16 at the
        // broker, up to 32 again.
        for (let i = 0; i < 100; i++) yield* consumer.receive
        assert.deepStrictEqual([yield* Queue.take(permits), yield* Queue.take(permits)], [16, 16])
        // Small messages: the mean size falls, and the window grows back to 1,000.
        size = 10
        let largest = 0
        while (largest <= 32) {
          yield* consumer.receive
          const granted = yield* Queue.poll(permits)
          if (granted._tag === "Some") largest = Math.max(largest, granted.value)
        }
        assert.isAbove(largest, 32)
      })
  )
})
