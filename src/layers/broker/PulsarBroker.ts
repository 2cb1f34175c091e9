/**
 * The Apache Pulsar adapter, over the broker's own WebSocket API (`/ws/v2/…` on the web port).
 *
 * Producer: sends are pipelined — each carries a `context` and the broker answers each one once
 * it is persisted, in any order. Consumer: pull mode, so nothing arrives without permits; permits
 * are returned as `receive` takes messages and withheld while paused. On close the broker keeps
 * every unacked message with the subscription.
 */
import { Deferred, Duration, Effect, Latch, Layer, type Scope, Semaphore } from "effect"
import type WebSocket from "ws"
import {
  BrokerUnavailable,
  ConnectionClosed,
  CredentialsRefused,
  MessageTooLarge,
  SendFailed,
  TopicRefused
} from "../../domain/BrokerErrors.ts"
import type { PulsarCompression } from "../../domain/Settings.ts"
import {
  Broker,
  type BrokerShape,
  type Consumer,
  consumerDefaults,
  type ConsumerOptions,
  type DeduplicationState,
  duplicateMessageId,
  type MessageId,
  type OutgoingMessage,
  type Producer,
  type ProducerOptions,
  type ReceivedMessage
} from "../../services/Broker.ts"
import {
  type BrokerAccess,
  insecureWarning,
  makeBrokerAccess,
  type PulsarAuthConfig,
  type PulsarTlsConfig,
  securityProblem
} from "./PulsarAccess.ts"
import { learnLimit } from "./PulsarLimits.ts"
import { closeSocket, openSocket, refusalReason } from "./PulsarSocket.ts"
import { makePermitWindow } from "./PermitWindow.ts"
import { readPushedMessage } from "./PushedMessage.ts"
import { makeReceiveBuffer } from "./ReceiveBuffer.ts"
import { parseTopicName, pathSegment, type TopicName, topicNameProblem, topicPath } from "./topicName.ts"

export interface PulsarBrokerConfig {
  /**
   * The broker's web port, e.g. `http://127.0.0.1:8080`: WebSocket API and admin REST API. An
   * `https://` URL is reached over TLS, its sockets over `wss://`.
   */
  readonly httpUrl: string
  /**
   * The admin REST API (readiness, the message size limit, deduplication), when it is not at
   * `httpUrl`: behind a WebSocket proxy that runs apart from the brokers. Default `httpUrl`.
   */
  readonly adminUrl?: string
  /**
   * Turn deduplication on for a namespace the gateway is asked about where it is not on
   * (PULSAR_ENABLE_DEDUPLICATION), instead of refusing `?producer=` there. Default false.
   */
  readonly enableDeduplication?: boolean
  /** Credentials sent on every socket and admin request (`Authorization: Bearer …`). Default none. */
  readonly auth?: PulsarAuthConfig
  /** CA, client certificate and key for an `https://` broker; host names are checked unless `insecure`. */
  readonly tls?: PulsarTlsConfig
  /** Bound on opening a producer or consumer. Default 10 s. */
  readonly connectTimeout?: Duration.Input
  /** Bound on waiting for outstanding confirmations when a producer closes. Default 10 s. */
  readonly closeTimeout?: Duration.Input
  /** The broker fails a send it could not persist within this time. Default 30 s. */
  readonly sendTimeout?: Duration.Input
  /**
   * How often each producer and consumer session is pinged, so that Pulsar does not close it as
   * idle (`webSocketSessionIdleTimeoutMillis`, 300 s by default). Default 30 s; zero sends none.
   */
  readonly pingInterval?: Duration.Input
  /**
   * How producers compress each message (PULSAR_COMPRESSION): the broker stores and sends it
   * compressed, and every Pulsar consumer decompresses it. Default none.
   */
  readonly compression?: PulsarCompression
  /**
   * The largest payload to send, in bytes. When absent it is learned from the broker's
   * configuration (`maxMessageSize`, `webSocketMaxTextFrameSize`) the first time a producer opens.
   */
  readonly maxMessageSize?: number
}

type Resume = (effect: Effect.Effect<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>) => void

