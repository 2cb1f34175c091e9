/**
 * A real `tg-gateway serve` process on a real Pulsar broker gets SIGTERM while 20 clients import
 * with `?ack=true`: every frame it acknowledged must be on the topic, and it must exit 0.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { inject } from "vitest"
import { idsOnPulsarTopic } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect } from "../support/gateway.ts"
import { storedOnTopic } from "../support/pulsarAdmin.ts"
import { exitOf, freePort, serveProcess } from "../support/process.ts"
import { testPulsarPingInterval } from "../support/pulsarScript.ts"
import { pulsarServiceUrl } from "../support/binaryBrokers.ts"

describe("tg-gateway serve and SIGTERM", () => {
  it.live(
    "pulsar: SIGTERM while 20 clients import with ?ack=true — every acked frame is on the topic and the exit code is 0",
    () =>
      Effect.gen(function* () {
        const httpUrl = inject("pulsarHttpUrl")
        const flow = `sigterm-${process.pid}-${Date.now().toString(36)}`
        const topic = `persistent://tg/flow/triples-store:default:${flow}`
        const port = yield* freePort
        const { child, output } = yield* serveProcess({
          BROKER: "pulsar",
          PULSAR_HTTP_URL: httpUrl,
          PULSAR_URL: pulsarServiceUrl(httpUrl),
          PULSAR_PING_INTERVAL: testPulsarPingInterval,
          GATEWAY_PORT: String(port),
          GATEWAY_HOST: "127.0.0.1",
          FLOWS: flow
        })

        const clients = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, c) => c),
          (c) =>
            Effect.map(connect(`ws://127.0.0.1:${port}/api/v1/flow/${flow}/import/triples?ack=true`), (client) => {
              // Keep up to 20 frames unanswered per client, sending the next as each ack arrives.
              let sent = 0
              const next = () => {
                if (client.socket.readyState !== client.socket.OPEN) return
                client.send(triplesFrame(`c${c}-f${++sent}`, 5))
              }
              client.socket.on("message", next)
              for (let i = 0; i < 20; i++) next()
              return { c, client }
            })
        )
        const acked = (c: number, received: ReadonlyArray<unknown>) =>
          received.flatMap((frame) => {
            const n = (frame as { ack?: number }).ack
            return n === undefined ? [] : [`c${c}-f${n}`]
          })
        yield* Effect.forEach(clients, ({ client }) => client.until((got) => got.length >= 30), { discard: true })

        child.kill("SIGTERM")
        const code = yield* exitOf(child)
        yield* Effect.forEach(clients, ({ client }) => client.closed, { discard: true })
        assert.strictEqual(code, 0, output.join(""))
        for (const { client } of clients) {
          assert.isFalse(
            client.received.some((frame) => "nack" in (frame as object)),
            "no frame was refused"
          )
        }

        const ackedIds = clients.flatMap(({ c, client }) => acked(c, client.received))
        const stored = yield* Effect.promise(() => storedOnTopic(httpUrl, topic))
        assert.isAtLeast(stored, ackedIds.length)
        const onTopic = yield* idsOnPulsarTopic(httpUrl, topic, stored)
        const missing = ackedIds.filter((id) => !onTopic.has(id))
        assert.deepStrictEqual(missing, [], `${ackedIds.length} frames acked, ${stored} on the topic`)
        assert.include(output.join(""), "every connection drained")
      }),
    120_000
  )
})
