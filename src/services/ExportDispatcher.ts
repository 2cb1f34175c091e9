/**
 * The export dispatcher, one for every kind: takes deliveries from the connection's Subscriber
 * queue, translates each record into the client frame (the kinds table says how) and writes it.
 * A delivery is reported delivered — and so acknowledged to the broker — only when the socket
 * has written it (the `ws.send` callback), in the order written; a failed write gives the message
 * back. `maxConsecutiveErrors` failed writes in a row end the export.
 */
import { Effect, Metric, Queue, Schema } from "effect"
import { recordToFrameText } from "../domain/Codec.ts"
import type { ExportableKindName } from "../domain/Kinds.ts"
import type { Connection, SocketWriteFailed } from "./Connection.ts"
import * as Metrics from "./Metrics.ts"
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
}

interface Written {
  readonly delivery: Delivery
  readonly done: Effect.Effect<void, SocketWriteFailed>
}

/**
 * Runs until interrupted or until too many writes fail. Interrupting it reports every delivery it
 * held as failed, so the Subscriber gives those messages back to the broker.
 */
export const runExport = Effect.fn("ExportDispatcher.run")(function* (
  connection: Connection,
  deliveries: Queue.Dequeue<Delivery>,
  options: ExportOptions
): Effect.fn.Return<never, TooManyWriteErrors> {
  // Writes go out in order and their callbacks fire in order: settle them in that order.
  const written = yield* Queue.unbounded<Written>()

  const writer = Effect.forever(
    Effect.gen(function* () {
      const delivery = yield* Queue.take(deliveries)
      const text = yield* recordToFrameText(options.kind, delivery.message.payload).pipe(
        Effect.catchTag("RecordRejected", (rejected) =>
          Effect.logWarning(
            `a message on the ${options.kind} topic is not a ${options.kind} record`,
            rejected.message
          ).pipe(
            Effect.andThen(Metric.update(Metrics.exportRecordsRejected, 1)),
            // Nothing any client could read: acknowledge it rather than have it redelivered forever.
            Effect.andThen(delivery.delivered),
            Effect.as(undefined)
          )
        )
      )
      if (text === undefined) return
      const done = yield* connection.write(text).pipe(
        Effect.catchTag("SocketWriteFailed", (failed) => Effect.succeed(Effect.fail(failed))),
        Effect.onInterrupt(() => delivery.failed)
      )
      yield* Queue.offer(written, { delivery, done })
    })
  )

  let consecutive = 0
  const settler = Effect.forever(
    Effect.gen(function* () {
      const { delivery, done } = yield* Queue.take(written)
      const outcome = yield* Effect.result(done).pipe(Effect.onInterrupt(() => delivery.failed))
      if (outcome._tag === "Success") {
        consecutive = 0
        yield* delivery.delivered
        yield* Metric.update(Metrics.exportFramesSent, 1)
        return
      }
      yield* delivery.failed
      consecutive++
      if (consecutive >= options.maxConsecutiveErrors) {
        return yield* new TooManyWriteErrors({ count: consecutive, last: outcome.failure.reason })
      }
    })
  )

  const giveBackUnsettled = Queue.clear(written).pipe(
    Effect.flatMap((left) => Effect.forEach(left, ({ delivery }) => delivery.failed, { discard: true }))
  )

  return yield* Effect.raceFirst(writer, settler).pipe(Effect.ensuring(giveBackUnsettled))
})
