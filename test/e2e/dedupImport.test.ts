/**
 * Imports through a named producer (`?producer=NAME&first=K`, with `?ack=true`), through real
 * WebSockets, on the in-memory broker and on a real Pulsar broker with deduplication on the
 * namespace: a client that loses its connection and resends from its first unacknowledged frame
 * leaves every frame on the topic exactly once, counted on the broker, not by the gateway.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { inject } from "vitest"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { type BrokerUnderTest, brokersUnderTest, memoryBroker, pulsarBroker, text } from "../support/brokers.ts"
import { dedupNamespace, ensureDedupNamespace } from "../support/dedupNamespace.ts"
import { triplesFrame } from "../support/frames.ts"
import { adminRequest } from "../support/pulsarAdmin.ts"
import { pulsarSecurity, securedBrokerOptions } from "../support/pulsarSecurity.ts"
import { connect, refusal, startGateway, type TestClient } from "../support/gateway.ts"

let flowCounter = 0
const freshFlow = () => `dedup-${process.pid}-${Date.now().toString(36)}-${flowCounter++}`

/** The gateway's topics in the tests' namespace with deduplication on. */
const dedupTemplate = `persistent://${dedupNamespace}/{interface}:{workspace}:{flow}`
const topicOf = (flow: string) => `persistent://${dedupNamespace}/triples-store:default:${flow}`

const acksOf = (client: TestClient) =>
  client.received.filter(
    (answer): answer is { ack: number } => typeof answer === "object" && answer !== null && "ack" in answer
  )

/**
 * Connects, and tries again while the upgrade is refused with 409: the previous connection's
 * producer of the same name is still closing on the broker.
 */
const connectResuming = (url: string) =>
  connect(url).pipe(
    Effect.retry({ while: (error) => error.message === "HTTP 409", schedule: Schedule.spaced("50 millis"), times: 100 })
  )

