/**
 * The binary-protocol adapter on the real broker, with what its own producers do not make:
 * entries that hold a batch of messages, compressed or not, as Pulsar's native clients (and
 * TrustGraph's processors) produce with batching on. One batch comes from the Pulsar
 * distribution's own `pulsar-perf`; the others are written here, byte by byte, so that each
 * member's properties and place are known.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { deflateSync, zstdCompressSync } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Option, Scope } from "effect"
import { inject } from "vitest"
import { Compression, CommandType, encode } from "../../src/layers/broker/binary/commands.ts"
import { BinaryConnection } from "../../src/layers/broker/binary/connection.ts"
import {
  createRetries,
  isPassingRefusal,
  makePulsarBinaryBroker
} from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { Writer } from "../../src/layers/broker/binary/protobuf.ts"
import type { Consumer } from "../../src/services/Broker.ts"
import { bytes, freshTopic, text } from "../support/brokers.ts"
import { type BatchMember, batchPayload } from "../support/binaryBroker.ts"
import { pulsarServiceUrl } from "../support/binaryBrokers.ts"
import { adminRequest } from "../support/pulsarAdmin.ts"
import { pulsarTool } from "../support/pulsarScript.ts"

const httpUrl = inject("pulsarHttpUrl")
const serviceUrl = pulsarServiceUrl(httpUrl)

const adapter = () => makePulsarBinaryBroker({ serviceUrl, httpUrl, pingInterval: "1 second" })

/** Long enough for a drained consumer to show a message if one were coming. */
const quietPeriod = "750 millis"

const nothingWithin = (consumer: Consumer) =>
  consumer.receive.pipe(Effect.timeoutOption(quietPeriod), Effect.map(Option.isNone))

/** Sends one entry holding `members` as a batch, compressed as asked, as a native producer would. */
const sendBatch = (topic: string, members: ReadonlyArray<BatchMember>, compression: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const connection = yield* Effect.acquireRelease(
        BinaryConnection.open({
          url: serviceUrl,
          access: { headers: {}, tls: { rejectUnauthorized: true } },
          refreshAccess: () => Promise.resolve({ headers: {}, tls: { rejectUnauthorized: true } }),
          connectTimeout: "10 seconds",
          pingInterval: 0
        }),
        (c) => c.close("1 second")
      )
      // A broker serves a topic only once a lookup has made it take the topic's bundle (a standalone
      // broker answers for itself); then the producer is asked again while the bundle loads, as the
      // adapter does.
      yield* connection.request((requestId) => encode.lookup(topic, requestId, false))
      const created = yield* connection
        .request((requestId) => encode.producer(topic, 0, requestId, undefined))
        .pipe(Effect.retry({ while: isPassingRefusal, schedule: createRetries, times: 100 }))
      assert.strictEqual(created.type, CommandType.PRODUCER_SUCCESS)
      const producerName = created.type === CommandType.PRODUCER_SUCCESS ? created.producerName : ""
      const receipt = yield* Deferred.make<string>()
      connection.producers.set(0, {
        receipt: (r) =>
          Deferred.doneUnsafe(receipt, Effect.succeed(`${r.messageId?.ledgerId}:${r.messageId?.entryId}`)),
        sendError: (e) => Deferred.doneUnsafe(receipt, Effect.die(new Error(`send refused: ${e.message}`))),
        closedByBroker: () => Deferred.doneUnsafe(receipt, Effect.die(new Error("producer closed")))
      })
      const plain = batchPayload(members)
      const data =
        compression === Compression.ZLIB
          ? deflateSync(plain)
          : compression === Compression.ZSTD
            ? zstdCompressSync(plain)
            : compression === Compression.NONE
              ? plain
              : // Bytes no one needs to read: the adapter must refuse the codec before it tries.
                Buffer.from("not really compressed")
      const metadata = new Writer().string(1, producerName).uint(2, 0).uint(3, Date.now())
      if (compression !== Compression.NONE) metadata.uint(8, compression).uint(9, plain.length)
      metadata.uint(11, members.length)
      const send = new Writer()
        .uint(1, CommandType.SEND)
        .message(CommandType.SEND, (w) => w.uint(1, 0).uint(2, 0).uint(3, members.length))
        .finish()
      connection.sendMessage(send, metadata.finish(), data)
      return yield* Deferred.await(receipt)
    })
  )

const members: ReadonlyArray<BatchMember> = [
  { text: "first", properties: { n: "1" } },
  { text: "second", properties: { n: "2" } },
  { text: "third", properties: { n: "3", extra: "x" } }
]

const receiveMembers = (consumer: Consumer, count: number) =>
  Effect.forEach(Array.from({ length: count }), () => consumer.receive)

