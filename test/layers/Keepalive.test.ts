/**
 * Pings that keep idle connections open: the timer itself, a client socket that never answers
 * (it stays connected), and the settings that set the intervals.
 */
import { EventEmitter } from "node:events"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit } from "effect"
import { afterEach, vi } from "vitest"
import WebSocket from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { keepAlive } from "../../src/layers/Keepalive.ts"
import { makeWsConnection } from "../../src/layers/WsConnection.ts"
import { socketPair } from "../support/socketPair.ts"

/** Just what keepAlive touches of a socket: its state, `ping` and the close event. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN
  pings = 0
  ping() {
    this.pings++
  }
  close() {
    this.readyState = WebSocket.CLOSED
    this.emit("close")
  }
}
const asSocket = (fake: FakeSocket) => fake as unknown as WebSocket

/** A server-side socket and a client that does not answer pings. */
const silentClientPair = socketPair({ autoPong: false })

describe("keepAlive", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it.effect("pings an open socket once per interval, and stops when it closes", () =>
    Effect.sync(() => {
      vi.useFakeTimers()
      const socket = new FakeSocket()
      keepAlive(asSocket(socket), 1000)
      vi.advanceTimersByTime(3500)
      assert.strictEqual(socket.pings, 3)
      socket.close()
      vi.advanceTimersByTime(10_000)
      assert.strictEqual(socket.pings, 3)
      assert.strictEqual(vi.getTimerCount(), 0, "no timer left behind")
    })
  )

  it.effect("an interval of 0 sends no pings and starts no timer", () =>
    Effect.sync(() => {
      vi.useFakeTimers()
      const socket = new FakeSocket()
      keepAlive(asSocket(socket), 0)
      vi.advanceTimersByTime(3_600_000)
      assert.strictEqual(socket.pings, 0)
      assert.strictEqual(vi.getTimerCount(), 0)
    })
  )

  it.effect("a socket already closed gets no timer", () =>
    Effect.sync(() => {
      vi.useFakeTimers()
      const socket = new FakeSocket()
      socket.readyState = WebSocket.CLOSED
      keepAlive(asSocket(socket), 1000)
      assert.strictEqual(vi.getTimerCount(), 0)
    })
  )
})

describe("WsConnection pings", () => {
  it.live(
    "pings its client every pingInterval; a client that never answers stays connected and still gets frames",
    () =>
      Effect.gen(function* () {
        const { server, client } = yield* silentClientPair
        const connection = yield* makeWsConnection(server, { pingInterval: 20 })
        const pinged = yield* Deferred.make<void>()
        let pings = 0
        client.on("ping", () => {
          if (++pings === 5) Deferred.doneUnsafe(pinged, Exit.void)
        })
        const received = yield* Deferred.make<string>()
        client.on("message", (data) => Deferred.doneUnsafe(received, Exit.succeed(data.toString())))
        // Five pings sent over 100 ms and none answered.
        yield* Deferred.await(pinged)
        assert.isTrue(connection.isOpen())
        yield* connection.write(["still here"])
        assert.strictEqual(yield* Deferred.await(received), "still here")
      }).pipe(Effect.timeout("10 seconds"))
  )
})

describe("ping settings", () => {
  const resolve = (env: Record<string, string>) => resolveSettings(env, {})

  it.effect("WS_PING_INTERVAL and PULSAR_PING_INTERVAL default to 30 s", () =>
    Effect.sync(() => {
      const { values, problems } = resolve({})
      assert.deepStrictEqual(problems, [])
      assert.strictEqual(Duration.toMillis(values.wsPingInterval), 30_000)
      assert.strictEqual(Duration.toMillis(values.pulsarPingInterval), 30_000)
    })
  )

  it.effect("a duration sets the interval; 0 and off turn the pings off", () =>
    Effect.sync(() => {
      for (const [text, millis] of [
        ["2s", 2000],
        ["500ms", 500],
        ["0", 0],
        ["off", 0],
        ["OFF", 0]
      ] as const) {
        const { values, problems } = resolve({ WS_PING_INTERVAL: text, PULSAR_PING_INTERVAL: text })
        assert.deepStrictEqual(problems, [], text)
        assert.strictEqual(Duration.toMillis(values.wsPingInterval), millis, text)
        assert.strictEqual(Duration.toMillis(values.pulsarPingInterval), millis, text)
      }
    })
  )

  it.effect("anything else is refused, naming the variable", () =>
    Effect.sync(() => {
      const { problems } = resolve({ WS_PING_INTERVAL: "often", PULSAR_PING_INTERVAL: "-1s" })
      assert.deepStrictEqual(
        problems.map((p) => [p.source, p.problem.key]),
        [
          ["PULSAR_PING_INTERVAL", "notDuration"],
          ["WS_PING_INTERVAL", "notDuration"]
        ]
      )
    })
  )
})