/** A gateway over a fresh flow in the deduplicated namespace, and producer p's route from sequence `first`. */
const dedupGateway = (adapter: BrokerUnderTest) =>
  Effect.gen(function* () {
    yield* ensureDedupNamespace(adapter)
    const broker = yield* adapter.make
    const flow = freshFlow()
    const gateway = yield* startGateway(broker, { FLOWS: flow, TOPIC_TEMPLATE: dedupTemplate })
    const route = (first: number) =>
      gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true&producer=p&first=${first}`)
    return { broker, flow, gateway, route }
  })

describe.each(brokersUnderTest())("Deduplicated imports: $name", (adapter) => {
  const name = adapter.name

  it.live(
    `${name}: 50 frames, the connection dropped after 20 acks, resent from 11: each frame on the topic exactly once`,
    () =>
      Effect.gen(function* () {
        const { broker, flow, route } = yield* dedupGateway(adapter)
        const frame = (sequence: number) => triplesFrame(`m${sequence}`)

        yield* Effect.scoped(
          Effect.gen(function* () {
            const client = yield* connect(route(1))
            for (let sequence = 1; sequence <= 50; sequence++) client.send(frame(sequence))
            yield* client.until(() => acksOf(client).length >= 20)
            // Gone without a close: whatever of 21..50 the broker got is there, the rest is not.
            client.socket.terminate()
          })
        )
        // The client's first unacknowledged frame is 21 at most; it resends from 11, as one that
        // had counted fewer acks would.
        const heldBefore = yield* broker.countOnTopic(topicOf(flow))
        yield* Effect.scoped(
          Effect.gen(function* () {
            const client = yield* connectResuming(route(11))
            for (let sequence = 11; sequence <= 50; sequence++) client.send(frame(sequence))
            yield* client.until(() => client.received.length >= 40)
            const answers = client.received as Array<{ ack: number; duplicate?: boolean }>
            assert.deepStrictEqual(
              answers.map((answer) => answer.ack),
              Array.from({ length: 40 }, (_, i) => i + 1),
              "every resent frame is acknowledged, those the broker held already too"
            )
            // Those it held are said to be duplicates: 11..20 at least, and whatever of 21..50 the
            // broker had stored from the first connection (at least what was counted before).
            const duplicates = answers.findIndex((answer) => answer.duplicate !== true)
            const held = duplicates === -1 ? 40 : duplicates
            assert.isAtLeast(held, Math.max(10, heldBefore - 10))
            for (const answer of answers.slice(held)) assert.deepStrictEqual(answer, { ack: answer.ack })
          })
        )

        assert.strictEqual(yield* broker.countOnTopic(topicOf(flow)), 50, "counted on the broker: no frame twice")
        const consumer = yield* broker.consumer({
          topic: topicOf(flow),
          subscription: `check-${crypto.randomUUID()}`,
          initialPosition: "Earliest"
        })
        const ids: Array<string> = []
        for (let i = 0; i < 50; i++) {
          const message = yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
          ids.push((JSON.parse(text(message.payload)) as { metadata: { id: string } }).metadata.id)
        }
        assert.deepStrictEqual(
          ids,
          Array.from({ length: 50 }, (_, i) => `m${i + 1}`),
          "each frame once, in order"
        )
      })
  )

  it.live(
    `${name}: a refused frame ends the connection, and the frames after it resent from first= land once each`,
    () =>
      Effect.gen(function* () {
        const { broker, flow, route } = yield* dedupGateway(adapter)

        const firstClose = yield* Effect.scoped(
          Effect.gen(function* () {
            const client = yield* connect(route(1))
            // Frame 5 is not a triples frame.
            for (let i = 1; i <= 10; i++) {
              client.send(i === 5 ? { metadata: { id: "m5" }, triples: "none" } : triplesFrame(`m${i}`))
            }
            const closed = yield* client.closed
            return { closed, received: [...client.received] }
          })
        )
        assert.strictEqual(firstClose.closed.code, 1008)
        assert.include(firstClose.closed.reason, "frame 5 refused")
        const answers = firstClose.received as ReadonlyArray<{
          ack?: number
          nack?: number
          error?: { retryable?: boolean }
        }>
        assert.deepStrictEqual(
          answers.filter((a) => a.ack !== undefined).map((a) => a.ack),
          [1, 2, 3, 4]
        )
        const refused = answers.find((a) => a.nack === 5)
        assert.isDefined(refused)
        assert.isUndefined(refused?.error?.retryable, "a refused frame is not worth sending again")
        // Those read with it are answered; any read later are not read at all: none is stored.
        for (const answer of answers.filter((a) => a.nack !== undefined && a.nack > 5)) {
          assert.isTrue(answer.error?.retryable, `frame ${answer.nack} was not sent and may be sent again`)
        }

        // Frame 6 is sequence id 6: the client resends 6..10 from there.
        yield* Effect.scoped(
          Effect.gen(function* () {
            const client = yield* connectResuming(route(6))
            for (let sequence = 6; sequence <= 10; sequence++) client.send(triplesFrame(`m${sequence}`))
            yield* client.until(() => client.received.length >= 5)
            assert.deepStrictEqual(
              client.received,
              [1, 2, 3, 4, 5].map((ack) => ({ ack }))
            )
          })
        )
        const topic = topicOf(flow)
        assert.strictEqual(yield* broker.countOnTopic(topic), 9)
        const consumer = yield* broker.consumer({
          topic,
          subscription: `check-${crypto.randomUUID()}`,
          initialPosition: "Earliest"
        })
        const ids: Array<string> = []
        for (let i = 0; i < 9; i++) {
          const message = yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
          ids.push((JSON.parse(text(message.payload)) as { metadata: { id: string } }).metadata.id)
        }
        assert.deepStrictEqual(ids, ["m1", "m2", "m3", "m4", "m6", "m7", "m8", "m9", "m10"])
      })
  )
})

describe("Deduplicated imports: pulsar without deduplication on the namespace", () => {
  it.live("pulsar: ?producer= is refused with 409 before the upgrade, saying how to enable it", () =>
    Effect.gen(function* () {
      const adapter = pulsarBroker()
      const httpUrl = inject("pulsarHttpUrl")
      const security = pulsarSecurity()
      const admin = (path: string, method: string, body?: string) =>
        Effect.promise(() => adminRequest(httpUrl, path, security, { method, ...(body === undefined ? {} : { body }) }))
      yield* admin("/admin/v2/namespaces/tg/nodedup", "PUT")
      const disabled = yield* admin("/admin/v2/namespaces/tg/nodedup/deduplication", "POST", "false")
      assert.isTrue(disabled.ok, `HTTP ${disabled.status} ${disabled.text}`)
      if (security !== null) {
        yield* admin("/admin/v2/namespaces/tg/nodedup/permissions/tg-gateway", "POST", '["produce","consume"]')
      }
      const broker = yield* adapter.make
      const flow = freshFlow()
      const gateway = yield* startGateway(broker, {
        FLOWS: flow,
        TOPIC_TEMPLATE: "persistent://tg/nodedup/{interface}:{workspace}:{flow}"
      })
      const at = `/api/v1/flow/${flow}/import/triples?ack=true`
      const refused = yield* refusal(gateway.url(`${at}&producer=p`))
      assert.strictEqual(refused.status, 409)
      const error = (JSON.parse(refused.body) as { error: string }).error
      assert.include(error, "disabled on tg/nodedup")
      assert.include(error, "set-deduplication --enable")
      // Without a producer the same route is served as before.
      yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* connect(gateway.url(at))
          client.send(triplesFrame("m1"))
          yield* client.until(() => client.received.length >= 1)
          assert.deepStrictEqual(client.received, [{ ack: 1 }])
        })
      )
    })
  )
})

describe("Deduplicated imports: what /readyz says", () => {
  it.live("pulsar: /readyz names each namespace the flows import into and whether it drops resends", () =>
    Effect.gen(function* () {
      const adapter = pulsarBroker()
      const { gateway } = yield* dedupGateway(adapter)
      const ready = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${gateway.port}/readyz`).then((response) => response.json())
      )
      assert.deepStrictEqual(ready, {
        status: "ready",
        deduplication: { [dedupNamespace]: `enabled on ${dedupNamespace}` }
      })
    })
  )

  it.live("memory: /readyz says the in-memory broker always drops resends", () =>
    Effect.gen(function* () {
      const broker = yield* memoryBroker.make
      const gateway = yield* startGateway(broker)
      const ready = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${gateway.port}/readyz`).then((response) => response.json())
      )
      assert.deepStrictEqual(ready, {
        status: "ready",
        deduplication: { "tg/flow": "the in-memory broker always drops resends from a named producer" }
      })
    })
  )
})

describe("Deduplicated imports: PULSAR_ENABLE_DEDUPLICATION", () => {
  it.live("pulsar: the gateway turns deduplication on where it is off, and then serves ?producer=", () =>
    Effect.gen(function* () {
      const httpUrl = inject("pulsarHttpUrl")
      const security = pulsarSecurity()
      const namespace = `tg/enable-${process.pid}-${Date.now().toString(36)}`
      const admin = (path: string, method: string, body?: string) =>
        Effect.promise(() => adminRequest(httpUrl, path, security, { method, ...(body === undefined ? {} : { body }) }))
      yield* admin(`/admin/v2/namespaces/${namespace}`, "PUT")
      assert.isTrue((yield* admin(`/admin/v2/namespaces/${namespace}/deduplication`, "POST", "false")).ok)
      if (security !== null) {
        yield* admin(`/admin/v2/namespaces/${namespace}/permissions/tg-gateway`, "POST", '["produce","consume"]')
      }
      const broker = makePulsarBroker({ httpUrl, enableDeduplication: true, ...securedBrokerOptions() })
      const flow = freshFlow()
      const gateway = yield* startGateway(broker, {
        FLOWS: flow,
        TOPIC_TEMPLATE: `persistent://${namespace}/{interface}:{workspace}:{flow}`
      })
      const at = gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true&producer=p`)
      if (security !== null) {
        // The gateway's role may produce and consume, not change the namespace's policies.
        const refused = yield* refusal(at)
        assert.strictEqual(refused.status, 409)
        assert.include(refused.body, "enabling it was refused (HTTP 403")
        return
      }
      yield* Effect.scoped(
        Effect.gen(function* () {
          const client = yield* connect(at)
          client.send(triplesFrame("m1"))
          yield* client.until(() => client.received.length >= 1)
          assert.deepStrictEqual(client.received, [{ ack: 1 }])
        })
      )
      const policy = yield* admin(`/admin/v2/namespaces/${namespace}/deduplication`, "GET")
      assert.strictEqual(policy.text.trim(), "true", "deduplication is on for the namespace now")
    })
  )
})
