/**
 * The largest message a Pulsar broker takes through its WebSocket API. Two of its settings bound
 * it: `maxMessageSize` (the payload, 5 MB by default) and `webSocketMaxTextFrameSize` (the whole
 * JSON send command with the payload in base64, 1 MiB by default — about 768 KiB of payload). A
 * message above either is refused or ends the session, and no retry can succeed, so the adapter
 * refuses it before sending.
 */
import { Effect } from "effect"
import { defaultMaxMessageSize, metadataReserve } from "../../services/Broker.ts"
import { type BrokerAccess, makeBrokerAccess } from "./PulsarAccess.ts"

/** Pulsar's default `webSocketMaxTextFrameSize`. */
export const defaultMaxTextFrameSize = 1024 * 1024

/** Room in a send command for everything but the payload: braces, keys, context, properties. */
const commandOverhead = 4096

/**
 * The WebSocket service reads a send command with Jackson, whose default bound on one string is
 * 20,000,000 characters: a longer base64 payload is refused as bad JSON, without the send's context.
 */
const maxBase64Length = 20_000_000

/** The largest payload both settings allow, with room for the message's metadata. */
export const payloadLimit = (maxMessageSize: number, maxTextFrameSize: number): number =>
  Math.min(
    maxMessageSize - metadataReserve,
    Math.floor(Math.max(0, maxTextFrameSize - commandOverhead) / 4) * 3,
    (maxBase64Length / 4) * 3
  )

export interface LearnedLimit {
  readonly limit: number
  /** Set when the broker's configuration could not be read and its defaults were assumed. */
  readonly assumed?: string
}

const numberIn = (values: Record<string, unknown>, key: string): number | undefined => {
  const value = Number(values[key])
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/**
 * Reads both settings from the broker's runtime configuration (admin API), with the adapter's
 * credentials. A broker that does not let us read them is assumed to keep Pulsar's defaults: the
 * safe guess, since a larger message than the broker takes is never retried forever. A secured
 * broker lets only its super-users read its configuration, and a gateway's role is rarely one.
 */
export const learnLimit = (
  httpUrl: string,
  access: BrokerAccess = makeBrokerAccess(httpUrl)
): Effect.Effect<LearnedLimit> =>
  access.get("/admin/v2/brokers/configuration/runtime", "5 seconds").pipe(
    Effect.flatMap(({ status, body }) =>
      Effect.try({
        try: () => {
          if (status !== 200)
            throw new Error(
              status === 401 || status === 403
                ? `HTTP ${status}: only the broker's super-users may read its configuration`
                : `HTTP ${status}`
            )
          return JSON.parse(body) as Record<string, unknown>
        },
        catch: (cause) => (cause instanceof Error ? cause.message : String(cause))
      })
    ),
    Effect.map((values): LearnedLimit => ({
      limit: payloadLimit(
        numberIn(values, "maxMessageSize") ?? defaultMaxMessageSize,
        numberIn(values, "webSocketMaxTextFrameSize") ?? defaultMaxTextFrameSize
      )
    })),
    Effect.catch((error) =>
      Effect.succeed({
        limit: payloadLimit(defaultMaxMessageSize, defaultMaxTextFrameSize),
        assumed: typeof error === "string" ? error : error.reason
      })
    )
  )
