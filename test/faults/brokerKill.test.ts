/**
 * Fault injection, the broker killed: a Pulsar broker of this file's own (scripts/pulsar.sh on free
 * ports), SIGKILLed with `pulsar.sh kill` at a moment drawn from a seeded generator and started
 * again on the data it left with `pulsar.sh restart`, while `tg-gateway import` sends a file
 * through a `tg-gateway serve` on it — the import waits the restart out on its backoff, finishes,
 * and the topic holds every frame exactly once — and while `tg-gateway export --subscription S`
 * reads a topic through it: the export finishes (run again, or reconnected by itself) with every
 * frame in the output at least once, duplicates counted.
 *
 * A restart takes tens of seconds, so CI runs one of each; TG_FAULTS_LONG=1 runs three.
 */
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import {
  assertExactlyOnce,
  assertFinishedAtLeastOnce,
  countInOutput,
  countOnTopic,
  dedupTemplate,
  dedupTopic,
  ensureDedupNamespace,
  exportUnderFault,
  generator,
  importArgs,
  importUnderFault,
  keptGateway,
  ownBroker,
  runPlans,
  runsOf,
  runTimeout,
  scratchDirectory,
  seedFor,
  summaryRow,
  writeTriples
} from "./support.ts"

const importScenario = "broker kill -9 mid-import"
const exportScenario = "broker kill -9 mid-export"
const runs = runsOf(1, 3)
const importFrames = 200
const exportFrames = 500
const seed = seedFor("broker kill -9")
const random = generator(seed)
const importPlans = runPlans(runs, random, importFrames - 40, "faults-broker-import")
const exportPlans = runPlans(runs, random, exportFrames / 2, "faults-broker-export")
// The import's backoff (0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s each) outlasts a broker restart.
const importRetries = 20

let broker: Awaited<ReturnType<typeof ownBroker>> | undefined
const gateway = keptGateway(() => ({
  httpUrl: broker!.httpUrl,
  serviceUrl: broker!.serviceUrl,
  flows: [...importPlans, ...exportPlans].map((plan) => plan.flow),
  topicTemplate: dedupTemplate,
  env: { SUBSCRIBER_NACK_DELAY: "0" }
}))

/** SIGKILL to the broker, then the same broker started again on its data. */
const crashAndRestart = async () => {
  console.log(await broker!.kill())
  console.log(await broker!.restart())
}

beforeAll(async () => {
  broker = await ownBroker()
  await ensureDedupNamespace(broker.httpUrl)
  await gateway.up()
}, 240_000)
// After-hooks run last-registered first: the broker is stopped once scratchDirectory's hook below
// has killed what the runs left.
afterAll(async () => {
  if (broker !== undefined) console.log(await broker.stop())
}, 60_000)
const directory = scratchDirectory("broker", () => [gateway.proc()])
const importFile = writeTriples(join(directory, "import.nt"), importFrames)
const exportFile = writeTriples(join(directory, "export.nt"), exportFrames)

describe(`${importScenario} (seed ${seed})`, () => {
  const row = summaryRow(importScenario, seed)

  importPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: the broker SIGKILLed once ${moment} of ${importFrames} frames are stored and restarted: the import finishes, every frame exactly once`,
      async () => {
        const httpUrl = broker!.httpUrl
        await gateway.up()
        const topic = dedupTopic(flow)
        const imported = await importUnderFault({
          httpUrl,
          topic,
          args: importArgs([gateway.url()], flow, importFile.path, importRetries),
          moment,
          fault: "the broker was killed",
          strike: crashAndRestart
        })
        assert.include(imported.text, "everything landed")

        const counted = await countOnTopic(
          row,
          run,
          `killed with ${imported.storedAtFault} frames stored`,
          importFile,
          {
            httpUrl,
            topic
          }
        )
        assertExactlyOnce(counted, importFile)
      },
      runTimeout
    )
  })
})

describe(`${exportScenario} (seed ${seed})`, () => {
  const row = summaryRow(exportScenario, seed)

  exportPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: the broker SIGKILLed once ${moment} of ${exportFrames} frames are written and restarted: the export finishes with every frame at least once`,
      async () => {
        await gateway.up()
        const { output, writtenAtFault, finished } = await exportUnderFault({
          httpUrl: broker!.httpUrl,
          importUrl: gateway.url(),
          exportUrl: gateway.url(),
          flow,
          file: exportFile,
          directory,
          moment,
          fault: "the broker was killed",
          strike: crashAndRestart
        })
        const counted = countInOutput(row, run, `killed with ${writtenAtFault} frames written`, exportFile, output)
        assertFinishedAtLeastOnce(finished, counted)
      },
      runTimeout
    )
  })
})
