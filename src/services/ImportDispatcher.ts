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
import { MessageTooLarge } from "../domain/BrokerErrors.ts"
import { FrameRejected, toErrorFrame } from "../domain/errors.ts"
import type { KindName } from "../domain/Kinds.ts"
import { duplicateMessageId } from "./Broker.ts"
import type { Connection, InboundFrame } from "./Connection.ts"
import * as Metrics from "./Metrics.ts"
import type { Publisher, PublishError, Settled } from "./Publisher.ts"

export interface ImportOptions {
  readonly kind: KindName
  /** Answer every frame with an ack or nack (the `?ack=true` extension). */
  readonly ack: boolean
  /**
   * The frames go to a named producer that numbers its sends in order (`?producer=`): a frame
   * refused here would leave a gap between frame and sequence id, so reading stops at the first
   * one and the client reconnects with the frames after it.
   */
  readonly stopAtRefusal?: boolean
  /** Characters of answers not yet handed to the socket above which no more frames are read. Default 1 Mi. */
  readonly maxUnwrittenAnswerBytes?: number
}

export interface ImportRun {
  /** Reads and publishes until the client closes, reading is stopped, or the publisher closes. */
  readonly run: Effect.Effect<void>
  /** Waits until every pending ack or nack has been written. */
  readonly answered: Effect.Effect<void>
  /** Frames read so far. */
  readonly frames: () => number
  /** With `stopAtRefusal`, the frame whose refusal stopped the reading. */
  readonly refused: () => number | undefined
}

const ackFrame = (n: number) => `{"ack":${n}}`
/** A frame the broker already held, sent again under the same producer name: stored once, and said so. */
const duplicateAckFrame = (n: number) => `{"ack":${n},"duplicate":true}`
/** A frame the gateway refused: sending it again is pointless. */
const refusedFrame = (n: number, message: string, path: string) =>
  JSON.stringify({ nack: n, error: { message, path, frame: n } })

/** A frame the broker did not take: `retryable` tells a client to send it again. */
const unpublishedFrame = (n: number, message: string) =>
  JSON.stringify({ nack: n, error: { message, path: "", frame: n, retryable: true } })

/** Without `?ack=true` a frame that could not be published is still told, as an error frame. */
const unpublishedError = (n: number, message: string, retryable: boolean) =>
  JSON.stringify({ error: retryable ? { message, path: "", frame: n, retryable } : { message, path: "", frame: n } })

/** Why a publish failed, and whether sending the frame again could succeed. */
const failureOf = (cause: Cause.Cause<PublishError>): { readonly reason: string; readonly retryable: boolean } => {
  const error = Cause.squash(cause)
  return {
    reason: error instanceof Error ? error.message : String(error),
    retryable: !(error instanceof MessageTooLarge)
  }
}

/** A record larger than the broker takes: refused before it is sent, since no retry could succeed. */
const tooLarge = (size: number, limit: number, n: number) =>
  new FrameRejected({
    message:
      `the frame's record is ${size.toLocaleString("en-US")} bytes and the broker takes at most ` +
      `${limit.toLocaleString("en-US")} bytes per message: split it into smaller frames`,
    path: "",
    frame: n
  })

export const makeImport = Effect.fn("ImportDispatcher.make")(function* (
  connection: Connection,
  publisher: Publisher,
  options: ImportOptions
): Effect.fn.Return<ImportRun, never, Scope.Scope> {
  let frames = 0

  // Answers waiting to be written, in the order the broker settled their frames.
  let ready: Array<string> = []
  const answersReady = Latch.makeUnsafe(false)
  let unanswered = 0
  const allAnswered = Latch.makeUnsafe(true)
  // A client that does not read its answers stops the reading of its frames: answers not yet
  // handed to the socket are bounded, and the socket's own buffer is bounded by the connection.
  const maxUnwrittenBytes = options.maxUnwrittenAnswerBytes ?? 1024 * 1024
  let unwrittenBytes = 0
  const roomForAnswers = Latch.makeUnsafe(true)
  const queueAnswer = (text: string) => {
    ready.push(text)
    unwrittenBytes += text.length
    if (unwrittenBytes >= maxUnwrittenBytes) roomForAnswers.closeUnsafe()
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
        for (const text of texts) unwrittenBytes -= text.length
        if (unwrittenBytes < maxUnwrittenBytes) roomForAnswers.openUnsafe()
        unanswered -= texts.length
        if (unanswered === 0) allAnswered.openUnsafe()
      })
    )
  )

  /** With `?ack=true` every frame is answered; its answer was expected when it was handed over. */
  const answerAs =
    (n: number): Settled =>
    (outcome) => {
      if (Exit.isSuccess(outcome))
        return queueAnswer(outcome.value === duplicateMessageId ? duplicateAckFrame(n) : ackFrame(n))
      const { reason, retryable } = failureOf(outcome.cause)
      queueAnswer(retryable ? unpublishedFrame(n, reason) : refusedFrame(n, reason, ""))
    }

  /** Without it only a failure is answered, with an error frame. */
  const reportFailureOf =
    (n: number): Settled =>
    (outcome) => {
      if (Exit.isSuccess(outcome)) return
      const { reason, retryable } = failureOf(outcome.cause)
      expectAnswer()
      queueAnswer(unpublishedError(n, reason, retryable))
    }

  let refused: number | undefined
  const reject = (rejected: FrameRejected, n: number) => {
    if (options.stopAtRefusal === true) refused ??= n
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
    const payload = translated.success
    if (payload.byteLength > publisher.maxMessageSize) {
      return Effect.sync(() => reject(tooLarge(payload.byteLength, publisher.maxMessageSize, n), n))
    }
    // The record is made for this message alone and nothing here reads it again.
    const message = { payload, releaseWhenStored: true }
    if (!options.ack) return publisher.publishNotify(message, reportFailureOf(n))
    expectAnswer()
    return publisher.publishNotify(message, answerAs(n))
  }

  const run = Effect.gen(function* () {
    for (;;) {
      yield* roomForAnswers.await
      const batch = yield* connection.receive
      Metrics.importFramesReceived.updateUnsafe(batch.length, context)
      for (let i = 0; i < batch.length; i++) {
        const n = ++frames
        const handled = yield* Effect.result(handle(batch[i]!, n))
        if (refused !== undefined) {
          // Sent after the refused one, these would be numbered one sequence id too low.
          const last = n + (batch.length - 1 - i)
          frames = last
          const reason =
            `not sent: frame ${refused} was refused and a named producer's frames go to the broker in order; ` +
            `send this frame again on a new connection with first= its sequence id`
          for (let m = n + 1; m <= last; m++) expectAnswer()
          for (let m = n + 1; m <= last; m++) queueAnswer(unpublishedFrame(m, reason))
          return
        }
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

  return { run, answered: allAnswered.await, frames: () => frames, refused: () => refused }
})
