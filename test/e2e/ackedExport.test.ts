/**
 * Exports acknowledged by the client (`?ack=true`), through real WebSockets, on the in-memory
 * broker and on a real Pulsar broker: only what the client acked leaves the subscription, at most
 * EXPORT_MAX_UNACKED frames are out unacknowledged, and what was not acked — when the client goes
 * away or the gateway shuts down — is there for the next connection with the same subscription.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import { brokersUnderTest } from "../support/brokers.ts"
import { triplesFrame } from "../support/frames.ts"
import { connect, startGateway, type TestClient } from "../support/gateway.ts"

let flowCounter = 0
const freshFlow = () => `acked-${process.pid}-${Date.now().toString(36)}-${flowCounter++}`

interface DataFrame {
  readonly metadata: { readonly id: string }
}
interface ErrorFrame {
  readonly error: { readonly message: string; readonly path: string; readonly frame: number }
}

const isError = (frame: unknown): frame is ErrorFrame => typeof frame === "object" && frame !== null && "error" in frame
/** The ids of the data frames a client received, in order; error frames are not numbered. */
const idsOf = (client: TestClient) =>
  client.received.filter((frame) => !isError(frame)).map((frame) => (frame as DataFrame).metadata.id)
const errorsOf = (client: TestClient) => client.received.filter(isError).map((frame) => frame.error)

const ids = (count: number) => Array.from({ length: count }, (_, i) => `m${i}`)

/** Reads, acking every frame as it comes, until `done` holds. */
const readAcking = (client: TestClient, done: () => boolean) =>
  Effect.gen(function* () {
    let acked = 0
    while (!done()) {
      yield* client.until(() => idsOf(client).length > acked)
      acked = idsOf(client).length
      client.send({ ack: acked })
    }
  })

/** Waits until the gateway has begun its shutdown: its readiness probe answers 503. */
const untilDraining = (port: number) =>
  Effect.promise(() => fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status)).pipe(
    Effect.repeat({ until: (status) => status === 503, schedule: Schedule.spaced("20 millis") }),
    Effect.timeout("30 seconds")
  )

/** Imports `count` frames m0 … through the gateway and waits until each is persisted. */
const importFrames = (url: string, count: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const importer = yield* connect(url)
      for (const id of ids(count)) importer.send(triplesFrame(id))
      yield* importer.until((got) => got.length >= count)
      assert.isTrue(
        importer.received.every((answer) => typeof answer === "object" && answer !== null && "ack" in answer),
        "every frame persisted"
      )
    })
  )

