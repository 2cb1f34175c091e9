/**
 * One client WebSocket as the dispatchers see it: frames in with backpressure, frames out with
 * delivery confirmation, and the peer's close. Implemented over `ws` in
 * `src/layers/WsConnection.ts`; tests can drive a dispatcher with any implementation.
 */
import { type Cause, type Duration, type Effect, Schema } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"

export interface InboundFrame {
  /**
   * The frame's bytes (a text frame's UTF-8 checked by the socket), or its text where a caller
   * has it as text already.
   */
  readonly data: string | Buffer
  readonly isBinary: boolean
}

/** A text frame to send: its text, or its UTF-8 bytes (sent as a text frame all the same). */
export type OutboundText = string | Uint8Array

export class SocketWriteFailed extends Schema.TaggedError<SocketWriteFailed>()("SocketWriteFailed", {
  reason: Schema.String
}) {
  override get message() {
    return `could not write to the client's socket: ${this.reason}`
  }
}

export interface WriteOptions {
  /**
   * The frames are the caller's own buffers (`ownedBytes`) that nothing reads once written: each
   * one's memory is released when the socket has taken it (`OwnedBytes.release`).
   */
  readonly releaseWhenWritten?: boolean
}

/** How a `write` ended: the first `written` frames went out; `failure` says why the rest did not. */
export interface Written {
  readonly written: number
  readonly failure?: SocketWriteFailed
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
   * Hands frames to the socket in order, first waiting while it holds more than its high-water
   * mark — so a client that does not read holds the writer back instead of filling memory. The
   * returned effect completes once every one of them has gone out or failed (the `ws.send`
   * callbacks), saying how many went out; those are always the first ones. Fails at once if the
   * socket is closed. Callers with nothing to wait for (acks, error frames) drop that effect.
   */
  readonly write: (
    texts: ReadonlyArray<OutboundText>,
    options?: WriteOptions
  ) => Effect.Effect<Effect.Effect<Written>, SocketWriteFailed>
  /** Completes when the peer has closed (or the connection broke), with the close code. */
  readonly peerClosed: Effect.Effect<number>
  readonly isOpen: () => boolean
  /**
   * Closes with the code, waiting for the peer's close frame at most `within` (and never longer
   * than the connection's own bound), then drops the connection.
   */
  readonly close: (code: number, reason: string, within?: Duration.Duration) => Effect.Effect<void>
}
