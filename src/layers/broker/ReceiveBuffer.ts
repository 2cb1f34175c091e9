/**
 * A consumer's local buffer of messages the broker has pushed and `receive` has not taken yet,
 * with pause and close. Both broker adapters use it, so `receive`, `pause` and `resume` behave
 * the same whatever the transport.
 */
import { Effect } from "effect"

type Taker<A, E> = (effect: Effect.Effect<A, E>) => void

export class ReceiveBuffer<A, E> {
  private items: Array<A> = []
  private head = 0
  private readonly takers: Array<Taker<A, E>> = []
  private paused = false
  private failure: E | undefined = undefined
  /** Called after each message handed out by `take` (the Pulsar adapter returns permits here). */
  private readonly onTaken: () => void

  constructor(onTaken: () => void = () => {}) {
    this.onTaken = onTaken
  }

  get size(): number {
    return this.items.length - this.head
  }

  get isPaused(): boolean {
    return this.paused
  }

  push(item: A): void {
    const taker = this.paused ? undefined : this.takers.shift()
    if (taker !== undefined) {
      taker(Effect.succeed(item))
      this.onTaken()
    } else {
      this.items.push(item)
    }
  }

  readonly take: Effect.Effect<A, E> = Effect.suspend(() => {
    if (this.failure !== undefined) return Effect.fail(this.failure)
    if (!this.paused && this.size > 0) {
      const item = this.shift()
      this.onTaken()
      return Effect.succeed(item)
    }
    return Effect.callback<A, E>((resume) => {
      this.takers.push(resume)
      return Effect.sync(() => {
        const at = this.takers.indexOf(resume)
        if (at >= 0) this.takers.splice(at, 1)
      })
    })
  })

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    while (this.size > 0 && this.takers.length > 0) this.push(this.shift())
  }

  /** Fails every waiting and future `take`; returns what was still buffered. */
  close(failure: E): Array<A> {
    if (this.failure !== undefined) return []
    this.failure = failure
    const rest = this.items.slice(this.head)
    this.items = []
    this.head = 0
    for (const taker of this.takers.splice(0)) taker(Effect.fail(failure))
    return rest
  }

  private shift(): A {
    const item = this.items[this.head] as A
    this.head++
    // Compact now and then instead of paying Array#shift on every take.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
}
