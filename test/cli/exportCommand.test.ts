/** `tg-gateway export` against a scripted gateway: formats, stopping conditions, Ctrl-C, its output. */
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough, Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { exportCommand, type ExportOptions, runExport } from "../../src/programs/cli/exportCommand.ts"
import { triplesFrame } from "../support/frames.ts"
import { captureStream, fakeGateway } from "../support/fakeGateway.ts"
import { freePort } from "../support/process.ts"
import { scriptedGateway, stderrCapture } from "./scriptedGateway.ts"

const messages = makeMessages("en", en)
const directory = mkdtempSync(join(tmpdir(), "tg-export-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const options = (url: string, overrides: Partial<ExportOptions>): ExportOptions => ({
  target: { urls: [url], flow: "default", kind: "triples", workspace: undefined, token: undefined },
  output: "-",
  mode: "overwrite",
  format: "jsonl",
  subscription: undefined,
  from: "latest",
  count: undefined,
  idleMillis: undefined,
  retries: 5,
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

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))

/** Runs the real command; resolves when it has exited by itself, with what it printed. */
const tgGateway = (args: ReadonlyArray<string>) =>
  Effect.callback<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env["PATH"] ?? "" } }, (error, stdout, stderr) =>
      resume(Effect.succeed({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }))
    )
  })

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
      assert.include(stderr.text(), "to go on later where an export stopped, give it --subscription NAME")
      assert.include(stderr.text(), "wrote 2 frames (2 items) to standard output as jsonl")
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
      assert.include(stderr.text(), "wrote 1 frame (1 item) to standard output as jsonl")
    })
  )

  it.effect("--idle on the TestClock: it waits that long after each frame, and no longer", () =>
    Effect.gen(function* () {
      const gateway = scriptedGateway({ onOpen: (connection) => connection.push(triplesFrame("first")) })
      const stderr = stderrCapture()
      const stdout = new PassThrough()
      let written = ""
      stdout.on("data", (chunk: Buffer) => (written += chunk.toString()))
      const fiber = yield* exportCommand(
        options("ws://gateway.test", { idleMillis: 200 }),
        messages,
        stderr.stream,
        stdout
      ).pipe(Effect.provide(gateway.layer), Effect.forkChild)
      yield* TestClock.adjust("199 millis")
      assert.isUndefined(fiber.pollUnsafe(), "still waiting at 199 ms")
      gateway.connections[0]?.push(triplesFrame("second"))
      // 200 ms after the first frame, but only 199 ms after the second.
      yield* TestClock.adjust("199 millis")
      assert.isUndefined(fiber.pollUnsafe(), "the second frame started the wait again")
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(fiber), 0)
      assert.include(stderr.text(), "stopped: no frame for 0.2 s")
      assert.include(stderr.text(), "wrote 2 frames (2 items) to standard output as jsonl")
      assert.deepStrictEqual(gateway.connections[0]?.closedBy, { side: "command", code: 1000 })
      assert.strictEqual(written.trimEnd().split("\n").length, 2)
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
              urls: ["ws://127.0.0.1:9"],
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

  it.live("`export | head -1`: it stops quietly when the reader goes away (no EPIPE, no stack trace), exit 0", () =>
    Effect.gen(function* () {
      const gateway = yield* sending(Array.from({ length: 2000 }, (_, i) => triplesFrame(`p${i}`, 5)))
      const result = yield* Effect.callback<{ code: number | null; firstLine: string; stderr: string }>((resume) => {
        const child = spawn(process.execPath, [bin, "export", "--url", gateway.url], { stdio: "pipe" })
        let out = ""
        let stderr = ""
        let firstLine = ""
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString()
          if (firstLine === "" && out.includes("\n")) {
            firstLine = out.slice(0, out.indexOf("\n"))
            // What `head -1` does once it has its line: it closes the pipe.
            child.stdout.destroy()
          }
        })
        child.once("exit", (code) => resume(Effect.succeed({ code, firstLine, stderr })))
      })
      assert.strictEqual(result.code, 0, result.stderr)
      assert.include(result.firstLine, `"p0"`)
      assert.notMatch(result.stderr, /EPIPE|\n\s+at /, result.stderr)
    })
  )

  it.live("--output never empties an existing file: refused without --force, appended to with --subscription", () =>
    Effect.gen(function* () {
      const gateway = yield* sending([triplesFrame("new")])
      const output = join(directory, "existing.jsonl")
      writeFileSync(output, "old line\n")
      const refused = yield* tgGateway(["export", "--url", gateway.url, "--output", output, "--count", "1"])
      assert.strictEqual(refused.code, 2)
      assert.include(refused.stderr, `${output} already exists: add --force to overwrite it`)
      assert.strictEqual(readFileSync(output, "utf8"), "old line\n")
      assert.strictEqual(gateway.connections.length, 0, "refused before connecting")

      const appended = yield* tgGateway([
        "export",
        "--url",
        gateway.url,
        "--output",
        output,
        "--subscription",
        "s",
        "--count",
        "1"
      ])
      assert.strictEqual(appended.code, 0, appended.stderr)
      const lines = readFileSync(output, "utf8").trimEnd().split("\n")
      assert.strictEqual(lines[0], "old line")
      assert.include(lines[1], `"new"`)

      const forced = yield* tgGateway(["export", "--url", gateway.url, "--output", output, "--force", "--count", "1"])
      assert.strictEqual(forced.code, 0, forced.stderr)
      assert.deepStrictEqual(readFileSync(output, "utf8").trimEnd().split("\n").length, 1)
    })
  )

  it.live("a gateway that is not running: said plainly, no file created, the command exits by itself", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const output = join(directory, "never.jsonl")
      const run = yield* tgGateway(["export", "--url", `http://127.0.0.1:${port}`, "--output", output])
      assert.strictEqual(run.code, 1)
      assert.include(run.stderr, `nothing is listening at 127.0.0.1:${port}`)
      assert.include(run.stderr, "is 'tg-gateway serve' running there?")
      assert.throws(() => readFileSync(output), /ENOENT/)
      const badUrl = yield* tgGateway(["export", "--url", "localhost"])
      assert.strictEqual(badUrl.code, 2)
      assert.include(badUrl.stderr, `--url: "localhost" is not a gateway address`)
    })
  )

  it.live(
    "a kind the gateway does not export, or an option without its value, is a usage error said before connecting",
    () =>
      Effect.gen(function* () {
        const port = yield* freePort
        const run = yield* tgGateway(["export", "--url", `http://127.0.0.1:${port}`, "--kind", "rows"])
        assert.strictEqual(run.code, 2)
        assert.include(
          run.stderr,
          `--kind: "rows" is not one of triples, graph-embeddings, document-embeddings, entity-contexts`
        )
        assert.notInclude(run.stderr, "nothing is listening", "refused before any connection")
        const help = yield* tgGateway(["export", "--help"])
        assert.include(help.stdout, "kind: triples, graph-embeddings, document-embeddings or entity-contexts")
        assert.notInclude(help.stdout, "rows", "export --help offers only what can be exported")
        const missing = yield* tgGateway(["export", "--idle"])
        assert.strictEqual(missing.code, 2)
        assert.include(missing.stderr, "tg-gateway export: option --idle needs a value")
        assert.include(missing.stderr, "Run 'tg-gateway export --help' for its options.")
      })
  )

  it.live(
    "--subscription asks for ?ack=true and acknowledges frame n only once its lines are handed to the output; error frames are not counted",
    () =>
      Effect.gen(function* () {
        // What happened, in order: the output taking each frame's lines, and the gateway receiving acks.
        const log: Array<string> = []
        const gateway = yield* fakeGateway(
          (_connection, _n, frame) => void log.push(frame),
          (connection) => {
            connection.socket.send(JSON.stringify(triplesFrame("a")))
            connection.socket.send(JSON.stringify({ error: { message: "a bad ack", path: "", frame: 1 } }))
            connection.socket.send(JSON.stringify(triplesFrame("b")))
            connection.socket.send(JSON.stringify(triplesFrame("c")))
          }
        )
        // An output that takes its time: each write is handed over on a later turn of the event loop.
        const stdout = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            // The empty write is the final flush's.
            if (chunk.length === 0) return callback()
            setImmediate(() => {
              log.push(`handed ${(JSON.parse(chunk.toString()) as { metadata: { id: string } }).metadata.id}`)
              callback()
            })
          }
        })
        const stderr = captureStream()
        const code = yield* Effect.promise(() =>
          runExport(options(gateway.url, { subscription: "s", count: 3 }), messages, stderr.stream, stdout)
        )
        assert.strictEqual(code, 0, stderr.text())
        assert.match(gateway.connections[0]?.url ?? "", /\?subscription=s&from=latest&ack=true$/)
        const acks = log
          .filter((entry) => entry.startsWith("{"))
          .map((entry) => (JSON.parse(entry) as { ack: number }).ack)
        assert.strictEqual(acks.at(-1), 3, "the last frame is acknowledged before the connection closes")
        assert.deepStrictEqual(
          acks,
          [...acks].sort((x, y) => x - y),
          "acks only go forward"
        )
        for (const n of acks) {
          const handed = log.indexOf(`handed ${["a", "b", "c"][n - 1]}`)
          assert.isAbove(handed, -1, `frame ${n} was handed to the output`)
          assert.isBelow(handed, log.indexOf(JSON.stringify({ ack: n })), `frame ${n} was acked after it was written`)
        }
      })
  )

  it.live("without --subscription nothing is acknowledged and ?ack is not asked for", () =>
    Effect.gen(function* () {
      const gateway = yield* sending([triplesFrame("a"), triplesFrame("b")])
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runExport(options(gateway.url, { count: 2 }), messages, stderr.stream, new PassThrough())
      )
      assert.strictEqual(code, 0, stderr.text())
      assert.notInclude(gateway.connections[0]?.url ?? "", "ack")
      assert.deepStrictEqual(gateway.connections[0]?.frames, [])
    })
  )
})
