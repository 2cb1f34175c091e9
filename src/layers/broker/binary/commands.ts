/**
 * The commands of Pulsar's binary protocol that the adapter uses, with the field numbers of
 * `PulsarApi.proto` (proto2). Every command travels as a `BaseCommand`: field 1 its type, and the
 * command itself in the field whose number is that type.
 */
import { ProtocolError, Reader, Writer } from "./protobuf.ts"

/** `BaseCommand.Type`, as far as the adapter sends or reads them. */
export const CommandType = {
  CONNECT: 2,
  CONNECTED: 3,
  SUBSCRIBE: 4,
  PRODUCER: 5,
  SEND: 6,
  SEND_RECEIPT: 7,
  SEND_ERROR: 8,
  MESSAGE: 9,
  ACK: 10,
  FLOW: 11,
  SUCCESS: 13,
  ERROR: 14,
  CLOSE_PRODUCER: 15,
  CLOSE_CONSUMER: 16,
  PRODUCER_SUCCESS: 17,
  PING: 18,
  PONG: 19,
  REDELIVER_UNACKNOWLEDGED_MESSAGES: 20,
  PARTITIONED_METADATA: 21,
  PARTITIONED_METADATA_RESPONSE: 22,
  LOOKUP: 23,
  LOOKUP_RESPONSE: 24,
  REACHED_END_OF_TOPIC: 27,
  ACTIVE_CONSUMER_CHANGE: 31,
  AUTH_CHALLENGE: 36,
  AUTH_RESPONSE: 37
} as const

/**
 * The highest protocol version this client speaks (v19: transaction coordinator connect). The
 * broker answers with the lower of its own and this, and enables nothing the client did not ask for.
 */
export const protocolVersion = 19

/** `ServerError`: what the broker says went wrong, by name. */
const serverErrors = [
  "UnknownError",
  "MetadataError",
  "PersistenceError",
  "AuthenticationError",
  "AuthorizationError",
  "ConsumerBusy",
  "ServiceNotReady",
  "ProducerBlockedQuotaExceededError",
  "ProducerBlockedQuotaExceededException",
  "ChecksumError",
  "UnsupportedVersionError",
  "TopicNotFound",
  "SubscriptionNotFound",
  "ConsumerNotFound",
  "TooManyRequests",
  "TopicTerminatedError",
  "ProducerBusy",
  "InvalidTopicName",
  "IncompatibleSchema",
  "ConsumerAssignError",
  "TransactionCoordinatorNotFound",
  "InvalidTxnStatus",
  "NotAllowedError",
  "TransactionConflict",
  "TransactionNotFound",
  "ProducerFenced"
] as const

export const serverErrorName = (code: number): string => serverErrors[code] ?? `ServerError ${code}`

/** A position on a topic: the ledger and entry that store it, and its place in a batch. */
export interface MessageIdData {
  readonly ledgerId: number
  readonly entryId: number
  readonly batchIndex: number
  readonly batchSize: number
}

export interface KeyValue {
  readonly key: string
  readonly value: string
}

