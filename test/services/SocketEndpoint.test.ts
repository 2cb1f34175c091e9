/**
 * One connection from accept to close, on the in-memory broker and a connection driven by the
 * test, with every bound on the TestClock: how each ending closes the socket, what it records as
 * graceful or forced, and that a shutdown ends within its documented bound whatever the broker does.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Fiber, Logger, Metric, References, Result, Scope } from "effect"
import { translateFrame } from "../../src/domain/Codec.ts"
import type { Connection } from "../../src/services/Connection.ts"
import { TestClock } from "effect/testing"
import { resolveSettings, type SettingValues } from "../../src/domain/Settings.ts"
import { Broker } from "../../src/services/Broker.ts"
import { GatewaySettings } from "../../src/services/GatewaySettings.ts"
import { Lifecycle, makeLifecycle } from "../../src/services/Lifecycle.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import type { Route } from "../../src/domain/SocketRoutes.ts"
import { openEndpoint } from "../../src/services/SocketEndpoint.ts"
import { freshTopic } from "../support/brokers.ts"
import { makeTestConnection } from "../support/connection.ts"
import { triplesFrame } from "../support/frames.ts"
import { makeScriptedBroker, type Script } from "../support/scriptedBroker.ts"

const frame = (id: string) => JSON.stringify(triplesFrame(id))

/** The record a triples frame becomes on the broker. */
const record = (id: string): Uint8Array => {
  const translated = translateFrame("triples", frame(id))
  if (Result.isFailure(translated)) throw translated.failure
  return translated.success
}

interface Logged {
  readonly message: string
  readonly cause: string
  readonly annotations: Readonly<Record<string, unknown>>
}

/** An endpoint serving one test connection, in a scope of its own, with its logs collected. */
const serveOne = (
  route: Route,
  overrides: Partial<SettingValues> = {},
  script: Script = {},
  alter: (connection: Connection) => Connection = (connection) => connection
) =>
  Effect.gen(function* () {
    const { broker, events } = yield* makeScriptedBroker(script)
    const lifecycle = yield* makeLifecycle
    const settings = { ...resolveSettings({}, {}).values, logQueueStats: false, ...overrides }
    const test = yield* makeTestConnection
    const logs: Array<Logged> = []
    const collector = Logger.make((options) => {
      logs.push({
        message: Array.isArray(options.message) ? options.message.map(String).join(" ") : String(options.message),
        cause: Cause.pretty(options.cause),
        annotations: options.fiber.getRef(References.CurrentLogAnnotations)
      })
    })
    const scope = yield* Scope.make()
    const served = yield* Effect.gen(function* () {
      const serve = yield* openEndpoint(route)
      return yield* serve(alter(test.connection))
    }).pipe(
      Effect.provideService(Broker, broker),
      Effect.provideService(GatewaySettings, settings),
      Effect.provideService(Lifecycle, lifecycle),
      Effect.provide(Logger.layer([collector])),
      Scope.provide(scope),
      Effect.forkChild({ startImmediately: true })
    )
    return { ...test, broker, events, lifecycle, served, logs, scope }
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
          assert.deepStrictEqual(
            t.closeWithin(),
            Duration.seconds(1),
            "the close handshake gets what is left of the grace period, not a fixed 2 s"
          )
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

  it.effect(
    "a client that goes away while its export is written to is a graceful end: 1000, counted graceful, the log's nack count that of the metric",
    () =>
      withMetrics(
        Effect.gen(function* () {
          const topic = freshTopic("endpoint")
          const route: Route = {
            direction: "export",
            kind: "triples",
            topic,
            subscription: undefined,
            from: "Latest",
            ack: false
          }
          const t = yield* serveOne(route, { maxConsecutiveErrors: 1, logQueueStats: true })
          const producer = yield* t.broker.producer(topic).pipe(Scope.provide(t.scope))
          yield* producer.send({ payload: record("m0") })
          yield* until(() => t.sent.length === 1)
          // The client's socket is gone; its close event has not been seen yet when the next write fails.
          yield* t.goAway(false)
          yield* producer.send({ payload: record("m1") })
          yield* Fiber.join(t.served)
          assert.deepStrictEqual(t.closedWith(), { code: 1000, reason: "" })
          assert.strictEqual(yield* counted(Metrics.websocketForcedShutdowns), 0)
          assert.strictEqual(yield* counted(Metrics.websocketGracefulShutdowns), 1)
          const closed = t.logs.find((l) => l.message === "export connection closed")
          assert.isDefined(closed)
          assert.strictEqual(closed?.annotations["nacked"], yield* counted(Metrics.subscriberMessagesNacked))
          assert.strictEqual(closed?.annotations["nacked"], 1, "m1 was given back")
        })
      )
  )

  it.effect(
    "a dispatcher that fails for any reason closes the socket with 1011, is logged with its cause and counted as forced",
    () =>
      withMetrics(
        Effect.gen(function* () {
          const route: Route = { direction: "import", kind: "triples", topic: freshTopic("endpoint"), ack: false }
          const t = yield* serveOne(route, {}, {}, (connection) => ({
            ...connection,
            receive: Effect.die(new RangeError("Maximum call stack size exceeded"))
          }))
          yield* Fiber.join(t.served)
          assert.strictEqual(t.closedWith()?.code, 1011)
          assert.include(t.closedWith()?.reason, "Maximum call stack size exceeded")
          assert.strictEqual(yield* counted(Metrics.websocketForcedShutdowns), 1)
          assert.strictEqual(yield* counted(Metrics.websocketGracefulShutdowns), 0)
          const failed = t.logs.find((l) => l.message.includes("the dispatcher failed"))
          assert.isDefined(failed)
          assert.include(failed?.cause, "RangeError")
        })
      )
  )
})
