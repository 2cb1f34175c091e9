/**
 * Ctrl-C for the client commands: SIGINT does not end the process while they run; it ends the
 * transfer, which then says what landed and what to do next. A second Ctrl-C, once the first has
 * been taken, is Node's own and ends the process at once.
 */
import { Deferred, Effect, Exit, type Scope } from "effect"

/** Listens for one SIGINT for as long as the scope lasts; the effect it gives waits for it. */
export const ctrlC: Effect.Effect<Effect.Effect<void>, never, Scope.Scope> = Effect.gen(function* () {
  const pressed = yield* Deferred.make<void>()
  const onSigint = () => Deferred.doneUnsafe(pressed, Exit.void)
  yield* Effect.acquireRelease(
    Effect.sync(() => process.once("SIGINT", onSigint)),
    () => Effect.sync(() => process.off("SIGINT", onSigint))
  )
  return Deferred.await(pressed)
})