export type Incoming =
  | {
      readonly type: typeof CommandType.CONNECTED
      readonly serverVersion: string
      readonly protocolVersion: number
      readonly maxMessageSize: number | undefined
    }
  | {
      readonly type: typeof CommandType.SEND_RECEIPT
      readonly producerId: number
      readonly sequenceId: number
      readonly messageId: MessageIdData | undefined
    }
  | {
      readonly type: typeof CommandType.SEND_ERROR
      readonly producerId: number
      readonly sequenceId: number
      readonly error: number
      readonly message: string
    }
  | {
      readonly type: typeof CommandType.MESSAGE
      readonly consumerId: number
      readonly messageId: MessageIdData
      readonly redeliveryCount: number
      /**
       * With batch-index acknowledgement on the broker: a bit per batch member, 1 = still due; as
       * 32-bit words, lowest first.
       */
      readonly ackSet: ReadonlyArray<number>
    }
  | { readonly type: typeof CommandType.SUCCESS; readonly requestId: number }
  | {
      readonly type: typeof CommandType.ERROR
      readonly requestId: number
      readonly error: number
      readonly message: string
    }
  | { readonly type: typeof CommandType.CLOSE_PRODUCER; readonly producerId: number }
  | { readonly type: typeof CommandType.CLOSE_CONSUMER; readonly consumerId: number }
  | {
      readonly type: typeof CommandType.PRODUCER_SUCCESS
      readonly requestId: number
      readonly producerName: string
      readonly lastSequenceId: number
      readonly producerReady: boolean
    }
  | { readonly type: typeof CommandType.PING }
  | { readonly type: typeof CommandType.PONG }
  | {
      readonly type: typeof CommandType.LOOKUP_RESPONSE
      readonly requestId: number
      readonly brokerServiceUrl: string | undefined
      readonly brokerServiceUrlTls: string | undefined
      /** 0 Redirect, 1 Connect, 2 Failed. */
      readonly response: number
      readonly authoritative: boolean
      readonly error: number | undefined
      readonly message: string | undefined
      readonly proxyThroughServiceUrl: boolean
    }
  | {
      readonly type: typeof CommandType.PARTITIONED_METADATA_RESPONSE
      readonly requestId: number
      /** 0 for a topic that is not partitioned. */
      readonly partitions: number
      readonly failed: boolean
      readonly error: number | undefined
      readonly message: string | undefined
    }
  | { readonly type: typeof CommandType.REACHED_END_OF_TOPIC; readonly consumerId: number }
  | { readonly type: typeof CommandType.AUTH_CHALLENGE }

export const LookupResponse = { Redirect: 0, Connect: 1, Failed: 2 } as const

const readMessageId = (reader: Reader): MessageIdData => {
  let ledgerId = 0
  let entryId = 0
  let batchIndex = -1
  let batchSize = 0
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    if (tag.field === 1) ledgerId = reader.int()
    else if (tag.field === 2) entryId = reader.int()
    else if (tag.field === 4) batchIndex = reader.int()
    else if (tag.field === 6) batchSize = reader.int()
    else reader.skip(tag.wire)
  }
  return { ledgerId, entryId, batchIndex, batchSize }
}

/**
 * Decodes one `BaseCommand`; undefined for a command the adapter has no use for (active consumer
 * changes, acknowledgement receipts, …).
 */
