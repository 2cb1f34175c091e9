/**
 * The Apache Pulsar adapter over the broker's own binary protocol (`pulsar://host:6650`), the
 * protocol Pulsar's native clients speak: no WebSocket proxy between the gateway and the broker,
 * no base64, and a sequence id on every message a named producer sends.
 *
 * Each producer and consumer has a connection of its own, to the broker that owns its topic
 * (found by lookup, redirects followed), so that one ending is seen by that one alone, as with
 * the WebSocket adapter. The admin REST API (readiness, deduplication) is the WebSocket adapter's,
 * on `httpUrl`.
 */
import { constants as zlibConstants, deflateSync, zstdCompressSync } from "node:zlib"
import { Deferred, Duration, Effect, Latch, Layer, Schedule, type Scope } from "effect"
import {
  BrokerUnavailable,
  ConnectionClosed,
  type CredentialsRefused,
  MessageTooLarge,
  SendFailed,
  TopicRefused
} from "../../../domain/BrokerErrors.ts"
import { release } from "../../../domain/OwnedBytes.ts"
import type { PulsarCompression } from "../../../domain/Settings.ts"
import {
  Broker,
  type BrokerShape,
  type Consumer,
  consumerDefaults,
  type ConsumerOptions,
  duplicateMessageId,
  metadataReserve,
  type MessageId,
  type OutgoingMessage,
  type Producer,
  type ProducerOptions,
  type ReceivedMessage,
  type SubscriptionType
} from "../../../services/Broker.ts"
import { insecureWarning, makeBrokerAccess, securityProblem } from "../PulsarAccess.ts"
import { makePulsarBroker, type PulsarBrokerConfig } from "../PulsarBroker.ts"
import { makePermitWindow } from "../PermitWindow.ts"
import { makeReceiveBuffer } from "../ReceiveBuffer.ts"
import { parseTopicName, topicNameProblem } from "../topicName.ts"
import {
  CommandType,
  Compression,
  encode,
  encodeMetadata,
  type Incoming,
  LookupResponse,
  serverErrorName
} from "./commands.ts"
import { BinaryConnection, parseServiceUrl, RequestRefused } from "./connection.ts"
import { type Entry, unpackEntry } from "./messages.ts"
import { ProtocolError } from "./protobuf.ts"

export interface PulsarBinaryBrokerConfig extends PulsarBrokerConfig {
  /** The broker's binary port: `pulsar://host:6650`, or `pulsar+ssl://host:6651` over TLS. */
  readonly serviceUrl: string
  /**
   * How long a consumer holds acknowledgements to send them together (at most 1,000 in one
   * command; all when it closes). Default 10 ms.
   */
  readonly ackGroupTime?: Duration.Input
}

/**
 * Compresses a message as PULSAR_COMPRESSION says, at level 1 either way: on records of 100
 * triples zstd's level 1 took 67 µs per 36 KB record against 47 at level −5, for half the bytes
 * (docs/benchmarks.md, "Runs 12 to 14").
 */
const compressorOf = (
  compression: PulsarCompression | undefined
): ((payload: Uint8Array) => { readonly codec: number; readonly data: Uint8Array }) => {
  switch (compression) {
    case "zstd":
      return (payload) => ({
        codec: Compression.ZSTD,
        data: zstdCompressSync(payload, { params: { [zlibConstants.ZSTD_c_compressionLevel]: 1 } })
      })
    case "zlib":
      return (payload) => ({ codec: Compression.ZLIB, data: deflateSync(payload, { level: 1 }) })
    default:
      return (payload) => ({ codec: Compression.NONE, data: payload })
  }
}

/** Bound on the close of a broker connection once its producer or consumer is closed. */
const connectionCloseBound = "1 second"

/** How many acknowledgements one command carries at most. */
const maxGroupedAcks = 1000

/** Lookups that send the adapter on to yet another broker: more means brokers that disagree. */
const maxRedirects = 20

