/** What `tg-gateway serve` tells an operator at start-up: where it listens, on which broker, which flows, and a broker it cannot reach. */
import type { ChildProcess } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { startGateway } from "../support/gateway.ts"
import { exitOf, freePort, serveProcess, serveUntilExit } from "../support/process.ts"

/** A gateway on a Pulsar broker that cannot be reached, started once it has said so. */
const onUnreachableBroker = (env: Record<string, string>) =>
  Effect.flatMap(freePort, (port) =>
    serveProcess(
      {
        GATEWAY_PORT: `${port}`,
        GATEWAY_HOST: "127.0.0.1",
        BROKER: "pulsar",
        // Port 9 (discard) is closed on test machines: the connection is refused at once.
        PULSAR_URL: "pulsar://127.0.0.1:9",
        PULSAR_HTTP_URL: "http://127.0.0.1:9",
        ...env
      },
      "unreachable at start-up"
    )
  )

/** Stops a gateway as SIGTERM does and gives everything it wrote. */
const stopped = (started: { readonly child: ChildProcess; readonly output: ReadonlyArray<string> }) =>
  Effect.gen(function* () {
    started.child.kill("SIGTERM")
    const code = yield* exitOf(started.child)
    return { code, text: started.output.join("") }
  })

describe("tg-gateway serve at start-up", () => {
  it.live("names the broker, its URL and the flows, and warns at once when the broker is unreachable", () =>
    Effect.gen(function* () {
      const { code, text } = yield* stopped(yield* onUnreachableBroker({ FLOWS: "alpha,beta" }))
      assert.match(
        text,
        /listening on 127\.0\.0\.1:\d+, on Pulsar at pulsar:\/\/127\.0\.0\.1:9 \(binary protocol; admin API at http:\/\/127\.0\.0\.1:9\), serving flows default, alpha, beta/
      )
      assert.match(
        text,
        /the broker is unreachable at start-up \(.*127\.0\.0\.1:9.*\); connections are refused with 503/
      )
      assert.strictEqual(code, 0)
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
      const json = yield* stopped(yield* onUnreachableBroker({ LOG_FORMAT: "json" }))
      const lines = json.text.split("\n").filter((line) => line.startsWith("{"))
      const logged = lines.map((line) => JSON.parse(line) as { readonly level: string; readonly message: unknown })
      assert.isTrue(
        logged.some((entry) => entry.level === "WARN" && String(entry.message).includes("unreachable")),
        "the warning, as one JSON line"
      )
      assert.isTrue(logged.some((entry) => entry.level === "INFO" && String(entry.message).includes("listening on")))

      const quiet = yield* stopped(yield* onUnreachableBroker({ LOG_FORMAT: "json", LOG_LEVEL: "warn" }))
      assert.notInclude(quiet.text, '"level":"INFO"', "nothing below warn")
    })
  )

  it.live("Pulsar settings that cannot work together stop it before it starts: exit 2, the variables named", () =>
    Effect.gen(function* () {
      const { code, text } = yield* serveUntilExit({
        GATEWAY_PORT: "0",
        GATEWAY_HOST: "127.0.0.1",
        BROKER: "pulsar",
        PULSAR_HTTP_URL: "https://127.0.0.1:9",
        PULSAR_TLS_CERT_FILE: "/nowhere/client.pem"
      })
      assert.strictEqual(code, 2, text)
      assert.include(
        text,
        "configuration error in the PULSAR_* settings: PULSAR_TLS_CERT_FILE is set without PULSAR_TLS_KEY_FILE"
      )
      assert.notInclude(text, "tg-gateway listening")
    })
  )
})