describe.each(brokersUnderTest())("Client-acknowledged export: $name", (adapter) => {
  const name = adapter.name
  // A nack is redelivered at once, so that the next connection need not wait for it.
  const env = (flow: string, extra: Record<string, string> = {}) => ({
    FLOWS: flow,
    SUBSCRIBER_NACK_DELAY: "0",
    ...extra
  })

  it.live(
    `${name}: a client that acks 1 frame, then 11, then stops acking has only those 11 gone; the next connection with the subscription gets the other 189, and no more than EXPORT_MAX_UNACKED frames were ever out`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, env(flow, { EXPORT_MAX_UNACKED: "50" }))
        const exportPath = `/api/v1/flow/${flow}/export/triples?subscription=acked&ack=true`
        const first = yield* connect(gateway.url(exportPath))
        yield* importFrames(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`), 200)

        yield* first.until(() => idsOf(first).length >= 1)
        first.send({ ack: 1 })
        yield* first.until(() => idsOf(first).length >= 11)
        first.send({ ack: 11 })
        // Acks up to 11 and a window of 50: frames 12 … 61 go out, and then the export waits.
        yield* first.until(() => idsOf(first).length >= 61)
        // An ack of frame 62 is refused as beyond what was written: the gateway wrote exactly 61.
        first.send({ ack: 62 })
        yield* first.until(() => errorsOf(first).length >= 1)
        assert.deepStrictEqual(errorsOf(first), [
          { message: "ack 62 is beyond the 61 frame(s) written on this connection", path: "ack", frame: 3 }
        ])
        assert.strictEqual(idsOf(first).length, 61, "nothing beyond the window")
        const ackedIds = idsOf(first).slice(0, 11)
        yield* first.close()

        const second = yield* connect(gateway.url(exportPath))
        const rest = ids(200).filter((id) => !ackedIds.includes(id))
        // Acked as they come, so the window never holds the rest back.
        yield* readAcking(second, () => rest.every((id) => idsOf(second).includes(id)))
        assert.deepStrictEqual(
          ids(200).filter((id) => !ackedIds.includes(id) && !idsOf(second).includes(id)),
          [],
          "every message not acked by the first client reached the second"
        )
        assert.deepStrictEqual(
          idsOf(second).filter((id) => ackedIds.includes(id)),
          [],
          "nothing the first client acked came again"
        )
        yield* second.close()
        yield* gateway.stop
      }),
    60_000
  )

  it.live(
    `${name}: at a shutdown the gateway waits for the acks of what it wrote; a client that acks them all leaves nothing behind`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, env(flow, { SUBSCRIBER_DRAIN_TIMEOUT: "30s" }))
        const exportPath = `/api/v1/flow/${flow}/export/triples?subscription=drained&ack=true`
        const client = yield* connect(gateway.url(exportPath))
        yield* importFrames(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`), 20)
        yield* client.until(() => idsOf(client).length >= 20)
        const stopping = yield* Effect.forkChild(gateway.stop)
        // The client acks once the gateway drains; the drain ends as soon as every frame is acked.
        yield* untilDraining(gateway.port)
        client.send({ ack: 20 })
        const closed = yield* client.closed
        yield* Fiber.join(stopping)
        assert.strictEqual(closed.code, 1001)
        assert.deepStrictEqual(gateway.forced(), [], "nothing given back: the drain saw every ack")

        // Nothing is left on the subscription: a message published now is the first to arrive.
        const again = yield* startGateway(broker, env(flow))
        const next = yield* connect(again.url(exportPath))
        yield* Effect.scoped(
          Effect.gen(function* () {
            const importer = yield* connect(again.url(`/api/v1/flow/${flow}/import/triples?ack=true`))
            importer.send(triplesFrame("after"))
            yield* importer.until((got) => got.length >= 1)
          })
        )
        yield* next.until(() => idsOf(next).length >= 1)
        yield* next.until(() => idsOf(next).includes("after"))
        assert.strictEqual(idsOf(next)[0], "after")
        yield* again.stop
      }),
    60_000
  )

  it.live(
    `${name}: at a shutdown, frames the client did not ack within SUBSCRIBER_DRAIN_TIMEOUT go back to the subscription and reach the next connection`,
    () =>
      Effect.gen(function* () {
        const broker = yield* adapter.make
        const flow = freshFlow()
        const gateway = yield* startGateway(broker, env(flow, { SUBSCRIBER_DRAIN_TIMEOUT: "200ms" }))
        const exportPath = `/api/v1/flow/${flow}/export/triples?subscription=unacked&ack=true`
        const client = yield* connect(gateway.url(exportPath))
        yield* importFrames(gateway.url(`/api/v1/flow/${flow}/import/triples?ack=true`), 20)
        yield* client.until(() => idsOf(client).length >= 20)
        client.send({ ack: 5 })
        // The ack is taken before the shutdown begins: the gateway answers the next frame after it.
        client.send("not an ack")
        yield* client.until(() => errorsOf(client).length >= 1)
        yield* gateway.stop
        assert.strictEqual((yield* client.closed).code, 1001)
        assert.lengthOf(gateway.forced(), 1)
        assert.match(gateway.forced()[0] ?? "", /15 message\(s\) given back to the durable subscription/)

        const again = yield* startGateway(broker, env(flow))
        const next = yield* connect(again.url(exportPath))
        const ackedIds = idsOf(client).slice(0, 5)
        const expected = ids(20).filter((id) => !ackedIds.includes(id))
        yield* readAcking(next, () => expected.every((id) => idsOf(next).includes(id)))
        assert.deepStrictEqual(
          idsOf(next).filter((id) => !expected.includes(id)),
          [],
          "the 5 acked before the shutdown did not come again"
        )
        yield* again.stop
      }),
    60_000
  )
})
