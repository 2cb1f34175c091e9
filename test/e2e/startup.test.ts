/** What `tg-gateway serve` tells an operator at start-up: where it listens, on which broker, which flows, and a broker it cannot reach. */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger, Schedule } from "effect"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { startGateway } from "../support/gateway.ts"
import { exitOf, freePort, serveProcess } from "../support/process.ts"

const main = fileURLToPath(new URL("../../src/programs/main.ts", import.meta.url))

describe("tg-gateway serve at start-up", () => {
  it.live("names the broker, its URL and the flows, and warns at once when the broker is unreachable", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const { child, output } = yield* serveProcess({
        GATEWAY_PORT: `${port}`,
        GATEWAY_HOST: "127.0.0.1",
        BROKER: "pulsar",
        // Port 9 (discard) is closed on test machines: the connection is refused at once.
        PULSAR_HTTP_URL: "http://127.0.0.1:9",
        FLOWS: "alpha,beta"
      })
      const text = () => output.join("")
      yield* Effect.sync(text).pipe(
        Effect.repeat({ until: (t) => t.includes("unreachable at start-up"), schedule: Schedule.spaced("50 millis") }),
        Effect.timeout("20 seconds")
      )
      assert.match(
        text(),
        /listening on 127\.0\.0\.1:\d+, on Pulsar at http:\/\/127\.0\.0\.1:9, serving flows default, alpha, beta/
      )
      assert.match(
        text(),
        /the broker is unreachable at start-up \(.*127\.0\.0\.1:9.*\); connections are refused with 503/
      )
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)
    })
  )

  it.live("names the broker it was given, whatever BROKER says (a host app brings its own)", () =>
    Effect.gen(function* () {
      const logged: Array<string> = []
      const collector = Logger.make((options) => void logged.push(String(options.message)))
      yield* Effect.scoped(
        Effect.gen(function* () {
          const broker = yield* makeMemoryBroker
          yield* startGateway(broker, { BROKER: "pulsar" })
        })
      ).pipe(Effect.provide(Logger.layer([collector])))
      const listening = logged.find((line) => line.includes("listening on"))
      assert.include(listening, "on the embedded in-memory broker")
    })
  )

  it.live("LOG_FORMAT=json writes one JSON object per line; LOG_LEVEL=warn leaves out what is below it", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const { child, output } = yield* serveProcess({
        GATEWAY_PORT: `${port}`,
        GATEWAY_HOST: "127.0.0.1",
        BROKER: "pulsar",
        PULSAR_HTTP_URL: "http://127.0.0.1:9",
        LOG_FORMAT: "json"
      })
      yield* Effect.sync(() => output.join("")).pipe(
        Effect.repeat({ until: (t) => t.includes("unreachable at start-up"), schedule: Schedule.spaced("50 millis") }),
        Effect.timeout("20 seconds")
      )
      child.kill("SIGTERM")
      yield* exitOf(child)
      const lines = output
        .join("")
        .split("\n")
        .filter((line) => line.startsWith("{"))
      const logged = lines.map((line) => JSON.parse(line) as { readonly level: string; readonly message: unknown })
      assert.isTrue(
        logged.some((entry) => entry.level === "WARN" && String(entry.message).includes("unreachable")),
        "the warning, as one JSON line"
      )
      assert.isTrue(logged.some((entry) => entry.level === "INFO" && String(entry.message).includes("listening on")))

      const quiet = spawn(process.execPath, [main, "serve", "--lang", "en"], {
        env: {
          ...process.env,
          GATEWAY_PORT: `${yield* freePort}`,
          GATEWAY_HOST: "127.0.0.1",
          BROKER: "pulsar",
          PULSAR_HTTP_URL: "http://127.0.0.1:9",
          LOG_FORMAT: "json",
          LOG_LEVEL: "warn"
        },
        stdio: "pipe"
      })
      const said: Array<string> = []
      quiet.stdout.on("data", (chunk: Buffer) => said.push(chunk.toString()))
      yield* Effect.sync(() => said.join("")).pipe(
        Effect.repeat({ until: (t) => t.includes("unreachable at start-up"), schedule: Schedule.spaced("50 millis") }),
        Effect.timeout("20 seconds"),
        Effect.ensuring(Effect.sync(() => quiet.kill("SIGTERM")))
      )
      yield* exitOf(quiet)
      assert.notInclude(said.join(""), '"level":"INFO"', "nothing below warn")
    })
  )
})
