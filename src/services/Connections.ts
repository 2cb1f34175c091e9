/**
 * The gateway's open connections and the shutdown that ends them. Shutting down is one bounded
 * step: readiness turns false and new connections are refused (through `Lifecycle`), every open
 * connection drains in parallel within its own drain bounds, and SHUTDOWN_GRACE_PERIOD after the
 * longest of those whatever is still open is interrupted and recorded as forced.
 *
 * It must run while the listener is still open, so that probes see `/readyz` answer 503 and new
 * upgrades are refused with 503 rather than with a connection error: `layerShutdownFirst` is
 * built after the HTTP server, so that it is released before it.
 */
import { Context, Duration, Effect, Fiber, FiberSet, Layer } from "effect"
import { GatewaySettings } from "./GatewaySettings.ts"
import { Lifecycle } from "./Lifecycle.ts"

export interface ConnectionsShape {
  /**
   * Runs one connection, described by `subject` ("import to <topic>") in the record of a forced
   * shutdown, until it ends. It sees a `Lifecycle` through which its own record is noticed.
   */
  readonly run: <A, E>(subject: string, connection: Effect.Effect<A, E, Lifecycle>) => Effect.Effect<Fiber.Fiber<A, E>>
  /** Begins the shutdown and returns once every connection has ended, within the bound above. */
  readonly shutdown: Effect.Effect<void>
}

export class Connections extends Context.Service<Connections, ConnectionsShape>()("tg-gateway/Connections") {}

/** The longest a shutdown takes: the longest drain of a connection, and the grace period. */
export const shutdownBound = (settings: GatewaySettings["Service"]): Duration.Duration =>
  Duration.sum(
    Duration.max(
      Duration.sum(settings.publisherDrainTimeout, settings.publisherFlushTimeout),
      settings.subscriberDrainTimeout
    ),
    settings.shutdownGracePeriod
  )

export const layerConnections: Layer.Layer<Connections, never, GatewaySettings | Lifecycle> = Layer.effect(
  Connections,
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const lifecycle = yield* Lifecycle
    const fibers = yield* FiberSet.make<unknown, unknown>()
    /**
     * The connections whose endpoint has not recorded how its shutdown went. One cut at the bound
     * before it has is counted as forced, once; one that has recorded is only closing its sockets
     * (a client that does not answer the close, a broker that does not answer its own) and keeps
     * the outcome it recorded.
     */
    const unrecorded = new Set<{ readonly subject: string }>()

    const run = <A, E>(subject: string, connection: Effect.Effect<A, E, Lifecycle>) => {
      const entry = { subject }
      const recorded = Lifecycle.of({
        ...lifecycle,
        record: (outcome) =>
          Effect.andThen(
            Effect.sync(() => unrecorded.delete(entry)),
            lifecycle.record(outcome)
          )
      })
      return Effect.suspend(() => {
        unrecorded.add(entry)
        return FiberSet.run(
          fibers,
          connection.pipe(
            Effect.provideService(Lifecycle, recorded),
            Effect.ensuring(Effect.sync(() => unrecorded.delete(entry)))
          )
        )
      })
    }

    const shutdown = Effect.gen(function* () {
      yield* lifecycle.beginShutdown
      yield* Effect.logInfo(`shutting down: draining ${yield* FiberSet.size(fibers)} connection(s)`)
      const bound = shutdownBound(settings)
      const drained = yield* FiberSet.awaitEmpty(fibers).pipe(Effect.timeoutOption(bound))
      if (drained._tag === "Some") return
      const cut = [...unrecorded]
      for (const { subject } of cut) {
        yield* lifecycle.record({
          graceful: false,
          forced: `${subject}: still open ${Duration.format(bound)} after shutdown began, interrupted`
        })
      }
      const closing = (yield* FiberSet.size(fibers)) - cut.length
      if (closing > 0)
        yield* Effect.logInfo(`${closing} drained connection(s) still closing their sockets were dropped`)
      yield* FiberSet.clear(fibers)
    })

    return Connections.of({ run, shutdown })
  })
)

/**
 * Shuts the connections down when released. Build it after the HTTP server that serves them
 * (`Layer.provide(served)`), so that it is released first and the drain runs while the server
 * still answers.
 */
export const layerShutdownFirst: Layer.Layer<never, never, Connections> = Layer.effectDiscard(
  Effect.flatMap(Connections, (connections) => Effect.addFinalizer(() => connections.shutdown))
)
