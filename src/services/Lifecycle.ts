/**
 * The process's shutdown state, shared by the HTTP server (readiness, refusing new connections)
 * and every connection (which drains when the server begins shutting down and reports whether
 * it managed to do so gracefully).
 */
import { Context, Deferred, Effect, Layer, Metric } from "effect"
import { websocketForcedShutdowns, websocketGracefulShutdowns } from "./Metrics.ts"

export interface ShutdownOutcome {
  /** Everything the connection held was delivered or persisted within its bounds. */
  readonly graceful: boolean
  /** What was forced, in words, when it was not graceful. */
  readonly forced?: string
}

export interface LifecycleShape {
  /** Completes when the server begins shutting down. */
  readonly stopping: Effect.Effect<void>
  readonly isStopping: () => boolean
  readonly beginShutdown: Effect.Effect<void>
  /**
   * Each connection reports how its shutdown went. Forced ones are counted always, and remembered
   * for the exit code once the server is shutting down.
   */
  readonly record: (outcome: ShutdownOutcome) => Effect.Effect<void>
  readonly forced: () => ReadonlyArray<string>
}

export class Lifecycle extends Context.Service<Lifecycle, LifecycleShape>()("tg-gateway/Lifecycle") {}

export const makeLifecycle = Effect.gen(function* () {
  const stopping = yield* Deferred.make<void>()
  const forced: Array<string> = []
  return Lifecycle.of({
    stopping: Deferred.await(stopping),
    isStopping: () => Deferred.isDoneUnsafe(stopping),
    beginShutdown: Deferred.succeed(stopping, undefined).pipe(Effect.asVoid),
    record: (outcome) =>
      outcome.graceful
        ? Metric.update(websocketGracefulShutdowns, 1)
        : Effect.sync(() => {
            if (Deferred.isDoneUnsafe(stopping)) forced.push(outcome.forced ?? "forced")
          }).pipe(
            Effect.andThen(Metric.update(websocketForcedShutdowns, 1)),
            Effect.andThen(Effect.logWarning("connection shutdown forced", outcome.forced ?? ""))
          ),
    forced: () => forced
  })
})

/** A fresh shutdown state. Provide it around whatever must read it after the gateway is released (the exit code). */
export const layerLifecycle: Layer.Layer<Lifecycle> = Layer.effect(Lifecycle, makeLifecycle)
