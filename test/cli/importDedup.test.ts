/**
 * `tg-gateway import` with a producer name, against a scripted gateway on the TestClock: what each
 * connection asks for (`?producer=`, `first=`), which frames it sends again after a drop, a
 * retryable nack or a refusal, what it says when the broker held frames already, how it turns to
 * at least once where the namespace has no deduplication, and how it moves between gateway
 * instances given with `--url a,b`.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { en } from "../../src/i18n/catalogs/en.ts"
import { makeMessages } from "../../src/i18n/messages.ts"
import { UpgradeRefused } from "../../src/programs/cli/GatewaySocket.ts"
import { type ImportOptions, importCommand, type ProducerChoice } from "../../src/programs/cli/importCommand.ts"
import { producerNameOf } from "../../src/programs/cli/producerName.ts"
import { idOf, jsonLinesInputs, notListening, type Script, scriptedGateway, stderrCapture } from "./scriptedGateway.ts"

const messages = makeMessages("en", en)
const { directory, input } = jsonLinesInputs("tg-import-dedup-")

const named: ProducerChoice = { _tag: "Named", name: "loader" }

const options = (path: string, producer: ProducerChoice, urls = ["ws://a.test"]): ImportOptions => ({
  target: { urls, flow: "default", kind: "triples", workspace: undefined, token: undefined },
  sources: [{ input: path, format: "jsonl", batch: 100, metadata: { id: "doc", root: "", collection: "default" } }],
  bytesTotal: undefined,
  window: 64,
  retries: 3,
  producer
})

/**
 * Runs the command to its end. Reading the input is real I/O, so the TestClock is moved on only
 * once the command says `waitFor` (it is then waiting to reconnect); nothing else here waits on it.
 */
const run = (
  path: string,
  producer: ProducerChoice,
  script: Script,
  { urls, waitFor }: { readonly urls?: ReadonlyArray<string>; readonly waitFor?: string } = {}
) =>
  Effect.gen(function* () {
    const gateway = scriptedGateway(script)
    const stderr = stderrCapture()
    const fiber = yield* importCommand(
      options(path, producer, urls ? [...urls] : undefined),
      messages,
      stderr.stream
    ).pipe(Effect.provide(gateway.layer), Effect.forkChild)
    if (waitFor !== undefined) {
      yield* stderr.said(waitFor)
      yield* TestClock.adjust("1 minute")
    }
    const code = yield* Fiber.join(fiber)
    const sent = (index: number) => gateway.connections[index]?.frames.map((frame) => idOf(frame.text))
    const query = (index: number) => {
      const url = new URL(gateway.connections[index]!.url)
      return { host: url.host, producer: url.searchParams.get("producer"), first: url.searchParams.get("first") }
    }
    return { code, text: stderr.text(), gateway, sent, query }
  })

const ack = (n: number, duplicate = false) => (duplicate ? { ack: n, duplicate: true } : { ack: n })
const retryableNack = (n: number) => ({ nack: n, error: { message: "not stored", retryable: true } })
const refusal = (n: number) => ({ nack: n, error: { message: "bad frame", path: "triples" } })

