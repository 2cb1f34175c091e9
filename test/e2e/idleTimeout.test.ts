/**
 * Connections that outlive Pulsar's idle timeout. Pulsar closes a WebSocket session idle for
 * `webSocketSessionIdleTimeoutMillis`; a gateway that does not keep its broker sessions alive
 * closes every quiet import and export with 1011 once that time has passed.
 *
 * The test needs a broker whose idle timeout is a few seconds. The brokers CI and the global
 * setup start are configured so (test/support/pulsarScript.ts); against a broker that keeps
 * Pulsar's 300 s, this file starts a broker of its own for the run.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, inject } from "vitest"
import WebSocket from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { GatewayServer, layerGateway } from "../../src/layers/GatewayLayer.ts"
import { makeLifecycle } from "../../src/services/Lifecycle.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect, type TestClient } from "../support/gateway.ts"
import { webSocketIdleTimeoutMillis } from "../support/pulsarAdmin.ts"
import {
  freeTcpPort,
  startPulsar,
  stopPulsar,
  testIdleTimeoutMillis,
  testPulsarPingInterval
} from "../support/pulsarScript.ts"

/** Longest idle timeout this file waits out on a broker it did not start. */
const longestUsableIdleTimeoutMillis = 15_000

let broker: { readonly httpUrl: string; readonly stop?: () => Promise<unknown> } | undefined

beforeAll(async () => {
  const httpUrl = inject("pulsarHttpUrl")
  if ((await webSocketIdleTimeoutMillis(httpUrl)) <= longestUsableIdleTimeoutMillis) {
    broker = { httpUrl }
    return
  }
  const web = await freeTcpPort()
  const options = {
    httpUrl: `http://127.0.0.1:${web}`,
    brokerPort: await freeTcpPort(),
    state: `/tmp/tg-gateway-idle-timeout-${process.pid}`,
    idleTimeoutMillis: testIdleTimeoutMillis
  }
  console.log(`the broker at ${httpUrl} keeps idle sessions too long for this test: starting one at ${options.httpUrl}`)
  console.log(await startPulsar(options))
  broker = { httpUrl: options.httpUrl, stop: () => stopPulsar(options) }
}, 240_000)

afterAll(async () => {
  await broker?.stop?.()
}, 60_000)

/** A gateway in this process, configured only through its settings, as `tg-gateway serve` is. */
const startGateway = (env: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const { values, problems } = resolveSettings({ GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", ...env }, {})
    if (problems.length > 0) return yield* Effect.die(new Error(JSON.stringify(problems)))
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    const context = yield* Layer.buildWithScope(layerGateway(values, yield* makeLifecycle), scope)
    const { port } = Context.get(context, GatewayServer)
    return (path: string) => `ws://127.0.0.1:${port}${path}`
  })

/**
 * Opens a producer session on the broker that is never pinged and waits until the broker closes
 * it: by then every session opened before it and kept just as quiet has been idle longer than
 * the broker's idle timeout.
 */
const idleTimeoutElapses = (httpUrl: string, topic: string) =>
  Effect.callback<{ readonly code: number; readonly reason: string }>((resume) => {
    const socket = new WebSocket(`${httpUrl.replace(/^http/, "ws")}/ws/v2/producer/${topic.replace("://", "/")}`)
    socket.on("error", () => {})
    socket.once("close", (code, reason) => resume(Effect.succeed({ code, reason: reason.toString() })))
    return Effect.sync(() => socket.terminate())
  })

const firstPing = (client: TestClient) =>
  Effect.gen(function* () {
    const pinged = yield* Deferred.make<void>()
    client.socket.once("ping", () => Deferred.doneUnsafe(pinged, Exit.void))
    return Deferred.await(pinged)
  })

const stillOpen = (name: string, client: TestClient) =>
  Effect.gen(function* () {
    if (client.socket.readyState === WebSocket.OPEN) return
    const { code, reason } = yield* client.closed
    assert.fail(`the ${name} socket was closed with ${code} "${reason}" (received: ${JSON.stringify(client.received)})`)
  })

const ids = (received: ReadonlyArray<unknown>) =>
  received.map((frame) => (frame as { metadata?: { id?: string } }).metadata?.id)

describe("connections idle longer than Pulsar's idle timeout", () => {
  it.live(
    "pulsar: import, durable export and live-tap export sockets stay open past the broker's idle timeout, and then carry a frame",
    () =>
      Effect.gen(function* () {
        const httpUrl = broker?.httpUrl ?? assert.fail("no broker")
        const flow = `idle-${process.pid}-${Date.now().toString(36)}`
        const url = yield* startGateway({
          BROKER: "pulsar",
          // Pulsar's idle timeout is its WebSocket API's; on the binary port the broker pings and
          // the adapter answers (test/broker/binaryAdapter.test.ts).
          PULSAR_TRANSPORT: "websocket",
          PULSAR_HTTP_URL: httpUrl,
          PULSAR_PING_INTERVAL: testPulsarPingInterval,
          WS_PING_INTERVAL: "200ms",
          FLOWS: flow
        })
        const importer = yield* connect(url(`/api/v1/flow/${flow}/import/triples?ack=true`))
        const durable = yield* connect(url(`/api/v1/flow/${flow}/export/triples?subscription=idle`))
        const tap = yield* connect(url(`/api/v1/flow/${flow}/export/triples`))
        const pinged = yield* Effect.forEach([importer, durable, tap], firstPing)

        const idle = yield* idleTimeoutElapses(httpUrl, `persistent://tg/flow/idle-probe-${flow}`)
        assert.match(idle.reason, /Idle timeout/, "the broker closed the unpinged session as idle")

        yield* stillOpen("import", importer)
        yield* stillOpen("durable export", durable)
        yield* stillOpen("live-tap export", tap)
        // Server pings reach the clients (WS_PING_INTERVAL).
        yield* Effect.all(pinged)

        importer.send(triplesFrame("after-idle"))
        yield* importer.until((received) => received.length >= 1)
        assert.deepStrictEqual(importer.received, [{ ack: 1 }])
        yield* durable.until((received) => received.length >= 1)
        yield* tap.until((received) => received.length >= 1)
        assert.deepStrictEqual(ids(durable.received), ["after-idle"])
        assert.deepStrictEqual(ids(tap.received), ["after-idle"])
        yield* stillOpen("import", importer)
        yield* stillOpen("durable export", durable)
        yield* stillOpen("live-tap export", tap)
      }),
    60_000
  )
})