interface SendAnswer {
  readonly result?: string
  readonly messageId?: string
  readonly context?: string
  readonly errorMsg?: string
}

/** Bound on the close handshake of a broker socket. */
export const brokerCloseBound = "1 second"

/** `shared.token`: the credentials of another adapter on the same broker, presented here too. */
export const makePulsarBroker = (
  config: PulsarBrokerConfig,
  shared: { readonly token?: BrokerAccess["token"] } = {}
): BrokerShape => {
  const base = config.httpUrl.replace(/\/+$/, "")
  const wsBase = base.replace(/^http/, "ws")
  const connectTimeout = config.connectTimeout ?? "10 seconds"
  const closeTimeout = config.closeTimeout ?? "10 seconds"
  const pingInterval = config.pingInterval ?? "30 seconds"
  const sendTimeoutMillis = Duration.toMillis(Duration.fromInputUnsafe(config.sendTimeout ?? "30 seconds"))
  const adminBase = (config.adminUrl ?? config.httpUrl).replace(/\/+$/, "")
  // The same credentials reach both; the sockets take their options from here too.
  const access = makeBrokerAccess(adminBase, config.auth, config.tls, shared.token)

  // Learned once, when the first producer opens; a configured limit is taken as it is.
  // Learned from the broker when the first producer opens, and kept once read; a guess made when
  // the configuration could not be read serves that producer only, and the next one asks again.
  // One request at a time: producers opening together share its answer.
  let learned: number | undefined = config.maxMessageSize
  let warned = false
  const learning = Semaphore.makeUnsafe(1)
  const maxMessageSize = learning.withPermit(
    Effect.suspend(() =>
      learned !== undefined
        ? Effect.succeed(learned)
        : learnLimit(adminBase, access).pipe(
            Effect.tap(({ limit, assumed }) => {
              if (assumed === undefined) {
                learned = limit
                return Effect.logInfo(`the broker takes messages of up to ${limit.toLocaleString("en-US")} bytes`)
              }
              if (warned) return Effect.void
              warned = true
              return Effect.logWarning(
                `could not read the broker's message size limits (${assumed}); assuming Pulsar's defaults, ` +
                  `${limit.toLocaleString("en-US")} bytes per message, until they can be read. ` +
                  `Set PULSAR_MAX_MESSAGE_SIZE to the broker's real limit.`
              )
            }),
            Effect.map(({ limit }) => limit)
          )
    )
  )

  const nameOf = (topic: string): Effect.Effect<TopicName, TopicRefused> => {
    const name = parseTopicName(topic)
    return name === undefined
      ? Effect.fail(new TopicRefused({ topic, status: 400, reason: topicNameProblem(topic) }))
      : Effect.succeed(name)
  }

  const connect = (topic: string, url: string) =>
    Effect.acquireRelease(
      access.options.pipe(
        // The issuer refusing the gateway's OAuth2 client is a refusal like the broker's own 401.
        Effect.catchTag("CredentialsRefused", (error) =>
          Effect.fail(new TopicRefused({ topic, status: error.status, reason: error.message }))
        ),
        Effect.flatMap((connection) =>
          openSocket({ url, brokerUrl: base, topic, connectTimeout, pingInterval, connection })
        )
      ),
      (socket) =>
        // A broker answers a close at once; one that does not (frozen, partitioned) must not hold a
        // shutdown longer than this fixed margin beyond its documented bounds.
        closeSocket(socket, brokerCloseBound),
      // A shutdown must be able to cut an opening that hangs on a frozen broker; the opening
      // drops its half-open socket itself when interrupted.
      { interruptible: true }
    )

  const producer = (
    topic: string,
    options: ProducerOptions = {}
  ): Effect.Effect<Producer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      const name = yield* nameOf(topic)
      const limit = yield* maxMessageSize
      // A name and the sequence id before the first send: the broker numbers sends from there
      // (its WebSocket API reads no sequence id per message) and drops those it already holds.
      const named =
        options.name === undefined
          ? ""
          : `&producerName=${encodeURIComponent(options.name)}` +
            (options.initialSequenceId === undefined ? "" : `&initialSequenceId=${options.initialSequenceId}`)
      const compressed =
        config.compression === undefined || config.compression === "none"
          ? ""
          : `&compressionType=${config.compression.toUpperCase()}`
      const query = `sendTimeoutMillis=${sendTimeoutMillis}&batchingEnabled=false${compressed}${named}`
      const socket = yield* connect(topic, `${wsBase}/ws/v2/producer/${topicPath(name)}?${query}`)

      const lost = yield* Deferred.make<ConnectionClosed>()
      let closing = false
      // Each send's callback, by the context its answer will carry.
      const pending = new Map<string, Resume>()
      // Open while no send awaits its answer: what `flush` waits for.
      const idle = Latch.makeUnsafe(true)
      let nextContext = 0
      let closedReason: string | undefined

      const settled = () => {
        if (pending.size === 0) idle.openUnsafe()
      }

      socket.on("message", (data) => {
        const answer = parseJson<SendAnswer>(data)
        const context = answer?.context
        if (context === undefined) return failUnattributed(answer)
        const resume = pending.get(context)
        if (resume === undefined) return
        pending.delete(context)
        if (answer?.result === "ok" && answer.messageId !== undefined) {
          resume(Effect.succeed(answer.messageId.startsWith(droppedResendId) ? duplicateMessageId : answer.messageId))
        } else {
          const reason = `${answer?.result ?? "no result"}${answer?.errorMsg ? `: ${answer.errorMsg}` : ""}`
          resume(Effect.fail(new SendFailed({ topic, reason, unknownOutcome: false })))
        }
        settled()
      })
      /**
       * An error answer without a context (the broker could not even read the send command) belongs
       * to one of the pending sends, and nothing tells which: every pending send is failed as of
       * unknown outcome, so that none is left unanswered. A sender that resends may duplicate.
       */
      const failUnattributed = (answer: SendAnswer | undefined) => {
        if (answer?.result === undefined || answer.result === "ok" || pending.size === 0) return
        const reason = `the broker refused a send without saying which (${answer.result}${answer.errorMsg ? `: ${answer.errorMsg}` : ""})`
        const failure = Effect.fail(new SendFailed({ topic, reason, unknownOutcome: true }))
        for (const resume of pending.values()) resume(failure)
        pending.clear()
        settled()
      }
      socket.on("close", (code, reason) => {
        closedReason = `the broker closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`
        // Sends handed over without an answer may or may not be stored.
        const failure = Effect.fail(new SendFailed({ topic, reason: closedReason, unknownOutcome: true }))
        for (const resume of pending.values()) resume(failure)
        pending.clear()
        settled()
        if (!closing) Deferred.doneUnsafe(lost, Effect.succeed(new ConnectionClosed({ topic, reason: closedReason })))
      })

      const flush = idle.await

      // Registered after the socket's release, so it runs first: confirmations, then close.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closing = true
        }).pipe(Effect.andThen(flush.pipe(Effect.timeoutOption(options.closeTimeout ?? closeTimeout))))
      )

      const send = (message: OutgoingMessage) =>
        Effect.callback<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>((resume) => {
          if (closedReason !== undefined) {
            return resume(Effect.fail(new ConnectionClosed({ topic, reason: closedReason })))
          }
          if (message.payload.byteLength > limit) {
            return resume(Effect.fail(new MessageTooLarge({ topic, size: message.payload.byteLength, limit })))
          }
          const context = `${nextContext++}`
          pending.set(context, resume)
          idle.closeUnsafe()
          // A text frame, as the WebSocket API expects; the bytes are ASCII and UTF-8 JSON.
          socket.send(sendFrame(message, context), { binary: false })
          // An interrupted caller leaves the send in flight: flush still waits for its answer.
        })

      return {
        topic,
        send,
        maxMessageSize: limit,
        flush,
        lost: Deferred.await(lost)
      } satisfies Producer
    })

  const consumer = (options: ConsumerOptions): Effect.Effect<Consumer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      const settings = { ...consumerDefaults, ...options }
      const topic = settings.topic
      const name = yield* nameOf(topic)
      const window = Math.max(1, Math.min(settings.receiverQueueSize, 1000))
      const query = new URLSearchParams({
        subscriptionType: settings.type,
        subscriptionInitialPosition: settings.initialPosition,
        subscriptionMode: settings.durable ? "Durable" : "NonDurable",
        receiverQueueSize: `${window}`,
        negativeAckRedeliveryDelay: `${Duration.toMillis(Duration.fromInputUnsafe(settings.nackRedeliveryDelay))}`,
        pullMode: "true"
      })
      const url = `${wsBase}/ws/v2/consumer/${topicPath(name)}/${pathSegment(settings.subscription)}?${query}`
      const socket = yield* connect(topic, url)

      const permits = makePermitWindow(window, (count) => {
        if (socket.readyState === socket.OPEN) socket.send(`{"type":"permit","permitMessages":${count}}`)
      })
      const buffer = yield* makeReceiveBuffer<ReceivedMessage, ConnectionClosed>(() => permits.returned(1))

      socket.on("message", (data) => {
        const message = readPushedMessage(data)
        if (message === undefined) return
        permits.observe(message.payloadBytes)
        buffer.push(message)
      })
      const lost = yield* Deferred.make<ConnectionClosed>()
      let closing = false
      socket.on("close", (code, reason) => {
        const error = new ConnectionClosed({
          topic,
          reason: `the broker closed the connection (${code} ${reason.toString()})`
        })
        buffer.close(error)
        if (!closing) Deferred.doneUnsafe(lost, Effect.succeed(error))
      })
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closing = true
          buffer.close(new ConnectionClosed({ topic, reason: "the consumer is closed" }))
        })
      )
      permits.resume()

      const command = (text: string) =>
        Effect.sync(() => {
          // After the connection ends the broker redelivers anyway: an ack or nack has nothing to do.
          if (socket.readyState === socket.OPEN) socket.send(text)
        })

      return {
        topic,
        subscription: settings.subscription,
        receive: buffer.take,
        ack: (id: MessageId) => command(`{"messageId":${JSON.stringify(id)}}`),
        nack: (id: MessageId) => command(`{"type":"negativeAcknowledge","messageId":${JSON.stringify(id)}}`),
        pause: Effect.sync(() => {
          permits.pause()
          buffer.pause()
        }),
        lost: Deferred.await(lost),
        resume: Effect.sync(() => {
          buffer.resume()
          permits.resume()
        })
      } satisfies Consumer
    })

  // With the adapter's credentials: a broker that refuses them is not ready for the gateway.
  const ping = access
    .get("/admin/v2/brokers/ready", "2 seconds")
    .pipe(
      Effect.flatMap(({ status, body }): Effect.Effect<void, BrokerUnavailable | CredentialsRefused> =>
        status >= 200 && status < 300
          ? Effect.void
          : status === 401 || status === 403
            ? Effect.fail(new CredentialsRefused({ url: adminBase, status, reason: refusalReason(body, undefined) }))
            : Effect.fail(
                new BrokerUnavailable({ url: adminBase, reason: `GET /admin/v2/brokers/ready answered HTTP ${status}` })
              )
      )
    )

  /**
   * The namespace's own policy, else the broker's default (`brokerDeduplicationEnabled`), which
   * applies while the namespace has none.
   */
  const deduplication = (topic: string): Effect.Effect<DeduplicationState, BrokerUnavailable | CredentialsRefused> =>
    Effect.gen(function* () {
      const name = parseTopicName(topic)
      if (name === undefined) return { enabled: false, detail: topicNameProblem(topic) }
      const namespace = `${name.tenant}/${name.namespace}`
      const path = `/admin/v2/namespaces/${pathSegment(name.tenant)}/${pathSegment(name.namespace)}/deduplication`
      const policy = yield* adminJson(path)
      if (policy === true) return { enabled: true, detail: `enabled on ${namespace}` }
      if (config.enableDeduplication === true) {
        const { status, body } = yield* access.post(path, "true", "5 seconds")
        return status >= 200 && status < 300
          ? { enabled: true, detail: `enabled on ${namespace} by the gateway (PULSAR_ENABLE_DEDUPLICATION)` }
          : {
              enabled: false,
              detail: `disabled on ${namespace}; enabling it was refused (HTTP ${status}: ${refusalReason(body, undefined)})`
            }
      }
      if (policy === false) return { enabled: false, detail: `disabled on ${namespace}` }
      const runtime = yield* adminJson("/admin/v2/brokers/configuration/runtime")
      const fallback =
        typeof runtime === "object" && runtime !== null
          ? (runtime as Record<string, unknown>)["brokerDeduplicationEnabled"]
          : undefined
      const enabled = fallback === true || fallback === "true"
      return { enabled, detail: `${enabled ? "enabled" : "disabled"} on ${namespace} (the broker's default)` }
    })

  const adminJson = (path: string): Effect.Effect<unknown, BrokerUnavailable | CredentialsRefused> =>
    access.get(path, "5 seconds").pipe(
      Effect.flatMap(({ status, body }): Effect.Effect<unknown, BrokerUnavailable | CredentialsRefused> => {
        if (status === 401 || status === 403) {
          return Effect.fail(new CredentialsRefused({ url: adminBase, status, reason: refusalReason(body, undefined) }))
        }
        if (status < 200 || status >= 300) {
          return Effect.fail(new BrokerUnavailable({ url: adminBase, reason: `GET ${path} answered HTTP ${status}` }))
        }
        try {
          return Effect.succeed(body.trim() === "" ? null : (JSON.parse(body) as unknown))
        } catch {
          return Effect.fail(new BrokerUnavailable({ url: adminBase, reason: `GET ${path} answered no JSON` }))
        }
      })
    )

  return { description: `Pulsar at ${base}`, ping, producer, consumer, deduplication }
}

