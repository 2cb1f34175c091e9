/**
 * Fault injection, the gateway killed under an import: a real `tg-gateway serve` on the real Pulsar
 * broker is SIGKILLed while `tg-gateway import` sends a file of 2,000 triples in frames of 10, at a
 * moment drawn from a seeded generator (once the topic holds k frames), and started again on the
 * same port. The import resumes by itself and exits 0; the topic, read straight from Pulsar, holds
 * every frame and every triple exactly once. Then the same import run again stores nothing and says
 * the frames were on the topic already.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, assert, beforeAll, describe, inject, it } from "vitest"
import {
  dedupTemplate,
  dedupTopic,
  ensureDedupNamespace,
  framesOnTopic,
  freePort,
  freshFlow,
  generator,
  importArgs,
  kill,
  killLeftovers,
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

const scenario = "gateway SIGKILL mid-import"
const runs = runsOf(10, 100)
const frames = 200
const seed = seedFor(scenario)
const random = generator(seed)
// The moment of each run: once the topic holds this many of the file's frames.
const moments = Array.from({ length: runs }, () => random.between(1, frames - 40))
const flows = moments.map(() => freshFlow("faults-kill"))

const directory = mkdtempSync(join(tmpdir(), "tg-faults-kill-"))
const file = writeTriples(join(directory, "triples.nt"), frames)
const httpUrl = inject("pulsarHttpUrl")
let port = 0
let gateway: Proc | undefined
const gatewayOptions = () => ({ httpUrl, port, flows, topicTemplate: dedupTemplate })

beforeAll(async () => {
  await ensureDedupNamespace(httpUrl)
  port = await freePort()
  gateway = await serve(gatewayOptions())
})
// An import a failed run left; the gateway is started again by the next run if it is gone.
afterEach(() => killLeftovers(gateway))
afterAll(() => {
  killLeftovers()
  rmSync(directory, { recursive: true, force: true })
})

const url = () => `ws://127.0.0.1:${port}`
const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
afterAll(() => record({ scenario, ...totals, seed }))

describe(`${scenario} (seed ${seed})`, () => {
  moments.forEach((moment, run) => {
    it(
      `run ${run + 1} of ${runs}: SIGKILL once ${moment} of ${frames} frames are stored, restart on the same port: every frame exactly once`,
      async () => {
        const flow = flows[run]!
        const topic = dedupTopic(flow)
        if (gateway === undefined || !gateway.running()) {
          gateway = await serve(gatewayOptions())
        }
        const importer = start(importArgs([url()], flow, file.path))
        let finishedFirst = false
        await until(`${moment} frames on ${topic}`, async () => {
          if (!importer.running()) return (finishedFirst = true)
          return (await storedOn(httpUrl, topic)) >= moment
        })
        assert.isFalse(finishedFirst, `the import ended before the kill:\n${importer.text()}`)
        const storedAtKill = await storedOn(httpUrl, topic)
        await kill(gateway, "SIGKILL")
        gateway = await serve(gatewayOptions())
        const code = await importer.closed
        assert.strictEqual(code, 0, importer.text())
        assert.include(importer.text(), "everything landed")

        const counted = tally(file, await framesOnTopic(httpUrl, topic))
        console.log(
          `${scenario}, run ${run + 1}: killed with ${storedAtKill} frames stored; ${counted.frames} on the topic, ` +
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

describe("the same import run again", () => {
  const again = "same import run again"
  const againTotals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
  afterAll(() => record({ scenario: again, ...againTotals, seed }))

  it(
    `the import of the first run's file into its flow, run again: nothing more on the topic, and it says the ${frames} frames were there already`,
    async () => {
      const flow = flows[0]!
      const topic = dedupTopic(flow)
      const before = await storedOn(httpUrl, topic)
      if (gateway === undefined || !gateway.running()) {
        gateway = await serve(gatewayOptions())
      }
      const importer = start(importArgs([url()], flow, file.path))
      assert.strictEqual(await importer.closed, 0, importer.text())
      assert.include(importer.text(), `${frames} frames were on the topic already`)
      const counted = tally(file, await framesOnTopic(httpUrl, topic))
      againTotals.runs++
      againTotals.frames += frames
      againTotals.missing += counted.missingFrames
      againTotals.duplicates += counted.duplicateFrames
      assert.strictEqual(await storedOn(httpUrl, topic), before, "the count on the topic is unchanged")
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
