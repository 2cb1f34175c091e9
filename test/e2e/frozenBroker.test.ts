/**
 * A real `tg-gateway serve` process whose Pulsar broker freezes (as under SIGSTOP) while a client
 * imports with `?ack=true`, then SIGTERM: the process must exit within its documented bound plus
 * a fixed margin, name what it had to force, answer every frame it read, and every frame it
 * acknowledged must be on the topic. On each transport: over the WebSocket API the broker other
 * tests share is frozen through a TCP proxy in front of its web port; over the binary protocol
 * (whose lookup answers with the broker's own address, so a proxy would be bypassed) a broker of
 * the test's own is stopped with SIGSTOP.
 */
import { readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { performance } from "node:perf_hooks"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule, type Scope } from "effect"
import { inject } from "vitest"
import { idsOnPulsarTopic } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect } from "../support/gateway.ts"
import { exitOf, freePort, serveProcess } from "../support/process.ts"
import { storedOnTopic } from "../support/pulsarAdmin.ts"
import { freeTcpPort, startPulsar, stopPulsar, testPulsarPingInterval } from "../support/pulsarScript.ts"
import { startTcpProxy } from "../support/tcpProxy.ts"

/** A counter's value on the gateway's /metrics page. */
const metric = (port: number, name: string) =>
  Effect.promise(async () => {
    const page = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())
    const line = page.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    return line === undefined ? 0 : Number(line.split(" ").at(-1))
  })

const drain = 2
const flush = 1
const grace = 1
/**
 * Beyond the documented bound: 1 s for the broker sockets, whose close a frozen broker never
 * answers (brokerCloseBound in PulsarBroker.ts), and 2 s of slack for the process's own exit and
 * its event loop on a loaded two-core CI machine. The only timing this test asserts.
 */
const marginSeconds = 3

/** A broker the gateway reaches through `env`, which the test can freeze and thaw; `httpUrl` is its admin API, reached directly. */
interface FreezableBroker {
  readonly env: Record<string, string>
  readonly httpUrl: string
  readonly freeze: () => void
  readonly thaw: () => void
}

/** The shared broker's web port behind a proxy that can be frozen. */
const proxiedWebPort: Effect.Effect<FreezableBroker, Error, Scope.Scope> = Effect.gen(function* () {
  const httpUrl = inject("pulsarHttpUrl")
  const brokerUrl = new URL(httpUrl)
  const proxy = yield* startTcpProxy(brokerUrl.hostname, Number(brokerUrl.port))
  return {
    env: { PULSAR_TRANSPORT: "websocket", PULSAR_HTTP_URL: `http://127.0.0.1:${proxy.port}` },
    httpUrl,
    freeze: proxy.freeze,
    thaw: proxy.thaw
  }
})

/** A broker of the test's own (free ports, its own state directory), stopped with SIGSTOP. */
const ownBrokerProcess: Effect.Effect<FreezableBroker, never, Scope.Scope> = Effect.gen(function* () {
  const options = {
    httpUrl: `http://127.0.0.1:${yield* Effect.promise(freeTcpPort)}`,
    brokerPort: yield* Effect.promise(freeTcpPort),
    state: `${tmpdir()}/tg-gateway-frozen-${process.pid}`
  }
  yield* Effect.acquireRelease(
    Effect.promise(() => startPulsar(options)).pipe(Effect.tap((said) => Effect.sync(() => console.log(said)))),
    () => Effect.promise(() => stopPulsar(options).catch(() => ""))
  )
  const pid = Number(readFileSync(`${options.state}/pid`, "utf8").trim())
  const signal = (name: NodeJS.Signals) => () => process.kill(pid, name)
  // Whatever happens in the test, the broker is not left stopped for its own stop to wait on.
  yield* Effect.addFinalizer(() => Effect.sync(() => signal("SIGCONT")()))
  return {
    env: {
      PULSAR_TRANSPORT: "binary",
      PULSAR_URL: `pulsar://127.0.0.1:${options.brokerPort}`,
      PULSAR_HTTP_URL: options.httpUrl,
      // Pings far apart: the frozen broker is not found gone by them before the drain timeout,
      // which is the bound under test.
      PULSAR_PING_INTERVAL: "30s"
    },
    httpUrl: options.httpUrl,
    freeze: signal("SIGSTOP"),
    thaw: signal("SIGCONT")
  }
})

const transports = [
  { transport: "websocket", broker: proxiedWebPort, timeout: 120_000 },
  { transport: "binary", broker: ownBrokerProcess, timeout: 420_000 }
] as const

