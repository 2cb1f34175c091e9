/**
 * When the broker connection behind a socket is lost, the client is told at once with close code
 * 1011 rather than left writing into a void or waiting for exports that cannot come.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Metric } from "effect"
import { ConnectionClosed } from "../../src/domain/BrokerErrors.ts"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import type { BrokerShape } from "../../src/services/Broker.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect, startGateway } from "../support/gateway.ts"

/** An in-memory broker whose connections the test can "lose". */
const losableBroker = Effect.gen(function* () {
  const memory = yield* makeMemoryBroker
  const lost = yield* Deferred.make<ConnectionClosed>()
  const broker: BrokerShape = {
    ...memory,
    producer: (topic) =>
      Effect.map(memory.producer(topic), (producer) => ({ ...producer, lost: Deferred.await(lost) })),
    consumer: (options) =>
      Effect.map(memory.consumer(options), (consumer) => ({ ...consumer, lost: Deferred.await(lost) }))
  }
  const lose = Deferred.succeed(lost, new ConnectionClosed({ topic: "any", reason: "broker restarted" }))
  return { broker, lose }
})

describe("losing the broker connection", () => {
  it.live("an import socket is closed with 1011 and the shutdown counted as forced", () =>
    Effect.gen(function* () {
      const { broker, lose } = yield* losableBroker
      const gateway = yield* startGateway(broker)
      const client = yield* connect(gateway.url("/api/v1/flow/default/import/triples?ack=true"))
      client.send(triplesFrame("before"))
      yield* client.until((got) => got.length >= 1)
      yield* lose
      const closed = yield* client.closed
      assert.deepStrictEqual(closed, { code: 1011, reason: "broker connection lost" })
      const metrics = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${gateway.port}/metrics`).then((r) => r.text())
      )
      assert.match(metrics, /^websocket_forced_shutdowns_total 1$/m)
      assert.match(metrics, /^websocket_graceful_shutdowns_total 0$/m)
    }).pipe(
      // A registry of this test's own: the counts are this connection's, whatever else the file runs.
      Effect.provideService(Metric.MetricRegistry, new Map())
    )
  )

  it.live("an export socket is closed with 1011", () =>
    Effect.gen(function* () {
      const { broker, lose } = yield* losableBroker
      const gateway = yield* startGateway(broker)
      const client = yield* connect(gateway.url("/api/v1/flow/default/export/triples"))
      yield* lose
      const closed = yield* client.closed
      assert.deepStrictEqual(closed, { code: 1011, reason: "broker connection lost" })
    })
  )
})
