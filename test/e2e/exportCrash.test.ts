/**
 * `tg-gateway export --subscription` killed with SIGKILL in the middle of a stream and started
 * again with the same subscription, on the in-memory broker and on a real Pulsar broker: the output
 * holds every message at least once, and a message appears twice only if the first run had
 * written it and not yet had its ack taken — at most EXPORT_MAX_UNACKED of them. The number of
 * duplicates is printed.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { brokersUnderTest } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect, startGateway } from "../support/gateway.ts"
import { linesIn } from "../support/outputLines.ts"
import { exitOf } from "../support/process.ts"

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))
const directory = mkdtempSync(join(tmpdir(), "tg-export-crash-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

let flowCounter = 0
const freshFlow = () => `crash-${process.pid}-${Date.now().toString(36)}-${flowCounter++}`

const total = 2000
const maxUnacked = 100

const exportProcess = (args: ReadonlyArray<string>): ChildProcess =>
  spawn(process.execPath, [bin, "export", ...args], {
    env: { PATH: process.env["PATH"] ?? "" },
    stdio: ["ignore", "ignore", "pipe"]
  })

const sizeOf = (path: string) => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

describe.each(brokersUnderTest())("export after a crash: $name", (adapter) => {
  it.live(
    `${adapter.name}: SIGKILL mid-stream, then the same --subscription: every message at least once, duplicates only of frames written and not yet acked`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, {
          FLOWS: flow,
          SUBSCRIBER_NACK_DELAY: "0",
          EXPORT_MAX_UNACKED: String(maxUnacked)
        })
        const importer = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`))
        for (let i = 0; i < total; i++) importer.send(triplesFrame(`m${i}`))
        yield* importer.until((got) => got.length >= total)

        const output = join(directory, `${flow}.jsonl`)
        const common = ["--url", `ws://127.0.0.1:${gateway.port}`, "--flow", flow, "--subscription", "crash"]
        const first = exportProcess([...common, "--from", "earliest", "--output", output])
        // Killed once it has written a tenth of the stream, while frames are still arriving.
        yield* Effect.sync(() => sizeOf(output)).pipe(
          Effect.repeat({
            until: () => linesIn(output).length >= total / 10,
            schedule: Schedule.spaced("5 millis")
          }),
          Effect.timeout("60 seconds")
        )
        first.kill("SIGKILL")
        yield* exitOf(first)
        const beforeCrash = linesIn(output).length

        const second = exportProcess([...common, "--output", output, "--idle", "3s"])
        let said = ""
        second.stderr?.on("data", (chunk: Buffer) => (said += chunk.toString()))
        const code = yield* exitOf(second)
        assert.strictEqual(code, 0, said)

        const ids = linesIn(output).map((line) => (JSON.parse(line) as { metadata: { id: string } }).metadata.id)
        const seen = new Map<string, number>()
        for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1)
        const missing = Array.from({ length: total }, (_, i) => `m${i}`).filter((id) => !seen.has(id))
        const duplicated = [...seen].filter(([, count]) => count > 1).map(([id]) => id)
        const firstRun = new Set(ids.slice(0, beforeCrash))
        console.log(
          `${adapter.name}: ${total} messages, SIGKILL after ${beforeCrash} written; ` +
            `${ids.length} lines in the end, ${missing.length} missing, ${duplicated.length} duplicated`
        )
        assert.deepStrictEqual(missing, [], "every message at least once")
        assert.isTrue(
          duplicated.every((id) => firstRun.has(id) && seen.get(id) === 2),
          "a duplicate is a frame the first run wrote, written once more"
        )
        assert.isAtMost(duplicated.length, maxUnacked, "no more than the frames that could be out unacknowledged")
        yield* gateway.stop
      }),
    120_000
  )
})