/**
 * The adapter as a layer. Settings that cannot work together are said at start-up, and every
 * request then fails with the same words (readiness stays false); so is a broker whose
 * certificate is not checked.
 */
export const layerPulsarBroker = (config: PulsarBrokerConfig): Layer.Layer<Broker> =>
  Layer.effect(
    Broker,
    Effect.gen(function* () {
      const base = config.httpUrl.replace(/\/+$/, "")
      const problem = securityProblem(base, config.auth, config.tls)
      if (problem !== undefined) yield* Effect.logError(`the broker's settings cannot work: ${problem}`)
      const insecure = insecureWarning(base, config.tls)
      if (insecure !== undefined) yield* Effect.logWarning(insecure)
      return makePulsarBroker(config)
    })
  )

/**
 * The producer's send command, written straight into one buffer: base64 and the decimal context
 * need no JSON escaping, so the payload — most of the frame — is encoded in place rather than
 * built as a string, scanned again by JSON.stringify and copied once more by the socket.
 */
const sendFrame = (message: OutgoingMessage, context: string): Buffer => {
  const payload = Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength)
  const tail =
    `","context":"${context}"` +
    (message.properties === undefined ? "" : `,"properties":${JSON.stringify(message.properties)}`) +
    (message.key === undefined ? "" : `,"key":${JSON.stringify(message.key)}`) +
    "}"
  const encodedLength = 4 * Math.ceil(payload.byteLength / 3)
  const frame = Buffer.allocUnsafe(sendHead.byteLength + encodedLength + Buffer.byteLength(tail))
  let at = sendHead.copy(frame, 0)
  at += frame.write(payload.toString("base64"), at, "latin1")
  frame.write(tail, at, "utf8")
  return frame
}

const sendHead = Buffer.from('{"payload":"')

/**
 * The start of the message id -1:-1 in base64 (its ledger and entry ids as protobuf varints): the
 * broker's answer to a send it dropped as a resend of one it holds.
 */
const droppedResendId = "CP///////////wEQ////////////A"

const parseJson = <A>(data: WebSocket.RawData): A | undefined => {
  try {
    return JSON.parse(data.toString()) as A
  } catch {
    return undefined
  }
}
