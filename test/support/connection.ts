/**
 * A `Connection` driven by the test: it feeds frames batch by batch, decides whether writes go
 * out, and makes the client go away; every answer written and the close frame are recorded.
 */
import { type Cause, Deferred, type Duration, Effect, Latch, Queue } from "effect"
import * as Arr from "effect/Array"
import type { NonEmptyReadonlyArray } from "effect/Array"
import {
  type Connection,
  type InboundFrame,
  type OutboundText,
  SocketWriteFailed
} from "../../src/services/Connection.ts"

/** A frame written to the client, as text whichever way the dispatcher handed it over. */
export const textOf = (frame: OutboundText): string =>
  typeof frame === "string" ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString("utf8")

export const makeTestConnection = Effect.gen(function* () {
  const batches = yield* Queue.unbounded<NonEmptyReadonlyArray<InboundFrame>, Cause.Done>()
  const closed = yield* Deferred.make<number>()
  const sent: Array<unknown> = []
  let open = true
  // While closed, writes wait for room as with a client that does not read.
  const room = yield* Latch.make(true)
  let closedWith: { readonly code: number; readonly reason: string } | undefined
  let closeWithin: Duration.Duration | undefined

  const connection: Connection = {
    receive: Queue.take(batches),
    write: (texts) =>
      Effect.andThen(
        room.await,
        Effect.sync(() => {
          // As a socket whose peer has gone: the writes fail, the close itself is noticed later.
          if (!open) return Effect.succeed({ written: 0, failure: new SocketWriteFailed({ reason: "socket closed" }) })
          sent.push(...texts.map((text) => JSON.parse(textOf(text))))
          return Effect.succeed({ written: texts.length })
        })
      ),
    stopReading: Queue.end(batches).pipe(Effect.asVoid),
    peerClosed: Deferred.await(closed),
    isOpen: () => open,
    close: (code, reason, within) =>
      Effect.sync(() => {
        open = false
        closedWith ??= { code, reason }
        closeWithin ??= within
      })
  }

  return {
    connection,
    /** Frames arriving together, as one batch. */
    deliver: (...frames: NonEmptyReadonlyArray<string>) =>
      Queue.offer(
        batches,
        Arr.map(frames, (data): InboundFrame => ({ data, isBinary: false }))
      ),
    /** The client's socket is gone; `noticed` also completes `peerClosed` (the close event). */
    goAway: (noticed: boolean) =>
      Effect.gen(function* () {
        open = false
        yield* Queue.end(batches)
        if (noticed) yield* Deferred.succeed(closed, 1001)
      }),
    sent,
    closedWith: () => closedWith,
    /** How long the endpoint let the close handshake take. */
    closeWithin: () => closeWithin,
    /** The client stops reading (`false`) or reads again (`true`). */
    reading: (reads: boolean) => (reads ? room.open : room.close)
  }
})
