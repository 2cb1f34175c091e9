/** The input as a Stream of frames: JSON Lines and RDF, where each frame came from, what was read. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { framesOf, type SourceOptions } from "../../src/programs/cli/frameSource.ts"

const directory = mkdtempSync(join(tmpdir(), "tg-frames-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(directory, name)
  writeFileSync(path, text)
  return path
}

const source = (input: string, format: SourceOptions["format"], batch = 100): SourceOptions => ({
  input,
  format,
  batch,
  metadata: { id: "doc", root: "", collection: "c" }
})

const collect = (sources: ReadonlyArray<SourceOptions>) =>
  framesOf(sources).pipe(
    Stream.runCollect,
    Effect.map((frames) => Array.from(frames))
  )

describe("frame source", () => {
  it.effect("JSON Lines: one frame a line, blank lines skipped, CRLF taken, bytes counted across files", () =>
    Effect.gen(function* () {
      const first = file("a.jsonl", '{"triples":[1,2]}\r\n\r\n{"entities":[1]}\n')
      const second = file("b.jsonl", '{"chunks":[1,2,3]}')
      const frames = yield* collect([source(first, "jsonl"), source(second, "jsonl")])
      assert.deepStrictEqual(
        frames.map((frame) => [frame.text, frame.items, frame.origin]),
        [
          ['{"triples":[1,2]}', 2, { file: first, line: 1 }],
          ['{"entities":[1]}', 1, { file: first, line: 3 }],
          ['{"chunks":[1,2,3]}', 3, { file: second, line: 1 }]
        ]
      )
      // The second file's bytes count from the end of the first (38 bytes).
      assert.strictEqual(frames[2]?.bytesRead, 38 + 19)
    })
  )

  it.effect("JSON Lines: a line that is not a JSON object ends the stream with its line and column", () =>
    Effect.gen(function* () {
      const path = file("bad.jsonl", '{"triples":[]}\n[1]\n')
      const error = yield* Effect.flip(collect([source(path, "jsonl")]))
      assert.strictEqual(error._tag, "ParseError")
      assert.strictEqual(error.message, `${path}:2:1: expected a JSON object (one frame per line)`)
    })
  )

  it.effect("N-Triples in batches: each frame says which triples of the file it holds", () =>
    Effect.gen(function* () {
      const triple = (i: number) => `<http://example.org/s${i}> <http://example.org/p> "${i}" .\n`
      const path = file("five.nt", [1, 2, 3, 4, 5].map(triple).join(""))
      const frames = yield* collect([source(path, "nt", 2)])
      assert.deepStrictEqual(
        frames.map((frame) => [frame.items, frame.origin]),
        [
          [2, { file: path, first: 1, last: 2 }],
          [2, { file: path, first: 3, last: 4 }],
          [1, { file: path, first: 5, last: 5 }]
        ]
      )
      const [first] = frames
      assert.deepStrictEqual(JSON.parse(first?.text ?? "{}"), {
        metadata: { id: "doc", root: "", collection: "c" },
        triples: [
          {
            s: { t: "i", i: "http://example.org/s1" },
            p: { t: "i", i: "http://example.org/p" },
            o: { t: "l", v: "1" }
          },
          { s: { t: "i", i: "http://example.org/s2" }, p: { t: "i", i: "http://example.org/p" }, o: { t: "l", v: "2" } }
        ]
      })
    })
  )
})
