/**
 * Fault injection, SIGTERM under an acked export: `tg-gateway export --subscription S` reads a
 * topic of 500 frames through a real `tg-gateway serve` on the real Pulsar broker, acknowledging
 * each frame once written, and at a moment drawn from a seeded generator (once its output holds k
 * frames) SIGTERM goes to the gateway (which shuts down gracefully and is started again) or, every
 * other run, to the export itself. The export run again with the same subscription then finishes:
 * every frame on the topic is in the output at least once, and a frame twice only if it had been
 * written and not yet acknowledged (at most EXPORT_MAX_UNACKED of them); duplicates are reported.
 */
import { join } from "node:path"
import { assert, describe, inject, it } from "vitest"
import {
  assertFinishedAtLeastOnce,
  countInOutput,
  dedupTemplate,
  exportUnderFault,
  gatewaysUpBeforeAll,
  generator,
  keptGateway,
  kill,
  runPlans,
  runsOf,
  runTimeout,
  scratchDirectory,
  seedFor,
  summaryRow,
  writeTriples
} from "./support.ts"

const scenario = "SIGTERM mid-export (acked, durable)"
const runs = runsOf(4, 20)
// An export outruns the test's look at its output: a long topic, and moments in its first half.
const frames = 500
const maxUnacked = 50
const seed = seedFor(scenario)
const random = generator(seed)
const plans = runPlans(runs, random, frames / 2, "faults-term").map((plan, run) => ({
  ...plan,
  target: run % 2 === 0 ? ("gateway" as const) : ("export" as const)
}))

const httpUrl = inject("pulsarHttpUrl")
const gateway = keptGateway(() => ({
  httpUrl,
  flows: plans.map((plan) => plan.flow),
  topicTemplate: dedupTemplate,
  // Frames given back by a closed connection are redelivered at once rather than after 5 s.
  env: { EXPORT_MAX_UNACKED: String(maxUnacked), SUBSCRIBER_NACK_DELAY: "0" }
}))
const directory = scratchDirectory("term", () => [gateway.proc()])
const file = writeTriples(join(directory, "triples.nt"), frames)

gatewaysUpBeforeAll(httpUrl, gateway)

describe(`${scenario} (seed ${seed})`, () => {
  const row = summaryRow(scenario, seed)

  plans.forEach(({ moment, target, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: SIGTERM to the ${target} once ${moment} of ${frames} frames are written, the export run again: every frame at least once`,
      async () => {
        await gateway.up()
        // Ended by the gateway's shutdown, or reconnected to it by itself and finished.
        const { output, writtenAtFault, finished } = await exportUnderFault({
          httpUrl,
          importUrl: gateway.url(),
          exportUrl: gateway.url(),
          flow,
          file,
          directory,
          moment,
          fault: "the SIGTERM",
          strike: async (exporter) => {
            if (target === "gateway") {
              const code = await kill(await gateway.up(), "SIGTERM")
              assert.strictEqual(code, 0, `the gateway's graceful shutdown:\n${gateway.proc()?.text()}`)
              await gateway.up()
            } else {
              await kill(exporter, "SIGTERM")
            }
          }
        })
        const counted = countInOutput(
          row,
          run,
          `SIGTERM to the ${target} with ${writtenAtFault} frames written`,
          file,
          output
        )
        assertFinishedAtLeastOnce(finished, counted)
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
