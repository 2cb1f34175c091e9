/** `tg-gateway export` against a scripted gateway: formats, stopping conditions, Ctrl-C. */
import { mkdtempSync, rmSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { type ExportOptions, runExport } from "../../src/programs/cli/exportCommand.ts"
import { triplesFrame } from "../support/frames.ts"
import { captureStream, fakeGateway } from "../support/fakeGateway.ts"

const messages = makeMessages("en", en)
const directory = mkdtempSync(join(tmpdir(), "tg-export-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const options = (url: string, overrides: Partial<ExportOptions>): ExportOptions => ({
  target: { url, flow: "default", kind: "triples", workspace: undefined, token: undefined },
  output: "-",
  format: "jsonl",
  subscription: undefined,
  from: "latest",
  count: undefined,
  idleMillis: undefined,
  ...overrides
})

/** A gateway that sends these frames as soon as a client connects. */
const sending = (frames: ReadonlyArray<unknown>) =>
  fakeGateway(
    () => {},
    (connection) => {
      for (const frame of frames) connection.socket.send(JSON.stringify(frame))
    }
  )

describe("tg-gateway export", () => {
  it.live("--count 3 writes the first three frames' triples as N-Triples and stops", () =>
    Effect.gen(function* () {
      const gateway = yield* sending([1, 2, 3, 4, 5].map((i) => triplesFrame(`d${i}`, 2)))
      const output = join(directory, "three.nt")
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runExport(
          options(gateway.url, { output, format: "nt", count: 3, subscription: "s1", from: "earliest" }),
          messages,
          stderr.stream
        )
      )
      assert.strictEqual(code, 0)
      const lines = readFileSync(output, "utf8").trimEnd().split("\n")
      assert.strictEqual(lines.length, 6)
      assert.strictEqual(
        lines[0],
        `<http://example.org/d1/s0> <http://www.w3.org/2000/01/rdf-schema#label> "label 0"@en .`
      )
      assert.match(gateway.connections[0]?.url ?? "", /export\/triples\?subscription=s1&from=earliest/)
      assert.include(stderr.text(), "stopped after 3 frames")
      assert.include(stderr.text(), `wrote 3 frames (6 items) to ${output} as nt`)
    })
  )

  it.live("Ctrl-C stops it cleanly with every frame received written out", () =>
    Effect.gen(function* () {
      const gateway = yield* sending([triplesFrame("a"), triplesFrame("b")])
      const stdout = new PassThrough()
      let written = ""
      stdout.on("data", (chunk: Buffer) => {
        written += chunk.toString()
        if (written.split("\n").length > 2) process.emit("SIGINT")
      })
      const stderr = captureStream()
      const code = yield* Effect.promise(() => runExport(options(gateway.url, {}), messages, stderr.stream, stdout))
      assert.strictEqual(code, 0)
      assert.deepStrictEqual(
        written
          .trimEnd()
          .split("\n")
          .map((line) => (JSON.parse(line) as { metadata: { id: string } }).metadata.id),
        ["a", "b"]
      )
      assert.include(stderr.text(), "stopped (Ctrl-C)")
    })
  )

  it.live("--idle stops after that long without a frame", () =>
    Effect.gen(function* () {
      const gateway = yield* sending([triplesFrame("only")])
      const stderr = captureStream()
      const stdout = new PassThrough()
      stdout.resume()
      const code = yield* Effect.promise(() =>
        runExport(options(gateway.url, { idleMillis: 200 }), messages, stderr.stream, stdout)
      )
      assert.strictEqual(code, 0)
      assert.include(stderr.text(), "stopped: no frame for 0.2 s")
      assert.include(stderr.text(), "wrote 1 frames (1 items) to stdout as jsonl")
    })
  )

  it.live("N-Triples output of a kind other than triples is refused with exit code 2", () =>
    Effect.gen(function* () {
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runExport(
          options("ws://127.0.0.1:9", {
            format: "nt",
            target: {
              url: "ws://127.0.0.1:9",
              flow: "default",
              kind: "graph-embeddings",
              workspace: undefined,
              token: undefined
            }
          }),
          messages,
          stderr.stream
        )
      )
      assert.strictEqual(code, 2)
      assert.include(stderr.text(), "use --format jsonl for graph-embeddings")
    })
  )
})
