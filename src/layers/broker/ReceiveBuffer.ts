/**
 * A consumer's local buffer of messages the broker has pushed and `receive` has not taken yet,
 * with pause and close: an unbounded `Queue` (the broker's permits bound it), and a `Latch` open
 * while the consumer is not paused. Both broker adapters use it, so `receive`, `pause` and
 * `resume` behave the same whatever the transport.
 */
import { Cause, Effect, Latch, Queue } from "effect"

export interface ReceiveBuffer<A, E> {
  /** Adds a message the broker pushed; called from the transport's callbacks. */
  readonly push: (item: A) => void
  /** The next message; suspends while there is none or while paused; fails once closed. */
  readonly take: Effect.Effect<A, E>
  readonly pause: () => void
  readonly resume: () => void
  readonly isPaused: boolean
  /** Fails every waiting and future `take`; what was still buffered is discarded. */
  readonly close: (failure: E) => void
}

/**
 * `onTaken` is called after each message `take` hands out (the adapters return a permit to the
 * broker there), so the broker never pushes more than the permits it was granted.
 */
export const makeReceiveBuffer = <A, E>(onTaken: () => void = () => {}): Effect.Effect<ReceiveBuffer<A, E>> =>
  Effect.gen(function* () {
    const queue = yield* Queue.unbounded<A, E>()
    const running = yield* Latch.make(true)
    // A `take` already waiting in the queue when the consumer pauses would be handed the next
    // message offered to it: what arrives while paused waits here instead, and enters the queue,
    // behind what was already there, on resume.
    let held: Array<A> = []

    const taken = (item: A): A => {
      onTaken()
      return item
    }
    const take: Effect.Effect<A, E> = Effect.suspend(() =>
      running.isOpen() ? Effect.map(Queue.take(queue), taken) : Effect.andThen(running.await, take)
    )

    return {
      push: (item) => {
        if (running.isOpen()) Queue.offerUnsafe(queue, item)
        else held.push(item)
      },
      take,
      pause: () => {
        running.closeUnsafe()
      },
      resume: () => {
        const waiting = held
        held = []
        Queue.offerAllUnsafe(queue, waiting)
        running.openUnsafe()
      },
      get isPaused() {
        return !running.isOpen()
      },
      close: (failure) => {
        held = []
        // A paused `take` goes on to the queue and fails there.
        running.openUnsafe()
        // Failing the queue lets what it holds be taken first; shutting it down then discards that
        // and leaves the failure: a consumer that is closed hands out nothing more.
        Queue.failCauseUnsafe(queue, Cause.fail(failure))
        Queue.shutdownUnsafe(queue)
      }
    }
  })
