/**
 * `tg-gateway import` against a scripted gateway (acks, refusals, dropped connections, bad input)
 * and against the real gateway on the in-memory broker, in the test process and as the command.
 */
import { execFile, execFileSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { fileURLToPath } from "node:url"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { runImport, type ImportOptions } from "../../src/programs/cli/importCommand.ts"
import { captureStream, fakeGateway } from "../support/fakeGateway.ts"
import { triplesFrame } from "../support/frames.ts"
import { startGateway } from "../support/gateway.ts"
import { freePort, silentServer } from "../support/process.ts"

const messages = makeMessages("en", en)
const directory = mkdtempSync(join(tmpdir(), "tg-import-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(directory, name)
  writeFileSync(path, text)
  return path
}

const jsonLines = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify({ metadata: { id: `f${i + 1}`, root: "", collection: "c" }, triples: [] })
  ).join("\n")

const idOf = (frame: string) => (JSON.parse(frame) as { metadata: { id: string } }).metadata.id

const options = (
  url: string,
  input: string,
  format: ImportOptions["sources"][number]["format"],
  batch = 100,
  retries = 3
): ImportOptions => ({
  target: { urls: [url], flow: "default", kind: "triples", workspace: undefined, token: undefined },
  sources: [{ input, format, batch, metadata: { id: "doc", root: "", collection: "default" } }],
  bytesTotal: undefined,
  window: 64,
  retries,
  producer: { _tag: "Off" }
})

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))

/** Runs the real command; resolves when it has exited by itself, with what it printed. */
const tgGateway = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.callback<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env["PATH"] ?? "", ...env } },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }))
    )
  })

/** Timers of this process, by kind: a finished command must leave none running (a retry loop would). */
const activeResources = () => {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo())
    if (kind === "Timeout" || kind === "Immediate") counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return counts
}
const leftBehind = (before: Map<string, number>) =>
  [...activeResources()].filter(([kind, n]) => n > (before.get(kind) ?? 0)).map(([kind]) => kind)

const ack = (socket: { send: (text: string) => void }, n: number) => socket.send(JSON.stringify({ ack: n }))

