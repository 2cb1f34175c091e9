/** `tg-gateway import` against a scripted gateway: acks, refusals, dropped connections, bad input. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { runImport, type ImportOptions } from "../../src/programs/cli/importCommand.ts"
import { captureStream, fakeGateway } from "../support/fakeGateway.ts"

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
  format: ImportOptions["source"]["format"],
  batch = 100
): ImportOptions => ({
  target: { url, flow: "default", kind: "triples", workspace: undefined, token: undefined },
  source: { input, format, batch, metadata: { id: "doc", root: "", collection: "default" } },
  bytesTotal: undefined,
  window: 64,
  retries: 3
})

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
      assert.include(stderr.text(), "frame 2 refused by the gateway: triples: required field is missing")
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
        assert.include(stderr.text(), "nothing after it was sent")
      })
  )

  it.live("a gateway that cannot be reached is reported with its address and exit code 1", () =>
    Effect.gen(function* () {
      const stderr = captureStream()
      const code = yield* Effect.promise(() =>
        runImport(options("ws://127.0.0.1:9", file("x.jsonl", jsonLines(1)), "jsonl"), messages, stderr.stream)
      )
      assert.strictEqual(code, 1)
      assert.include(stderr.text(), "cannot connect to ws://127.0.0.1:9/api/v1/flow/default/import/triples?ack=true")
    })
  )
})