describe("tg-gateway import with a producer name", () => {
  it.effect("after a drop it resumes from the first frame not acknowledged, with first= that frame's sequence id", () =>
    Effect.gen(function* () {
      const { code, text, sent, query } = yield* run(
        input("drop.jsonl", 5),
        named,
        {
          onFrame: (connection, n) => {
            if (connection.index > 0) return connection.push(ack(n, n === 1))
            if (n <= 2) connection.push(ack(n))
            if (n === 5) connection.drop()
          }
        },
        { waitFor: "connection dropped" }
      )
      assert.strictEqual(code, 0, text)
      assert.deepStrictEqual(query(0), { host: "a.test", producer: "loader", first: "1" })
      assert.deepStrictEqual(query(1), { host: "a.test", producer: "loader", first: "3" })
      assert.deepStrictEqual(sent(1), ["f3", "f4", "f5"])
      assert.include(text, "5 of 5 frames acknowledged")
      assert.include(text, "1 frame was on the topic already (producer loader) and not stored again")
    })
  )

  it.effect(
    "frames acknowledged after an unanswered one are sent again too, so that the connection's numbering has no gap",
    () =>
      Effect.gen(function* () {
        const { code, sent, query, text } = yield* run(
          input("gapless.jsonl", 4),
          named,
          {
            onFrame: (connection, n) => {
              if (connection.index > 0) return connection.push(ack(n, n === 2))
              if (n === 1 || n === 3) connection.push(ack(n))
              if (n === 4) connection.drop()
            }
          },
          { waitFor: "connection dropped" }
        )
        assert.strictEqual(code, 0, text)
        assert.deepStrictEqual(query(1).first, "2")
        assert.deepStrictEqual(sent(1), ["f2", "f3", "f4"])
      })
  )

  it.effect("a retryable nack ends the connection: the next one starts at that frame, not after later ones", () =>
    Effect.gen(function* () {
      const { code, gateway, sent, query, text } = yield* run(input("nacked.jsonl", 4), named, {
        onFrame: (connection, n) => {
          if (connection.index > 0) return connection.push(ack(n))
          if (n === 1) connection.push(ack(n))
          if (n === 3) connection.push(ack(n))
          if (n === 4) connection.push(retryableNack(2))
        }
      })
      assert.strictEqual(code, 0, text)
      assert.deepStrictEqual(gateway.connections[0]!.closedBy, { side: "command", code: 1000 })
      assert.deepStrictEqual(query(1).first, "2")
      assert.deepStrictEqual(sent(1), ["f2", "f3", "f4"])
      assert.include(text, "frame 2 was not stored: resuming from it on a new connection")
      // Resumed at once: not a dropped connection waiting out the backoff.
      assert.deepStrictEqual(gateway.attempts, [0, 0])
      assert.include(text, "4 of 4 frames acknowledged")
    })
  )

  it.effect(
    "a refused frame behind an unanswered one: that one is sent alone, then the frames after the refused one from their own first=",
    () =>
      Effect.gen(function* () {
        const { code, sent, query, text } = yield* run(
          input("refused.jsonl", 4),
          named,
          {
            onFrame: (connection, n) => {
              if (connection.index === 0) {
                if (n === 2) connection.push(refusal(2))
                if (n === 4) connection.drop(1008, "frame 2 refused")
              } else connection.push(ack(n))
            }
          },
          { waitFor: "connection dropped" }
        )
        assert.strictEqual(code, 1, text)
        assert.deepStrictEqual([query(1).first, sent(1)], ["1", ["f1"]])
        assert.deepStrictEqual([query(2).first, sent(2)], ["3", ["f3", "f4"]])
        assert.include(text, "3 of 4 frames acknowledged")
        assert.include(text, "bad frame")
      })
  )

  it.effect("the same import again: every frame was on the topic already, and it says so", () =>
    Effect.gen(function* () {
      const { code, text } = yield* run(input("again.jsonl", 3), named, {
        onFrame: (connection, n) => connection.push(ack(n, true))
      })
      assert.strictEqual(code, 0, text)
      assert.include(text, "3 frames were on the topic already (producer loader) and not stored again")
      assert.include(text, "everything landed")
    })
  )

  it.effect(
    "a derived name where the namespace has no deduplication: said once, and the import goes on at least once",
    () =>
      Effect.gen(function* () {
        const path = input("auto.jsonl", 2)
        const off = new UpgradeRefused({
          url: "ws://a.test",
          status: 409,
          body: JSON.stringify({
            error: "producer= needs deduplication on the namespace of tg/flow/x, and it is not enabled"
          })
        })
        const { code, text, query, gateway } = yield* run(
          path,
          { _tag: "Auto" },
          {
            accept: (attempt) => (attempt === 1 ? off : undefined),
            onFrame: (connection, n) => connection.push(ack(n))
          }
        )
        assert.strictEqual(code, 0, text)
        assert.strictEqual(gateway.connections.length, 1)
        assert.deepStrictEqual(query(0), { host: "a.test", producer: null, first: null })
        assert.strictEqual(text.split("deduplication is off on this flow's namespace").length - 1, 1, text)
        assert.notInclude(text, "on the topic already")
      })
  )

  it.effect("a name given with --producer where the namespace has no deduplication: refused, exit 1", () =>
    Effect.gen(function* () {
      const off = new UpgradeRefused({
        url: "ws://a.test",
        status: 409,
        body: JSON.stringify({
          error: "producer= needs deduplication on the namespace of tg/flow/x, and it is not enabled"
        })
      })
      const { code, text, gateway } = yield* run(input("named-off.jsonl", 2), named, { accept: () => off })
      assert.strictEqual(code, 1, text)
      assert.deepStrictEqual(gateway.attempts, [0])
      assert.include(text, "needs deduplication")
    })
  )

  it.effect("--url a,b: the first connection goes to b when a is down; a drop moves to the next instance", () =>
    Effect.gen(function* () {
      const { code, text, query, sent } = yield* run(
        input("failover.jsonl", 3),
        named,
        {
          accept: (attempt) => (attempt === 1 ? notListening("ws://a.test") : undefined),
          onFrame: (connection, n) => {
            if (connection.index > 0) return connection.push(ack(n))
            if (n === 1) connection.push(ack(n))
            if (n === 3) connection.drop()
          }
        },
        { urls: ["ws://a.test", "ws://b.test"], waitFor: "connection dropped" }
      )
      assert.strictEqual(code, 0, text)
      assert.deepStrictEqual(query(0), { host: "b.test", producer: "loader", first: "1" })
      assert.deepStrictEqual(query(1), { host: "a.test", producer: "loader", first: "2" })
      assert.deepStrictEqual(sent(1), ["f2", "f3"])
      assert.include(text, "reconnecting to ws://a.test/api/v1/flow/default/import/triples")
    })
  )
})

describe("the producer name derived from the input", () => {
  const target = { urls: ["ws://a.test"], flow: "default", kind: "triples", workspace: undefined, token: undefined }
  const source = (path: string, batch = 100) => ({
    input: path,
    format: "nt" as const,
    batch,
    metadata: { id: "doc", root: "", collection: "default" }
  })

  it.effect("is the same for the same input and settings, and differs for a changed byte, batch, flow or stdin", () =>
    Effect.gen(function* () {
      const path = join(directory, "named.nt")
      writeFileSync(path, "<a> <b> <c> .\n")
      const first = yield* producerNameOf(target, [source(path)])
      assert.match(first ?? "", /^tg-import-[0-9a-f]{32}$/)
      assert.strictEqual(yield* producerNameOf(target, [source(path)]), first)
      assert.notStrictEqual(yield* producerNameOf(target, [source(path, 50)]), first)
      assert.notStrictEqual(yield* producerNameOf({ ...target, flow: "other" }, [source(path)]), first)
      writeFileSync(path, "<a> <b> <d> .\n")
      assert.notStrictEqual(yield* producerNameOf(target, [source(path)]), first)
      assert.isUndefined(yield* producerNameOf(target, [source("-")]))
    })
  )
})
