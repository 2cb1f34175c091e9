/**
 * Absence checks that can fail. "Not acked yet" checked after a few `yieldNow`s passes even when
 * the ack comes one yield later; checked once every fiber is suspended, it cannot. `withSettled`
 * runs a test under a scheduler that counts the tasks it has queued, and hands it `settled`: an
 * effect that resumes only when none is left, so every fiber the test started is waiting on
 * something only the test can release — a latch, a deferred, a queue it feeds, the TestClock.
 *
 * It sees what the fibers do through the scheduler: everything the in-memory broker and the
 * services do. Work done outside it (a promise, a timer, a socket) is not waited for, so it is for
 * in-memory tests only; and what the test checks must be built inside `withSettled`, since a queue
 * or a fiber made before it schedules its work on the scheduler it was made with.
 */
import { Effect, Scheduler } from "effect"

/** Tasks run while waiting before `settled` gives up on fibers that never suspend. */
const busyLimit = 100_000

export const withSettled = <A, E, R>(
  body: (settled: Effect.Effect<void>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.gen(function* () {
    const parent = yield* Scheduler.Scheduler
    let queued = 0
    let ranWhileWaiting = 0
    let onIdle: ((busy: boolean) => void) | undefined

    const scheduler: Scheduler.Scheduler = {
      executionMode: parent.executionMode,
      shouldYield: (fiber) => parent.shouldYield(fiber),
      makeDispatcher() {
        const dispatcher = parent.makeDispatcher()
        return {
          scheduleTask(task, priority) {
            queued++
            dispatcher.scheduleTask(() => {
              try {
                task()
              } finally {
                queued--
                const wake = onIdle
                if (wake !== undefined && (queued === 0 || ++ranWhileWaiting > busyLimit)) {
                  onIdle = undefined
                  wake(queued !== 0)
                }
              }
            }, priority)
          },
          flush: () => dispatcher.flush()
        }
      }
    }

    const settled = Effect.callback<void>((resume) => {
      if (queued === 0) return resume(Effect.void)
      ranWhileWaiting = 0
      onIdle = (busy) =>
        resume(
          busy ? Effect.die(new Error(`fibers still running after ${busyLimit} tasks: nothing settled`)) : Effect.void
        )
      return Effect.sync(() => {
        onIdle = undefined
      })
    })

    return yield* Effect.provideService(body(settled), Scheduler.Scheduler, scheduler)
  })
