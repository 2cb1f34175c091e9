/**
 * The import dispatcher, one for every kind: reads client frames, validates and translates each
 * into its processor-side record (the kinds table in `src/domain/Kinds.ts` says how), and hands
 * it to the connection's Publisher. A bad frame is answered with an error frame and costs nothing
 * else. With `?ack=true` each frame is answered once persisted: `{"ack": n}`, or
 * `{"nack": n, "error": {…}}` when it could not be.
 *
 * Frames are taken in batches — all that have arrived — and each is translated and queued in
 * turn; answers are collected as the broker confirms and written by one fiber, as many as are
 * ready at a time. Per frame there is no fiber and no Deferred: at thousands of frames a second
 * the bookkeeping would otherwise cost as much as the translation.
 */
import { Cause, Effect, Exit, Latch, Result, type Scope } from "effect"
import { translateFrame } from "../domain/Codec.ts"
import { type FrameRejected, toErrorFrame } from "../domain/errors.ts"
import type { KindName } from "../domain/Kinds.ts"
import type { Connection, InboundFrame } from "./Connection.ts"
import * as Metrics from "./Metrics.ts"
import type { PublisherShape, Settled } from "./Publisher.ts"

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

const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

export const makeImport = Effect.fn("ImportDispatcher.make")(function* (
  connection: Connection,
  publisher: PublisherShape,
  options: ImportOptions
): Effect.fn.Return<ImportRun, never, Scope.Scope> {
  let frames = 0

  // Answers waiting to be written, in the order the broker settled their frames.
  let ready: Array<string> = []
  const answersReady = Latch.makeUnsafe(false)
  let unanswered = 0
  const allAnswered = Latch.makeUnsafe(true)
  const queueAnswer = (text: string) => {
    ready.push(text)
    answersReady.openUnsafe()
  }
  const expectAnswer = () => {
    unanswered++
    allAnswered.closeUnsafe()
  }

  // One fiber writes every answer. Answers to a client that has gone away have nowhere to go;
  // only room in the socket is waited for, not each write's completion.
  yield* Effect.forkScoped(
    Effect.forever(
      Effect.gen(function* () {
        yield* answersReady.await
        answersReady.closeUnsafe()
        const texts = ready
        ready = []
        yield* Effect.ignore(connection.write(texts))
        unanswered -= texts.length
        if (unanswered === 0) allAnswered.openUnsafe()
      })
    )
  )

  const settledAs =
    (n: number): Settled =>
    (outcome) =>
      queueAnswer(Exit.isSuccess(outcome) ? ackFrame(n) : unpublishedFrame(n, reasonOf(outcome.cause)))

  const reject = (rejected: FrameRejected, n: number) => {
    Metrics.importFramesRejected.updateUnsafe(1, context)
    expectAnswer()
    queueAnswer(options.ack ? refusedFrame(n, rejected.message, rejected.path) : JSON.stringify(toErrorFrame(rejected)))
  }

  // Per-frame metric updates are made directly against the registry: this is the hot path.
  const context = yield* Effect.context<never>()

  /** Translates and queues one frame; fails only when the publisher no longer accepts messages. */
  const handle = (frame: InboundFrame, n: number) => {
    const translated = translateFrame(options.kind, frame.data, n)
    if (Result.isFailure(translated)) return Effect.sync(() => reject(translated.failure, n))
    const message = { payload: translated.success }
    if (!options.ack) return publisher.publish(message)
    expectAnswer()
    return publisher.publishNotify(message, settledAs(n))
  }

  const run = Effect.gen(function* () {
    for (;;) {
      const batch = yield* connection.receive
      Metrics.importFramesReceived.updateUnsafe(batch.length, context)
      for (let i = 0; i < batch.length; i++) {
        const n = ++frames
        const handled = yield* Effect.result(handle(batch[i]!, n))
        if (Result.isSuccess(handled)) continue
        // The publisher is shutting down: this frame and the rest of the batch go unpublished.
        const closed = handled.failure
        const last = n + (batch.length - 1 - i)
        frames = last
        if (options.ack) {
          // Frame n's answer was expected when it was handed over; the others' are expected now.
          for (let m = n + 1; m <= last; m++) expectAnswer()
          for (let m = n; m <= last; m++) queueAnswer(unpublishedFrame(m, closed.message))
        } else {
          expectAnswer()
          queueAnswer(JSON.stringify({ error: { message: closed.message, path: "", frame: n } }))
        }
        return
      }
    }
  }).pipe(Effect.catchIf(Cause.isDone, () => Effect.void))

  return { run, answered: allAnswered.await, frames: () => frames }
})
