/**
 * The gateway end to end, through real WebSockets, on the in-memory broker and on a real Pulsar
 * broker. Pulsar-backed tests carry "pulsar" in their names.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { kindNames, isExportable } from "../../src/domain/Kinds.ts"
import type { BrokerShape } from "../../src/services/Broker.ts"
import { brokersUnderTest, text } from "../support/brokers.ts"
import { sampleFrames, triplesFrame } from "../support/frames.ts"
import { connect, startGateway } from "../support/gateway.ts"

let flowCounter = 0
/** A flow of its own for each test, so topics never collide on the shared Pulsar broker. */
const freshFlow = () => `e2e-${process.pid}-${Date.now().toString(36)}-${flowCounter++}`
const topicOf = (kind: string, flow: string) => {
  const iface = kind === "entity-contexts" ? "entity-contexts-load" : `${kind}-store`
  return `persistent://tg/flow/${iface}:default:${flow}`
}

type CountingBroker = BrokerShape & { readonly countOnTopic: (topic: string) => Effect.Effect<number> }

/** Waits, polling the broker, until the topic holds `count` messages; fails after 30 s. */
const untilStored = (broker: CountingBroker, topic: string, count: number) =>
  broker
    .countOnTopic(topic)
    .pipe(
      Effect.repeat({ until: (n) => n >= count, schedule: Schedule.spaced("50 millis") }),
      Effect.timeout("30 seconds")
    )

/** Every record on the topic, read from the start by a subscription of the test's own. */
const recordsOn = (broker: CountingBroker, topic: string, count: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const consumer = yield* broker.consumer({
        topic,
        subscription: `check-${crypto.randomUUID()}`,
        initialPosition: "Earliest"
      })
      const records: Array<unknown> = []
      for (let i = 0; i < count; i++) {
        const message = yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
        records.push(JSON.parse(text(message.payload)))
        yield* consumer.ack(message.id)
      }
      return records
    })
  )

const idOf = (frame: unknown) => (frame as { metadata: { id: string } }).metadata.id