export const decodeCommand = (bytes: Uint8Array): Incoming | undefined => {
  const base = new Reader(bytes)
  let type: number | undefined
  let body: Reader | undefined
  for (let tag = base.tag(); tag !== undefined; tag = base.tag()) {
    if (tag.field === 1) type = base.uint()
    else if (type !== undefined && tag.field === type) body = base.message()
    else base.skip(tag.wire)
  }
  if (type === undefined) throw new ProtocolError({ reason: "a command without its type" })
  const r = body ?? new Reader(new Uint8Array(0))
  switch (type) {
    case CommandType.CONNECTED: {
      let serverVersion = ""
      let version = 0
      let maxMessageSize: number | undefined
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) serverVersion = r.string()
        else if (tag.field === 2) version = r.int()
        else if (tag.field === 3) maxMessageSize = r.int()
        else r.skip(tag.wire)
      }
      return { type, serverVersion, protocolVersion: version, maxMessageSize }
    }
    case CommandType.SEND_RECEIPT: {
      let producerId = 0
      let sequenceId = 0
      let messageId: MessageIdData | undefined
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) producerId = r.uint()
        else if (tag.field === 2) sequenceId = r.uint()
        else if (tag.field === 3) messageId = readMessageId(r.message())
        else r.skip(tag.wire)
      }
      return { type, producerId, sequenceId, messageId }
    }
    case CommandType.SEND_ERROR: {
      let producerId = 0
      let sequenceId = 0
      let error = 0
      let message = ""
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) producerId = r.uint()
        else if (tag.field === 2) sequenceId = r.uint()
        else if (tag.field === 3) error = r.uint()
        else if (tag.field === 4) message = r.string()
        else r.skip(tag.wire)
      }
      return { type, producerId, sequenceId, error, message }
    }
    case CommandType.MESSAGE: {
      let consumerId = 0
      let messageId: MessageIdData | undefined
      let redeliveryCount = 0
      const ackSet: Array<number> = []
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) consumerId = r.uint()
        else if (tag.field === 2) messageId = readMessageId(r.message())
        else if (tag.field === 3) redeliveryCount = r.uint()
        else if (tag.field === 4) r.repeatedWords(tag.wire, ackSet)
        else r.skip(tag.wire)
      }
      if (messageId === undefined) throw new ProtocolError({ reason: "a MESSAGE command without its message id" })
      return { type, consumerId, messageId, redeliveryCount, ackSet }
    }
    case CommandType.SUCCESS: {
      let requestId = 0
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) requestId = r.uint()
        else r.skip(tag.wire)
      }
      return { type, requestId }
    }
    case CommandType.ERROR: {
      let requestId = 0
      let error = 0
      let message = ""
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) requestId = r.int()
        else if (tag.field === 2) error = r.uint()
        else if (tag.field === 3) message = r.string()
        else r.skip(tag.wire)
      }
      return { type, requestId, error, message }
    }
    case CommandType.CLOSE_PRODUCER:
    case CommandType.CLOSE_CONSUMER:
    case CommandType.REACHED_END_OF_TOPIC: {
      let id = 0
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) id = r.uint()
        else r.skip(tag.wire)
      }
      return type === CommandType.CLOSE_PRODUCER
        ? { type, producerId: id }
        : type === CommandType.CLOSE_CONSUMER
          ? { type, consumerId: id }
          : { type, consumerId: id }
    }
    case CommandType.PRODUCER_SUCCESS: {
      let requestId = 0
      let producerName = ""
      let lastSequenceId = -1
      let producerReady = true
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) requestId = r.uint()
        else if (tag.field === 2) producerName = r.string()
        else if (tag.field === 3) lastSequenceId = r.int()
        else if (tag.field === 6) producerReady = r.bool()
        else r.skip(tag.wire)
      }
      return { type, requestId, producerName, lastSequenceId, producerReady }
    }
    case CommandType.PING:
    case CommandType.PONG:
    case CommandType.AUTH_CHALLENGE:
      return { type }
    case CommandType.LOOKUP_RESPONSE: {
      let requestId = 0
      let brokerServiceUrl: string | undefined
      let brokerServiceUrlTls: string | undefined
      let response = LookupResponse.Failed as number
      let authoritative = false
      let error: number | undefined
      let message: string | undefined
      let proxyThroughServiceUrl = false
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) brokerServiceUrl = r.string()
        else if (tag.field === 2) brokerServiceUrlTls = r.string()
        else if (tag.field === 3) response = r.uint()
        else if (tag.field === 4) requestId = r.uint()
        else if (tag.field === 5) authoritative = r.bool()
        else if (tag.field === 6) error = r.uint()
        else if (tag.field === 7) message = r.string()
        else if (tag.field === 8) proxyThroughServiceUrl = r.bool()
        else r.skip(tag.wire)
      }
      return {
        type,
        requestId,
        brokerServiceUrl,
        brokerServiceUrlTls,
        response,
        authoritative,
        error,
        message,
        proxyThroughServiceUrl
      }
    }
    case CommandType.PARTITIONED_METADATA_RESPONSE: {
      let requestId = 0
      let partitions = 0
      let failed = false
      let error: number | undefined
      let message: string | undefined
      for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
        if (tag.field === 1) partitions = r.uint()
        else if (tag.field === 2) requestId = r.uint()
        // LookupType: 0 Success, 1 Failed.
        else if (tag.field === 3) failed = r.uint() === 1
        else if (tag.field === 4) error = r.uint()
        else if (tag.field === 5) message = r.string()
        else r.skip(tag.wire)
      }
      return { type, requestId, partitions, failed, error, message }
    }
    default:
      return undefined
  }
}

