/**
 * The export dispatcher, one for every kind: takes deliveries from the connection's Subscriber
 * queue, translates each record into the client frame (the kinds table says how) and writes it.
 * A delivery is reported delivered — and so acknowledged to the broker — only when the socket
 * has written it (the `ws.send` callback), in the order written; a failed write gives the message
 * back. `maxConsecutiveErrors` failed writes in a row end the export.
 *
 * Deliveries are taken in batches — all that are waiting — and written together; the settler
 * reports each batch once its writes are confirmed. Per frame there is no fiber and no Deferred.
 *
 * With client acks (`?ack=true`) a written frame is not yet delivered: frames are numbered 1, 2, …
 * as they are handed to the socket, and a delivery is reported delivered only when the client
 * answers `{"ack": n}` for it or a later frame. At most `maxUnacked` frames are out unacknowledged;
 * the writer waits for acks beyond that. A bad ack is answered with an error frame (not numbered)
 * and the connection goes on. Once the client's side is closed, what it had not acknowledged can
 * never be, and is given back at once.
 */
import { Cause, Effect, Latch, Queue, Result, Schema } from "effect"
import { translateRecord } from "../domain/Codec.ts"
import { toErrorFrame } from "../domain/errors.ts"
import { readAck } from "../domain/ExportAcks.ts"
import type { ExportableKindName } from "../domain/Kinds.ts"
import type { Connection, OutboundText, Written } from "./Connection.ts"
import * as Metrics from "./Metrics.ts"
import type { ReceivedMessage } from "./Broker.ts"
import type { Delivery } from "./Subscriber.ts"

export class TooManyWriteErrors extends Schema.TaggedError<TooManyWriteErrors>()("TooManyWriteErrors", {
  count: Schema.Number,
  last: Schema.String
}) {
  override get message() {
    return `${this.count} consecutive writes to the client failed (last: ${this.last}); ending the export`
  }
}

export interface ExportOptions {
  readonly kind: ExportableKindName
  readonly maxConsecutiveErrors: number
  /**
   * Where a record no client could read goes (EXPORT_DEAD_LETTER_TOPIC), completing once it is
   * kept there; without it such a record is acknowledged and only counted.
   */
  readonly deadLetter?: (message: ReceivedMessage, reason: string) => Effect.Effect<void, unknown>
  /**
   * `?ack=true`: a message is delivered when the client acknowledges its frame, not when the
   * socket has written it; at most `maxUnacked` frames (EXPORT_MAX_UNACKED) are out unacknowledged.
   */
  readonly clientAcks?: { readonly maxUnacked: number }
}

export interface ExportRun {
  /**
   * Runs until interrupted or until too many writes fail. Interrupting it reports every delivery
   * it held as failed — unacknowledged ones included — so the Subscriber gives those back.
   */
  readonly run: Effect.Effect<never, TooManyWriteErrors>
  /**
   * Completes once every ack the client sent has been taken: its side of the socket closed (or
   * reading stopped) and nothing it sent is left unread. At once without client acks.
   */
  readonly acksRead: Effect.Effect<void>
}

/** Deliveries handed to the socket together, and the outcome of their writes. */
interface Batch {
  readonly deliveries: ReadonlyArray<Delivery>
  readonly done: Effect.Effect<Written>
}

const reportAll = (deliveries: ReadonlyArray<Delivery>, pick: (delivery: Delivery) => Effect.Effect<void>) =>
  Effect.forEach(deliveries, pick, { discard: true })

/** The export of one connection: its run and, with client acks, when the client's acks are all read. */
export const makeExport = (
  connection: Connection,
  deliveries: Queue.Dequeue<Delivery>,
  options: ExportOptions
): ExportRun => {
  const acksRead = Latch.makeUnsafe(options.clientAcks === undefined)
  return {
    run: exportLoop(connection, deliveries, options, acksRead),
    acksRead: acksRead.await
  }
}

/**
 * Runs until interrupted or until too many writes fail. Interrupting it reports every delivery it
 * held as failed, so the Subscriber gives those messages back to the broker.
 */
export const runExport = (
  connection: Connection,
  deliveries: Queue.Dequeue<Delivery>,
  options: ExportOptions
): Effect.Effect<never, TooManyWriteErrors> => makeExport(connection, deliveries, options).run

/** The frames `translateRecord` makes are new buffers that nothing else holds. */
const ownFrames = { releaseWhenWritten: true } as const

