/**
 * One connection from accept to close, on the in-memory broker and a connection driven by the
 * test, with every bound on the TestClock: how each ending closes the socket, what it records as
 * graceful or forced, and that a shutdown ends within its documented bound whatever the broker does.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Logger, Metric, Scope } from "effect"
import { TestClock } from "effect/testing"
import { resolveSettings, type SettingValues } from "../../src/domain/Settings.ts"
import { Broker } from "../../src/services/Broker.ts"
import { GatewaySettings } from "../../src/services/GatewaySettings.ts"
import { Lifecycle, makeLifecycle } from "../../src/services/Lifecycle.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import { openEndpoint, type Route } from "../../src/services/SocketEndpoint.ts"
import { freshTopic } from "../support/brokers.ts"
import { makeTestConnection } from "../support/connection.ts"
import { triplesFrame } from "../support/frames.ts"
import { makeScriptedBroker, type Script } from "../support/scriptedBroker.ts"

const frame = (id: string) => JSON.stringify(triplesFrame(id))

/** An endpoint serving one test connection, in a scope of its own, with its logs collected. */
const serveOne = (route: Route, overrides: Partial<SettingValues> = {}, script: Script = {}) =>
  Effect.gen(function* () {
    const { broker, events } = yield* makeScriptedBroker(script)
    const lifecycle = yield* makeLifecycle
    const settings = { ...resolveSettings({}, {}).values, logQueueStats: false, ...overrides }
    const test = yield* makeTestConnection
    const logs: Array<string> = []
    const collector = Logger.make((options) => {
      logs.push(`${String(options.message)} ${options.cause === undefined ? "" : String(options.cause)}`)
    })
    const scope = yield* Scope.make()
    const served = yield* Effect.gen(function* () {
      const serve = yield* openEndpoint(route)
      return yield* serve(test.connection)
    }).pipe(
      Effect.provideService(Broker, broker),
      Effect.provideService(GatewaySettings, settings),
      Effect.provideService(Lifecycle, lifecycle),
      Effect.provide(Logger.layer([collector])),
      Scope.provide(scope),
      Effect.forkChild({ startImmediately: true })
    )
    return { ...test, events, lifecycle, served, logs, scope }
  })

const counted = (metric: Metric.Metric<number, Metric.CounterState<number>>) =>
  Effect.map(Metric.value(metric), (state) => state.count)

/** Lets the fibers run until `done` holds; fails rather than spin forever. */
const until = (done: () => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 1000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the expected state was reached")
  })

const untilEffect = (done: Effect.Effect<boolean>) =>
  Effect.gen(function* () {
    let reached = yield* done
    for (let i = 0; i < 1000 && !reached; i++) {
      yield* Effect.yieldNow
      reached = yield* done
    }
    assert.isTrue(reached, "the expected state was reached")
  })

const withMetrics = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

describe("SocketEndpoint", () => {
  it.effect(
    "server shutdown with a broker that answers nothing: an import ends at drain + flush (5 s + 2 s), every frame answered",
    () =>
      withMetrics(
        Effect.gen(function* () {
          const route: Route = { direction: "import", kind: "triples", topic: freshTopic("endpoint"), ack: true }
          const t = yield* serveOne(
            route,
            {
              publisherMaxQueueSize: 1,
              publisherMaxInFlight: 1,
              publisherDrainTimeout: Duration.seconds(5),
              publisherFlushTimeout: Duration.seconds(2),
              shutdownGracePeriod: Duration.seconds(1)
            },
            { beforeSend: () => Effect.never }
          )
          // f1 is sent and never confirmed, f2 waits in the queue, the reader is held offering f3.
          yield* t.deliver(frame("f1"), frame("f2"), frame("f3"))
          yield* until(() => t.events.some((e) => e.startsWith("send ")))
          yield* untilEffect(Effect.map(Metric.value(Metrics.publisherQueueDepth), (gauge) => gauge.value === 1))
          yield* t.lifecycle.beginShutdown
          yield* TestClock.adjust("6999 millis")
          assert.isUndefined(t.closedWith(), "still within its bound at 6.999 s")
          yield* TestClock.adjust("1 millis")
          yield* Fiber.join(t.served)
          assert.deepStrictEqual(t.closedWith(), { code: 1001, reason: "server shutting down" })
          const answers = t.sent as Array<{ readonly nack?: number; readonly error?: { readonly retryable?: boolean } }>
          assert.deepStrictEqual(
            answers.map((a) => a.nack).sort(),
            [1, 2, 3],
            "each frame is answered: none can be confirmed"
          )
          assert.isTrue(answers.every((a) => a.error?.retryable === true))
          assert.strictEqual(yield* counted(Metrics.websocketForcedShutdowns), 1)
          assert.strictEqual(t.lifecycle.forced().length, 1)
        })
      )
  )
})
