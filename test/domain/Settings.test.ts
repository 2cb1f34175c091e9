import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import { parseBytes, parseDuration, resolveSettings } from "../../src/domain/Settings.ts"
import { flagsOverEnv } from "../../src/programs/serve.ts"
import { settingsConfig } from "../../src/services/GatewaySettings.ts"

const fromConfig = (provider: ConfigProvider.ConfigProvider) => settingsConfig.parse(provider)

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

  describe("through Config", () => {
    it.effect("reads every setting by its variable's name, with the table's defaults and parsers", () =>
      Effect.gen(function* () {
        const env = {
          GATEWAY_PORT: "9000",
          BROKER: "pulsar",
          PUBLISHER_DRAIN_TIMEOUT: "2.5s",
          MAX_FRAME_SIZE: "4KiB",
          FLOWS: "a, b",
          FLOWS_FILE: "/etc/flows.json",
          PULSAR_PING_INTERVAL: "off",
          GATEWAY_HOST: ""
        }
        const values = yield* fromConfig(ConfigProvider.fromEnv({ env }))
        const { values: expected } = resolveSettings(env, {})
        assert.deepStrictEqual(values, expected)
        assert.strictEqual(values.port, 9000)
        assert.strictEqual(values.host, "0.0.0.0")
        assert.strictEqual(Duration.toMillis(values.publisherDrainTimeout), 2500)
        assert.deepStrictEqual(values.flows, ["a", "b"])
        assert.strictEqual(values.flowsFile, "/etc/flows.json")
        assert.deepStrictEqual(yield* fromConfig(ConfigProvider.fromUnknown({})), resolveSettings({}, {}).values)
      })
    )

    it.effect("refuses with one ConfigError naming every wrong variable, in the command line's words", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(
          fromConfig(
            ConfigProvider.fromUnknown({
              GATEWAY_PORT: 99999,
              PUBLISHER_DRAIN_TIMEOUT: "soon",
              BACKPRESSURE_STRATEGY: "drop_everything"
            })
          )
        )
        assert.strictEqual(
          error.cause.message,
          [
            '"99999" is not a whole number between 0 and 65,535',
            '  at ["GATEWAY_PORT"]',
            '"soon" is not a duration (examples: 5, 2.5s, 500ms, 1m)',
            '  at ["PUBLISHER_DRAIN_TIMEOUT"]',
            '"drop_everything" is not one of block, drop_oldest, drop_new',
            '  at ["BACKPRESSURE_STRATEGY"]'
          ].join("\n")
        )
      })
    )

    it.effect("GATEWAY_SECRET is Redacted: its value is there to compare, and never printed", () =>
      Effect.gen(function* () {
        const values = yield* fromConfig(ConfigProvider.fromUnknown({ GATEWAY_SECRET: "s3cret-value" }))
        assert.isTrue(Redacted.isRedacted(values.secret))
        assert.strictEqual(values.secret === undefined ? undefined : Redacted.value(values.secret), "s3cret-value")
        assert.notInclude(JSON.stringify(values), "s3cret-value")
        assert.notInclude(String(values.secret), "s3cret-value")
        const resolved = resolveSettings({ GATEWAY_SECRET: "s3cret-value" }, {}).values
        assert.notInclude(JSON.stringify(resolved), "s3cret-value")
      })
    )

    it.effect("serve hands the gateway its flags over the environment: a flag wins, even an empty one", () =>
      Effect.gen(function* () {
        const env = { GATEWAY_PORT: "9000", GATEWAY_HOST: "10.0.0.1", PUBLISHER_MAX_QUEUE_SIZE: "50", FLOWS: "" }
        const flags = { "gateway-port": "9100", "gateway-host": "" }
        const values = yield* fromConfig(flagsOverEnv(flags, env))
        assert.deepStrictEqual(values, resolveSettings(env, flags).values)
        assert.strictEqual(values.port, 9100)
        assert.strictEqual(values.host, "")
        assert.strictEqual(values.publisherMaxQueueSize, 50)
        assert.deepStrictEqual(values.flows, ["default"])
      })
    )
  })
})
