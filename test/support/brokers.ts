/**
 * The broker adapters under test, described once so that a suite can run unchanged against each:
 * how to build it, how to count what a topic holds without going through the adapter, and a
 * broker of the same kind that cannot be reached.
 */
import { Effect, type Scope } from "effect"
import { inject } from "vitest"
import type { BrokerShape } from "../../src/services/Broker.ts"
import { makeMemoryBroker, type MemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { pulsarBinaryBroker } from "./binaryBrokers.ts"
import { storedOnTopic } from "./pulsarAdmin.ts"
import { testPulsarPingInterval } from "./pulsarScript.ts"
import { pulsarSecurity, securedBrokerOptions } from "./pulsarSecurity.ts"

export interface BrokerUnderTest {
  readonly name: "memory" | "pulsar" | "pulsar-binary"
  readonly make: Effect.Effect<
    BrokerShape & { readonly countOnTopic: (topic: string) => Effect.Effect<number> },
    never,
    Scope.Scope
  >
  readonly unreachable: Effect.Effect<BrokerShape, never, Scope.Scope>
}

const withCount = (broker: MemoryBroker) => ({
  ...broker,
  countOnTopic: (topic: string) => Effect.sync(() => broker.countOnTopic(topic))
})

export const memoryBroker: BrokerUnderTest = {
  name: "memory",
  make: Effect.map(makeMemoryBroker, withCount),
  // A broker whose scope has ended refuses everything, as an unreachable one does.
  unreachable: Effect.scoped(makeMemoryBroker)
}

export const pulsarBroker = (): BrokerUnderTest => {
  const httpUrl = inject("pulsarHttpUrl")
  return {
    name: "pulsar",
    make: Effect.sync(() => ({
      ...makePulsarBroker({ httpUrl, pingInterval: testPulsarPingInterval, ...securedBrokerOptions() }),
      countOnTopic: (topic: string) => Effect.promise(() => storedOnTopic(httpUrl, topic, pulsarSecurity()))
    })),
    // Port 9 (discard) is closed on test machines: the connection is refused at once.
    unreachable: Effect.sync(() => makePulsarBroker({ httpUrl: "http://127.0.0.1:9", connectTimeout: "5 seconds" }))
  }
}

/**
 * Every adapter; in the run against the secured broker only the Pulsar ones, the memory broker
 * being the open run's (the binary adapter there when its secure.env names the binary port).
 */
export const brokersUnderTest = (): ReadonlyArray<BrokerUnderTest> => {
  const security = pulsarSecurity()
  if (security === null) return [memoryBroker, pulsarBroker(), pulsarBinaryBroker()]
  return security.serviceUrl === undefined ? [pulsarBroker()] : [pulsarBroker(), pulsarBinaryBroker()]
}

let topicCounter = 0
/** A topic no other test uses, in TrustGraph's namespace. */
export const freshTopic = (label: string): string =>
  `persistent://tg/flow/${label}-${process.pid}-${Date.now().toString(36)}-${topicCounter++}`

export const text = (payload: Uint8Array): string => Buffer.from(payload).toString("utf8")
export const bytes = (value: string): Uint8Array => Buffer.from(value, "utf8")

/**
 * The `metadata.id` of every one of the first `count` records on a Pulsar topic, read from its
 * start by a subscription of the test's own, straight from the broker.
 */
export const idsOnPulsarTopic = (httpUrl: string, topic: string, count: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const consumer = yield* makePulsarBroker({
        httpUrl,
        pingInterval: testPulsarPingInterval,
        ...securedBrokerOptions()
      }).consumer({
        topic,
        subscription: `check-${crypto.randomUUID()}`,
        initialPosition: "Earliest"
      })
      const ids = new Set<string>()
      for (let i = 0; i < count; i++) {
        const message = yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
        ids.add((JSON.parse(text(message.payload)) as { metadata: { id: string } }).metadata.id)
      }
      return ids
    })
  )