describe("tg-gateway import", () => {
  it.live("sends every frame with ?ack=true and exits 0 once all are acknowledged", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n) => ack(connection.socket, n))
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("ten.jsonl", jsonLines(10)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 0)
      assert.match(gateway.connections[0]?.url ?? "", /^\/api\/v1\/flow\/default\/import\/triples\?ack=true/)
      assert.deepStrictEqual(
        gateway.connections[0]?.frames.map(idOf),
        Array.from({ length: 10 }, (_, i) => `f${i + 1}`)
      )
      assert.include(stderr.text(), "10 of 10 frames acknowledged")
      assert.include(stderr.text(), "everything landed")
    })
  )

  it.live("after a dropped connection it reconnects and resends exactly the frames not acknowledged", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n, _frame, index) => {
        if (index === 0) {
          // The first connection acks frames 1, 2 and 4 of 10, then drops without a close frame.
          if (n === 1 || n === 2 || n === 4) ack(connection.socket, n)
          if (n === 10) setTimeout(() => connection.socket.terminate(), 20)
        } else {
          ack(connection.socket, n)
        }
      })
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("drop.jsonl", jsonLines(10)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 0)
      assert.strictEqual(gateway.connections.length, 2)
      assert.deepStrictEqual(gateway.connections[1]?.frames.map(idOf), ["f3", "f5", "f6", "f7", "f8", "f9", "f10"])
      assert.include(stderr.text(), "reconnecting (attempt 1 of 3)")
      assert.include(stderr.text(), "reconnected; sending again the 7 frames not acknowledged")
      assert.include(stderr.text(), "10 of 10 frames acknowledged")
    })
  )

  it.live("a frame the gateway refuses is reported and the exit code says not everything landed", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n) =>
        n === 2
          ? connection.socket.send(
              JSON.stringify({
                nack: 2,
                error: { message: "triples: required field is missing", path: "triples", frame: 2 }
              })
            )
          : ack(connection.socket, n)
      )
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("three.jsonl", jsonLines(3)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      assert.include(stderr.text(), "frame 2 (")
      assert.include(stderr.text(), "three.jsonl line 2) refused by the gateway: triples: required field is missing")
      assert.include(stderr.text(), "not everything landed: 0 frames unacknowledged, 1 refused")
    })
  )

  it.live("a retryable nack is sent again and lands", () =>
    Effect.gen(function* () {
      let refusedOnce = false
      const gateway = yield* fakeGateway((connection, n) => {
        if (n === 1 && !refusedOnce) {
          refusedOnce = true
          connection.socket.send(JSON.stringify({ nack: 1, error: { message: "send failed", retryable: true } }))
        } else ack(connection.socket, n)
      })
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("one.jsonl", jsonLines(1)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 0)
      assert.deepStrictEqual(gateway.connections[0]?.frames.map(idOf), ["f1", "f1"])
    })
  )

  it.live(
    "Turtle is batched into triples frames; a parse error names file, line and column and stops after what came before",
    () =>
      Effect.gen(function* () {
        const gateway = yield* fakeGateway((connection, n) => ack(connection.socket, n))
        const turtle = [
          "@prefix ex: <http://example.org/> .",
          "ex:a ex:p ex:b .",
          'ex:a ex:p "two"@en .',
          "ex:a ex:p 3 .",
          "ex:a ex:p ex:c ;; ex:q .",
          "ex:a ex:p ex:d ."
        ].join("\n")
        const path = file("broken.ttl", turtle)
        const stderr = captureStream()
        const code = yield* Effect.promise(() =>
          runImport(options(gateway.url, path, "ttl", 1), messages, stderr.stream)
        )
        assert.strictEqual(code, 3)
        const sent = (gateway.connections[0]?.frames ?? []).map(
          (f) => JSON.parse(f) as { triples: Array<{ o: unknown }> }
        )
        assert.deepStrictEqual(
          sent.map((frame) => frame.triples[0]?.o),
          [
            { t: "i", i: "http://example.org/b" },
            { t: "l", v: "two", ln: "en" },
            { t: "l", v: "3", dt: "http://www.w3.org/2001/XMLSchema#integer" },
            // The statement on line 5 is complete before the stray ';' the parser stops at.
            { t: "i", i: "http://example.org/c" }
          ]
        )
        assert.match(stderr.text(), new RegExp(`${path.replaceAll(".", "\\.")}:5:\\d+: parse error: `))
        assert.include(stderr.text(), "everything before line 5 landed; nothing from that line on was sent")
      })
  )

  it.live("a retryable nack is resent at most --retries times; then the frame is reported and the rest goes on", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n, frame) =>
        idOf(frame) === "f2"
          ? connection.socket.send(JSON.stringify({ nack: n, error: { message: "send failed", retryable: true } }))
          : ack(connection.socket, n)
      )
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("retry.jsonl", jsonLines(3)), "jsonl", 100, 2), messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      assert.deepStrictEqual(gateway.connections[0]?.frames.map(idOf).sort(), ["f1", "f2", "f2", "f2", "f3"])
      assert.include(stderr.text(), "retry.jsonl line 2) still not taken after 3 attempts: send failed")
      assert.include(stderr.text(), "2 of 3 frames acknowledged")
      assert.include(stderr.text(), "not everything landed: 0 frames unacknowledged, 1 refused")
    })
  )

  it.live("Ctrl-C: exit 130, with what was not acknowledged and what to do next", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((_connection, n) => {
        if (n === 1) process.emit("SIGINT")
      })
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("ctrl-c.jsonl", jsonLines(3)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 130)
      assert.include(stderr.text(), "0 of ")
      assert.include(stderr.text(), "frames sent but not acknowledged")
      assert.include(stderr.text(), "run the same command again to import it all")
    })
  )

  it.live(
    "Ctrl-C while the first connection is still opening: exit 130, saying nothing was sent and what to do next",
    () =>
      Effect.gen(function* () {
        // Accepts the TCP connection and never answers the upgrade: the connection stays opening.
        const silent = yield* silentServer(() => process.emit("SIGINT"))
        const stderr = captureStream()
        const code = yield* Effect.promise(() =>
          runImport(
            options(`ws://127.0.0.1:${silent.port}`, file("opening.jsonl", jsonLines(3)), "jsonl"),
            messages,
            stderr.stream
          )
        )
        assert.strictEqual(code, 130)
        assert.include(stderr.text(), "interrupted: 0 frames sent but not acknowledged")
        assert.include(stderr.text(), "run the same command again to import it all")
      })
  )

  it.live("Ctrl-C while the input is read through for its producer name: exit 130 at once, nothing sent", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway(() => {})
      // A named pipe nobody writes to: reading it for the digest waits until Ctrl-C.
      const fifo = join(directory, "never-written.nt")
      execFileSync("mkfifo", [fifo])
      const stderr = captureStream()
      const listening = process.listenerCount("SIGINT")
      const running = runImport(
        { ...options(gateway.url, fifo, "nt"), producer: { _tag: "Auto" } },
        messages,
        stderr.stream
      )
      // The command's Ctrl-C listener is there once it has begun reading the input through.
      while (process.listenerCount("SIGINT") === listening) yield* Effect.promise(() => new Promise(setImmediate))
      process.emit("SIGINT")
      const code = yield* Effect.promise(() => running)
      // The read still waiting on the pipe in Node's thread pool is let go by a writer opening it.
      closeSync(openSync(fifo, "w"))
      assert.strictEqual(code, 130)
      assert.deepStrictEqual(gateway.connections.length, 0, "nothing connected, nothing sent")
      assert.include(stderr.text(), "interrupted: 0 frames sent but not acknowledged")
    })
  )

  it.live("Ctrl-C while the input waits for more (an open pipe): exit 130 at once, and standard input is let go", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n) => {
        ack(connection.socket, n)
        process.emit("SIGINT")
      })
      // A pipe whose writer is still there: one frame now, more perhaps later.
      const stdin = new PassThrough()
      stdin.write(`${jsonLines(1)}\n`)
      const stderr = captureStream()
      const base = options(gateway.url, "-", "jsonl")
      const code = yield* Effect.promise(() =>
        runImport({ ...base, sources: base.sources.map((source) => ({ ...source, stdin })) }, messages, stderr.stream)
      )
      assert.strictEqual(code, 130)
      assert.include(stderr.text(), "of 1 frame acknowledged")
      assert.include(stderr.text(), "run the same command again to import it all")
      // An open standard input would keep the process alive after the command has ended.
      assert.isTrue(stdin.destroyed)
    })
  )

  it.live("--retries 0: a retryable nack is final and a dropped connection is not reopened", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection) =>
        connection.socket.send(JSON.stringify({ nack: 1, error: { message: "send failed", retryable: true } }))
      )
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("once.jsonl", jsonLines(1)), "jsonl", 100, 0), messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      assert.deepStrictEqual(gateway.connections[0]?.frames.map(idOf), ["f1"])
      assert.include(stderr.text(), "still not taken after 1 attempt: send failed")
    })
  )

  it.live("a parse error after a part-filled batch: that batch is published, and the summary says what landed", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n) => ack(connection.socket, n))
      const turtle = [
        "@prefix ex: <http://example.org/> .",
        "ex:a ex:p ex:b .",
        "ex:a ex:p ex:c .",
        "ex:a ex:p ex:d .",
        "ex:a ex:p ;; ."
      ].join("\n")
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, file("part.ttl", turtle), "ttl", 100), messages, stderr.stream)
      )
      assert.strictEqual(code, 3)
      const sent = (gateway.connections[0]?.frames ?? []).map((f) => JSON.parse(f) as { triples: Array<unknown> })
      assert.deepStrictEqual(
        sent.map((frame) => frame.triples.length),
        [3]
      )
      assert.include(stderr.text(), "1 of 1 frame acknowledged (3 items)")
      assert.include(stderr.text(), "everything before line 5 landed; nothing from that line on was sent")
    })
  )

  it.live("an input that cannot be read (a directory) is said with its name, exit 3, instead of a crash", () =>
    Effect.gen(function* () {
      const gateway = yield* fakeGateway((connection, n) => ack(connection.socket, n))
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(gateway.url, directory, "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 3)
      assert.include(stderr.text(), `cannot read ${directory}: EISDIR`)
      assert.include(stderr.text(), "0 of 0 frames acknowledged")
    })
  )

  it.live("a frame larger than MAX_FRAME_SIZE (the gateway closes with 1009) is reported once, never resent", () =>
    Effect.gen(function* () {
      const gateway = yield* startGateway(yield* makeMemoryBroker, { MAX_FRAME_SIZE: "4KiB" })
      const frames = [triplesFrame("small-1"), triplesFrame("large", 200), triplesFrame("small-2")]
      const path = file("large.jsonl", frames.map((frame) => JSON.stringify(frame)).join("\n"))
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport({ ...options(`ws://127.0.0.1:${gateway.port}`, path, "jsonl"), window: 1 }, messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      const text = stderr.text()
      assert.strictEqual(text.split("larger than the gateway accepts").length - 1, 1, text)
      assert.include(text, "frame 2 (")
      assert.include(text, "large.jsonl line 2,")
      assert.include(text, "a smaller --batch")
      assert.include(text, "2 of 3 frames acknowledged")
      assert.notInclude(text, "gave up")
    })
  )

  it.live(
    "several files in one command, with trustgraph-cli's -u (an http:// URL), -f, -w, -t and TRUSTGRAPH_TOKEN",
    () =>
      Effect.gen(function* () {
        const gateway = yield* startGateway(yield* makeMemoryBroker, { GATEWAY_SECRET: "s3cret" })
        const first = file("first.nt", "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
        const second = file("second.ttl", "@prefix ex: <http://example.org/> .\nex:c ex:p ex:d , ex:e .\n")
        const url = `http://127.0.0.1:${gateway.port}/`
        const withFlag = yield* tgGateway([
          "import",
          "-u",
          url,
          "-f",
          "default",
          "-w",
          "default",
          "-t",
          "s3cret",
          first,
          second
        ])
        assert.strictEqual(withFlag.code, 0, withFlag.stderr)
        assert.include(withFlag.stderr, "2 of 2 frames acknowledged (3 items)")
        const withEnv = yield* tgGateway(["import", "--api-url", url, "--flow-id", "default", first], {
          TRUSTGRAPH_TOKEN: "s3cret"
        })
        assert.strictEqual(withEnv.code, 0, withEnv.stderr)
        assert.include(withEnv.stderr, "1 of 1 frame acknowledged (1 item)")
      })
  )

  it.live("a missing input file is said before connecting; a bad --url is a usage error", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const missing = yield* tgGateway(["import", "--url", `ws://127.0.0.1:${port}`, join(directory, "nope.nt")])
      assert.strictEqual(missing.code, 2)
      assert.include(missing.stderr, `no such file: ${join(directory, "nope.nt")}`)
      assert.notInclude(missing.stderr, "connect")
      const badUrl = yield* tgGateway(["import", "--url", "127.0.0.1:8888", file("u.jsonl", jsonLines(1))])
      assert.strictEqual(badUrl.code, 2)
      assert.include(badUrl.stderr, `--url: "127.0.0.1:8888" is not a gateway address`)
      assert.notMatch(badUrl.stderr, /\n\s+at /, "no stack trace")
      const env = yield* tgGateway(["import", file("v.jsonl", jsonLines(1))], { TG_GATEWAY_URL: "ftp://x" })
      assert.strictEqual(env.code, 2)
      assert.include(env.stderr, `TG_GATEWAY_URL: "ftp://x" is not a gateway address`)
    })
  )

  it.live("a gateway that is not running is said plainly, once, and nothing of the command is left running", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const path = file("x.jsonl", jsonLines(1))
      // In this process: once the command has returned, no timer or socket of it remains.
      const before = activeResources()
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options(`ws://127.0.0.1:${port}`, path, "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      assert.deepStrictEqual(leftBehind(before), [], "a timer outlived the command")
      assert.strictEqual(
        stderr.text(),
        `nothing is listening at 127.0.0.1:${port} (connection refused for ws://127.0.0.1:${port}/api/v1/flow/default/import/triples?ack=true): is 'tg-gateway serve' running there?\n`
      )
      // As the command: it exits by itself, having said only that.
      const run = yield* tgGateway(["import", "--url", `ws://127.0.0.1:${port}`, path])
      assert.strictEqual(run.code, 1)
      assert.deepStrictEqual(run.stderr.trimEnd().split("\n").length, 1, run.stderr)
      assert.include(run.stderr, "is 'tg-gateway serve' running there?")
    })
  )
})
