/**
 * Fault injection, failover between two gateway instances: two `tg-gateway serve` processes, A and
 * B, on the one real Pulsar broker. `tg-gateway import --url A,B` of a file, A SIGKILLed at a
 * seeded random moment: the import finishes through B and the topic, read straight from Pulsar,
 * holds every frame exactly once. `tg-gateway export --url A,B --subscription S` reading through A,
 * A SIGKILLed: the same command run again reads through B (or, where export reconnects by itself,
 * the first one goes on through B), and every frame is in the output at least once. Duplicates
 * are counted, not bounded: besides the frames written and not yet acknowledged (at most
 * EXPORT_MAX_UNACKED), a gateway killed with SIGKILL loses the acks it had taken from the client
 * and not yet passed on to the broker, and those frames are delivered again too.
 */
import { join } from "node:path"
import { assert, describe, inject, it } from "vitest"
import {
  assertExactlyOnce,
  assertFinishedAtLeastOnce,
  countInOutput,
  countOnTopic,
  dedupTemplate,
  dedupTopic,
  exportUnderFault,
  gatewaysUpBeforeAll,
  generator,
  importArgs,
  importUnderFault,
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

const importScenario = "failover A→B mid-import"
const exportScenario = "failover A→B mid-export"
const importRuns = runsOf(3, 20)
const exportRuns = runsOf(2, 10)
const frames = 200
const maxUnacked = 50
const seed = seedFor("failover")
const random = generator(seed)
const importPlans = runPlans(importRuns, random, frames - 40, "faults-failover-import")
// An export outruns the test's look at its output: a longer topic, and moments in its first half.
const exportFrames = 500
const exportPlans = runPlans(exportRuns, random, exportFrames / 2, "faults-failover-export")

const httpUrl = inject("pulsarHttpUrl")
const instance = () =>
  keptGateway(() => ({
    httpUrl,
    flows: [...importPlans, ...exportPlans].map((plan) => plan.flow),
    topicTemplate: dedupTemplate,
    env: { EXPORT_MAX_UNACKED: String(maxUnacked), SUBSCRIBER_NACK_DELAY: "0" }
  }))
const a = instance()
const b = instance()
const both = () => [a.url(), b.url()]
const directory = scratchDirectory("failover", () => [a.proc(), b.proc()])
const file = writeTriples(join(directory, "triples.nt"), frames)
const exportFile = writeTriples(join(directory, "export.nt"), exportFrames)

gatewaysUpBeforeAll(httpUrl, a, b)

describe(`${importScenario} (seed ${seed})`, () => {
  const row = summaryRow(importScenario, seed)

  importPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${importRuns}: import --url A,B, A SIGKILLed once ${moment} of ${frames} frames are stored: it finishes through B, every frame exactly once`,
      async () => {
        const gatewayA = await a.up()
        await b.up()
        const topic = dedupTopic(flow)
        const imported = await importUnderFault({
          httpUrl,
          topic,
          args: importArgs(both(), flow, file.path),
          moment,
          fault: "A was killed",
          strike: () => kill(gatewayA, "SIGKILL")
        })
        assert.include(imported.text, `reconnecting to ${b.url()}`)
        assert.include(imported.text, "everything landed")

        const counted = await countOnTopic(row, run, `A killed with ${imported.storedAtFault} frames stored`, file, {
          httpUrl,
          topic
        })
        assertExactlyOnce(counted, file)
      },
      runTimeout
    )
  })
})

describe(`${exportScenario} (seed ${seed})`, () => {
  const row = summaryRow(exportScenario, seed)

  exportPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${exportRuns}: export --url A,B --subscription S through A, A SIGKILLed once ${moment} of ${exportFrames} frames are written, the export through B: every frame at least once`,
      async () => {
        const gatewayA = await a.up()
        await b.up()
        // Either it ends (its gateway is gone) and is run again, or it moves to B by itself.
        const { output, writtenAtFault, finished } = await exportUnderFault({
          httpUrl,
          importUrl: b.url(),
          exportUrl: both().join(","),
          flow,
          file: exportFile,
          directory,
          moment,
          fault: "A was killed",
          strike: () => kill(gatewayA, "SIGKILL")
        })
        const counted = countInOutput(row, run, `A killed with ${writtenAtFault} frames written`, exportFile, output)
        assertFinishedAtLeastOnce(finished, counted)
      },
      runTimeout
    )
  })
})
