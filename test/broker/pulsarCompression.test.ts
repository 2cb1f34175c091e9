/**
 * PULSAR_COMPRESSION on the real broker, on both transports: what a producer sends compressed is
 * stored compressed (the topic's byte counter, far below the payloads' size), read back whole
 * by the other transport's consumer, and by Pulsar's own Java client — as a processor's client
 * would read it.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { inject } from "vitest"
import type { PulsarCompression } from "../../src/domain/Settings.ts"
import { makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import type { BrokerShape } from "../../src/services/Broker.ts"
import { freshTopic, text } from "../support/brokers.ts"
import { pulsarServiceUrl } from "../support/binaryBrokers.ts"
import { adminRequest } from "../support/pulsarAdmin.ts"
import { pulsarTool } from "../support/pulsarScript.ts"

const httpUrl = inject("pulsarHttpUrl")
const serviceUrl = pulsarServiceUrl(httpUrl)

const transports: ReadonlyArray<
  readonly [string, (compression?: PulsarCompression) => BrokerShape, (compression?: PulsarCompression) => BrokerShape]
> = [
  // The producer's transport, then the one that reads what it sent.
  [
    "binary",
    (compression) => makePulsarBinaryBroker({ serviceUrl, httpUrl, ...(compression ? { compression } : {}) }),
    () => makePulsarBroker({ httpUrl })
  ],
  [
    "websocket",
    (compression) => makePulsarBroker({ httpUrl, ...(compression ? { compression } : {}) }),
    () => makePulsarBinaryBroker({ serviceUrl, httpUrl })
  ]
]

/** Records of the kind the gateway publishes: JSON that repeats itself, about 20 KB each. */
const payloadOf = (n: number) =>
  JSON.stringify({
    n,
    triples: Array.from({ length: 100 }, (_, i) => ({
      s: { type: "i", iri: `http://example.org/doc-${n}/s${i}`, id: "", value: "", datatype: "", language: "" },
      o: { type: "l", iri: "", id: "", value: `label ${i}`, datatype: "", language: "en" }
    }))
  })

const count = 20

const bytesInOf = (topic: string) =>
  Effect.promise(async () => {
    const stats = await adminRequest(httpUrl, `/admin/v2/${topic.replace("://", "/")}/stats`)
    return (JSON.parse(stats.text) as { bytesInCounter: number }).bytesInCounter
  })

describe("PULSAR_COMPRESSION on the real broker", () => {
  for (const [transport, producing, reading] of transports) {
    for (const compression of ["zstd", "zlib"] as const) {
      it.live(
        `pulsar (${transport}): messages sent with ${compression} are stored compressed and read back whole, also by Pulsar's own client`,
        () =>
          Effect.gen(function* () {
            const topic = freshTopic(`compression-${transport}-${compression}`)
            const payloads = Array.from({ length: count }, (_, n) => payloadOf(n))
            const total = payloads.reduce((sum, p) => sum + Buffer.byteLength(p), 0)
            // Subscriptions first, so that both readers get every message.
            const consumer = yield* reading().consumer({ topic, subscription: "adapter", initialPosition: "Earliest" })
            const producer = yield* producing(compression).producer(topic)
            for (const payload of payloads) yield* producer.send({ payload: Buffer.from(payload) })

            const bytesIn = yield* bytesInOf(topic)
            assert.isBelow(bytesIn, total / 4, `${bytesIn} bytes reached the broker for ${total} bytes of payloads`)

            const received: Array<string> = []
            for (let i = 0; i < count; i++) {
              const message = yield* consumer.receive
              received.push(text(message.payload))
              yield* consumer.ack(message.id)
            }
            assert.deepStrictEqual(received, payloads)

            const { stdout } = yield* Effect.promise(() =>
              promisify(execFile)(
                pulsarTool("pulsar-client"),
                ["--url", serviceUrl, "consume", "-s", "java", "-p", "Earliest", "-n", String(count), topic],
                { maxBuffer: 64 * 1024 * 1024 }
              )
            )
            for (let n = 0; n < count; n++) {
              assert.include(stdout, `content:{"n":${n},`, `Pulsar's own client read message ${n}`)
            }
          }),
        120_000
      )
    }
  }

  it.live("pulsar (binary): without PULSAR_COMPRESSION the payloads reach the broker as they are", () =>
    Effect.gen(function* () {
      const topic = freshTopic("compression-none")
      const producer = yield* makePulsarBinaryBroker({ serviceUrl, httpUrl }).producer(topic)
      const payload = payloadOf(0)
      yield* producer.send({ payload: Buffer.from(payload) })
      assert.isAtLeast(yield* bytesInOf(topic), Buffer.byteLength(payload))
    })
  )
})
