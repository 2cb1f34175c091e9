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
  framesOnTopic,
  freePort,
  freshFlow,
  generator,
  importAll,
  importArgs,
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
  storedOn,
  tally,
  until,
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
const importPlans = Array.from({ length: importRuns }, () => ({
  moment: random.between(1, frames - 40),
  flow: freshFlow("faults-failover-import")
}))
// An export outruns the test's look at its output: a longer topic, and moments in its first half.
const exportFrames = 500
const exportPlans = Array.from({ length: exportRuns }, () => ({
  moment: random.between(1, exportFrames / 2),
  flow: freshFlow("faults-failover-export")
}))

const directory = mkdtempSync(join(tmpdir(), "tg-faults-failover-"))
const file = writeTriples(join(directory, "triples.nt"), frames)
const exportFile = writeTriples(join(directory, "export.nt"), exportFrames)
const httpUrl = inject("pulsarHttpUrl")
const ports = { a: 0, b: 0 }
const instances: { a: Proc | undefined; b: Proc | undefined } = { a: undefined, b: undefined }
const up = async (name: "a" | "b") => {
  const running = instances[name]
  if (running !== undefined && running.running()) return running
  const started = await serve({
    httpUrl,
    port: ports[name],
    flows: [...importPlans, ...exportPlans].map((plan) => plan.flow),
    topicTemplate: dedupTemplate,
    env: { EXPORT_MAX_UNACKED: String(maxUnacked), SUBSCRIBER_NACK_DELAY: "0" }
  })
  instances[name] = started
  return started
}
const urlOf = (name: "a" | "b") => `ws://127.0.0.1:${ports[name]}`
const both = () => [urlOf("a"), urlOf("b")]

beforeAll(async () => {
  await ensureDedupNamespace(httpUrl)
  ports.a = await freePort()
  ports.b = await freePort()
  await Promise.all([up("a"), up("b")])
})
afterEach(() => killLeftovers(instances.a, instances.b))
afterAll(() => {
  killLeftovers()
  rmSync(directory, { recursive: true, force: true })
})

describe(`${importScenario} (seed ${seed})`, () => {
  const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
  afterAll(() => record({ scenario: importScenario, ...totals, seed }))

  importPlans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${importRuns}: import --url A,B, A SIGKILLed once ${moment} of ${frames} frames are stored: it finishes through B, every frame exactly once`,
      async () => {
        const a = await up("a")
        await up("b")
        const topic = dedupTopic(flow)
        const importer = start(importArgs(both(), flow, file.path))
        await until(
          `${moment} frames on ${topic}`,
          async () => !importer.running() || (await storedOn(httpUrl, topic)) >= moment
        )
        assert.isTrue(importer.running(), `the import ended before A was killed:\n${importer.text()}`)
        const storedAtKill = await storedOn(httpUrl, topic)
        await kill(a, "SIGKILL")
        const code = await importer.closed
        assert.strictEqual(code, 0, importer.text())
        assert.include(importer.text(), `reconnecting to ${urlOf("b")}`)
        assert.include(importer.text(), "everything landed")

        const counted = tally(file, await framesOnTopic(httpUrl, topic))
        console.log(
          `${importScenario}, run ${run + 1}: A killed with ${storedAtKill} frames stored; ${counted.frames} on the topic, ` +
            `${counted.missingFrames} missing, ${counted.duplicateFrames} duplicated`
        )
        totals.runs++
        totals.frames += frames
        totals.missing += counted.missingFrames
        totals.duplicates += counted.duplicateFrames
        assert.deepStrictEqual(counted, {
          frames,
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
      `run ${run + 1} of ${exportRuns}: export --url A,B --subscription S through A, A SIGKILLed once ${moment} of ${exportFrames} frames are written, the export through B: every frame at least once`,
      async () => {
        const a = await up("a")
        await up("b")
        await importAll(urlOf("b"), flow, exportFile)
        const topic = dedupTopic(flow)
        const subscription = "faults"
        const output = join(directory, `${flow}.jsonl`)
        const args = exportArgs(both().join(","), flow, subscription, output)

        const first = start(args)
        await until(`${moment} frames in ${output}`, () => !first.running() || linesIn(output).length >= moment)
        assert.isTrue(first.running(), `the export ended before A was killed:\n${first.text()}`)
        const writtenBefore = linesIn(output).length
        await kill(a, "SIGKILL")
        // Either it ends (its gateway is gone) and is run again, or it moves to B by itself.
        const resumed = await finishExport(first, { httpUrl, topic, subscription }, args, exportFile, output)
        const counted = tally(exportFile, linesIn(output))
        console.log(
          `${exportScenario}, run ${run + 1}: A killed with ${writtenBefore} frames written; ` +
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
