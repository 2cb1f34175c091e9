/**
 * The import dispatcher, one for every kind: reads client frames, validates and translates each
 * into its processor-side record (the kinds table in `src/domain/Kinds.ts` says how), and hands
 * it to the connection's Publisher. A bad frame is answered with an error frame and costs nothing
 * else. With `?ack=true` each frame is answered once persisted: `{"ack": n}`, or
 * `{"nack": n, "error": {…}}` when it could not be.
 */
import { Cause, Effect, Latch, Metric, Queue, type Scope } from "effect"
import { importPayload } from "../domain/Codec.ts"
import { type FrameRejected, toErrorFrame } from "../domain/errors.ts"
import type { KindName } from "../domain/Kinds.ts"
import type { Connection } from "./Connection.ts"
import * as Metrics from "./Metrics.ts"
import type { PublishError, PublisherShape } from "./Publisher.ts"

export interface ImportOptions {
  readonly kind: KindName
  /** Answer every frame with an ack or nack (the `?ack=true` extension). */
  readonly ack: boolean
}

export interface ImportRun {
  /** Reads and publishes until the client closes, reading is stopped, or the publisher closes. */
  readonly run: Effect.Effect<void>
  /** Waits until every pending ack or nack has been written. */
  readonly answered: Effect.Effect<void>
  /** Frames read so far. */
  readonly frames: () => number
}

const ackFrame = (n: number) => `{"ack":${n}}`
/** A frame the gateway refused: sending it again is pointless. */
const refusedFrame = (n: number, message: string, path: string) =>
  JSON.stringify({ nack: n, error: { message, path, frame: n } })

/** A frame the broker did not take: `retryable` tells a client to send it again. */
const unpublishedFrame = (n: number, message: string) =>
  JSON.stringify({ nack: n, error: { message, path: "", frame: n, retryable: true } })

export const makeImport = Effect.fn("ImportDispatcher.make")(function* (
  connection: Connection,
  publisher: PublisherShape,
  options: ImportOptions
): Effect.fn.Return<ImportRun, never, Scope.Scope> {
  let frames = 0

  // Answers to a client that has gone away have nowhere to go: a failed write is not an error.
  // Only room in the socket is waited for, not each write's completion.
  const answer = (text: string) => Effect.ignore(connection.write(text))

  // Confirmations come back in publish order, so one fiber answers them in that order.
  const receipts = yield* Queue.unbounded<{
    readonly n: number
    readonly receipt: Effect.Effect<unknown, PublishError>
  }>()
  let unanswered = 0
  const allAnswered = Latch.makeUnsafe(true)
  yield* Effect.forkScoped(
    Effect.forever(
      Effect.gen(function* () {
        const { n, receipt } = yield* Queue.take(receipts)
        const outcome = yield* Effect.result(receipt)
        yield* answer(outcome._tag === "Success" ? ackFrame(n) : unpublishedFrame(n, outcome.failure.message))
        if (--unanswered === 0) allAnswered.openUnsafe()
      })
    )
  )

  const reject = (rejected: FrameRejected, n: number) =>
    Metric.update(Metrics.importFramesRejected, 1).pipe(
      Effect.andThen(
        answer(options.ack ? refusedFrame(n, rejected.message, rejected.path) : JSON.stringify(toErrorFrame(rejected)))
      )
    )

  const handle = (data: Buffer, n: number) =>
    Effect.gen(function* () {
      const payload = yield* importPayload(options.kind, data, n)
      if (!options.ack) return yield* publisher.publish({ payload })
      const receipt = yield* publisher.publishWithReceipt({ payload })
      unanswered++
      allAnswered.closeUnsafe()
      Queue.offerUnsafe(receipts, { n, receipt })
    }).pipe(Effect.catchTag("FrameRejected", (rejected) => reject(rejected, n)))

  const run = Effect.gen(function* () {
    for (;;) {
      const frame = yield* connection.receive
      frames++
      yield* Metric.update(Metrics.importFramesReceived, 1)
      yield* handle(frame.data, frames)
    }
  }).pipe(
    Effect.catchIf(Cause.isDone, () => Effect.void),
    Effect.catchTag("PublisherClosed", (closed) =>
      answer(
        options.ack
          ? unpublishedFrame(frames, closed.message)
          : JSON.stringify({ error: { message: closed.message, path: "", frame: frames } })
      )
    )
  )

  return { run, answered: allAnswered.await, frames: () => frames }
})
