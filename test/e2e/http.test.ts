/**
 * What the gateway answers before and around the upgrade: auth, unknown routes, frame size,
 * shutdown refusals, health, readiness and metrics. These do not depend on the broker, so they
 * run on the in-memory one.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Latch, Metric, Schedule } from "effect"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { triplesFrame } from "../support/frames.ts"
import { recording } from "../support/scriptedBroker.ts"
import { connect, refusal, startGateway } from "../support/gateway.ts"

const get = (port: number, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    return { status: response.status, body: await response.text() }
  })

describe("Gateway HTTP", () => {
  it.live("a missing or wrong ?token gets HTTP 401 before the upgrade; the right one is let in", () =>
    Effect.gen(function* () {
      const gateway = yield* startGateway(yield* makeMemoryBroker, { GATEWAY_SECRET: "s3cret" })
      const path = "/api/v1/flow/default/import/triples"
      const missing = yield* refusal(gateway.url(path))
      assert.strictEqual(missing.status, 401)
      assert.match(JSON.parse(missing.body).error, /unauthorized/)
      assert.strictEqual((yield* refusal(gateway.url(`${path}?token=wrong`))).status, 401)
      const client = yield* connect(gateway.url(`${path}?token=s3cret`))
      assert.strictEqual(client.socket.readyState, client.socket.OPEN)
    })
  )

  it.live(
    "an unknown kind, an unknown flow or an export of rows gets HTTP 404 with a JSON error; a malformed path 400",
    () =>
      Effect.gen(function* () {
        const gateway = yield* startGateway(yield* makeMemoryBroker)
        const kind = yield* refusal(gateway.url("/api/v1/flow/default/import/quads"))
        assert.strictEqual(kind.status, 404)
        assert.match(JSON.parse(kind.body).error, /unknown kind "quads"; import kinds: triples, graph-embeddings/)
        const flow = yield* refusal(gateway.url("/api/v1/flow/nope/import/triples"))
        assert.strictEqual(flow.status, 404)
        assert.match(JSON.parse(flow.body).error, /unknown flow "nope"; flows: default/)
        const rows = yield* refusal(gateway.url("/api/v1/flow/default/export/rows"))
        assert.strictEqual(rows.status, 404)
        assert.strictEqual((yield* refusal(gateway.url("/api/v2/elsewhere"))).status, 404)
        const malformed = yield* refusal(gateway.url("/api/v1/flow/%E0%A4%A/import/triples"))
        assert.strictEqual(malformed.status, 400)
        assert.match(JSON.parse(malformed.body).error, /malformed percent-encoding/)
      })
  )

  it.live("a frame over the maximum size closes the socket with 1009; what came before is kept", () =>
    Effect.gen(function* () {
      const broker = yield* makeMemoryBroker
      const gateway = yield* startGateway(broker, { MAX_FRAME_SIZE: "4KiB" })
      const client = yield* connect(gateway.url("/api/v1/flow/default/import/triples?ack=true"))
      client.send(triplesFrame("small"))
      yield* client.until((got) => got.length >= 1)
      client.send(triplesFrame("big", 200))
      const closed = yield* client.closed
      assert.strictEqual(closed.code, 1009)
      yield* gateway.stop
      assert.strictEqual(broker.countOnTopic("persistent://tg/flow/triples-store:default:default"), 1)
    })
  )

  it.live(
    "a text frame that is not UTF-8 closes the socket with 1007, as the protocol requires; earlier frames are kept",
    () =>
      Effect.gen(function* () {
        const broker = yield* makeMemoryBroker
        const gateway = yield* startGateway(broker)
        const client = yield* connect(gateway.url("/api/v1/flow/default/import/triples?ack=true"))
        client.send(triplesFrame("fine"))
        yield* client.until((got) => got.length >= 1)
        client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
        assert.strictEqual((yield* client.closed).code, 1007)
        yield* gateway.stop
        assert.strictEqual(broker.countOnTopic("persistent://tg/flow/triples-store:default:default"), 1)
      })
  )

  it.live("/healthz answers 200; /readyz answers 200, then 503 with new upgrades refused while connections drain", () =>
    Effect.gen(function* () {
      // The broker holds every send until the test lets go, so the drain lasts as long as needed.
      const gate = yield* Latch.make(false)
      const { broker, events } = recording(yield* makeMemoryBroker, { beforeSend: () => gate.await })
      const gateway = yield* startGateway(broker)
      assert.deepStrictEqual(yield* get(gateway.port, "/healthz"), { status: 200, body: `{"status":"ok"}` })
      const ready = yield* get(gateway.port, "/readyz")
      assert.deepStrictEqual([ready.status, (JSON.parse(ready.body) as { status: string }).status], [200, "ready"])
      const importer = yield* connect(gateway.url("/api/v1/flow/default/import/triples"))
      importer.send(triplesFrame("held"))
      yield* Effect.sync(() => events.some((e) => e.startsWith("send "))).pipe(
        Effect.repeat({ until: (sent) => sent, schedule: Schedule.spaced("5 millis") }),
        Effect.timeout("10 seconds")
      )
      const stopping = yield* Effect.forkChild(gateway.stop)
      const draining = yield* get(gateway.port, "/readyz").pipe(
        Effect.repeat({ until: (r) => r.status === 503, schedule: Schedule.spaced("10 millis") }),
        Effect.timeout("10 seconds")
      )
      assert.deepStrictEqual(draining, { status: 503, body: `{"status":"draining"}` })
      const refused = yield* refusal(gateway.url("/api/v1/flow/default/import/triples"))
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(importer.socket.readyState, importer.socket.OPEN, "the draining connection is still open")
      yield* gate.open
      yield* Fiber.join(stopping)
      assert.strictEqual((yield* importer.closed).code, 1001)
      assert.deepStrictEqual(gateway.forced(), [])
    })
  )

  it.live("/readyz answers 503 while the broker is unreachable", () =>
    Effect.gen(function* () {
      const broker = yield* Effect.scoped(makeMemoryBroker)
      const gateway = yield* startGateway(broker)
      assert.deepStrictEqual(yield* get(gateway.port, "/readyz"), {
        status: 503,
        body: `{"status":"broker unreachable"}`
      })
    })
  )

  it.live("/metrics serves Prometheus text with the spec's five metrics, each counting what happened", () =>
    Effect.gen(function* () {
      const gateway = yield* startGateway(yield* makeMemoryBroker)
      const client = yield* connect(gateway.url("/api/v1/flow/default/import/triples?ack=true"))
      client.send(triplesFrame("counted"))
      yield* client.until((got) => got.length >= 1)
      assert.deepStrictEqual(client.received, [{ ack: 1 }])
      yield* client.close()
      // The gateway counts the connection's shutdown once its own side has finished it.
      const metrics = yield* get(gateway.port, "/metrics").pipe(
        Effect.repeat({
          until: (r) => /^websocket_graceful_shutdowns_total [1-9]/m.test(r.body),
          schedule: Schedule.spaced("10 millis")
        }),
        Effect.timeout("10 seconds")
      )
      assert.strictEqual(metrics.status, 200)
      const spec = [
        "publisher_queue_depth",
        "publisher_messages_dropped_total",
        "subscriber_messages_negatively_acknowledged_total",
        "websocket_graceful_shutdowns_total",
        "websocket_forced_shutdowns_total"
      ]
      for (const name of spec) assert.match(metrics.body, new RegExp(`^# TYPE ${name} `, "m"), name)
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics.body)?.[1])
      const names = [...spec, "publisher_messages_confirmed_total", "import_frames_received_total"]
      assert.deepStrictEqual(Object.fromEntries(names.map((name) => [name, value(name)])), {
        publisher_queue_depth: 0,
        publisher_messages_dropped_total: 0,
        subscriber_messages_negatively_acknowledged_total: 0,
        websocket_graceful_shutdowns_total: 1,
        websocket_forced_shutdowns_total: 0,
        publisher_messages_confirmed_total: 1,
        import_frames_received_total: 1
      })
    }).pipe(
      // A registry of this test's own: the counts are this gateway's, not those of the file's other tests.
      Effect.provideService(Metric.MetricRegistry, new Map())
    )
  )
})
