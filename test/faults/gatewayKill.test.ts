/**
 * Fault injection, the gateway killed under an import: a real `tg-gateway serve` on the real Pulsar
 * broker is SIGKILLed while `tg-gateway import` sends a file of 2,000 triples in frames of 10, at a
 * moment drawn from a seeded generator (once the topic holds k frames), and started again on the
 * same port. The import resumes by itself and exits 0; the topic, read straight from Pulsar, holds
 * every frame and every triple exactly once. Then the same import run again stores nothing and says
 * the frames were on the topic already.
 */
import { join } from "node:path"
import { assert, describe, inject, it } from "vitest"
import {
  assertExactlyOnce,
  countOnTopic,
  dedupTemplate,
  dedupTopic,
  framesOnTopic,
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
  start,
  storedOn,
  summaryRow,
  tally,
  writeTriples
} from "./support.ts"

const scenario = "gateway SIGKILL mid-import"
const runs = runsOf(10, 100)
const frames = 200
const seed = seedFor(scenario)
const random = generator(seed)
// The moment of each run: once the topic holds this many of the file's frames.
const plans = runPlans(runs, random, frames - 40, "faults-kill")

const httpUrl = inject("pulsarHttpUrl")
const gateway = keptGateway(() => ({ httpUrl, flows: plans.map((plan) => plan.flow), topicTemplate: dedupTemplate }))
// An import a failed run left is killed; the gateway is started again by the next run if it is gone.
const directory = scratchDirectory("kill", () => [gateway.proc()])
const file = writeTriples(join(directory, "triples.nt"), frames)

gatewaysUpBeforeAll(httpUrl, gateway)

describe(`${scenario} (seed ${seed})`, () => {
  const row = summaryRow(scenario, seed)

  plans.forEach(({ moment, flow }, run) => {
    it(
      `run ${run + 1} of ${runs}: SIGKILL once ${moment} of ${frames} frames are stored, restart on the same port: every frame exactly once`,
      async () => {
        const topic = dedupTopic(flow)
        await gateway.up()
        const imported = await importUnderFault({
          httpUrl,
          topic,
          args: importArgs([gateway.url()], flow, file.path),
          moment,
          fault: "the kill",
          strike: async () => {
            await kill(gateway.proc()!, "SIGKILL")
            await gateway.up()
          }
        })
        assert.include(imported.text, "everything landed")

        const counted = await countOnTopic(row, run, `killed with ${imported.storedAtFault} frames stored`, file, {
          httpUrl,
          topic
        })
        assertExactlyOnce(counted, file)
      },
      runTimeout
    )
  })
})

describe("the same import run again", () => {
  const again = summaryRow("same import run again", seed)

  it(
    `the import of the first run's file into its flow, run again: nothing more on the topic, and it says the ${frames} frames were there already`,
    async () => {
      const flow = plans[0]!.flow
      const topic = dedupTopic(flow)
      const before = await storedOn(httpUrl, topic)
      await gateway.up()
      const importer = start(importArgs([gateway.url()], flow, file.path))
      assert.strictEqual(await importer.closed, 0, importer.text())
      assert.include(importer.text(), `${frames} frames were on the topic already`)
      const counted = tally(file, await framesOnTopic(httpUrl, topic))
      again.add(file, counted)
      assert.strictEqual(await storedOn(httpUrl, topic), before, "the count on the topic is unchanged")
      assertExactlyOnce(counted, file)
    },
    runTimeout
  )
})