const subTypes: Record<SubscriptionType, number> = { Exclusive: 0, Shared: 1, Failover: 2, Key_Shared: 3 }

/**
 * A refusal as the Broker port says it, with an HTTP status of the same meaning as the WebSocket
 * API's, so that callers treat both adapters' refusals alike.
 */
const refusalStatus = (error: string): number => {
  switch (error) {
    case "AuthenticationError":
      return 401
    case "AuthorizationError":
      return 403
    case "TopicNotFound":
    case "SubscriptionNotFound":
      return 404
    case "ConsumerBusy":
    case "ProducerBusy":
    case "ProducerFenced":
      return 409
    case "InvalidTopicName":
      return 400
    case "ServiceNotReady":
    case "TooManyRequests":
    case "PersistenceError":
    case "ConnectionClosed":
      return 503
    default:
      return 500
  }
}

/**
 * A refusal the broker gives while a state passes (see `create`): a bundle still loading, too
 * many lookups at once, or its storage not taking a new ledger yet (`PersistenceError`, as while
 * the bookie recovers after a crash).
 */
export const isPassingRefusal = (failure: RequestRefused) =>
  failure.error === "ServiceNotReady" || failure.error === "TooManyRequests" || failure.error === "PersistenceError"

/** 50 ms, doubling, at most 1 s between attempts; the connect timeout bounds them all. */
export const createRetries = Schedule.exponential("50 millis").pipe(
  Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.seconds(1))))
)

const refused = (topic: string, failure: RequestRefused): TopicRefused =>
  new TopicRefused({ topic, status: refusalStatus(failure.error), reason: failure.message })

/** The message id as the Broker port carries it: `ledger:entry`, and `:index:size` within a batch. */
const formatId = (ledgerId: number, entryId: number, batchIndex: number, batchSize: number): MessageId =>
  batchIndex < 0 ? `${ledgerId}:${entryId}` : `${ledgerId}:${entryId}:${batchIndex}:${batchSize}`

interface ParsedId {
  readonly entry: string
  readonly ledgerId: number
  readonly entryId: number
  readonly batchIndex: number
}

const parseId = (id: MessageId): ParsedId | undefined => {
  const parts = id.split(":").map(Number)
  const [ledgerId, entryId, batchIndex] = parts
  if (ledgerId === undefined || entryId === undefined || parts.some((part) => !Number.isSafeInteger(part))) {
    return undefined
  }
  return { entry: `${ledgerId}:${entryId}`, ledgerId, entryId, batchIndex: batchIndex ?? -1 }
}

