/** What only a real Pulsar broker can show: refusals come back with the broker's status and reason. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { pulsarBroker } from "../support/brokers.ts"

describe("Pulsar adapter", () => {
  it.live("pulsar: a topic in a namespace that does not exist is refused with HTTP 404 and the broker's reason", () =>
    Effect.gen(function* () {
      const broker = yield* pulsarBroker().make
      const error = yield* Effect.flip(broker.producer("persistent://tg/no-such-namespace/t"))
      assert.strictEqual(error._tag, "TopicRefused")
      assert.strictEqual(error._tag === "TopicRefused" ? error.status : 0, 404)
      assert.strictEqual(
        error.message,
        "topic persistent://tg/no-such-namespace/t refused with HTTP 404: Namespace not found"
      )
    })
  )
})
