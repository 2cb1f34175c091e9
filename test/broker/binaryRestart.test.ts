/**
 * The binary-protocol adapter across a broker restart: a broker of this file's own (free ports,
 * its own state directory) is stopped under an open producer and consumer and started again.
 * The producer and consumer are lost, saying so, and sends fail at once rather than hang; once
 * the broker is back, the same adapter opens new ones and messages flow again.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { bytes, freshTopic, text } from "../support/brokers.ts"
import { freeTcpPort, type PulsarScriptEnv, startPulsar, stopPulsar } from "../support/pulsarScript.ts"

let options: PulsarScriptEnv | undefined

beforeAll(async () => {
  options = {
    httpUrl: `http://127.0.0.1:${await freeTcpPort()}`,
    brokerPort: await freeTcpPort(),
    state: `/tmp/tg-gateway-binary-restart-${process.pid}`
  }
  console.log(await startPulsar(options))
}, 240_000)

afterAll(async () => {
  if (options !== undefined) await stopPulsar(options)
}, 60_000)

describe("Pulsar binary adapter across a broker restart", () => {
  it.live(
    "pulsar: producer and consumer are lost when the broker stops, sends fail at once, and new ones work once it is back",
    () =>
      Effect.gen(function* () {
        const env = options!
        const broker = makePulsarBinaryBroker({
          serviceUrl: `pulsar://127.0.0.1:${env.brokerPort}`,
          httpUrl: env.httpUrl,
          pingInterval: "1 second"
        })
        const topic = freshTopic("binary-restart")
        const subscription = { topic, subscription: "s", initialPosition: "Earliest" } as const
        const before = yield* Effect.scoped(
          Effect.gen(function* () {
            const producer = yield* broker.producer(topic)
            const consumer = yield* broker.consumer(subscription)
            yield* producer.send({ payload: bytes("before") })
            const received = text((yield* consumer.receive).payload)
            yield* Effect.promise(() => stopPulsar(env))
            const [producerLost, consumerLost] = yield* Effect.all([producer.lost, consumer.lost])
            const refused = yield* Effect.flip(producer.send({ payload: bytes("during") }))
            return { received, producerLost, consumerLost, refused }
          })
        )
        assert.strictEqual(before.received, "before")
        assert.strictEqual(before.producerLost._tag, "ConnectionClosed")
        assert.strictEqual(before.consumerLost._tag, "ConnectionClosed")
        assert.strictEqual(before.refused._tag, "ConnectionClosed", "a send after the loss fails at once")
        const down = yield* Effect.flip(broker.producer(topic))
        assert.strictEqual(down._tag, "BrokerUnavailable")
        assert.include(down.message, `pulsar://127.0.0.1:${env.brokerPort}`)

        yield* Effect.promise(() => startPulsar(env))
        yield* broker.ping
        const after = yield* Effect.scoped(
          Effect.gen(function* () {
            const consumer = yield* broker.consumer(subscription)
            const producer = yield* broker.producer(topic)
            yield* producer.send({ payload: bytes("after") })
            return text((yield* consumer.receive).payload)
          })
        )
        assert.strictEqual(after, "after")
      }),
    300_000
  )
})