describe.each(brokersUnderTest())("Gateway end to end: $name", (adapter) => {
  const name = adapter.name

  it.live(
    `${name}: a client that sends 100 triples frames and closes at once has all 100 on the topic, as processor records`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, { FLOWS: flow })
        const client = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples`))
        for (let i = 0; i < 100; i++) client.send(triplesFrame(`doc-${i}`, 3))
        client.socket.close()
        const topic = topicOf("triples", flow)
        yield* untilStored(broker, topic, 100)
        assert.strictEqual(yield* broker.countOnTopic(topic), 100)
        const records = yield* recordsOn(broker, topic, 100)
        assert.deepStrictEqual(
          records.map(idOf),
          Array.from({ length: 100 }, (_, i) => `doc-${i}`)
        )
        assert.deepStrictEqual((records[0] as { triples: Array<unknown> }).triples[0], {
          s: {
            type: "i",
            iri: "http://example.org/doc-0/s0",
            id: "",
            value: "",
            datatype: "",
            language: "",
            triple: null
          },
          p: {
            type: "i",
            iri: "http://www.w3.org/2000/01/rdf-schema#label",
            id: "",
            value: "",
            datatype: "",
            language: "",
            triple: null
          },
          o: { type: "l", iri: "", id: "", value: "label 0", datatype: "", language: "en", triple: null },
          g: null
        })
        yield* gateway.stop
        assert.deepStrictEqual(gateway.forced(), [])
        assert.strictEqual(yield* broker.countOnTopic(topic), 100, "once stopped, still 100: none published twice")
      })
  )

  it.live(
    `${name}: 100 messages exported, the client reads 50 and the server shuts down — the rest arrive before the close or after reconnecting with the same ?subscription`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const exportPath = `/api/v1/flow/${flow}/export/triples?subscription=resume-me`
        const first = yield* startGateway(broker, { FLOWS: flow })
        const reader = yield* connect(first.url(exportPath))
        const importer = yield* connect(first.url(`/api/v1/flow/${flow}/import/triples?ack=true`))
        for (let i = 0; i < 100; i++) importer.send(triplesFrame(`m${i}`))
        yield* importer.until((got) => got.length >= 100)
        yield* reader.until((got) => got.length >= 50)
        yield* first.stop
        const closed = yield* reader.closed
        assert.strictEqual(closed.code, 1001, "the server said it was going away")
        const before = new Set(reader.received.map(idOf))

        const second = yield* startGateway(broker, { FLOWS: flow })
        const again = yield* connect(second.url(exportPath))
        const missing = () =>
          Array.from({ length: 100 }, (_, i) => `m${i}`).filter(
            (id) => !before.has(id) && !again.received.some((f) => idOf(f) === id)
          )
        if (missing().length > 0) yield* again.until(() => missing().length === 0).pipe(Effect.timeout("30 seconds"))
        assert.deepStrictEqual(
          missing(),
          [],
          `read ${before.size} before the shutdown, ${again.received.length} after reconnecting`
        )
        yield* second.stop
      })
  )

  for (const kind of kindNames.filter(isExportable)) {
    it.live(`${name}: ${kind} frames imported come out of an export socket equal`, () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, { FLOWS: flow })
        const exporter = yield* connect(gateway.url(`/api/v1/flow/${flow}/export/${kind}`))
        const importer = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/${kind}?ack=true`))
        const frames = [sampleFrames[kind]("first"), sampleFrames[kind]("second")]
        for (const frame of frames) importer.send(frame)
        yield* importer.until((got) => got.length >= 2)
        assert.deepStrictEqual(importer.received, [{ ack: 1 }, { ack: 2 }])
        yield* exporter.until((got) => got.length >= 2)
        assert.deepStrictEqual(exporter.received, frames)
        yield* gateway.stop
      })
    )
  }

  it.live(
    `${name}: bad frames get an error frame naming what and where; the connection stays usable and nothing else is lost`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, { FLOWS: flow })
        const client = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples`))
        const good = (id: string) => JSON.stringify(triplesFrame(id))
        const corpus: ReadonlyArray<readonly [string | Buffer, RegExp, string]> = [
          ["{not json", /JSON/i, ""],
          [JSON.stringify(sampleFrames["graph-embeddings"]("x")), /graph-embeddings frame/, "triples"],
          [JSON.stringify({ metadata: { id: "x", root: "", collection: "c" } }), /missing/, "triples"],
          [
            JSON.stringify({
              metadata: { id: "x", root: "", collection: "c" },
              triples: [{ s: { t: "i", i: 5 }, p: { t: "i", i: "p" }, o: { t: "i", i: "o" } }]
            }),
            /string/,
            "triples[0].s.i"
          ],
          [
            JSON.stringify({
              metadata: { id: "x", root: "", collection: "c" },
              triples: [{ s: { t: "u", i: "s" }, p: { t: "i", i: "p" }, o: { t: "i", i: "o" } }]
            }),
            /"u"/,
            "triples[0].s.t"
          ],
          [Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]), /UTF-8/, ""],
          ["[1,2,3]", /object/, ""]
        ]
        client.send(good("before"))
        for (const [frame] of corpus) {
          if (Buffer.isBuffer(frame)) client.socket.send(frame, { binary: true })
          else client.send(frame)
        }
        client.send(good("after"))
        yield* client.until((got) => got.length >= corpus.length)
        corpus.forEach(([, message, path], i) => {
          const error = (client.received[i] as { error: { message: string; path: string; frame: number } }).error
          assert.match(error.message, message, `frame ${i + 2}`)
          assert.strictEqual(error.path, path, `frame ${i + 2}`)
          assert.strictEqual(error.frame, i + 2)
        })
        assert.isTrue(client.socket.readyState === client.socket.OPEN, "the connection is still open")
        const topic = topicOf("triples", flow)
        yield* untilStored(broker, topic, 2)
        const records = yield* recordsOn(broker, topic, 2)
        assert.deepStrictEqual(records.map(idOf), ["before", "after"])
        yield* gateway.stop
        // The close comes after every answer: a stray answer to a good frame would be here by now.
        yield* client.closed
        assert.strictEqual(client.received.length, corpus.length, "one error frame per bad frame, none for good ones")
        assert.strictEqual(yield* broker.countOnTopic(topic), 2)
      })
  )

  it.live(
    `${name}: a frame whose record is larger than the broker takes is refused once, not retryable, naming the limit; the connection goes on`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, { FLOWS: flow })
        const topic = topicOf("triples", flow)
        const client = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`))
        // About 3 MiB as a frame, above 5 MB as a record (full field names).
        const big = triplesFrame("big", 20_000)
        client.send(triplesFrame("before"))
        client.send(big)
        client.send(triplesFrame("after"))
        yield* client.until((received) => received.length === 3)
        const answers = client.received as ReadonlyArray<{
          readonly ack?: number
          readonly nack?: number
          readonly error?: { readonly message: string; readonly retryable?: boolean }
        }>
        assert.sameDeepMembers(
          answers.filter((a) => a.ack !== undefined),
          [{ ack: 1 }, { ack: 3 }]
        )
        const refused = answers.find((a) => a.nack === 2)
        assert.isDefined(refused)
        assert.isUndefined(refused?.error?.retryable, "sending it again cannot succeed")
        assert.include(refused?.error?.message, "bytes per message")
        assert.include(refused?.error?.message, (5 * 1024 * 1024 - 4096).toLocaleString("en-US"))
        assert.strictEqual(yield* untilStored(broker, topic, 2), 2)

        // Without ?ack=true the client is told with an error frame.
        const plain = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples`))
        plain.send(big)
        yield* plain.until((received) => received.length === 1)
        const error = (plain.received[0] as { readonly error?: { readonly message: string; readonly frame: number } })
          .error
        assert.strictEqual(error?.frame, 1)
        assert.include(error?.message, "bytes per message")
      })
  )

  it.live(
    `${name}: a record no client can read is moved to EXPORT_DEAD_LETTER_TOPIC once, with where it came from and why; the export goes on`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const deadLetters = `persistent://tg/flow/dead-letters-${flow}`
        const gateway = yield* startGateway(broker, { FLOWS: flow, EXPORT_DEAD_LETTER_TOPIC: deadLetters })
        const topic = topicOf("triples", flow)
        const reader = yield* connect(gateway.url(`/api/v1/flow/${flow}/export/triples`))
        const producer = yield* broker.producer(topic)
        yield* producer.send({ payload: new TextEncoder().encode('{"not":"a triples record"}') })
        const importer = yield* connect(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`))
        importer.send(triplesFrame("good"))
        yield* reader.until((got) => got.length >= 1)
        assert.deepStrictEqual(reader.received.map(idOf), ["good"])
        const moved = yield* Effect.scoped(
          Effect.gen(function* () {
            const consumer = yield* broker.consumer({
              topic: deadLetters,
              subscription: "check",
              initialPosition: "Earliest"
            })
            return yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
          })
        )
        assert.strictEqual(text(moved.payload), '{"not":"a triples record"}')
        assert.strictEqual(moved.properties["origin-topic"], topic)
        assert.include(moved.properties["reason"], "not a triples record: metadata")
        assert.strictEqual(yield* broker.countOnTopic(deadLetters), 1, "moved once, not in a loop")
        yield* gateway.stop
      })
  )
})
