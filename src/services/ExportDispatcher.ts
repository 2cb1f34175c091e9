/**
 * The export dispatcher, one for every kind: takes deliveries from the connection's Subscriber
 * queue, translates each record into the client frame (the kinds table says how) and writes it.
 * A delivery is reported delivered — and so acknowledged to the broker — only when the socket
 * has written it (the `ws.send` callback), in the order written; a failed write gives the message
 * back. `maxConsecutiveErrors` failed writes in a row end the export.
 *
 * Deliveries are taken in batches — all that are waiting — and written together; the settler
 * reports each batch once its writes are confirmed. Per frame there is no fiber and no Deferred.
 */
import { Effect, Queue, Result, Schema } from "effect"
import { translateRecord } from "../domain/Codec.ts"
import type { ExportableKindName } from "../domain/Kinds.ts"
import type { Connection, Written } from "./Connection.ts"
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
}

/** Deliveries handed to the socket together, and the outcome of their writes. */
interface Batch {
  readonly deliveries: ReadonlyArray<Delivery>
  readonly done: Effect.Effect<Written>
}

const reportAll = (deliveries: ReadonlyArray<Delivery>, pick: (delivery: Delivery) => Effect.Effect<void>) =>
  Effect.forEach(deliveries, pick, { discard: true })

/**
 * Runs until interrupted or until too many writes fail. Interrupting it reports every delivery it
 * held as failed, so the Subscriber gives those messages back to the broker.
 */
export const runExport = Effect.fn("ExportDispatcher.run")(function* (
  connection: Connection,
  deliveries: Queue.Dequeue<Delivery>,
  options: ExportOptions
): Effect.fn.Return<never, TooManyWriteErrors> {
  // Per-frame metric updates are made directly against the registry: this is the hot path.
  const context = yield* Effect.context<never>()
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

  const writer = Effect.forever(
    Effect.gen(function* () {
      const taken = yield* Queue.takeAll(deliveries)
      const texts: Array<string> = []
      const sent: Array<Delivery> = []
      for (const delivery of taken) {
        const frame = translateRecord(options.kind, delivery.message.payload)
        if (Result.isFailure(frame)) {
          yield* unreadable(delivery, frame.failure.message)
          continue
        }
        texts.push(frame.success)
        sent.push(delivery)
      }
      if (sent.length === 0) return
      const done = yield* connection.write(texts).pipe(
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
      yield* reportAll(delivered, (delivery) => delivery.delivered)
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

  return yield* Effect.raceFirst(writer, settler).pipe(Effect.ensuring(giveBackUnsettled))
})