const base = (type: number, build: (writer: Writer) => void): Uint8Array =>
  new Writer().uint(1, type).message(type, build).finish()

const messageIdFields = (id: { readonly ledgerId: number; readonly entryId: number }) => (writer: Writer) => {
  writer.uint(1, id.ledgerId).uint(2, id.entryId)
}

export const encode = {
  connect: (clientVersion: string, auth: { readonly method: string; readonly data: Uint8Array } | undefined) =>
    base(CommandType.CONNECT, (w) => {
      w.string(1, clientVersion)
      if (auth !== undefined) w.bytes(3, auth.data)
      w.uint(4, protocolVersion)
      if (auth !== undefined) w.string(5, auth.method)
    }),

  authResponse: (clientVersion: string, auth: { readonly method: string; readonly data: Uint8Array }) =>
    base(CommandType.AUTH_RESPONSE, (w) => {
      w.string(1, clientVersion)
      w.message(2, (data) => data.string(1, auth.method).bytes(2, auth.data))
      w.uint(3, protocolVersion)
    }),

  ping: () => base(CommandType.PING, () => {}),
  pong: () => base(CommandType.PONG, () => {}),

  partitionedMetadata: (topic: string, requestId: number) =>
    base(CommandType.PARTITIONED_METADATA, (w) => {
      w.string(1, topic).uint(2, requestId)
    }),

  lookup: (topic: string, requestId: number, authoritative: boolean) =>
    base(CommandType.LOOKUP, (w) => {
      w.string(1, topic).uint(2, requestId)
      if (authoritative) w.bool(3, true)
    }),

  producer: (topic: string, producerId: number, requestId: number, producerName: string | undefined) =>
    base(CommandType.PRODUCER, (w) => {
      w.string(1, topic).uint(2, producerId).uint(3, requestId)
      if (producerName !== undefined) w.string(4, producerName)
    }),

  send: (producerId: number, sequenceId: number) =>
    base(CommandType.SEND, (w) => {
      w.uint(1, producerId).uint(2, sequenceId)
    }),

  subscribe: (options: {
    readonly topic: string
    readonly subscription: string
    /** 0 Exclusive, 1 Shared, 2 Failover, 3 Key_Shared. */
    readonly subType: number
    readonly consumerId: number
    readonly requestId: number
    readonly durable: boolean
    /** 0 Latest, 1 Earliest. */
    readonly initialPosition: number
  }) =>
    base(CommandType.SUBSCRIBE, (w) => {
      w.string(1, options.topic)
        .string(2, options.subscription)
        .uint(3, options.subType)
        .uint(4, options.consumerId)
        .uint(5, options.requestId)
        .bool(8, options.durable)
        .uint(13, options.initialPosition)
    }),

  flow: (consumerId: number, permits: number) =>
    base(CommandType.FLOW, (w) => {
      w.uint(1, consumerId).uint(2, permits)
    }),

  /** An individual acknowledgement of whole entries. */
  ack: (consumerId: number, ids: ReadonlyArray<{ readonly ledgerId: number; readonly entryId: number }>) =>
    base(CommandType.ACK, (w) => {
      w.uint(1, consumerId).uint(2, 0)
      for (const id of ids) w.message(3, messageIdFields(id))
    }),

  redeliver: (consumerId: number, ids: ReadonlyArray<{ readonly ledgerId: number; readonly entryId: number }>) =>
    base(CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES, (w) => {
      w.uint(1, consumerId)
      for (const id of ids) w.message(2, messageIdFields(id))
    }),

  closeProducer: (producerId: number, requestId: number) =>
    base(CommandType.CLOSE_PRODUCER, (w) => {
      w.uint(1, producerId).uint(2, requestId)
    }),

  closeConsumer: (consumerId: number, requestId: number) =>
    base(CommandType.CLOSE_CONSUMER, (w) => {
      w.uint(1, consumerId).uint(2, requestId)
    })
}