describe("Pulsar binary adapter: readiness on the real broker", () => {
  it.live(
    "pulsar: ready when both the binary port and the admin API answer; a binary port that does not is named",
    () =>
      Effect.gen(function* () {
        yield* adapter().ping
        const error = yield* Effect.flip(
          makePulsarBinaryBroker({ serviceUrl: "pulsar://127.0.0.1:9", httpUrl, connectTimeout: "5 seconds" }).ping
        )
        assert.strictEqual(error._tag, "BrokerUnavailable")
        assert.include(error.message, "broker unreachable at pulsar://127.0.0.1:9")
      })
  )
})

describe("Pulsar binary adapter: partitioned topics on the real broker", () => {
  it.live(
    "pulsar: a partitioned topic is refused for producers and consumers, naming its partitions and the WebSocket transport, and nothing is written beside its partitions",
    () =>
      Effect.gen(function* () {
        const topic = freshTopic("binary-partitioned")
        const created = yield* Effect.promise(() =>
          adminRequest(httpUrl, `/admin/v2/${topic.replace("://", "/")}/partitions`, null, { method: "PUT", body: "2" })
        )
        assert.isTrue(created.ok, `partitioned topic not created: HTTP ${created.status} ${created.text}`)
        const broker = adapter()
        const producer = yield* Effect.flip(Effect.scoped(broker.producer(topic)))
        const consumer = yield* Effect.flip(Effect.scoped(broker.consumer({ topic, subscription: "s" })))
        for (const error of [producer, consumer]) {
          assert.strictEqual(error._tag, "TopicRefused")
          assert.include(error.message, "partitioned (2 partitions)")
          assert.include(error.message, "PULSAR_TRANSPORT=websocket")
        }
        const listed = yield* Effect.promise(() => adminRequest(httpUrl, "/admin/v2/persistent/tg/flow"))
        assert.notInclude(
          JSON.parse(listed.text) as Array<string>,
          topic,
          "no topic of the partitioned topic's own name"
        )
      })
  )
})

describe("Pulsar binary adapter: subscription types on the real broker", () => {
  it.live("pulsar: Exclusive refuses a second consumer with 409; Failover keeps it as a standby that takes over", () =>
    Effect.gen(function* () {
      const broker = adapter()
      const topic = freshTopic("binary-subtypes")
      const exclusive = { topic, subscription: "exclusive", type: "Exclusive" } as const
      yield* broker.consumer(exclusive)
      const busy = yield* Effect.flip(broker.consumer(exclusive))
      assert.strictEqual(busy._tag, "TopicRefused")
      assert.include(busy.message, "HTTP 409")

      // One Failover consumer is active (the broker picks which); the other waits and takes over
      // when the active one closes.
      const failover = { topic, subscription: "failover", type: "Failover", initialPosition: "Earliest" } as const
      const producer = yield* broker.producer(topic)
      const scopes = [yield* Scope.make(), yield* Scope.make()] as const
      const consumers = [
        yield* broker.consumer(failover).pipe(Scope.provide(scopes[0])),
        yield* broker.consumer(failover).pipe(Scope.provide(scopes[1]))
      ] as const
      yield* producer.send({ payload: bytes("one") })
      const [activeIndex, first] = yield* Effect.raceFirst(
        Effect.map(consumers[0].receive, (message) => [0, message] as const),
        Effect.map(consumers[1].receive, (message) => [1, message] as const)
      )
      assert.strictEqual(text(first.payload), "one")
      yield* consumers[activeIndex].ack(first.id)
      yield* Scope.close(scopes[activeIndex], Exit.void)
      yield* producer.send({ payload: bytes("two") })
      const standby = consumers[activeIndex === 0 ? 1 : 0]
      assert.strictEqual(text((yield* standby.receive).payload), "two", "the standby took over")
      yield* Scope.close(scopes[activeIndex === 0 ? 1 : 0], Exit.void)
    })
  )
})