describe("tg-gateway serve with a frozen broker", () => {
  for (const { transport, broker: freezable, timeout } of transports) {
    it.live(
      `pulsar, ${transport} transport: SIGTERM with the broker frozen exits within drain + flush + grace (${drain} + ${flush} + ${grace} s) + ${marginSeconds} s, exit 1 naming what was forced; every frame read is answered and every acked one is on the topic`,
      () =>
        Effect.gen(function* () {
          const broker = yield* freezable
          const httpUrl = broker.httpUrl
          const flow = `frozen-${process.pid}-${Date.now().toString(36)}`
          const topic = `persistent://tg/flow/triples-store:default:${flow}`
          const port = yield* freePort
          const { child, output } = yield* serveProcess({
            BROKER: "pulsar",
            PULSAR_PING_INTERVAL: testPulsarPingInterval,
            ...broker.env,
            GATEWAY_PORT: String(port),
            GATEWAY_HOST: "127.0.0.1",
            FLOWS: flow,
            PUBLISHER_DRAIN_TIMEOUT: `${drain}s`,
            PUBLISHER_FLUSH_TIMEOUT: `${flush}s`,
            SUBSCRIBER_DRAIN_TIMEOUT: `${drain}s`,
            SHUTDOWN_GRACE_PERIOD: `${grace}s`,
            // Some sends in flight to the frozen broker, the rest waiting in the Publisher's queue.
            PUBLISHER_MAX_IN_FLIGHT: "4"
          })

          const client = yield* connect(`ws://127.0.0.1:${port}/api/v1/flow/${flow}/import/triples?ack=true`)
          for (let n = 1; n <= 20; n++) client.send(triplesFrame(`f${n}`))
          yield* client.until((got) => got.length >= 20)
          broker.freeze()
          for (let n = 21; n <= 30; n++) client.send(triplesFrame(`f${n}`))
          // Every frame is read before the signal: none is left in the network, so each must be answered.
          yield* metric(port, "import_frames_received_total").pipe(
            Effect.repeat({ until: (n) => n >= 30, schedule: Schedule.spaced("20 millis") })
          )

          const signalled = performance.now()
          child.kill("SIGTERM")
          const code = yield* exitOf(child)
          const seconds = (performance.now() - signalled) / 1000
          const said = output.join("")
          assert.isAtMost(
            seconds,
            drain + flush + grace + marginSeconds,
            `SIGTERM with the broker frozen took ${seconds.toFixed(2)} s\n${said}`
          )
          assert.strictEqual(code, 1, said)
          assert.match(said, new RegExp(`shutdown forced: import to ${topic.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `))
          assert.match(said, /\d+ message\(s\) dropped at the publisher drain timeout/)
          assert.match(said, /\d+ message\(s\) unconfirmed at the flush timeout/)
          assert.strictEqual(said.match(/^shutdown forced: /gm)?.length, 1, `one connection, named once\n${said}`)

          assert.deepStrictEqual(yield* client.closed, { code: 1001, reason: "server shutting down" })
          const answers = client.received as Array<{
            readonly ack?: number
            readonly nack?: number
            readonly error?: { readonly retryable?: boolean }
          }>
          const acked = answers.flatMap((a) => (a.ack === undefined ? [] : [a.ack]))
          const nacked = answers.flatMap((a) => (a.nack === undefined ? [] : [a.nack]))
          assert.deepStrictEqual(
            [...acked, ...nacked].sort((a, b) => a - b),
            Array.from({ length: 30 }, (_, i) => i + 1),
            "each frame answered once"
          )
          assert.deepStrictEqual(
            acked.sort((a, b) => a - b),
            Array.from({ length: 20 }, (_, i) => i + 1),
            "nothing is confirmed while the broker is frozen"
          )
          assert.isTrue(
            answers.every((a) => a.nack === undefined || a.error?.retryable === true),
            "a frame the frozen broker did not take may be sent again"
          )

          // The broker comes back: whatever it holds is counted and read directly, not through the proxy.
          broker.thaw()
          const stored = yield* Effect.promise(() => storedOnTopic(httpUrl, topic))
          assert.isAtLeast(stored, acked.length)
          const onTopic = yield* idsOnPulsarTopic(httpUrl, topic, stored)
          const missing = acked.map((n) => `f${n}`).filter((id) => !onTopic.has(id))
          assert.deepStrictEqual(missing, [], `${acked.length} frames acked, ${stored} on the topic`)
        }).pipe(Effect.scoped),
      timeout
    )
  }
})
