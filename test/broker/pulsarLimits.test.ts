/**
 * The largest message the Pulsar adapter sends: learned from a real broker's configuration, the
 * broker's defaults assumed when that cannot be read, and a send refusal that names no send
 * still answering every send in flight.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option } from "effect"
import { inject } from "vitest"
import { type WebSocket, WebSocketServer } from "ws"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { defaultMaxTextFrameSize, learnLimit, payloadLimit } from "../../src/layers/broker/PulsarLimits.ts"
import { defaultMaxMessageSize } from "../../src/services/Broker.ts"
import { bytes } from "../support/brokers.ts"
import { silentServer } from "../support/process.ts"

/**
 * A stand-in for a broker's web port: admin requests answered by `admin`, and WebSocket producers
 * handed to `producer` (which, by default, answers nothing).
 */
const fakeBroker = (
  admin: (request: IncomingMessage, response: ServerResponse) => void,
  producer: (socket: WebSocket) => void = () => {}
) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly port: number; readonly close: () => void }>((resume) => {
      const http = createServer(admin)
      const sockets = new WebSocketServer({ server: http })
      sockets.on("connection", producer)
      http.listen(0, "127.0.0.1", () => {
        const address = http.address()
        resume(
          Effect.succeed({
            port: typeof address === "object" && address !== null ? address.port : 0,
            close: () => {
              for (const client of sockets.clients) client.terminate()
              sockets.close()
              http.close()
            }
          })
        )
      })
    }),
    (server) => Effect.sync(server.close)
  )

describe("Pulsar message size limit", () => {
  it("is the smaller of maxMessageSize (less room for metadata) and what a text frame carries in base64", () => {
    assert.strictEqual(payloadLimit(5 * 1024 * 1024, 70 * 1024 * 1024), 5 * 1024 * 1024 - 4096)
    assert.strictEqual(payloadLimit(5 * 1024 * 1024, 1024 * 1024), ((1024 * 1024 - 4096) / 4) * 3)
    assert.strictEqual(payloadLimit(100 * 1024 * 1024, 100 * 1024 * 1024), 15_000_000, "Jackson's string bound")
  })

  it.live("pulsar: is learned from the broker's runtime configuration", () =>
    Effect.gen(function* () {
      const httpUrl = inject("pulsarHttpUrl")
      const config = yield* Effect.promise(() =>
        fetch(`${httpUrl}/admin/v2/brokers/configuration/runtime`).then(
          (response) => response.json() as Promise<Record<string, string>>
        )
      )
      const learned = yield* learnLimit(httpUrl)
      assert.isUndefined(learned.assumed)
      assert.strictEqual(
        learned.limit,
        payloadLimit(Number(config["maxMessageSize"]), Number(config["webSocketMaxTextFrameSize"]))
      )
    })
  )

  it.live("assumes Pulsar's defaults, and says why, when the configuration cannot be read", () =>
    Effect.gen(function* () {
      const learned = yield* learnLimit("http://127.0.0.1:9")
      assert.strictEqual(learned.limit, payloadLimit(defaultMaxMessageSize, defaultMaxTextFrameSize))
      assert.isString(learned.assumed)
    })
  )

  it.live("an error answer without a context fails every send in flight as of unknown outcome", () =>
    Effect.gen(function* () {
      // A stand-in for the broker's WebSocket service that answers the third send with an error
      // naming no send, as Pulsar does when it cannot read a send command.
      let received = 0
      const server = yield* fakeBroker(
        (_request, response) => void response.writeHead(404).end(),
        (socket) =>
          socket.on("message", () => {
            if (++received === 3) socket.send(`{"result":"send-error:3","errorMsg":"Failed to deserialize from JSON"}`)
          })
      )
      const broker = makePulsarBroker({ httpUrl: `http://127.0.0.1:${server.port}`, maxMessageSize: 1024 })
      const producer = yield* broker.producer("persistent://tg/flow/limits")
      const sends = yield* Effect.forEach(["a", "b", "c"], (t) =>
        Effect.forkChild(producer.send({ payload: bytes(t) }), { startImmediately: true })
      )
      const exits = yield* Effect.forEach(sends, Fiber.await)
      for (const exit of exits) {
        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "without saying which")
      }
    })
  )

  it.live("a limit that could not be read is asked for again by the next producer, and kept once read", () =>
    Effect.gen(function* () {
      let asked = 0
      const server = yield* fakeBroker((_request, response) => {
        // The first request fails, as when the broker is frozen or the admin API refuses.
        if (++asked === 1) return void response.writeHead(503).end()
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ maxMessageSize: "1000000", webSocketMaxTextFrameSize: "73400320" }))
      })
      const broker = makePulsarBroker({ httpUrl: `http://127.0.0.1:${server.port}` })
      const first = yield* broker.producer("persistent://tg/flow/limits")
      assert.strictEqual(first.maxMessageSize, payloadLimit(defaultMaxMessageSize, defaultMaxTextFrameSize))
      const second = yield* broker.producer("persistent://tg/flow/limits")
      assert.strictEqual(second.maxMessageSize, 1_000_000 - 4096)
      yield* broker.producer("persistent://tg/flow/limits")
      assert.strictEqual(asked, 2, "once read, the limit is kept")
    })
  )

  it.live("opening a producer on a broker that never answers is cut at once by an interruption", () =>
    Effect.gen(function* () {
      // Accepts TCP connections and never answers: a frozen broker.
      const silent = yield* silentServer()
      const broker = makePulsarBroker({
        httpUrl: `http://127.0.0.1:${silent.port}`,
        maxMessageSize: 1024,
        connectTimeout: "10 minutes"
      })
      const opening = yield* Effect.forkChild(Effect.scoped(broker.producer("persistent://tg/flow/limits")))
      yield* Effect.sleep("200 millis")
      // Without the fix the interruption waits for the ten-minute connect timeout.
      const cut = yield* Fiber.interrupt(opening).pipe(Effect.timeoutOption("10 seconds"))
      assert.isTrue(Option.isSome(cut), "the interruption did not wait for the connect timeout")
    })
  )
})
