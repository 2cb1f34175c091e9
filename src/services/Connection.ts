/**
 * One client WebSocket as the dispatchers see it: frames in with backpressure, frames out with
 * delivery confirmation, and the peer's close. Implemented over `ws` in
 * `src/layers/WsConnection.ts`; tests can drive a dispatcher with any implementation.
 */
import { type Cause, type Effect, Schema } from "effect"

export interface InboundFrame {
  readonly data: Buffer
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
  /** The next frame from the client; fails with Done once the peer closed or reading stopped. */
  readonly receive: Effect.Effect<InboundFrame, Cause.Done>
  /** Stops reading: no more frames are accepted; those already received are still handed out. */
  readonly stopReading: Effect.Effect<void>
  /**
   * Hands a frame to the socket, waiting while too many writes are unconfirmed. The returned
   * effect completes when the write has gone out (the `ws.send` callback), or fails.
   */
  readonly write: (text: string) => Effect.Effect<Effect.Effect<void, SocketWriteFailed>, SocketWriteFailed>
  /** Completes when the peer has closed (or the connection broke), with the close code. */
  readonly peerClosed: Effect.Effect<number>
  readonly isOpen: () => boolean
  /** Closes with the code, waiting (bounded) for the peer's close frame. */
  readonly close: (code: number, reason: string) => Effect.Effect<void>
}
