/** What only the in-memory broker has to show: its memory stays bounded by what is still needed. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { bytes, freshTopic } from "../support/brokers.ts"

describe("in-memory broker", () => {
  it.effect("messages every subscription has acknowledged are let go; unacknowledged ones are kept", () =>
    Effect.gen(function* () {
      const broker = yield* makeMemoryBroker
      const topic = freshTopic("memory-trim")
      const fast = yield* broker.consumer({ topic, subscription: "fast" })
      const slow = yield* broker.consumer({ topic, subscription: "slow" })
      const producer = yield* broker.producer(topic)
      yield* Effect.forEach(Array.from({ length: 5000 }), (_, i) => producer.send({ payload: bytes(`m${i}`) }), {
        discard: true
      })
      for (let i = 0; i < 5000; i++) yield* Effect.flatMap(fast.receive, (m) => fast.ack(m.id))
      assert.strictEqual(broker.heldOnTopic(topic), 5000, "the slow subscription still needs them all")
      for (let i = 0; i < 4000; i++) yield* Effect.flatMap(slow.receive, (m) => slow.ack(m.id))
      assert.isAtMost(broker.heldOnTopic(topic), 2000, "what both have acknowledged is gone")
      assert.isAtLeast(broker.heldOnTopic(topic), 1000, "what the slow one has not is kept")
      assert.strictEqual(broker.countOnTopic(topic), 5000)
    })
  )

  it.effect("with no subscription at all every message is kept, for a later subscription from the earliest", () =>
    Effect.gen(function* () {
      const broker = yield* makeMemoryBroker
      const topic = freshTopic("memory-keep")
      const producer = yield* broker.producer(topic)
      yield* Effect.forEach(Array.from({ length: 3000 }), (_, i) => producer.send({ payload: bytes(`m${i}`) }), {
        discard: true
      })
      assert.strictEqual(broker.heldOnTopic(topic), 3000)
      const late = yield* broker.consumer({ topic, subscription: "late", initialPosition: "Earliest" })
      const first = yield* late.receive
      assert.strictEqual(Buffer.from(first.payload).toString(), "m0")
    })
  )
})