describe("Pulsar binary adapter: batched and compressed entries on the real broker", () => {
  for (const [name, compression] of [
    ["uncompressed", Compression.NONE],
    ["zlib", Compression.ZLIB],
    ["zstd", Compression.ZSTD]
  ] as const) {
    it.live(`pulsar: a batch (${name}) is received message by message, each with its properties`, () =>
      Effect.gen(function* () {
        const topic = freshTopic(`binary-batch-${name}`)
        const entry = yield* sendBatch(topic, members, compression)
        const consumer = yield* adapter().consumer({ topic, subscription: "s", initialPosition: "Earliest" })
        const received = yield* receiveMembers(consumer, 3)
        assert.deepStrictEqual(
          received.map((m) => [m.id, text(m.payload), m.properties]),
          members.map((m, i) => [`${entry}:${i}:3`, m.text, m.properties])
        )
      })
    )
  }

  it.live("pulsar: a batch is acknowledged once all its members are; until then the subscription keeps it", () =>
    Effect.gen(function* () {
      const topic = freshTopic("binary-batch-ack")
      const broker = adapter()
      const options = { topic, subscription: "s", initialPosition: "Earliest" } as const
      yield* sendBatch(topic, members, Compression.ZLIB)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* broker.consumer(options)
          const received = yield* receiveMembers(consumer, 3)
          yield* consumer.ack(received[0]!.id)
          yield* consumer.ack(received[1]!.id)
        })
      )
      yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* broker.consumer(options)
          const again = yield* receiveMembers(consumer, 3)
          assert.deepStrictEqual(
            again.map((m) => text(m.payload)),
            members.map((m) => m.text),
            "the entry comes back whole: one member was not acknowledged"
          )
          for (const message of again) yield* consumer.ack(message.id)
        })
      )
      const producer = yield* broker.producer(topic)
      yield* producer.send({ payload: bytes("marker") })
      const last = yield* broker.consumer(options)
      assert.strictEqual(text((yield* last.receive).payload), "marker")
      assert.isTrue(yield* nothingWithin(last), "the acknowledged batch does not come back")
    })
  )

  it.live("pulsar: a nacked member gives the whole batch back after the delay, with a redelivery count of 1", () =>
    Effect.gen(function* () {
      const topic = freshTopic("binary-batch-nack")
      yield* sendBatch(topic, members, Compression.NONE)
      const consumer = yield* adapter().consumer({
        topic,
        subscription: "s",
        initialPosition: "Earliest",
        nackRedeliveryDelay: "100 millis"
      })
      const received = yield* receiveMembers(consumer, 3)
      yield* consumer.ack(received[0]!.id)
      yield* consumer.nack(received[1]!.id)
      const again = yield* receiveMembers(consumer, 3)
      assert.deepStrictEqual(
        again.map((m) => [text(m.payload), m.redeliveryCount]),
        members.map((m) => [m.text, 1])
      )
    })
  )

  it.live("pulsar: an entry with a codec the adapter does not know ends the consumer, naming it, unacknowledged", () =>
    Effect.gen(function* () {
      const topic = freshTopic("binary-batch-unknown-codec")
      yield* sendBatch(topic, members, 9)
      const consumer = yield* adapter().consumer({ topic, subscription: "s", initialPosition: "Earliest" })
      const lost = yield* consumer.lost
      assert.include(lost.message, "compressed with compression 9, which this adapter cannot read")
      assert.strictEqual((yield* Effect.flip(consumer.receive))._tag, "ConnectionClosed")
    })
  )

  for (const codec of ["ZSTD", "LZ4", "SNAPPY"] as const) {
    it.live(
      `pulsar: batches that Pulsar's own producer compressed with ${codec} (pulsar-perf) are all received, each once`,
      () =>
        Effect.gen(function* () {
          const topic = freshTopic(`binary-pulsar-perf-${codec.toLowerCase()}`)
          const perf = pulsarTool("pulsar-perf")
          const payloads = join(mkdtempSync(join(tmpdir(), "tg-perf-")), "payload.txt")
          writeFileSync(payloads, "perf message\n")
          yield* Effect.promise(() =>
            promisify(execFile)(
              perf,
              ["produce", "-u", serviceUrl, "-m", "50", "-r", "5000", "-z", codec, "-b", "50", "-bm", "20"].concat([
                "-f",
                payloads,
                topic
              ]),
              { maxBuffer: 16 * 1024 * 1024 }
            )
          )
          const stats = yield* Effect.promise(() =>
            adminRequest(httpUrl, `/admin/v2/${topic.replace("://", "/")}/stats`)
          )
          const count = (JSON.parse(stats.text) as { msgInCounter: number }).msgInCounter
          assert.isAtLeast(count, 50, "pulsar-perf sends at least the messages asked for")
          const consumer = yield* adapter().consumer({ topic, subscription: "s", initialPosition: "Earliest" })
          const received = yield* receiveMembers(consumer, count)
          assert.isTrue(
            received.every((m) => text(m.payload) === "perf message"),
            "every message reads as pulsar-perf wrote it"
          )
          assert.strictEqual(new Set(received.map((m) => m.id)).size, count, "each message once, with its own id")
          assert.isTrue(
            received.some((m) => m.id.split(":").length === 4),
            "at least one entry held a batch"
          )
          for (const message of received) yield* consumer.ack(message.id)
          assert.isTrue(yield* nothingWithin(consumer))
        }),
      120_000
    )
  }
})