export const makePulsarBinaryBroker = (config: PulsarBinaryBrokerConfig): BrokerShape => {
  const serviceUrl = config.serviceUrl.replace(/\/+$/, "")
  const connectTimeout = config.connectTimeout ?? "10 seconds"
  // Refusals that pass are asked again while the last wait (at most 1 s) and its answer still fit
  // in the connect timeout, so that the answer is the broker's last refusal, not a timeout.
  const connectMillis = Duration.toMillis(Duration.fromInputUnsafe(connectTimeout))
  const retryWindow = Duration.millis(Math.max(connectMillis / 2, connectMillis - 1500))
  const closeTimeout = config.closeTimeout ?? "10 seconds"
  const pingInterval = config.pingInterval ?? "30 seconds"
  const sendTimeoutMillis = Duration.toMillis(Duration.fromInputUnsafe(config.sendTimeout ?? "30 seconds"))
  const compress = compressorOf(config.compression)
  const ackGroupMillis = Duration.toMillis(Duration.fromInputUnsafe(config.ackGroupTime ?? "10 millis"))
  const tls = parseServiceUrl(serviceUrl)?.tls === true
  // The admin API's credentials serve the binary port too, and its TLS files when the port is TLS
  // (named there by an https:// URL, the form the TLS checks of PulsarAccess.ts expect).
  const access = tls
    ? makeBrokerAccess(serviceUrl.replace(/^pulsar\+ssl:/, "https:"), config.auth, config.tls)
    : makeBrokerAccess(serviceUrl, config.auth)
  // Readiness and deduplication stay on the admin REST API, exactly as the WebSocket adapter asks
  // it, with the same token (one OAuth2 grant for both); TLS files set for a pulsar+ssl:// binary
  // port are not the admin API's when it is http://.
  const admin = makePulsarBroker(
    (config.adminUrl ?? config.httpUrl).startsWith("https:") || config.tls === undefined
      ? config
      : { ...config, tls: {} },
    { token: access.token }
  )

  const nameOf = (topic: string): Effect.Effect<void, TopicRefused> =>
    parseTopicName(topic) === undefined
      ? Effect.fail(new TopicRefused({ topic, status: 400, reason: topicNameProblem(topic) }))
      : Effect.void

  const open = (topic: string, url: string): Effect.Effect<BinaryConnection, BrokerUnavailable | TopicRefused> =>
    access.options.pipe(
      Effect.flatMap((options) =>
        BinaryConnection.open({
          url,
          access: options,
          refreshAccess: () => Effect.runPromise(access.options),
          connectTimeout,
          pingInterval
        })
      ),
      Effect.catchTag("CredentialsRefused", (error) =>
        Effect.fail(
          new TopicRefused({
            topic,
            status: error.status,
            reason: `the broker refused the gateway's credentials (${error.reason}): check PULSAR_AUTH_TOKEN, PULSAR_AUTH_TOKEN_FILE or PULSAR_AUTH_OAUTH2_*`
          })
        )
      )
    )

  /**
   * A broker that takes the connection and never answers does not hold the caller past the
   * connect timeout: it is unavailable at `url`, and `what` says what did not happen in time.
   */
  const withinConnectTimeout =
    (url: string, what: string) =>
    <A, E>(request: Effect.Effect<A, E>): Effect.Effect<A, E | BrokerUnavailable> =>
      request.pipe(
        Effect.timeoutOrElse({
          duration: connectTimeout,
          orElse: () =>
            Effect.fail(
              new BrokerUnavailable({
                url,
                reason: `${what} within ${Duration.format(Duration.fromInputUnsafe(connectTimeout))}`
              })
            )
        })
      )

  /** A request about `topic` on a connection opened for it: refusals are the topic's. */
  const ask = (topic: string, connection: BinaryConnection, what: string, build: (requestId: number) => Uint8Array) =>
    connection.request(build).pipe(
      Effect.mapError((failure) =>
        failure.error === "ConnectionClosed"
          ? new BrokerUnavailable({ url: connection.url, reason: failure.reason })
          : refused(topic, failure)
      ),
      withinConnectTimeout(connection.url, `${what} of ${topic} had no answer`)
    )

  /**
   * Fails for a partitioned topic, whose messages live in its partitions (`…-partition-N`): a
   * producer or consumer on the topic's own name would get a topic of that name beside them, which
   * the partitioned topic's other clients never read. Partitions are not served by this transport.
   */
  const notPartitioned = (topic: string, connection: BinaryConnection) =>
    ask(topic, connection, "the partition count", (requestId) => encode.partitionedMetadata(topic, requestId)).pipe(
      Effect.flatMap((answer) =>
        answer.type !== CommandType.PARTITIONED_METADATA_RESPONSE
          ? Effect.void
          : answer.failed
            ? Effect.fail(
                refused(
                  topic,
                  new RequestRefused({
                    error: serverErrorName(answer.error ?? 0),
                    reason: answer.message ?? "the partition count could not be read"
                  })
                )
              )
            : answer.partitions > 0
              ? Effect.fail(
                  new TopicRefused({
                    topic,
                    status: 501,
                    reason:
                      `the topic is partitioned (${answer.partitions} partitions), which the binary transport does not serve: ` +
                      "use a topic that is not partitioned, or PULSAR_TRANSPORT=websocket"
                  })
                )
              : Effect.void
      ),
      Effect.onError(() => connection.close(connectionCloseBound))
    )

  /**
   * A connection to the broker that owns the topic: asked of the service URL, and of each broker
   * it redirects to, until one says it serves the topic.
   */
  const connectFor = (topic: string): Effect.Effect<BinaryConnection, BrokerUnavailable | TopicRefused> =>
    Effect.gen(function* () {
      let connection = yield* open(topic, serviceUrl)
      yield* notPartitioned(topic, connection)
      let authoritative = false
      for (let hop = 0; hop <= maxRedirects; hop++) {
        const current = connection
        const answer = yield* ask(topic, current, "the lookup", (requestId) =>
          encode.lookup(topic, requestId, authoritative)
        ).pipe(Effect.onError(() => current.close(connectionCloseBound)))
        if (answer.type !== CommandType.LOOKUP_RESPONSE) continue
        if (answer.response === LookupResponse.Failed) {
          yield* current.close(connectionCloseBound)
          return yield* refused(
            topic,
            new RequestRefused({
              error: serverErrorName(answer.error ?? 0),
              reason: answer.message ?? "the lookup failed"
            })
          )
        }
        const target = (tls ? answer.brokerServiceUrlTls : answer.brokerServiceUrl) ?? current.url
        if (answer.response === LookupResponse.Connect && (answer.proxyThroughServiceUrl || target === current.url)) {
          return current
        }
        yield* current.close(connectionCloseBound)
        connection = yield* open(topic, target)
        authoritative = answer.authoritative
        if (answer.response === LookupResponse.Connect) return connection
      }
      yield* connection.close(connectionCloseBound)
      return yield* new BrokerUnavailable({
        url: serviceUrl,
        reason: `the lookup of ${topic} was redirected more than ${maxRedirects} times`
      })
    })

  const connection = (topic: string) =>
    Effect.acquireRelease(connectFor(topic), (connection) => connection.close(connectionCloseBound), {
      interruptible: true
    })

  /**
   * Creates a producer or a subscription with the command `build` makes. A broker that has just
   * taken the topic's bundle (right after it starts, or after a move) refuses with ServiceNotReady
   * until it is loaded, a busy one with TooManyRequests, one whose storage is recovering with
   * PersistenceError: those are asked again after a short wait, as Pulsar's own clients do, for
   * most of the connect timeout, after which the last refusal is the answer (a 503: worth trying
   * again later); anything else is final.
   */
  const create = (
    conn: BinaryConnection,
    topic: string,
    build: (requestId: number) => Uint8Array,
    what: string
  ): Effect.Effect<Incoming, BrokerUnavailable | TopicRefused> =>
    conn.request(build).pipe(
      Effect.retry({ while: isPassingRefusal, schedule: createRetries.pipe(Schedule.upTo({ duration: retryWindow })) }),
      Effect.mapError((failure) => refused(topic, failure)),
      withinConnectTimeout(conn.url, what)
    )

  const producer = (
    topic: string,
    options: ProducerOptions = {}
  ): Effect.Effect<Producer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      yield* nameOf(topic)
      const conn = yield* connection(topic)
      const producerId = conn.newId()
      const lost = yield* Deferred.make<ConnectionClosed>()
      let closing = false
      let closedReason: string | undefined
      interface Pending {
        readonly resume: (effect: Effect.Effect<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>) => void
        readonly deadline: number
        /** The payload to release once the broker has stored it (`releaseWhenStored`). */
        readonly storedThenReleased: Uint8Array | undefined
      }
      // By sequence id, in the order sent: the first is the oldest.
      const pending = new Map<number, Pending>()
      const idle = Latch.makeUnsafe(true)
      let timer: NodeJS.Timeout | undefined

      const settled = () => {
        if (pending.size === 0) {
          idle.openUnsafe()
          if (timer !== undefined) clearTimeout(timer)
          timer = undefined
        }
      }
      const failAll = (reason: string) => {
        const failure = Effect.fail(new SendFailed({ topic, reason, unknownOutcome: true }))
        for (const { resume } of pending.values()) resume(failure)
        pending.clear()
        settled()
      }
      // The binary protocol leaves send timeouts to the client: sends unanswered for that long fail.
      const expire = () => {
        timer = undefined
        const now = Date.now()
        for (const [sequenceId, send] of pending) {
          if (send.deadline > now) {
            timer = setTimeout(expire, send.deadline - now)
            timer.unref()
            break
          }
          pending.delete(sequenceId)
          send.resume(
            Effect.fail(
              new SendFailed({
                topic,
                reason: `no answer from the broker within ${Duration.format(Duration.millis(sendTimeoutMillis))}`,
                unknownOutcome: true
              })
            )
          )
        }
        settled()
      }
      const end = (reason: string) => {
        if (closedReason !== undefined) return
        closedReason = reason
        failAll(reason)
        if (!closing) Deferred.doneUnsafe(lost, Effect.succeed(new ConnectionClosed({ topic, reason })))
      }

      conn.producers.set(producerId, {
        receipt: (receipt) => {
          const send = pending.get(receipt.sequenceId)
          if (send === undefined) return
          pending.delete(receipt.sequenceId)
          if (send.storedThenReleased !== undefined) release(send.storedThenReleased)
          const id = receipt.messageId
          // The broker's answer to a resend it dropped: the message id -1:-1.
          send.resume(
            Effect.succeed(
              id === undefined || id.ledgerId < 0
                ? duplicateMessageId
                : formatId(id.ledgerId, id.entryId, id.batchIndex, id.batchSize)
            )
          )
          settled()
        },
        sendError: (error) => {
          const send = pending.get(error.sequenceId)
          if (send === undefined) return
          pending.delete(error.sequenceId)
          send.resume(
            Effect.fail(
              new SendFailed({
                topic,
                reason: `${serverErrorName(error.error)}: ${error.message}`,
                unknownOutcome: false
              })
            )
          )
          settled()
        },
        closedByBroker: () => end("the broker closed the producer (the topic moved, was unloaded or deleted)")
      })
      const stopListening = conn.onClose((reason) => end(reason))

      const created = yield* create(
        conn,
        topic,
        (requestId) => encode.producer(topic, producerId, requestId, options.name),
        "the producer was not created"
      )
      const producerName = created.type === CommandType.PRODUCER_SUCCESS ? created.producerName : (options.name ?? "")
      const lastStored = created.type === CommandType.PRODUCER_SUCCESS ? created.lastSequenceId : -1
      // From the given sequence id, else after the last one the broker holds from this name.
      let sequenceId = options.initialSequenceId ?? lastStored
      const limit = config.maxMessageSize ?? conn.maxMessageSize - metadataReserve

      const flush = idle.await
      // Registered after the connection's release, so it runs first: answers, then close.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closing = true
        }).pipe(
          Effect.andThen(flush.pipe(Effect.timeoutOption(options.closeTimeout ?? closeTimeout))),
          Effect.andThen(
            conn
              .request((requestId) => encode.closeProducer(producerId, requestId))
              .pipe(Effect.timeoutOption(connectionCloseBound), Effect.ignore)
          ),
          Effect.andThen(
            Effect.sync(() => {
              stopListening()
              conn.producers.delete(producerId)
              end("the producer is closed")
            })
          )
        )
      )

      const send = (message: OutgoingMessage) =>
        Effect.callback<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>((resume) => {
          if (closedReason !== undefined) {
            return resume(Effect.fail(new ConnectionClosed({ topic, reason: closedReason })))
          }
          if (message.payload.byteLength > limit) {
            return resume(Effect.fail(new MessageTooLarge({ topic, size: message.payload.byteLength, limit })))
          }
          const { codec, data } = compress(message.payload)
          const sequence = ++sequenceId
          pending.set(sequence, {
            resume,
            deadline: Date.now() + sendTimeoutMillis,
            storedThenReleased: message.releaseWhenStored === true ? message.payload : undefined
          })
          idle.closeUnsafe()
          if (timer === undefined && sendTimeoutMillis > 0) {
            timer = setTimeout(expire, sendTimeoutMillis)
            timer.unref()
          }
          conn.sendMessage(
            encode.send(producerId, sequence),
            encodeMetadata({
              producerName,
              sequenceId: sequence,
              publishTime: Date.now(),
              properties: message.properties,
              key: message.key,
              ...(codec === Compression.NONE
                ? {}
                : { compression: codec, uncompressedSize: message.payload.byteLength })
            }),
            data
          )
          // An interrupted caller leaves the send in flight: flush still waits for its answer.
        })

      return { topic, send, maxMessageSize: limit, flush, lost: Deferred.await(lost) } satisfies Producer
    })

  const consumer = (options: ConsumerOptions): Effect.Effect<Consumer, BrokerUnavailable | TopicRefused, Scope.Scope> =>
    Effect.gen(function* () {
      const settings = { ...consumerDefaults, ...options }
      const topic = settings.topic
      yield* nameOf(topic)
      const scope = yield* Effect.scope
      const conn = yield* connection(topic)
      const consumerId = conn.newId()
      const window = Math.max(1, settings.receiverQueueSize)
      const nackDelay = Duration.fromInputUnsafe(settings.nackRedeliveryDelay)

      let closing = false
      const permits = makePermitWindow(window, (count) => conn.command(encode.flow(consumerId, count)))
      const buffer = yield* makeReceiveBuffer<ReceivedMessage, ConnectionClosed>(() => permits.returned(1))

      /**
       * The batch members handed out and not yet acknowledged, per entry of a batch: the broker
       * takes acknowledgements of whole entries, so an entry is acknowledged once all of its
       * members are. A member nacked gives the whole entry back (its other members come again too).
       */
      interface Delivery {
        readonly outstanding: Set<number>
        nacked: boolean
      }
      const batches = new Map<string, Delivery>()

      /**
       * Acknowledgements are grouped for a few milliseconds and sent as one command, as Pulsar's
       * own clients do (they wait 100 ms): one command per message costs the broker more than
       * delivering it. One lost with the connection only means a redelivery.
       */
      let acks: Array<{ ledgerId: number; entryId: number }> = []
      let ackTimer: NodeJS.Timeout | undefined
      const flushAcks = () => {
        if (ackTimer !== undefined) clearTimeout(ackTimer)
        ackTimer = undefined
        const ids = acks
        acks = []
        if (ids.length > 0) conn.command(encode.ack(consumerId, ids))
      }

      const lost = yield* Deferred.make<ConnectionClosed>()
      let closedReason: string | undefined
      const end = (reason: string) => {
        if (closedReason !== undefined) return
        closedReason = reason
        if (ackTimer !== undefined) clearTimeout(ackTimer)
        const error = new ConnectionClosed({ topic, reason })
        buffer.close(error)
        if (!closing) Deferred.doneUnsafe(lost, Effect.succeed(error))
      }

      conn.consumers.set(consumerId, {
        message: (command, payload, frame) => {
          const { ledgerId, entryId } = command.messageId
          if (!payload.checksumMatches) {
            // Damaged on the way: the broker holds it intact and sends it again.
            conn.command(encode.redeliver(consumerId, [{ ledgerId, entryId }]))
            permits.returned(1)
            return
          }
          let entry: Entry
          try {
            entry = unpackEntry(payload.metadata, payload.data, conn.maxMessageSize)
          } catch (cause) {
            // No retry reads it better: said loudly, rather than acknowledged and lost.
            end(
              cause instanceof ProtocolError
                ? `message ${ledgerId}:${entryId} cannot be read: ${cause.reason}`
                : String(cause)
            )
            return
          }
          const isBatch = entry.messages.length > 0 && (entry.messages[0]?.batchIndex ?? -1) >= 0
          // Members acknowledged before (the broker's batch-index acknowledgement): a set bit is one still due.
          const due = (index: number) => {
            if (command.ackSet.length === 0) return true
            const word = command.ackSet[index >>> 5]
            return word !== undefined && ((word >>> (index & 31)) & 1) === 1
          }
          const handed = entry.messages.filter((message) => message.batchIndex < 0 || due(message.batchIndex))
          if (handed.length < entry.size) permits.returned(entry.size - handed.length)
          if (handed.length === 0) {
            conn.command(encode.ack(consumerId, [{ ledgerId, entryId }]))
            return
          }
          if (isBatch) {
            batches.set(`${ledgerId}:${entryId}`, {
              outstanding: new Set(handed.map((message) => message.batchIndex)),
              nacked: false
            })
          }
          // A message alone in its frame may give the frame's memory back once read; the members of
          // a batch share theirs.
          const releasable = !isBatch
          for (const message of handed) {
            permits.observe(message.payload.byteLength)
            buffer.push({
              id: formatId(ledgerId, entryId, message.batchIndex, entry.size),
              payload: message.payload,
              properties: message.properties,
              redeliveryCount: command.redeliveryCount,
              ...(releasable ? { releasePayload: () => release(frame) } : {})
            })
          }
        },
        closedByBroker: (reason) => end(reason)
      })
      const stopListening = conn.onClose((reason) => end(reason))

      yield* create(
        conn,
        topic,
        (requestId) =>
          encode.subscribe({
            topic,
            subscription: settings.subscription,
            subType: subTypes[settings.type],
            consumerId,
            requestId,
            durable: settings.durable,
            initialPosition: settings.initialPosition === "Earliest" ? 1 : 0
          }),
        "the subscription was not made"
      )

      // Registered after the connection's release, so it runs first: the broker takes back what
      // was not acknowledged when the consumer closes.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          closing = true
          flushAcks()
          buffer.close(new ConnectionClosed({ topic, reason: "the consumer is closed" }))
        }).pipe(
          Effect.andThen(
            conn
              .request((requestId) => encode.closeConsumer(consumerId, requestId))
              .pipe(Effect.timeoutOption(connectionCloseBound), Effect.ignore)
          ),
          Effect.andThen(
            Effect.sync(() => {
              stopListening()
              conn.consumers.delete(consumerId)
              end("the consumer is closed")
            })
          )
        )
      )
      permits.resume()

      const ack = (id: MessageId) =>
        Effect.sync(() => {
          const parsed = parseId(id)
          if (parsed === undefined || closedReason !== undefined) return
          if (parsed.batchIndex >= 0) {
            const delivery = batches.get(parsed.entry)
            if (delivery === undefined || delivery.nacked) return
            delivery.outstanding.delete(parsed.batchIndex)
            if (delivery.outstanding.size > 0) return
            batches.delete(parsed.entry)
          }
          acks.push({ ledgerId: parsed.ledgerId, entryId: parsed.entryId })
          if (acks.length >= maxGroupedAcks) flushAcks()
          else if (ackTimer === undefined) {
            ackTimer = setTimeout(flushAcks, ackGroupMillis)
            ackTimer.unref()
          }
        })

      const nack = (id: MessageId) =>
        Effect.suspend(() => {
          const parsed = parseId(id)
          if (parsed === undefined || closedReason !== undefined) return Effect.void
          if (parsed.batchIndex >= 0) {
            const delivery = batches.get(parsed.entry)
            if (delivery === undefined || delivery.nacked) return Effect.void
            delivery.nacked = true
            batches.delete(parsed.entry)
          }
          // The broker redelivers what it is asked to, at once: the delay is the client's to keep.
          return Effect.sleep(nackDelay).pipe(
            Effect.andThen(
              Effect.sync(() =>
                conn.command(encode.redeliver(consumerId, [{ ledgerId: parsed.ledgerId, entryId: parsed.entryId }]))
              )
            ),
            Effect.forkIn(scope),
            Effect.asVoid
          )
        })

      return {
        topic,
        subscription: settings.subscription,
        receive: buffer.take,
        ack,
        nack,
        pause: Effect.sync(() => {
          permits.pause()
          buffer.pause()
        }),
        resume: Effect.sync(() => {
          buffer.resume()
          permits.resume()
        }),
        lost: Deferred.await(lost)
      } satisfies Consumer
    })

  /**
   * Ready when the binary port completes a handshake with the gateway's credentials (the broker
   * checks them there) and the admin API answers: the admin API alone says nothing of a binary
   * port that is firewalled, on another host, or refusing the token.
   */
  const ping: Effect.Effect<void, BrokerUnavailable | CredentialsRefused> = access.options.pipe(
    Effect.flatMap((options) =>
      BinaryConnection.open({
        url: serviceUrl,
        access: options,
        refreshAccess: () => Effect.runPromise(access.options),
        connectTimeout: "2 seconds",
        pingInterval: 0
      })
    ),
    Effect.flatMap((connection) => connection.close(connectionCloseBound)),
    // A deployment that reaches only the broker's web port (a Pulsar WebSocket proxy in front)
    // is told which setting fits it, rather than only that the binary port did not answer.
    Effect.catchTag("BrokerUnavailable", (unreachable) =>
      admin.ping.pipe(
        Effect.matchEffect({
          onFailure: () => Effect.fail(unreachable),
          onSuccess: () =>
            Effect.fail(
              new BrokerUnavailable({
                url: unreachable.url,
                reason:
                  `${unreachable.reason}, while the admin API at ${config.adminUrl ?? config.httpUrl} answers: ` +
                  "where only the web port can be reached (as behind a Pulsar WebSocket proxy), set PULSAR_TRANSPORT=websocket"
              })
            )
        })
      )
    ),
    Effect.andThen(admin.ping)
  )

  return {
    description: `Pulsar at ${serviceUrl} (binary protocol; admin API at ${config.adminUrl ?? config.httpUrl})`,
    ping,
    producer,
    consumer,
    ...(admin.deduplication === undefined ? {} : { deduplication: admin.deduplication })
  }
}

