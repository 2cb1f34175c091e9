/**
 * One client WebSocket as the dispatchers see it: frames in with backpressure, frames out with
 * delivery confirmation, and the peer's close. Implemented over `ws` in
 * `src/layers/WsConnection.ts`; tests can drive a dispatcher with any implementation.
 */
import { type Cause, type Effect, Schema } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"

export interface InboundFrame {
  /** Text frames as text (the socket has checked their UTF-8), binary frames as bytes. */
  readonly data: string | Buffer
  readonly isBinary: boolean
}

export class SocketWriteFailed extends Schema.TaggedError<SocketWriteFailed>()("SocketWriteFailed", {
  reason: Schema.String
}) {
  override get message() {
    return `could not write to the client's socket: ${this.reason}`
  }
}

export interface Connection {
  /**
   * Every frame that has arrived and not been taken yet, oldest first — at least one, waiting
   * for it if need be; fails with Done once the peer closed or reading stopped and none is left.
   */
  readonly receive: Effect.Effect<NonEmptyReadonlyArray<InboundFrame>, Cause.Done>
  /** Stops reading: no more frames are accepted; those already received are still handed out. */
  readonly stopReading: Effect.Effect<void>
  /**
   * Hands a frame to the socket, waiting while too many writes are unconfirmed. The returned
   * effect completes when the write has gone out (the `ws.send` callback), or fails.
   */
  readonly write: (text: string) => Effect.Effect<Effect.Effect<void, SocketWriteFailed>, SocketWriteFailed>
  /**
   * Hands frames to the socket without waiting for their writes — for answers that nothing
   * waits on (acks, error frames). Waits only while the socket holds more than its high-water
   * mark, so a client that does not read its answers is pushed back too. Frames for a closed
   * socket are dropped.
   */
  readonly sendAll: (texts: ReadonlyArray<string>) => Effect.Effect<void>
  /** Completes when the peer has closed (or the connection broke), with the close code. */
  readonly peerClosed: Effect.Effect<number>
  readonly isOpen: () => boolean
  /** Closes with the code, waiting (bounded) for the peer's close frame. */
  readonly close: (code: number, reason: string) => Effect.Effect<void>
}
