/**
 * A broker whose producer and consumer record what happens to each message, and whose sends can
 * be held back or failed by the test. A real broker is underneath (the in-memory one, or any
 * other); the script only decides when a send goes through.
 */
import { Effect } from "effect"
import type { SendFailed } from "../../src/domain/BrokerErrors.ts"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import type { BrokerShape, MessageId, OutgoingMessage } from "../../src/services/Broker.ts"
import { text } from "./brokers.ts"

export interface Script {
  /** Runs before each send reaches the broker, with the message's text: hold it, or fail it. */
  readonly beforeSend?: (text: string) => Effect.Effect<void, SendFailed>
  /** Runs once the broker has confirmed a send, with the message as sent (an adapter that releases it, say). */
  readonly afterStored?: (message: OutgoingMessage) => void
  /** Received messages can give their memory back, as the binary adapter's do: recorded as `release <text>`. */
  readonly releasable?: boolean
}

export const makeScriptedBroker = (script: Script = {}) =>
  Effect.gen(function* () {
    const memory = yield* makeMemoryBroker
    return { ...recording(memory, script), memory }
  })

/** Wraps a broker so that every send, confirmation, ack, nack, pause and close is recorded. */
export const recording = (underlying: BrokerShape, script: Script = {}) => {
  const events: Array<string> = []
  const texts = new Map<MessageId, string>()
  const record = (event: string) => Effect.sync(() => void events.push(event))

  const broker: BrokerShape = {
    description: underlying.description,
    ping: underlying.ping,
    producer: (topic, options) =>
      Effect.gen(function* () {
        yield* Effect.addFinalizer(() => record("producer closed"))
        const inner = yield* underlying.producer(topic, options)
        const send = (message: OutgoingMessage) => {
          const t = text(message.payload)
          return record(`send ${t}`).pipe(
            Effect.andThen(script.beforeSend?.(t) ?? Effect.void),
            Effect.andThen(inner.send(message)),
            Effect.tap(() => record(`confirmed ${t}`)),
            Effect.tap(() => Effect.sync(() => script.afterStored?.(message)))
          )
        }
        return { ...inner, send }
      }),
    consumer: (options) =>
      Effect.gen(function* () {
        yield* Effect.addFinalizer(() => record("consumer closed"))
        const inner = yield* underlying.consumer(options)
        const named = (id: MessageId) => texts.get(id) ?? id
        return {
          ...inner,
          receive: Effect.map(inner.receive, (m) => {
            texts.set(m.id, text(m.payload))
            return script.releasable === true
              ? { ...m, releasePayload: () => void events.push(`release ${named(m.id)}`) }
              : m
          }),
          ack: (id) => record(`ack ${named(id)}`).pipe(Effect.andThen(inner.ack(id))),
          nack: (id) => record(`nack ${named(id)}`).pipe(Effect.andThen(inner.nack(id))),
          pause: record("pause").pipe(Effect.andThen(inner.pause))
        }
      })
  }
  return { broker, events }
}
