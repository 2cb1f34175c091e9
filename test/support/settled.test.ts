/** `settled` itself: it waits for everything the test's fibers set going, and no longer. */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Latch } from "effect"
import { TestClock } from "effect/testing"
import { withSettled } from "./settled.ts"

const spin = (times: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < times; i++) yield* Effect.yieldNow
  })

describe("settled", () => {
  it.effect("waits for a detached fiber that yields 10,000 times, a fiber it starts, and one it wakes", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        const steps: Array<string> = []
        const wake = yield* Latch.make(false)
        yield* Effect.forkChild(
          Effect.andThen(
            wake.await,
            Effect.andThen(
              spin(100),
              Effect.sync(() => steps.push("woken"))
            )
          )
        )
        yield* Effect.forkDetach(
          Effect.gen(function* () {
            yield* spin(10_000)
            steps.push("spun")
            // Detached: a child would be interrupted when this fiber ends, just after.
            yield* Effect.forkDetach(
              Effect.andThen(
                spin(100),
                Effect.sync(() => steps.push("started"))
              )
            )
            yield* wake.open
          })
        )
        yield* settled
        assert.sameMembers(steps, ["spun", "started", "woken"])
      })
    )
  )

  it.effect("does not wait for a sleep on the TestClock: that is the test's to release", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        let woke = false
        const sleeper = yield* Effect.forkChild(
          Effect.andThen(
            Effect.sleep("1 second"),
            Effect.sync(() => (woke = true))
          )
        )
        yield* settled
        assert.isFalse(woke)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(sleeper)
        assert.isTrue(woke)
      })
    )
  )

  it.effect("a fiber that never suspends is reported, not waited for forever", () =>
    withSettled((settled) =>
      Effect.gen(function* () {
        yield* Effect.forkChild(Effect.forever(Effect.yieldNow))
        const exit = yield* Effect.exit(settled)
        assert.isTrue(Exit.isFailure(exit))
        assert.match(String(Exit.isFailure(exit) ? Cause.squash(exit.cause) : ""), /nothing settled/)
      })
    )
  )
})
