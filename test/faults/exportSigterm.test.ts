/**
 * Fault injection, SIGTERM under an acked export: `tg-gateway export --subscription S` reads a
 * topic of 500 frames through a real `tg-gateway serve` on the real Pulsar broker, acknowledging
 * each frame once written, and at a moment drawn from a seeded generator (once its output holds k
 * frames) SIGTERM goes to the gateway (which shuts down gracefully and is started again) or, every
 * other run, to the export itself. The export run again with the same subscription then finishes:
 * every frame on the topic is in the output at least once, and a frame twice only if it had been
 * written and not yet acknowledged (at most EXPORT_MAX_UNACKED of them); duplicates are reported.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, inject, it } from "vitest"
import {
  dedupTemplate,
  dedupTopic,
  ensureDedupNamespace,
  exportArgs,
  finishExport,
  freePort,
  freshFlow,
  generator,
  importAll,
  kill,
  killLeftovers,
  linesIn,
  type Proc,
  record,
  runsOf,
  runTimeout,
  seedFor,
  serve,
  start,
  tally,
  until,
  writeTriples
} from "./support.ts"

const scenario = "SIGTERM mid-export (acked, durable)"
const runs = runsOf(4, 20)
// An export outruns the test's look at its output: a long topic, and moments in its first half.
const frames = 500
const maxUnacked = 50
const seed = seedFor(scenario)
const random = generator(seed)
const plans = Array.from({ length: runs }, (_, run) => ({
  moment: random.between(1, frames / 2),
  target: run % 2 === 0 ? ("gateway" as const) : ("export" as const),
  flow: freshFlow("faults-term")
}))

const directory = mkdtempSync(join(tmpdir(), "tg-faults-term-"))
const file = writeTriples(join(directory, "triples.nt"), frames)
const httpUrl = inject("pulsarHttpUrl")
let port = 0
let gateway: Proc | undefined
const gatewayOptions = () => ({
  httpUrl,
  port,
  flows: plans.map((plan) => plan.flow),
  topicTemplate: dedupTemplate,
  // Frames given back by a closed connection are redelivered at once rather than after 5 s.
  env: { EXPORT_MAX_UNACKED: String(maxUnacked), SUBSCRIBER_NACK_DELAY: "0" }
})
const gatewayUp = async () => {
  if (gateway === undefined || !gateway.running()) {
    gateway = await serve(gatewayOptions())
  }
  return gateway
}
const url = () => `ws://127.0.0.1:${port}`

beforeAll(async () => {
  await ensureDedupNamespace(httpUrl)
  port = await freePort()
  await gatewayUp()
})
afterEach(() => killLeftovers(gateway))
afterAll(() => {
  killLeftovers()
  rmSync(directory, { recursive: true, force: true })
})

const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
afterAll(() => record({ scenario, ...totals, seed }))

describe(`${scenario} (seed ${seed})`, () => {
  plans.forEach(({ moment, target, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: SIGTERM to the ${target} once ${moment} of ${frames} frames are written, the export run again: every frame at least once`,
      async () => {
        await gatewayUp()
        await importAll(url(), flow, file)
        const output = join(directory, `${flow}.jsonl`)
        const subscription = "faults"
        const args = exportArgs(url(), flow, subscription, output)

        const first = start(args)
        await until(`${moment} frames in ${output}`, () => !first.running() || linesIn(output).length >= moment)
        assert.isTrue(first.running(), `the export ended before the SIGTERM:\n${first.text()}`)
        const writtenBefore = linesIn(output).length
        if (target === "gateway") {
          const code = await kill(await gatewayUp(), "SIGTERM")
          assert.strictEqual(code, 0, `the gateway's graceful shutdown:\n${gateway?.text()}`)
          await gatewayUp()
        } else {
          await kill(first, "SIGTERM")
        }
        // Ended by the gateway's shutdown, or reconnected to it by itself and finished.
        const second = await finishExport(first, { httpUrl, topic: dedupTopic(flow), subscription }, args, file, output)
        const counted = tally(file, linesIn(output))
        console.log(
          `${scenario}, run ${run + 1}: SIGTERM to the ${target} with ${writtenBefore} frames written; ` +
            `${counted.frames} in the output in the end, ${counted.missingFrames} missing, ${counted.duplicateFrames} duplicated`
        )
        totals.runs++
        totals.frames += frames
        totals.missing += counted.missingFrames
        totals.duplicates += counted.duplicateFrames
        assert.isUndefined(second.waited, second.text)
        assert.strictEqual(second.code, 0, second.text)
        assert.strictEqual(counted.missingFrames, 0, "every frame at least once")
        assert.strictEqual(counted.missingTriples, 0, "every triple at least once")
        assert.isAtMost(
          counted.duplicateFrames,
          maxUnacked,
          "duplicates only of frames written and not yet acknowledged"
        )
      },
      runTimeout
    )
  })
})
