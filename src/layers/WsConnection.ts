/**
 * A `Connection` over a `ws` WebSocket.
 *
 * Reading: frames go to an in-memory buffer; when it holds `highWaterFrames` frames or
 * `readBufferBytes` bytes the socket is paused, so TCP pushes back on the client, and it resumes
 * once the dispatcher has taken them. It holds at most that many bytes plus one frame. Text
 * frames are decoded as they arrive, so that waiting frames do not hold the socket's read buffers.
 * Writing: `ws.send` queues in memory without limit, so a writer waits while the socket's
 * `bufferedAmount` is above `highWaterBytes` — a slow client holds back the export (and, through
 * unwritten acks, the import) instead of filling the gateway's memory.
 */
import { Cause, Deferred, Duration, Effect, Exit, Latch, Queue } from "effect"
import WebSocket from "ws"
import { release } from "../domain/OwnedBytes.ts"
import {
  type Connection,
  type InboundFrame,
  type OutboundText,
  SocketWriteFailed,
  type WriteOptions,
  type Written
} from "../services/Connection.ts"
import { keepAlive } from "./Keepalive.ts"

/** Bytes handed to `send` go out as a text frame too: they are the text's UTF-8. */
const textFrame = { binary: false } as const

export interface WsConnectionOptions {
  readonly highWaterFrames?: number
  /** Bytes of frames received and not yet taken above which the socket is paused. Default 4 MiB. */
  readonly readBufferBytes?: number
  /** Bytes queued in the socket above which writers wait. Default 4 MiB. */
  readonly highWaterBytes?: number
  /**
   * Frames handed to the socket and not yet taken by the kernel at which writers wait. Default
   * 1,024. Each holds its bookkeeping until then, a few KiB: small frames reach this bound long
   * before the byte bound.
   */
  readonly highWaterUnconfirmed?: number
  /** Bound on waiting for the peer's close frame. Default 2 s. */
  readonly closeTimeout?: number
  /**
   * The stream under the WebSocket (the upgraded request's socket). When given, the frames of
   * one `write` are corked into a single system call instead of one each.
   */
  readonly transport?: { readonly cork: () => void; readonly uncork: () => void }
  /** Milliseconds between the pings that keep an idle connection open (see Keepalive.ts). 0: none. */
  readonly pingInterval?: number
}

export const makeWsConnection = (socket: WebSocket, options: WsConnectionOptions = {}): Effect.Effect<Connection> =>
  Effect.gen(function* () {
    const highWater = options.highWaterFrames ?? 16
    const readBufferBytes = options.readBufferBytes ?? 4 * 1024 * 1024
    let bufferedBytes = 0
    let reading = true
    const inbound = yield* Queue.unbounded<InboundFrame, Cause.Done>()
    const closed = yield* Deferred.make<number>()
    const highWaterBytes = options.highWaterBytes ?? 4 * 1024 * 1024
    const highWaterUnconfirmed = options.highWaterUnconfirmed ?? 1024
    let unconfirmed = 0
    // Writers wait while the socket holds more than `highWaterBytes`, or `highWaterUnconfirmed`
    // frames. Only a write callback (or the close) can follow the moment either falls, and with no
    // write unconfirmed none will come: then there is nothing to wait for.
    const full = () =>
      unconfirmed > 0 &&
      (socket.bufferedAmount > highWaterBytes || unconfirmed >= highWaterUnconfirmed) &&
      socket.readyState === WebSocket.OPEN
    // Open while there is room to write; a writer that finds the socket full closes it, and the
    // write callback after which it is no longer full opens it.
    const room = Latch.makeUnsafe(true)

    socket.on("message", (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
      // Text stays bytes: the translators read them as they are, and decode only what they must.
      const frame = { data: bytes, isBinary }
      if (!Queue.offerUnsafe(inbound, frame)) return
      bufferedBytes += bytes.byteLength
      if ((Queue.sizeUnsafe(inbound) >= highWater || bufferedBytes >= readBufferBytes) && !socket.isPaused) {
        socket.pause()
      }
    })
    socket.on("close", (code) => {
      room.openUnsafe()
      Queue.endUnsafe(inbound)
      Deferred.doneUnsafe(closed, Effect.succeed(code))
    })
    // Errors are followed by 'close'; without a listener they would crash the process.
    socket.on("error", () => {})
    keepAlive(socket, options.pingInterval ?? 0)

    // Taking them all empties the buffer.
    const receive = Queue.takeAll(inbound).pipe(
      Effect.tap(() =>
        Effect.sync(() => {
          bufferedBytes = 0
          if (reading && socket.isPaused && socket.readyState === WebSocket.OPEN) socket.resume()
        })
      )
    )

    const roomToWrite: Effect.Effect<void> = Effect.suspend(() => {
      if (!full()) return Effect.void
      room.closeUnsafe()
      return Effect.andThen(room.await, roomToWrite)
    })

    const write = (texts: ReadonlyArray<OutboundText>, writeOptions?: WriteOptions) =>
      Effect.andThen(
        roomToWrite,
        Effect.suspend(() => {
          if (socket.readyState !== WebSocket.OPEN) {
            return Effect.fail(new SocketWriteFailed({ reason: "the connection is closed" }))
          }
          const done = Deferred.makeUnsafe<Written>()
          let settled = 0
          let written = 0
          let failure: SocketWriteFailed | undefined
          unconfirmed += texts.length
          const confirm = (error?: Error | null) => {
            unconfirmed--
            // The socket writes in order: once one write failed, the rest do too.
            if (error !== undefined && error !== null) failure ??= new SocketWriteFailed({ reason: error.message })
            else if (failure === undefined) written++
            if (!full()) room.openUnsafe()
            if (++settled === texts.length) {
              Deferred.doneUnsafe(done, Exit.succeed(failure === undefined ? { written } : { written, failure }))
            }
          }
          options.transport?.cork()
          const releasing = writeOptions?.releaseWhenWritten === true
          for (const text of texts) {
            const written =
              releasing && typeof text !== "string"
                ? (error?: Error | null) => {
                    release(text)
                    confirm(error)
                  }
                : confirm
            socket.send(text, textFrame, written)
          }
          options.transport?.uncork()
          if (texts.length === 0) Deferred.doneUnsafe(done, Exit.succeed({ written: 0 }))
          return Effect.succeed(Deferred.await(done))
        })
      )

    return {
      receive,
      stopReading: Effect.sync(() => {
        reading = false
        socket.pause()
        Queue.endUnsafe(inbound)
      }),
      write,
      peerClosed: Deferred.await(closed),
      isOpen: () => socket.readyState === WebSocket.OPEN,
      close: (code, reason, within) =>
        Effect.callback<void>((resume) => {
          if (socket.readyState === WebSocket.CLOSED) return resume(Effect.void)
          socket.once("close", () => resume(Effect.void))
          // The peer's answering close frame must be read; frames after `stopReading` are dropped.
          socket.resume()
          if (socket.readyState === WebSocket.OPEN) socket.close(code, reason)
        }).pipe(
          Effect.timeoutOption(
            Math.min(options.closeTimeout ?? 2000, within === undefined ? Infinity : Duration.toMillis(within))
          ),
          Effect.ensuring(Effect.sync(() => socket.terminate()))
        )
    } satisfies Connection
  })
