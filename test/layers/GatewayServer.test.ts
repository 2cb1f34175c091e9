/**
 * The server's shutdown bound, on the TestClock: the gateway layer runs with a real listener and
 * real client sockets over a broker whose sends are held forever, and closing the layer (what
 * SIGTERM does) must end exactly `SHUTDOWN_GRACE_PERIOD` after the longest drain bound, no sooner,
 * with what it cut short recorded as forced.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Metric, Queue, Result, Scope } from "effect"
import { TestClock } from "effect/testing"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { GatewayServer, layerGateway } from "../../src/layers/GatewayLayer.ts"
import { Broker, type BrokerShape } from "../../src/services/Broker.ts"
import { makeLifecycle } from "../../src/services/Lifecycle.ts"
import * as Metrics from "../../src/services/Metrics.ts"
import { triplesFrame } from "../support/frames.ts"
import { refusal } from "../support/gateway.ts"
import { rawConnect } from "../support/rawClient.ts"
import { makeScriptedBroker } from "../support/scriptedBroker.ts"

const frame = (id: string) => JSON.stringify(triplesFrame(id))

const get = (port: number, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    return { status: response.status, body: await response.text() }
  })

const counted = (metric: Metric.Metric<number, Metric.CounterState<number>>) =>
  Effect.map(Metric.value(metric), (state) => state.count)

const withMetrics = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

/**
 * The gateway layer in a scope of its own, over a broker that takes no send: each send is held
 * forever, and `sending` completes with the first one.
 */
const frozenGateway = (
  env: Readonly<Record<string, string>> = {},
  alter: (broker: BrokerShape) => BrokerShape = (b) => b
) =>
  Effect.gen(function* () {
    const sending = yield* Deferred.make<string>()
    const scripted = yield* makeScriptedBroker({
      beforeSend: (text) => Deferred.succeed(sending, text).pipe(Effect.andThen(Effect.never))
    })
    const broker = alter(scripted.broker)
    const { values, problems } = resolveSettings(
      { GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", WS_PING_INTERVAL: "off", ...env },
      {}
    )
    assert.deepStrictEqual(problems, [])
    const lifecycle = yield* makeLifecycle
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(layerGateway(values, lifecycle, Layer.succeed(Broker, broker)), scope)
    const { port } = Context.get(context, GatewayServer)
    return { port, scope, lifecycle, events: scripted.events, sending: Deferred.await(sending) }
  })

describe("GatewayServer shutdown", () => {
  it.effect(
    "a connection held past its own bound is cut at max(drain + flush, subscriber drain) + grace (5 s + 2 s + 1 s), not before; /readyz and new upgrades answer 503 meanwhile",
    () =>
      withMetrics(
        Effect.gen(function* () {
          const gateway = yield* frozenGateway({ PUBLISHER_MAX_QUEUE_SIZE: "1", PUBLISHER_MAX_IN_FLIGHT: "1" })
          const path = "/api/v1/flow/default/import/triples"
          // A client that stops reading once it has sent: it will never answer the close handshake.
          const client = yield* rawConnect(gateway.port, `${path}?ack=true`)
          client.send(frame("f1"), frame("f2"), frame("f3"))
          assert.include(yield* gateway.sending, '"f1"')

          // Detached, so that a test failing before the bound is not held by the shutdown's finalizers.
          const shutdown = yield* Scope.close(gateway.scope, Exit.void).pipe(
            Effect.forkDetach({ startImmediately: true })
          )
          yield* gateway.lifecycle.stopping
          assert.deepStrictEqual(yield* get(gateway.port, "/readyz"), { status: 503, body: `{"status":"draining"}` })
          const refused = yield* refusal(`ws://127.0.0.1:${gateway.port}${path}`)
          assert.deepStrictEqual(refused, { status: 503, body: `{"error":"the gateway is shutting down"}` })

          // At drain + flush the import answers every frame (none could be confirmed) and closes with 1001.
          yield* TestClock.adjust("7 seconds")
          yield* client.until(() => client.closeFrame() !== undefined)
          assert.deepStrictEqual(client.closeFrame(), { code: 1001, reason: "server shutting down" })
          const answers = client.texts() as Array<{ readonly nack?: number }>
          assert.deepStrictEqual(answers.map((a) => a.nack).sort(), [1, 2, 3])

          // All that is left is the client's answer to the close, which never comes.
          yield* TestClock.adjust("999 millis")
          assert.isUndefined(shutdown.pollUnsafe(), "the shutdown is still waiting at 7.999 s")
          assert.isFalse(client.ended(), "the connection is still open at 7.999 s")

          yield* TestClock.adjust("1 millis")
          yield* Fiber.join(shutdown)
          yield* client.until(client.ended)
          assert.strictEqual(yield* counted(Metrics.websocketForcedShutdowns), 1, "one connection, counted once")
          assert.strictEqual(yield* counted(Metrics.websocketGracefulShutdowns), 0)
          const forced = gateway.lifecycle.forced()
          assert.strictEqual(forced.length, 1, forced.join("\n"))
          assert.match(forced[0] ?? "", /^import to .*: .*unconfirmed at the flush timeout/)
        })
      )
  )

  it.effect(
    "connections still opening their topic at the bound are each counted as forced, and their upgrades answered 503",
    () =>
      withMetrics(
        Effect.gen(function* () {
          // The broker lets no producer open, as when it froze while clients were connecting.
          const opening = yield* Queue.unbounded<string>()
          const gateway = yield* frozenGateway({}, (broker) => ({
            ...broker,
            producer: (topic) => Queue.offer(opening, topic).pipe(Effect.andThen(Effect.never))
          }))
          const path = "/api/v1/flow/default/import/triples"
          const clients = yield* Effect.forEach([1, 2], () =>
            rawConnect(gateway.port, path).pipe(Effect.result, Effect.forkChild({ startImmediately: true }))
          )
          yield* Queue.take(opening)
          yield* Queue.take(opening)

          // Detached, so that a test failing before the bound is not held by the shutdown's finalizers.
          const shutdown = yield* Scope.close(gateway.scope, Exit.void).pipe(
            Effect.forkDetach({ startImmediately: true })
          )
          yield* TestClock.adjust("7999 millis")
          assert.isUndefined(shutdown.pollUnsafe(), "the shutdown is still waiting at 7.999 s")
          yield* TestClock.adjust("1 millis")
          yield* Fiber.join(shutdown)

          assert.strictEqual(yield* counted(Metrics.websocketForcedShutdowns), 2, "two connections, each counted")
          const forced = gateway.lifecycle.forced()
          assert.strictEqual(forced.length, 2, forced.join("\n"))
          for (const what of forced)
            assert.match(what, /^import to persistent:\/\/.*: still open 8s after shutdown began, interrupted$/)
          for (const client of clients) {
            const upgrade = yield* Fiber.join(client)
            assert.isTrue(Result.isFailure(upgrade))
            assert.match(
              Result.isFailure(upgrade) ? upgrade.failure.message : "",
              /^upgrade refused: HTTP\/1\.1 503 Service Unavailable {"error":"the gateway is shutting down"}$/
            )
          }
        })
      )
  )
})