/**
 * Settings of the binary adapter that cannot work together, named by their variables; undefined
 * when none. TLS files apply to a `pulsar+ssl://` binary port, an `https://` admin API, or both.
 */
export const binarySecurityProblem = (config: PulsarBinaryBrokerConfig): string | undefined => {
  if (parseServiceUrl(config.serviceUrl) === undefined) {
    return `PULSAR_URL is ${config.serviceUrl}: expected pulsar://host:6650 or pulsar+ssl://host:6651`
  }
  const tls = config.tls ?? {}
  const tlsSet = tls.caFile ?? tls.certFile ?? (tls.insecure === true ? "PULSAR_TLS_INSECURE" : undefined)
  if (tlsSet !== undefined && !config.serviceUrl.startsWith("pulsar+ssl:") && !config.httpUrl.startsWith("https:")) {
    return (
      `PULSAR_TLS_* settings apply to a pulsar+ssl:// PULSAR_URL or an https:// PULSAR_HTTP_URL, and they are ` +
      `${config.serviceUrl} and ${config.httpUrl}: use pulsar+ssl:// or https://`
    )
  }
  // The other checks (a token and OAuth2 at once, a certificate without its key, …) are the same.
  return securityProblem("https://", config.auth, config.tls)
}

/** The adapter as a layer; settings that cannot work together are said at start-up, as the WebSocket adapter does. */
export const layerPulsarBinaryBroker = (config: PulsarBinaryBrokerConfig): Layer.Layer<Broker> =>
  Layer.effect(
    Broker,
    Effect.gen(function* () {
      const problem = binarySecurityProblem(config)
      if (problem !== undefined) yield* Effect.logError(`the broker's settings cannot work: ${problem}`)
      const insecure = insecureWarning(
        config.serviceUrl.startsWith("pulsar+ssl:")
          ? config.serviceUrl.replace(/^pulsar\+ssl:/, "https:")
          : config.httpUrl,
        config.tls
      )
      if (insecure !== undefined) yield* Effect.logWarning(insecure)
      return makePulsarBinaryBroker(config)
    })
  )
