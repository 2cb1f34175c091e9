/**
 * The binary-protocol adapter against a stand-in broker, for what a real broker does not do on
 * demand: a frame damaged on the way, a lookup redirected to another broker, credentials refused
 * at the handshake, a broker that stops answering, a producer the broker closes, sends that are
 * refused or never answered.
 */
import { Socket } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Redacted } from "effect"
import { ownedBytes } from "../../src/domain/OwnedBytes.ts"
import { CommandType, encodeMetadata } from "../../src/layers/broker/binary/commands.ts"
import { payloadFrame } from "../../src/layers/broker/binary/frames.ts"
import { makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { Writer } from "../../src/layers/broker/binary/protobuf.ts"
import {
  batchPayload,
  command,
  fakeBroker,
  type FakeBroker,
  fieldsOf,
  messageField,
  messageId,
  numberField,
  selfSignedCertificate,
  stringField
} from "../support/binaryBroker.ts"
import { bytes, text } from "../support/brokers.ts"

const topic = "persistent://tg/flow/binary-stand-in"

/** The admin API is not used by these tests: port 9 refuses at once should anything ask it. */
const adapterFor = (url: string, extra: Partial<Parameters<typeof makePulsarBinaryBroker>[0]> = {}) =>
  makePulsarBinaryBroker({ serviceUrl: url, httpUrl: "http://127.0.0.1:9", connectTimeout: "5 seconds", ...extra })

/** MESSAGE 1:entryId to consumer 0; `damaged`: a payload byte changed after its checksum was computed. */
const pushMessage = (broker: FakeBroker, connection: number, entryId: number, payload: string, damaged = false) => {
  const metadata = encodeMetadata({ producerName: "p", sequenceId: entryId, publishTime: 1 })
  const frame = command(CommandType.MESSAGE, (w) => w.uint(1, 0).message(2, messageId(1, entryId)))
  const whole = Buffer.concat([...payloadFrame(frame, metadata, bytes(payload))])
  if (damaged) whole[whole.length - 1]! ^= 0xff
  broker.raw(connection, whole)
}

describe("Pulsar binary adapter against a stand-in broker", () => {
  it.live("a message whose checksum fails is asked again of the broker and not handed out; the next one is", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker()
      const consumer = yield* adapterFor(broker.url).consumer({ topic, subscription: "s" })
      const flow = yield* broker.next(CommandType.FLOW)
      pushMessage(broker, flow.connection, 1, "one", true)
      pushMessage(broker, flow.connection, 2, "two")
      const first = yield* consumer.receive
      assert.deepStrictEqual([first.id, text(first.payload)], ["1:2", "two"])
      const redeliver = yield* broker.next(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES)
      const asked = messageField(redeliver.fields, 2)!
      assert.deepStrictEqual([numberField(asked, 1), numberField(asked, 2)], [1, 1])
      pushMessage(broker, flow.connection, 1, "one")
      const again = yield* consumer.receive
      assert.deepStrictEqual([again.id, text(again.payload)], ["1:1", "one"])
    })
  )

  it.live(
    "a consumer lets the broker push about 8 MiB of large messages ahead, not its whole window, and its window again for small ones",
    () =>
      Effect.gen(function* () {
        const broker = yield* fakeBroker()
        const consumer = yield* adapterFor(broker.url).consumer({ topic, subscription: "s", receiverQueueSize: 1000 })
        const first = yield* broker.next(CommandType.FLOW)
        assert.strictEqual(numberField(first.fields, 2), 100, "before any message's size is known")
        // 256 KiB each: 32 fit in 8 MiB. As they are taken, permits go back only below 16 at the
        // broker, up to 32 again.
        const large = "x".repeat(256 * 1024)
        for (let entry = 1; entry <= 100; entry++) pushMessage(broker, first.connection, entry, large)
        for (let i = 0; i < 100; i++) yield* consumer.receive
        const topUps = [yield* broker.next(CommandType.FLOW), yield* broker.next(CommandType.FLOW)]
        assert.deepStrictEqual(
          topUps.map((flow) => numberField(flow.fields, 2)),
          [16, 16]
        )
        // Small messages: the mean size falls, and the window grows back to 1,000.
        for (let entry = 101; entry <= 200; entry++) pushMessage(broker, first.connection, entry, "small")
        for (let i = 0; i < 100; i++) yield* consumer.receive
        let largest = 0
        while (largest <= 32)
          largest = Math.max(largest, numberField((yield* broker.next(CommandType.FLOW)).fields, 2) ?? 0)
        assert.isAbove(largest, 32)
      })
  )

  it.live(
    "a message alone in its frame can give its memory back once read; the members of a batch, which share one, cannot",
    () =>
      Effect.gen(function* () {
        const broker = yield* fakeBroker()
        const consumer = yield* adapterFor(broker.url).consumer({ topic, subscription: "s" })
        const flow = yield* broker.next(CommandType.FLOW)
        pushMessage(broker, flow.connection, 1, "x".repeat(10_000))
        const single = yield* consumer.receive
        assert.strictEqual(text(single.payload), "x".repeat(10_000))
        assert.isDefined(single.releasePayload)
        single.releasePayload?.()
        assert.strictEqual(single.payload.byteLength, 0, "the frame's memory is gone")

        const members = ["first", "second"].map((member) => ({ text: member }))
        const metadata = new Writer().string(1, "p").uint(2, 2).uint(3, 1).uint(11, members.length).finish()
        const frame = command(CommandType.MESSAGE, (w) => w.uint(1, 0).message(2, messageId(1, 2)))
        broker.raw(flow.connection, Buffer.concat([...payloadFrame(frame, metadata, batchPayload(members))]))
        const batch = [yield* consumer.receive, yield* consumer.receive]
        assert.deepStrictEqual(
          batch.map((m) => [text(m.payload), m.releasePayload]),
          [
            ["first", undefined],
            ["second", undefined]
          ]
        )
      })
  )

  it.live(
    "a payload sent with releaseWhenStored is released once the broker confirms it; other payloads are left",
    () =>
      Effect.gen(function* () {
        const broker = yield* fakeBroker()
        const producer = yield* adapterFor(broker.url).producer(topic)
        const sendConfirmed = (payload: Buffer, releaseWhenStored: boolean) =>
          Effect.gen(function* () {
            const sending = yield* Effect.forkChild(producer.send({ payload, releaseWhenStored }), {
              startImmediately: true
            })
            const send = yield* broker.next(CommandType.SEND)
            assert.strictEqual(payload.byteLength, 8000, "kept until the broker has it")
            broker.reply(
              send.connection,
              command(CommandType.SEND_RECEIPT, (w) =>
                w
                  .uint(1, numberField(send.fields, 1) ?? 0)
                  .uint(2, numberField(send.fields, 2) ?? 0)
                  .message(3, messageId(3, numberField(send.fields, 2) ?? 0))
              )
            )
            yield* Fiber.join(sending)
            return text(send.payload?.data ?? new Uint8Array(0))
          })
        const released = ownedBytes(8000).fill("a")
        assert.strictEqual(yield* sendConfirmed(released, true), "a".repeat(8000))
        assert.strictEqual(released.byteLength, 0)
        const kept = ownedBytes(8000).fill("b")
        assert.strictEqual(yield* sendConfirmed(kept, false), "b".repeat(8000))
        assert.strictEqual(kept.byteLength, 8000)
      })
  )

  it.live("acknowledgements held together reach the broker as one command, sent before the consumer closes", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const consumer = yield* adapterFor(broker.url, { ackGroupTime: "1 hour" }).consumer({
            topic,
            subscription: "s"
          })
          const flow = yield* broker.next(CommandType.FLOW)
          for (const entry of [1, 2, 3]) pushMessage(broker, flow.connection, entry, `m${entry}`)
          for (let i = 0; i < 3; i++) {
            yield* consumer.ack((yield* consumer.receive).id)
            // Each acknowledgement on its own turn of the event loop, as a client's acks come.
            yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
          }
        })
      )
      const acks = broker.received.filter((r) => r.type === CommandType.ACK)
      assert.deepStrictEqual(
        acks.map((ack) =>
          ack.fields.get(3)?.map((id) => {
            const fields = fieldsOf(id as Uint8Array)
            return [numberField(fields, 1), numberField(fields, 2)]
          })
        ),
        [
          [
            [1, 1],
            [1, 2],
            [1, 3]
          ]
        ]
      )
      const order = broker.received.map((r) => r.type)
      assert.isBelow(order.indexOf(CommandType.ACK), order.indexOf(CommandType.CLOSE_CONSUMER))
    })
  )

  it.live("sends made in one turn of the event loop reach the broker's socket in one write, not one each", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker()
      // The stand-in never confirms: nothing to wait for when the producer closes.
      const producer = yield* adapterFor(broker.url).producer(topic, { closeTimeout: 0 })
      const port = Number(new URL(broker.url).port)
      // Every write a socket makes to the kernel goes through `_writev` (several chunks) or
      // `_write` (one): counted for the adapter's socket to the stand-in broker.
      const writes = yield* Effect.acquireRelease(
        Effect.sync(() => {
          const count = { made: 0 }
          const original = { writev: Socket.prototype._writev!, write: Socket.prototype._write }
          Socket.prototype._writev = function (this: Socket, ...args) {
            if (this.remotePort === port) count.made++
            return original.writev.apply(this, args)
          }
          Socket.prototype._write = function (this: Socket, ...args) {
            if (this.remotePort === port) count.made++
            return original.write.apply(this, args)
          }
          return { count, original }
        }),
        ({ original }) =>
          Effect.sync(() => {
            Socket.prototype._writev = original.writev
            Socket.prototype._write = original.write
          })
      )
      for (let i = 0; i < 20; i++) {
        yield* Effect.forkChild(producer.send({ payload: bytes(`m${i}`) }), { startImmediately: true })
      }
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      assert.strictEqual(writes.count.made, 1)
      const sent = yield* Effect.forEach(Array.from({ length: 20 }), () => broker.next(CommandType.SEND))
      assert.deepStrictEqual(
        sent.map((send) => (send.payload === undefined ? undefined : text(send.payload.data))),
        Array.from({ length: 20 }, (_, i) => `m${i}`)
      )
    })
  )

  it.live("a lookup redirected to another broker is followed there, and the producer opens on that one", () =>
    Effect.gen(function* () {
      const owner = yield* fakeBroker()
      const front = yield* fakeBroker({
        handle: (r, self) => {
          if (r.type !== CommandType.LOOKUP) return false
          self.reply(
            r.connection,
            command(CommandType.LOOKUP_RESPONSE, (w) =>
              w
                .string(1, owner.url)
                .uint(3, 0)
                .uint(4, numberField(r.fields, 2) ?? 0)
                .bool(5, true)
            )
          )
          return true
        }
      })
      const producer = yield* adapterFor(front.url).producer(topic, { name: "named", initialSequenceId: 5 })
      const lookup = yield* owner.next(CommandType.LOOKUP)
      assert.strictEqual(numberField(lookup.fields, 3), 1, "the redirected lookup is authoritative")
      const opened = yield* owner.next(CommandType.PRODUCER)
      assert.strictEqual(stringField(opened.fields, 4), "named")
      assert.isFalse(
        front.received.some((r) => r.type === CommandType.PRODUCER),
        "nothing but the lookup went to the first broker"
      )
      const sending = yield* Effect.forkChild(producer.send({ payload: bytes("x") }), { startImmediately: true })
      const send = yield* owner.next(CommandType.SEND)
      assert.strictEqual(numberField(send.fields, 2), 6, "the first send after sequence id 5 carries 6")
      owner.reply(
        send.connection,
        command(CommandType.SEND_RECEIPT, (w) =>
          w
            .uint(1, numberField(send.fields, 1) ?? 0)
            .uint(2, 6)
            .message(3, messageId(4, 2))
        )
      )
      assert.strictEqual(yield* Fiber.join(sending), "4:2")
    })
  )

  it.live(
    "the token is sent at the handshake; a broker that refuses it gives TopicRefused 401 naming the settings, and is not ready",
    () =>
      Effect.gen(function* () {
        const broker = yield* fakeBroker({
          handle: (r, self) => {
            if (r.type !== CommandType.CONNECT) return false
            self.reply(
              r.connection,
              command(CommandType.ERROR, (w) => w.uint(1, 0).uint(2, 3).string(3, "Failed to authenticate"))
            )
            return true
          }
        })
        const adapter = adapterFor(broker.url, { auth: { token: Redacted.make("secret-token") } })
        const error = yield* Effect.flip(adapter.producer(topic))
        assert.strictEqual(error._tag, "TopicRefused")
        assert.include(error.message, "HTTP 401")
        assert.include(error.message, "Failed to authenticate")
        assert.include(error.message, "PULSAR_AUTH_TOKEN")
        const connect = yield* broker.next(CommandType.CONNECT)
        assert.strictEqual(stringField(connect.fields, 5), "token")
        assert.strictEqual(stringField(connect.fields, 3), "secret-token")
        const notReady = yield* Effect.flip(adapter.ping)
        assert.strictEqual(notReady._tag, "CredentialsRefused", "readiness sees the refusal too")
      })
  )

  it.live(
    "a producer or subscription refused with ServiceNotReady (a bundle still loading) is asked again and made; ProducerBusy is final",
    () =>
      Effect.gen(function* () {
        const notReadyOnce = new Set<number>()
        const broker = yield* fakeBroker({
          handle: (r, self) => {
            // PRODUCER: request id field 3, name field 4; SUBSCRIBE: request id field 5.
            const requestField = r.type === CommandType.PRODUCER ? 3 : r.type === CommandType.SUBSCRIBE ? 5 : undefined
            if (requestField === undefined) return false
            const isBusy = r.type === CommandType.PRODUCER && stringField(r.fields, 4) === "taken"
            if (!isBusy && notReadyOnce.has(r.type)) return false
            notReadyOnce.add(r.type)
            const requestId = numberField(r.fields, requestField) ?? 0
            const [code, message] = isBusy
              ? [16, "Producer with name 'taken' is already connected"]
              : [6, "Namespace bundle for topic not served by this instance. Please redo the lookup."]
            self.reply(
              r.connection,
              command(CommandType.ERROR, (w) => w.uint(1, requestId).uint(2, code).string(3, message))
            )
            return true
          }
        })
        const adapter = adapterFor(broker.url)
        const producer = yield* adapter.producer(topic)
        const consumer = yield* adapter.consumer({ topic, subscription: "s" })
        assert.strictEqual(broker.received.filter((r) => r.type === CommandType.PRODUCER).length, 2)
        assert.strictEqual(broker.received.filter((r) => r.type === CommandType.SUBSCRIBE).length, 2)
        assert.isDefined(producer.send)
        assert.isDefined(consumer.receive)

        const busy = yield* Effect.flip(adapter.producer(topic, { name: "taken" }))
        assert.strictEqual(busy._tag, "TopicRefused")
        assert.include(busy.message, "already connected")
        assert.strictEqual(
          broker.received.filter((r) => r.type === CommandType.PRODUCER && stringField(r.fields, 4) === "taken").length,
          1,
          "a refusal that will not pass is not asked again"
        )
      })
  )

  it.live(
    "a producer refused with PersistenceError (storage recovering after a crash) is asked again and made; one refused until the connect timeout is a 503",
    () =>
      Effect.gen(function* () {
        let refusals = 0
        const broker = yield* fakeBroker({
          handle: (r, self) => {
            if (r.type !== CommandType.PRODUCER) return false
            const always = stringField(r.fields, 4) === "never"
            if (!always && refusals++ > 0) return false
            self.reply(
              r.connection,
              command(CommandType.ERROR, (w) =>
                w
                  .uint(1, numberField(r.fields, 3) ?? 0)
                  .uint(2, 2)
                  .string(
                    3,
                    "org.apache.bookkeeper.mledger.ManagedLedgerException: Not enough non-faulty bookies available"
                  )
              )
            )
            return true
          }
        })
        const producer = yield* adapterFor(broker.url).producer(topic)
        assert.isDefined(producer.send)
        assert.strictEqual(broker.received.filter((r) => r.type === CommandType.PRODUCER).length, 2)

        const refused = yield* Effect.flip(
          adapterFor(broker.url, { connectTimeout: "300 millis" }).producer(topic, { name: "never" })
        )
        assert.strictEqual(refused._tag, "TopicRefused")
        if (refused._tag === "TopicRefused") assert.strictEqual(refused.status, 503)
        assert.include(refused.message, "non-faulty bookies")
      })
  )

  it.live("a lookup the broker never answers fails after the connect timeout, naming the broker", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker({ handle: (r) => r.type === CommandType.LOOKUP })
      const error = yield* Effect.flip(
        adapterFor(broker.url, { connectTimeout: "200 millis" }).producer(topic).pipe(Effect.timeout("10 seconds"))
      )
      assert.strictEqual(error._tag, "BrokerUnavailable")
      assert.include(error.message, `broker unreachable at ${broker.url}: the lookup of ${topic} had no answer within`)
    })
  )

  it.live("a ping from the broker is answered with a pong, so an idle connection stays open", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker()
      const consumer = yield* adapterFor(broker.url, { pingInterval: "0 millis" }).consumer({
        topic,
        subscription: "s"
      })
      const subscribed = yield* broker.next(CommandType.SUBSCRIBE)
      broker.reply(
        subscribed.connection,
        command(CommandType.PING, () => {})
      )
      const pong = yield* broker.next(CommandType.PONG)
      assert.strictEqual(pong.connection, subscribed.connection)
      assert.isTrue(Option.isNone(yield* Effect.timeoutOption(consumer.lost, "200 millis")), "not lost")
    })
  )

  it.live("a broker that stops answering pings is taken for gone: the consumer is lost, saying so", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker({ answerPings: false })
      const consumer = yield* adapterFor(broker.url, { pingInterval: "50 millis" }).consumer({
        topic,
        subscription: "s"
      })
      const lost = yield* consumer.lost
      assert.include(lost.message, "answered nothing")
      const failed = yield* Effect.flip(consumer.receive)
      assert.strictEqual(failed._tag, "ConnectionClosed")
    })
  )

  it.live("a producer the broker closes is lost; its unanswered sends fail as of unknown outcome", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker()
      const producer = yield* adapterFor(broker.url).producer(topic)
      const sending = yield* Effect.forkChild(producer.send({ payload: bytes("x") }), { startImmediately: true })
      const send = yield* broker.next(CommandType.SEND)
      broker.reply(
        send.connection,
        command(CommandType.CLOSE_PRODUCER, (w) => w.uint(1, numberField(send.fields, 1) ?? 0).uint(2, 99))
      )
      const lost = yield* producer.lost
      assert.include(lost.message, "the broker closed the producer")
      const outcome = yield* Fiber.await(sending)
      assert.isTrue(Exit.isFailure(outcome))
      const failure = yield* Effect.flip(Fiber.join(sending))
      assert.strictEqual(failure._tag, "SendFailed")
      assert.isTrue(failure._tag === "SendFailed" && failure.unknownOutcome)
      const after = yield* Effect.flip(producer.send({ payload: bytes("y") }))
      assert.strictEqual(after._tag, "ConnectionClosed")
    })
  )

  it.live("a send the broker refuses fails with its error; one it never answers fails after the send timeout", () =>
    Effect.gen(function* () {
      const broker = yield* fakeBroker({
        handle: (r, self) => {
          if (r.type !== CommandType.SEND || numberField(r.fields, 2) !== 0) return false
          self.reply(
            r.connection,
            command(CommandType.SEND_ERROR, (w) =>
              w
                .uint(1, numberField(r.fields, 1) ?? 0)
                .uint(2, 0)
                .uint(3, 2)
                .string(4, "ledger closed")
            )
          )
          return true
        }
      })
      const producer = yield* adapterFor(broker.url, { sendTimeout: "200 millis" }).producer(topic)
      const refused = yield* Effect.flip(producer.send({ payload: bytes("first") }))
      assert.strictEqual(refused._tag, "SendFailed")
      assert.include(refused.message, "PersistenceError: ledger closed")
      assert.isFalse(refused._tag === "SendFailed" && refused.unknownOutcome)
      const unanswered = yield* Effect.flip(producer.send({ payload: bytes("second") }))
      assert.strictEqual(unanswered._tag, "SendFailed")
      assert.include(unanswered.message, "no answer from the broker within 200ms")
      assert.isTrue(unanswered._tag === "SendFailed" && unanswered.unknownOutcome)
    })
  )

  it.live(
    "pulsar+ssl:// is TLS checked against PULSAR_TLS_CA_FILE; a certificate no configured CA signed is refused",
    () =>
      Effect.gen(function* () {
        const certificate = yield* selfSignedCertificate
        const broker = yield* fakeBroker({ tls: { cert: certificate.cert, key: certificate.key } })
        assert.match(broker.url, /^pulsar\+ssl:\/\//)
        const trusted = adapterFor(broker.url, { tls: { caFile: certificate.certFile } })
        const producer = yield* trusted.producer(topic)
        const sending = yield* Effect.forkChild(producer.send({ payload: bytes("over TLS") }), {
          startImmediately: true
        })
        const send = yield* broker.next(CommandType.SEND)
        assert.strictEqual(Buffer.from(send.payload?.data ?? []).toString(), "over TLS")
        broker.reply(
          send.connection,
          command(CommandType.SEND_RECEIPT, (w) =>
            w
              .uint(1, numberField(send.fields, 1) ?? 0)
              .uint(2, numberField(send.fields, 2) ?? 0)
              .message(3, messageId(8, 1))
          )
        )
        assert.strictEqual(yield* Fiber.join(sending), "8:1")
        const untrusted = yield* Effect.flip(adapterFor(broker.url).producer(topic))
        assert.strictEqual(untrusted._tag, "BrokerUnavailable")
        assert.match(untrusted.message, /broker unreachable at pulsar\+ssl:\/\/127\.0\.0\.1:\d+: .*self[- ]signed/)
      })
  )
})
