/**
 * A `Connection` over a `ws` WebSocket.
 *
 * Reading: frames go to an in-memory buffer; when it holds `highWaterFrames` the socket is paused,
 * so TCP pushes back on the client, and it resumes once the dispatcher has taken half of them.
 * Writing: `ws.send` queues in memory without limit, so writes not yet confirmed by their
 * callback are counted and a writer waits while `maxUnconfirmedWrites` are out.
 */
import { Cause, Deferred, Effect, Queue, Semaphore } from "effect"
import WebSocket from "ws"
import { type Connection, type InboundFrame, SocketWriteFailed } from "../services/Connection.ts"

export interface WsConnectionOptions {
  readonly highWaterFrames?: number
  readonly maxUnconfirmedWrites?: number
  /** Bound on waiting for the peer's close frame. Default 2 s. */
  readonly closeTimeout?: number
}

export const makeWsConnection = (socket: WebSocket, options: WsConnectionOptions = {}): Effect.Effect<Connection> =>
  Effect.gen(function* () {
    const highWater = options.highWaterFrames ?? 16
    const inbound = yield* Queue.unbounded<InboundFrame, Cause.Done>()
    const writeSlots = yield* Semaphore.make(options.maxUnconfirmedWrites ?? 256)
    const closed = yield* Deferred.make<number>()

    socket.on("message", (data, isBinary) => {
      const frame = {
        data: Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data),
        isBinary
      }
      if (!Queue.offerUnsafe(inbound, frame)) return
      if (Queue.sizeUnsafe(inbound) >= highWater && !socket.isPaused) socket.pause()
    })
    socket.on("close", (code) => {
      Queue.endUnsafe(inbound)
      Deferred.doneUnsafe(closed, Effect.succeed(code))
    })
    // Errors are followed by 'close'; without a listener they would crash the process.
    socket.on("error", () => {})

    const receive = Queue.take(inbound).pipe(
      Effect.tap(() =>
        Effect.sync(() => {
          if (socket.isPaused && Queue.sizeUnsafe(inbound) * 2 <= highWater && socket.readyState === WebSocket.OPEN) {
            socket.resume()
          }
        })
      )
    )

    const write = (text: string) =>
      Effect.gen(function* () {
        yield* writeSlots.take(1)
        const done = Deferred.makeUnsafe<void, SocketWriteFailed>()
        if (socket.readyState !== WebSocket.OPEN) {
          yield* writeSlots.release(1)
          return yield* new SocketWriteFailed({ reason: "the connection is closed" })
        }
        socket.send(text, (error) => {
          Effect.runSync(writeSlots.release(1))
          Deferred.doneUnsafe(
            done,
            error === undefined || error === null
              ? Effect.void
              : Effect.fail(new SocketWriteFailed({ reason: error.message }))
          )
        })
        return Deferred.await(done)
      })

    return {
      receive,
      stopReading: Effect.sync(() => {
        socket.pause()
        Queue.endUnsafe(inbound)
      }),
      write,
      send: (text) => Effect.flatten(write(text)),
      peerClosed: Deferred.await(closed),
      isOpen: () => socket.readyState === WebSocket.OPEN,
      close: (code, reason) =>
        Effect.callback<void>((resume) => {
          if (socket.readyState === WebSocket.CLOSED) return resume(Effect.void)
          socket.once("close", () => resume(Effect.void))
          // The peer's answering close frame must be read; frames after `stopReading` are dropped.
          socket.resume()
          if (socket.readyState === WebSocket.OPEN) socket.close(code, reason)
        }).pipe(
          Effect.timeoutOption(options.closeTimeout ?? 2000),
          Effect.ensuring(Effect.sync(() => socket.terminate()))
        )
    } satisfies Connection
  })
