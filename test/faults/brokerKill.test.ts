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
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "vitest"
import {
  dedupTemplate,
  dedupTopic,
  ensureDedupNamespace,
  exportArgs,
  finishExport,
  framesOnTopic,
  freePort,
  freshFlow,
  generator,
  importAll,
  importArgs,
  killLeftovers,
  linesIn,
  ownBroker,
  type Proc,
  record,
  runsOf,
  runTimeout,
  seedFor,
  serve,
  start,
  storedOn,
  tally,
  until,
  writeTriples
} from "./support.ts"

const importScenario = "broker kill -9 mid-import"
const exportScenario = "broker kill -9 mid-export"
const runs = runsOf(1, 3)
const importFrames = 200
const exportFrames = 500
const seed = seedFor("broker kill -9")
const random = generator(seed)
const importPlans = Array.from({ length: runs }, () => ({
  moment: random.between(1, importFrames - 40),
  flow: freshFlow("faults-broker-import")
}))
const exportPlans = Array.from({ length: runs }, () => ({
  moment: random.between(1, exportFrames / 2),
  flow: freshFlow("faults-broker-export")
}))
// The import's backoff (0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s each) outlasts a broker restart.
const importRetries = 20

const directory = mkdtempSync(join(tmpdir(), "tg-faults-broker-"))
const importFile = writeTriples(join(directory, "import.nt"), importFrames)
const exportFile = writeTriples(join(directory, "export.nt"), exportFrames)
let broker: Awaited<ReturnType<typeof ownBroker>> | undefined
let port = 0
let gateway: Proc | undefined
const url = () => `ws://127.0.0.1:${port}`

const gatewayUp = async () => {
  if (gateway !== undefined && gateway.running()) return gateway
  gateway = await serve({
    httpUrl: broker!.httpUrl,
    port,
    flows: [...importPlans, ...exportPlans].map((plan) => plan.flow),
    topicTemplate: dedupTemplate,
    env: { SUBSCRIBER_NACK_DELAY: "0" }
  })
  return gateway
}

/** SIGKILL to the broker, then the same broker started again on its data. */
const crashAndRestart = async () => {
  console.log(await broker!.kill())
  console.log(await broker!.restart())
}

beforeAll(async () => {
  broker = await ownBroker()
  await ensureDedupNamespace(broker.httpUrl)
  port = await freePort()
  await gatewayUp()
}, 240_000)
afterEach(() => killLeftovers(gateway))
afterAll(async () => {
  killLeftovers()
  rmSync(directory, { recursive: true, force: true })
  if (broker !== undefined) console.log(await broker.stop())
}, 60_000)

describe(`${importScenario} (seed ${seed})`, () => {
  const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
  afterAll(() => record({ scenario: importScenario, ...totals, seed }))

  importPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: the broker SIGKILLed once ${moment} of ${importFrames} frames are stored and restarted: the import finishes, every frame exactly once`,
      async () => {
        const httpUrl = broker!.httpUrl
        await gatewayUp()
        const topic = dedupTopic(flow)
        const importer = start(importArgs([url()], flow, importFile.path, importRetries))
        await until(
          `${moment} frames on ${topic}`,
          async () => !importer.running() || (await storedOn(httpUrl, topic)) >= moment
        )
        assert.isTrue(importer.running(), `the import ended before the broker was killed:\n${importer.text()}`)
        const storedAtKill = await storedOn(httpUrl, topic)
        await crashAndRestart()
        const code = await importer.closed
        assert.strictEqual(code, 0, importer.text())
        assert.include(importer.text(), "everything landed")

        const counted = tally(importFile, await framesOnTopic(httpUrl, topic))
        console.log(
          `${importScenario}, run ${run + 1}: killed with ${storedAtKill} frames stored; ${counted.frames} on the topic, ` +
            `${counted.missingFrames} missing, ${counted.duplicateFrames} duplicated`
        )
        totals.runs++
        totals.frames += importFrames
        totals.missing += counted.missingFrames
        totals.duplicates += counted.duplicateFrames
        assert.deepStrictEqual(counted, {
          frames: importFrames,
          missingFrames: 0,
          duplicateFrames: 0,
          missingTriples: 0,
          duplicateTriples: 0
        })
      },
      runTimeout
    )
  })
})

describe(`${exportScenario} (seed ${seed})`, () => {
  const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
  afterAll(() => record({ scenario: exportScenario, ...totals, seed }))

  exportPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: the broker SIGKILLed once ${moment} of ${exportFrames} frames are written and restarted: the export finishes with every frame at least once`,
      async () => {
        const httpUrl = broker!.httpUrl
        await gatewayUp()
        await importAll(url(), flow, exportFile)
        const topic = dedupTopic(flow)
        const subscription = "faults"
        const output = join(directory, `${flow}.jsonl`)
        const args = exportArgs(url(), flow, subscription, output)

        const first = start(args)
        await until(`${moment} frames in ${output}`, () => !first.running() || linesIn(output).length >= moment)
        assert.isTrue(first.running(), `the export ended before the broker was killed:\n${first.text()}`)
        const writtenBefore = linesIn(output).length
        await crashAndRestart()
        const resumed = await finishExport(first, { httpUrl, topic, subscription }, args, exportFile, output)
        const counted = tally(exportFile, linesIn(output))
        console.log(
          `${exportScenario}, run ${run + 1}: killed with ${writtenBefore} frames written; ` +
            `${counted.frames} in the output in the end, ${counted.missingFrames} missing, ${counted.duplicateFrames} duplicated`
        )
        totals.runs++
        totals.frames += exportFrames
        totals.missing += counted.missingFrames
        totals.duplicates += counted.duplicateFrames
        assert.isUndefined(resumed.waited, resumed.text)
        assert.strictEqual(resumed.code, 0, resumed.text)
        assert.strictEqual(counted.missingFrames, 0, "every frame at least once")
        assert.strictEqual(counted.missingTriples, 0, "every triple at least once")
      },
      runTimeout
    )
  })
})