const exportLoop = Effect.fn("ExportDispatcher.run")(function* (
  connection: Connection,
  deliveries: Queue.Dequeue<Delivery>,
  options: ExportOptions,
  acksRead: Latch.Latch
): Effect.fn.Return<never, TooManyWriteErrors> {
  // Per-frame metric updates are made directly against the registry: this is the hot path.
  const context = yield* Effect.context<never>()
  const { clientAcks } = options
  // Client acks: frames handed to the socket so far, the client's mark, and the deliveries of the
  // frames after that mark, oldest first (frame acked + 1 is unacked[0]).
  let numbered = 0
  let acked = 0
  let unacked: Array<Delivery> = []
  // Once the client's side has closed no ack can come: the window no longer holds the writer.
  let clientGone = false
  const windowOpen = Latch.makeUnsafe(true)
  const room = () => (clientAcks === undefined || clientGone ? Infinity : clientAcks.maxUnacked - (numbered - acked))
  // Writes go out in order and their callbacks fire in order: settle them in that order.
  const written = yield* Queue.unbounded<Batch>()

  /**
   * A record no client could read is settled once, never redelivered in a loop: moved to the
   * dead-letter topic when there is one, else acknowledged; counted either way. If the dead-letter
   * topic cannot take it, it is given back rather than lost.
   */
  const unreadable = (delivery: Delivery, reason: string) =>
    Effect.gen(function* () {
      Metrics.exportRecordsRejected.updateUnsafe(1, context)
      const { deadLetter } = options
      if (deadLetter === undefined) {
        yield* Effect.logWarning(
          `a message on the ${options.kind} topic is not a ${options.kind} record; acknowledged`,
          reason
        )
        return yield* delivery.delivered
      }
      const moved = yield* Effect.exit(deadLetter(delivery.message, `not a ${options.kind} record: ${reason}`))
      if (moved._tag === "Success") {
        yield* Effect.logWarning(
          `a message on the ${options.kind} topic is not a ${options.kind} record; moved to the dead-letter topic`,
          reason
        )
        return yield* delivery.delivered
      }
      yield* Effect.logError(
        `a message on the ${options.kind} topic is not a ${options.kind} record, and the dead-letter topic did not take it; given back`,
        moved.cause
      )
      return yield* delivery.failed
    })

  const take: Effect.Effect<ReadonlyArray<Delivery>> =
    clientAcks === undefined
      ? Queue.takeAll(deliveries)
      : Effect.andThen(
          windowOpen.await,
          Effect.suspend(() => Queue.takeBetween(deliveries, 1, room()))
        )

  const writer = Effect.forever(
    Effect.gen(function* () {
      const taken = yield* take
      const texts: Array<OutboundText> = []
      const sent: Array<Delivery> = []
      for (const delivery of taken) {
        const frame = translateRecord(options.kind, delivery.message.payload)
        if (Result.isFailure(frame)) {
          yield* unreadable(delivery, frame.failure.message)
          continue
        }
        // The frame is a copy: the message's memory can go now, not when a collection finds it.
        delivery.message.releasePayload?.()
        texts.push(frame.success)
        sent.push(delivery)
      }
      if (sent.length === 0) return
      if (clientAcks !== undefined) {
        // Numbered as they are handed over: an ack may come back before the write's callback.
        numbered += sent.length
        unacked.push(...sent)
        if (room() <= 0) windowOpen.closeUnsafe()
      }
      const done = yield* connection.write(texts, ownFrames).pipe(
        Effect.catchTag("SocketWriteFailed", (failure) => Effect.succeed(Effect.succeed({ written: 0, failure }))),
        Effect.onInterrupt(() => reportAll(sent, (delivery) => delivery.failed))
      )
      yield* Queue.offer(written, { deliveries: sent, done })
    })
  )

  let consecutive = 0
  const settler = Effect.forever(
    Effect.gen(function* () {
      const batch = yield* Queue.take(written)
      const outcome = yield* batch.done.pipe(
        Effect.onInterrupt(() => reportAll(batch.deliveries, (delivery) => delivery.failed))
      )
      const delivered = batch.deliveries.slice(0, outcome.written)
      // With client acks, written is not delivered: the client's ack reports it.
      if (clientAcks === undefined) yield* reportAll(delivered, (delivery) => delivery.delivered)
      Metrics.exportFramesSent.updateUnsafe(delivered.length, context)
      if (outcome.failure === undefined) {
        consecutive = 0
        return
      }
      if (delivered.length > 0) consecutive = 0
      yield* reportAll(batch.deliveries.slice(outcome.written), (delivery) => delivery.failed)
      consecutive += batch.deliveries.length - outcome.written
      if (consecutive >= options.maxConsecutiveErrors) {
        return yield* new TooManyWriteErrors({ count: consecutive, last: outcome.failure.reason })
      }
    })
  )

  const giveBackUnsettled = Queue.clear(written).pipe(
    Effect.flatMap((left) =>
      reportAll(
        left.flatMap((batch) => batch.deliveries),
        (delivery) => delivery.failed
      )
    )
  )

  /** The client has every frame up to `n`: their messages are delivered. */
  const acknowledge = (n: number) =>
    Effect.suspend(() => {
      const done = unacked.slice(0, n - acked)
      unacked = unacked.slice(n - acked)
      acked = n
      if (room() > 0) windowOpen.openUnsafe()
      return reportAll(done, (delivery) => delivery.delivered)
    })

  /** What was written and not acknowledged goes back to the broker. */
  const giveBackUnacked = Effect.suspend(() => {
    const left = unacked
    unacked = []
    return reportAll(left, (delivery) => delivery.failed)
  })

  const ackReader = Effect.gen(function* () {
    let frame = 0
    for (;;) {
      const batch = yield* connection.receive
      const refusals: Array<string> = []
      for (const inbound of batch) {
        const text = typeof inbound.data === "string" ? inbound.data : inbound.data.toString("utf8")
        const ack = readAck(text, ++frame, numbered, acked)
        if (Result.isSuccess(ack)) yield* acknowledge(ack.success)
        else refusals.push(JSON.stringify(toErrorFrame(ack.failure)))
      }
      // Error frames are not numbered, and nothing waits for their writes.
      if (refusals.length > 0) yield* Effect.ignore(connection.write(refusals))
    }
  }).pipe(
    Effect.catchIf(Cause.isDone, () =>
      Effect.gen(function* () {
        clientGone = true
        windowOpen.openUnsafe()
        yield* giveBackUnacked
        acksRead.openUnsafe()
        return yield* Effect.never
      })
    )
  )

  return yield* (
    clientAcks === undefined ? Effect.raceFirst(writer, settler) : Effect.raceAll([writer, settler, ackReader])
  ).pipe(Effect.ensuring(Effect.andThen(giveBackUnsettled, giveBackUnacked)))
})
