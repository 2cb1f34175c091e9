/**
 * `tg-gateway export --subscription` through a real `tg-gateway serve` on the real Pulsar broker,
 * the gateway killed with SIGKILL in the middle of the stream and started again on the same port:
 * the export reconnects by itself and finishes with every message in its output, none more than
 * twice. How many come twice is printed: those written and not yet acknowledged when the gateway
 * went, and those whose acknowledgements it had taken and not yet passed on (design notes,
 * "Exactly once, end to end"), so their number is not bounded by EXPORT_MAX_UNACKED alone.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Schedule, Scope } from "effect"
import { inject } from "vitest"
import { triplesFrame } from "../support/frames.ts"
import { connect } from "../support/gateway.ts"
import { linesIn } from "../support/outputLines.ts"
import { exitOf, freePort, serveProcess } from "../support/process.ts"
import { testPulsarPingInterval } from "../support/pulsarScript.ts"
import { pulsarServiceUrl } from "../support/binaryBrokers.ts"

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))
const directory = mkdtempSync(join(tmpdir(), "tg-export-reconnect-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const total = 3000
const maxUnacked = 100

describe("export through a gateway killed and started again", () => {
  it.live(
    "pulsar: the gateway SIGKILLed mid-export and started again on its port; the same export reconnects and finishes, every message in its output",
    () =>
      Effect.gen(function* () {
        const flow = `reconnect-${process.pid}-${Date.now().toString(36)}`
        const port = yield* freePort
        const env = {
          BROKER: "pulsar",
          PULSAR_HTTP_URL: inject("pulsarHttpUrl"),
          PULSAR_URL: pulsarServiceUrl(),
          PULSAR_PING_INTERVAL: testPulsarPingInterval,
          GATEWAY_PORT: String(port),
          GATEWAY_HOST: "127.0.0.1",
          FLOWS: flow,
          SUBSCRIBER_NACK_DELAY: "0",
          EXPORT_MAX_UNACKED: String(maxUnacked)
        }
        const firstScope = yield* Scope.make()
        const first = yield* serveProcess(env).pipe(Scope.provide(firstScope))

        const importer = yield* connect(`ws://127.0.0.1:${port}/api/v1/flow/${flow}/import/triples?ack=true`)
        for (let i = 0; i < total; i++) importer.send(triplesFrame(`m${i}`))
        yield* importer.until((got) => got.length >= total)
        assert.isTrue(
          importer.received.every((answer) => typeof (answer as { ack?: unknown }).ack === "number"),
          "every frame imported"
        )
        yield* importer.close()

        const output = join(directory, `${flow}.jsonl`)
        // --idle ends it once the topic is exhausted; it counts afresh on each connection, so the
        // gateway's restart does not end it.
        const exporter = spawn(
          process.execPath,
          [
            bin,
            "export",
            "--url",
            `ws://127.0.0.1:${port}`,
            "--flow",
            flow,
            "--subscription",
            "reconnect",
            "--from",
            "earliest",
            "--output",
            output,
            "--idle",
            "3s",
            "--retries",
            "10"
          ],
          { env: { PATH: process.env["PATH"] ?? "" }, stdio: ["ignore", "ignore", "pipe"] }
        )
        let said = ""
        exporter.stderr.on("data", (chunk: Buffer) => (said += chunk.toString()))
        const exited = yield* Effect.forkChild(exitOf(exporter))

        // Killed once the export has written a twentieth of the stream, while frames still arrive.
        yield* Effect.sync(() => linesIn(output).length).pipe(
          Effect.repeat({ until: (lines) => lines >= total / 20, schedule: Schedule.spaced("5 millis") }),
          Effect.timeout("60 seconds")
        )
        first.child.kill("SIGKILL")
        yield* exitOf(first.child)
        const beforeKill = linesIn(output).length
        assert.isBelow(beforeKill, total, "the gateway was killed before the export had everything")
        assert.isNull(exporter.exitCode, `the export is still running:\n${said}`)
        yield* Scope.close(firstScope, Exit.void)
        yield* serveProcess(env)

        assert.strictEqual(yield* Fiber.join(exited), 0, said)
        assert.include(said, "connection dropped (1006 ")
        assert.include(said, "reconnected; subscription reconnect goes on where the lost connection stopped")

        const ids = linesIn(output).map((line) => (JSON.parse(line) as { metadata: { id: string } }).metadata.id)
        const seen = new Map<string, number>()
        for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1)
        const missing = Array.from({ length: total }, (_, i) => `m${i}`).filter((id) => !seen.has(id))
        const duplicated = [...seen].filter(([, count]) => count > 1).map(([id]) => id)
        console.log(
          `export through a restarted gateway: ${total} messages, SIGKILL after ${beforeKill} written; ` +
            `${ids.length} lines in the end, ${missing.length} missing, ${duplicated.length} duplicated`
        )
        assert.deepStrictEqual(missing, [], "every message at least once")
        // One connection lost: a message is delivered again at most once.
        assert.isAtMost(Math.max(...seen.values()), 2, "no message more than twice")
      }),
    120_000
  )
})
