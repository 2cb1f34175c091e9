import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { parseBytes, parseDuration, resolveSettings } from "../../src/domain/Settings.ts"

describe("Settings", () => {
  it.effect("defaults match the design: 5 s drains, 2 s flush, queue 10 and 100, block, port 8888, memory broker", () =>
    Effect.sync(() => {
      const { values, problems } = resolveSettings({}, {})
      assert.deepStrictEqual(problems, [])
      assert.strictEqual(Duration.toMillis(values.publisherDrainTimeout), 5000)
      assert.strictEqual(Duration.toMillis(values.publisherFlushTimeout), 2000)
      assert.strictEqual(Duration.toMillis(values.subscriberDrainTimeout), 5000)
      assert.strictEqual(Duration.toMillis(values.shutdownGracePeriod), 1000)
      assert.strictEqual(values.publisherMaxQueueSize, 10)
      assert.strictEqual(values.subscriberMaxQueueSize, 100)
      assert.strictEqual(values.backpressureStrategy, "block")
      assert.strictEqual(values.maxConsecutiveErrors, 5)
      assert.strictEqual(values.port, 8888)
      assert.strictEqual(values.broker, "memory")
      assert.strictEqual(values.maxFrameSize, 52_428_800)
      assert.isUndefined(values.secret)
      assert.isTrue(values.metricsEnabled)
    })
  )

  it.effect("a flag wins over the environment, which wins over the default", () =>
    Effect.sync(() => {
      const { values } = resolveSettings(
        { GATEWAY_PORT: "9000", PUBLISHER_MAX_QUEUE_SIZE: "50" },
        { "gateway-port": "9100" }
      )
      assert.strictEqual(values.port, 9100)
      assert.strictEqual(values.publisherMaxQueueSize, 50)
    })
  )

  it.effect("durations read as the reference writes them (seconds) and with units", () =>
    Effect.sync(() => {
      const millis = (text: string) => {
        const parsed = parseDuration(text)
        return parsed.ok ? Duration.toMillis(parsed.value) : parsed.problem.key
      }
      assert.strictEqual(millis("5.0"), 5000)
      assert.strictEqual(millis("2.5s"), 2500)
      assert.strictEqual(millis("500ms"), 500)
      assert.strictEqual(millis("1m"), 60_000)
      assert.strictEqual(millis("3 seconds"), 3000)
      assert.strictEqual(millis("soon"), "notDuration")
      const bytes = parseBytes("50MiB")
      assert.isTrue(bytes.ok && bytes.value === 52_428_800)
    })
  )

  it.effect("every bad value is reported at once, naming the variable or flag and what was wrong", () =>
    Effect.sync(() => {
      const { problems } = resolveSettings(
        { PUBLISHER_DRAIN_TIMEOUT: "soon", BACKPRESSURE_STRATEGY: "drop_everything", PULSAR_HTTP_URL: "pulsar://x" },
        { "gateway-port": "99999" }
      )
      assert.deepStrictEqual(
        problems.map((p) => p.source),
        ["--gateway-port", "PULSAR_HTTP_URL", "PUBLISHER_DRAIN_TIMEOUT", "BACKPRESSURE_STRATEGY"]
      )
      assert.deepStrictEqual(problems[3]?.problem, {
        key: "notChoice",
        params: { text: "drop_everything", choices: "block, drop_oldest, drop_new" }
      })
    })
  )
})
