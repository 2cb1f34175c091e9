/** Progress on stderr: a bar with rate and ETA on a terminal, plain periodic lines elsewhere. */
import { PassThrough } from "node:stream"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { makeProgress } from "../../src/programs/cli/progress.ts"

const stream = (isTTY: boolean) => {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean }
  out.isTTY = isTTY
  let text = ""
  out.on("data", (chunk: Buffer) => (text += chunk.toString()))
  return { out: out as unknown as NodeJS.WriteStream, text: () => text }
}

const state = (done: number) => ({
  frames: done + 5,
  framesDone: done,
  triples: (done + 5) * 100,
  triplesDone: done * 100,
  bytesRead: done * 1000,
  bytesTotal: 100_000
})

describe("progress", () => {
  it.effect("on a terminal: a bar redrawn in place, with counts, rate and time left", () =>
    Effect.sync(() => {
      let now = 0
      const { out, text } = stream(true)
      const progress = makeProgress({
        stream: out,
        messages: makeMessages("en", en),
        direction: "import",
        now: () => now
      })
      now = 10_000
      progress.update(state(25))
      assert.strictEqual(
        text(),
        "\r[######------------------] 25% · frames 25/30 acknowledged · 2,500 items · 250 items/s · about 30 s left\u001b[K"
      )
      progress.finish()
      assert.isTrue(text().endsWith("\r\u001b[K"), "the bar is cleared before the summary")
    })
  )

  it.effect("elsewhere (a log, CI): a plain line every few seconds, no control characters", () =>
    Effect.sync(() => {
      let now = 0
      const { out, text } = stream(false)
      const progress = makeProgress({
        stream: out,
        messages: makeMessages("en", en),
        direction: "export",
        now: () => now,
        lineEvery: 5
      })
      now = 1000
      progress.update(state(10))
      assert.strictEqual(text(), "", "nothing before the first interval")
      now = 6000
      progress.update(state(20))
      now = 7000
      progress.update(state(21))
      assert.strictEqual(text(), "20 frames · 2,000 items · 333 items/s · about 24 s left\n")
    })
  )

  it.effect("a message while the bar is drawn ends the bar's line first, and the bar comes back after it", () =>
    Effect.sync(() => {
      let now = 0
      const { out, text } = stream(true)
      const progress = makeProgress({
        stream: out,
        messages: makeMessages("en", en),
        direction: "import",
        now: () => now
      })
      now = 10_000
      progress.update(state(25))
      const bar = text()
      progress.say("connection dropped (1006 )")
      assert.strictEqual(text().slice(bar.length), "\r\u001b[Kconnection dropped (1006 )\n")
      now = 10_010
      progress.update(state(26))
      assert.match(text().slice(bar.length), /\n\r\[#/, "redrawn at once on a line of its own")
    })
  )
})