/** `MessageMetadata` of a message the adapter sends. */
export const encodeMetadata = (fields: {
  readonly producerName: string
  readonly sequenceId: number
  readonly publishTime: number
  readonly properties?: Readonly<Record<string, string>> | undefined
  readonly key?: string | undefined
  /** `Compression`, with the payload's size before it. */
  readonly compression?: number
  readonly uncompressedSize?: number
}): Uint8Array => {
  const w = new Writer(64)
  w.string(1, fields.producerName).uint(2, fields.sequenceId).uint(3, fields.publishTime)
  if (fields.properties !== undefined) {
    for (const [key, value] of Object.entries(fields.properties)) {
      w.message(4, (kv) => kv.string(1, key).string(2, value))
    }
  }
  if (fields.key !== undefined) w.string(6, fields.key)
  if (fields.compression !== undefined) w.uint(8, fields.compression).uint(9, fields.uncompressedSize ?? 0)
  return w.finish()
}

/** `CompressionType`. */
export const Compression = { NONE: 0, LZ4: 1, ZLIB: 2, ZSTD: 3, SNAPPY: 4 } as const
export const compressionName = (code: number): string =>
  (["NONE", "LZ4", "ZLIB", "ZSTD", "SNAPPY"] as const)[code] ?? `compression ${code}`

export interface ReceivedMetadata {
  readonly properties: Record<string, string>
  readonly compression: number
  readonly uncompressedSize: number
  /** Absent: not a batch. */
  readonly numMessagesInBatch: number | undefined
}

/**
 * Properties are collected as entries and made an object at the end: a key such as `__proto__`
 * assigned to a plain object would set its prototype instead of becoming a property.
 */
const readKeyValue = (reader: Reader, into: Array<[string, string]>): void => {
  let key = ""
  let value = ""
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    if (tag.field === 1) key = reader.string()
    else if (tag.field === 2) value = reader.string()
    else reader.skip(tag.wire)
  }
  into.push([key, value])
}

/** The parts of a received message's `MessageMetadata` the adapter uses. */
export const decodeMetadata = (bytes: Uint8Array): ReceivedMetadata => {
  const r = new Reader(bytes)
  const properties: Array<[string, string]> = []
  let compression = 0
  let uncompressedSize = 0
  let numMessagesInBatch: number | undefined
  for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
    if (tag.field === 4) readKeyValue(r.message(), properties)
    else if (tag.field === 8) compression = r.uint()
    else if (tag.field === 9) uncompressedSize = r.uint()
    else if (tag.field === 11) numMessagesInBatch = r.int()
    else r.skip(tag.wire)
  }
  return { properties: Object.fromEntries(properties), compression, uncompressedSize, numMessagesInBatch }
}

export interface SingleMetadata {
  readonly properties: Record<string, string>
  readonly payloadSize: number
  /** Removed by topic compaction: delivered to no one. */
  readonly compactedOut: boolean
}

/** One batch member's `SingleMessageMetadata`. */
export const decodeSingleMetadata = (bytes: Uint8Array): SingleMetadata => {
  const r = new Reader(bytes)
  const properties: Array<[string, string]> = []
  let payloadSize = -1
  let compactedOut = false
  for (let tag = r.tag(); tag !== undefined; tag = r.tag()) {
    if (tag.field === 1) readKeyValue(r.message(), properties)
    else if (tag.field === 3) payloadSize = r.int()
    else if (tag.field === 4) compactedOut = r.bool()
    else r.skip(tag.wire)
  }
  if (payloadSize < 0) throw new ProtocolError({ reason: "a batched message without its payload size" })
  return { properties: Object.fromEntries(properties), payloadSize, compactedOut }
}
