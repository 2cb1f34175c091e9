/**
 * One TCP (or TLS) connection to a Pulsar broker's binary port: the CONNECT/CONNECTED handshake,
 * requests answered by request id, commands routed to the producers and consumers on it by their
 * ids, keepalive pings both ways, and what ends it.
 */
import { isIP, connect as netConnect, type Socket } from "node:net"
import { connect as tlsConnect } from "node:tls"
import { Duration, Effect, Schema } from "effect"
import { BrokerUnavailable, CredentialsRefused } from "../../../domain/BrokerErrors.ts"
import { ownedBytes } from "../../../domain/OwnedBytes.ts"
import type { BrokerConnectionOptions } from "../PulsarAccess.ts"
import { CommandType, decodeCommand, encode, type Incoming, serverErrorName } from "./commands.ts"
import { commandFrame, FrameReader, type PayloadSection, payloadFrame } from "./frames.ts"
import { ProtocolError } from "./protobuf.ts"

/** What the adapter calls itself in CONNECT (`client_version`), as the broker's stats show it. */
export const clientVersion = "tg-gateway"

/**
 * Frames above the message size limit by more than this are refused: the broker's own margin
 * for a message's command and metadata (`Commands.MESSAGE_SIZE_FRAME_PADDING`, 10 KB) and some.
 */
const framePadding = 64 * 1024

/** The buffer each read of a plain TCP connection lands in, as large as Node's own reads. */
const readBufferSize = 64 * 1024

/** Until CONNECTED says the broker's limit: Pulsar's default, 5 MB. */
const defaultMaxMessageSize = 5 * 1024 * 1024

export interface ConnectOptions {
  /** `pulsar://host:port` or `pulsar+ssl://host:port`. */
  readonly url: string
  /** The credentials: the bearer token (sent with auth method `token`), and TLS options. */
  readonly access: BrokerConnectionOptions
  /** Fresh credentials when the broker asks for them again (its AUTH_CHALLENGE). */
  readonly refreshAccess: () => Promise<BrokerConnectionOptions>
  readonly connectTimeout: Duration.Input
  /** How often a ping is sent; a connection that answers nothing for two of them is taken as dead. Zero sends none. */
  readonly pingInterval: Duration.Input
}

/** An ERROR answer to a request, or the connection ending before the answer came. */
export class RequestRefused extends Schema.TaggedError<RequestRefused>()("RequestRefused", {
  /** A `ServerError` name, or "ConnectionClosed". */
  error: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.error}: ${this.reason}`
  }
}

export interface ProducerRoute {
  readonly receipt: (command: Extract<Incoming, { type: typeof CommandType.SEND_RECEIPT }>) => void
  readonly sendError: (command: Extract<Incoming, { type: typeof CommandType.SEND_ERROR }>) => void
  /** The broker closed the producer (topic unloaded, moved to another broker, deleted). */
  readonly closedByBroker: () => void
}

export interface ConsumerRoute {
  /** `frame`: the buffer that holds the whole frame and nothing else, the consumer's to release. */
  readonly message: (
    command: Extract<Incoming, { type: typeof CommandType.MESSAGE }>,
    payload: PayloadSection,
    frame: Buffer
  ) => void
  readonly closedByBroker: (reason: string) => void
}

const tokenOf = (access: BrokerConnectionOptions): string | undefined => {
  const header = access.headers["authorization"]
  return header?.startsWith("Bearer ") === true ? header.slice("Bearer ".length) : undefined
}

const authOf = (access: BrokerConnectionOptions) => {
  const token = tokenOf(access)
  return token === undefined ? undefined : { method: "token", data: Buffer.from(token, "utf8") }
}

/** Host and port of a `pulsar://` or `pulsar+ssl://` URL, and whether it is TLS. */
export const parseServiceUrl = (url: string): { host: string; port: number; tls: boolean } | undefined => {
  const match = /^(pulsar|pulsar\+ssl):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url.trim())
  if (match === null) return undefined
  const tls = match[1] === "pulsar+ssl"
  const host = (match[2] as string).replace(/^\[|\]$/g, "")
  return { host, port: match[3] === undefined ? (tls ? 6651 : 6650) : Number(match[3]), tls }
}

export class BinaryConnection {
  readonly url: string
  /** The broker's `maxMessageSize`, from CONNECTED. */
  maxMessageSize = defaultMaxMessageSize
  readonly producers = new Map<number, ProducerRoute>()
  readonly consumers = new Map<number, ConsumerRoute>()
  private readonly socket: Socket
  private corked = false
  private readonly reader = new FrameReader(() => this.maxMessageSize + framePadding)
  private readonly requests = new Map<number, (answer: Incoming | RequestRefused) => void>()
  private readonly closeListeners = new Set<(reason: string) => void>()
  private readonly refreshAccess: () => Promise<BrokerConnectionOptions>
  private nextRequestId = 0
  private nextHandleId = 0
  private closedReason: string | undefined
  private heardSince = true
  private pinger: NodeJS.Timeout | undefined
  private onConnected: ((answer: Incoming | RequestRefused) => void) | undefined

  private constructor(url: string, socket: Socket, refreshAccess: () => Promise<BrokerConnectionOptions>) {
    this.url = url
    this.socket = socket
    this.refreshAccess = refreshAccess
  }

  /** Why the connection ended, or undefined while it is open. */
  get closed(): string | undefined {
    return this.closedReason
  }

  /** Opens the connection and completes the handshake. */
  static open(options: ConnectOptions): Effect.Effect<BinaryConnection, BrokerUnavailable | CredentialsRefused> {
    const timeout = Duration.fromInputUnsafe(options.connectTimeout)
    return Effect.callback<BinaryConnection, BrokerUnavailable | CredentialsRefused>((resume) => {
      const target = parseServiceUrl(options.url)
      if (target === undefined) {
        return resume(
          Effect.fail(
            new BrokerUnavailable({
              url: options.url,
              reason: "not a broker service URL; expected pulsar://host:6650 or pulsar+ssl://host:6651"
            })
          )
        )
      }
      const socket = target.tls
        ? tlsConnect({
            host: target.host,
            port: target.port,
            // SNI names a host; an address is checked against the certificate without it.
            ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
            ...options.access.tls
          })
        : netConnect({
            host: target.host,
            port: target.port,
            // Every read lands in this one buffer: the frame reader copies out what it keeps, so no
            // buffer is left per read for the garbage collector to find (see OwnedBytes.ts).
            onread: {
              buffer: ownedBytes(readBufferSize),
              callback: (length, buffer) => {
                connection.received(Buffer.from(buffer.buffer, buffer.byteOffset, length))
                return true
              }
            }
          })
      socket.setNoDelay(true)
      const connection = new BinaryConnection(options.url, socket, options.refreshAccess)
      let settled = false
      const settle = (effect: Effect.Effect<BinaryConnection, BrokerUnavailable | CredentialsRefused>) => {
        if (settled) return
        settled = true
        resume(effect)
      }
      connection.onConnected = (answer) => {
        connection.onConnected = undefined
        if (answer instanceof RequestRefused) {
          socket.destroy()
          return settle(
            Effect.fail(
              answer.error === "AuthenticationError" || answer.error === "AuthorizationError"
                ? new CredentialsRefused({ url: options.url, status: 401, reason: answer.reason })
                : new BrokerUnavailable({ url: options.url, reason: answer.message })
            )
          )
        }
        if (answer.type === CommandType.CONNECTED) {
          if (answer.maxMessageSize !== undefined && answer.maxMessageSize > 0) {
            connection.maxMessageSize = answer.maxMessageSize
          }
          connection.startPinging(Duration.toMillis(Duration.fromInputUnsafe(options.pingInterval)))
          settle(Effect.succeed(connection))
        }
      }
      socket.once(target.tls ? "secureConnect" : "connect", () =>
        connection.write(commandFrame(encode.connect(clientVersion, authOf(options.access))))
      )
      // TLS sockets take no `onread`: their reads come as chunks of their own.
      if (target.tls) socket.on("data", (chunk: Buffer) => connection.received(chunk))
      socket.on("error", (error) => {
        connection.end(error.message || String(error))
        settle(Effect.fail(new BrokerUnavailable({ url: options.url, reason: error.message || String(error) })))
      })
      socket.on("close", () => {
        connection.end("the broker closed the connection")
        settle(Effect.fail(new BrokerUnavailable({ url: options.url, reason: "the broker closed the connection" })))
      })
      return Effect.sync(() => {
        settled = true
        socket.destroy()
      })
    }).pipe(
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () =>
          Effect.fail(
            new BrokerUnavailable({ url: options.url, reason: `no answer within ${Duration.format(timeout)}` })
          )
      })
    )
  }

  newId(): number {
    return this.nextHandleId++
  }

  /** Sends a command that the broker answers with the same request id: the answer, or why none came. */
  request(build: (requestId: number) => Uint8Array): Effect.Effect<Incoming, RequestRefused> {
    return Effect.callback<Incoming, RequestRefused>((resume) => {
      if (this.closedReason !== undefined) {
        return resume(Effect.fail(new RequestRefused({ error: "ConnectionClosed", reason: this.closedReason })))
      }
      const requestId = this.nextRequestId++
      this.requests.set(requestId, (answer) =>
        resume(answer instanceof RequestRefused ? Effect.fail(answer) : Effect.succeed(answer))
      )
      this.write(commandFrame(build(requestId)))
      return Effect.sync(() => this.requests.delete(requestId))
    })
  }

  /** A command without an answer (FLOW, ACK, REDELIVER, PONG). */
  command(command: Uint8Array): void {
    if (this.closedReason === undefined) this.write(commandFrame(command))
  }

  /** A command with a message; the payload is written as it is, after its head. */
  sendMessage(command: Uint8Array, metadata: Uint8Array, payload: Uint8Array): void {
    const [head, body] = payloadFrame(command, metadata, payload)
    this.write(head)
    this.write(body)
  }

  /** Called once, with the reason, when the connection ends; at once if it has. */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closedReason !== undefined) {
      listener(this.closedReason)
      return () => {}
    }
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  /** Ends the connection: pending writes go out first; a peer that does not close is cut after `timeout`. */
  close(timeout: Duration.Input): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      if (this.socket.destroyed) return resume(Effect.void)
      this.socket.once("close", () => resume(Effect.void))
      this.socket.end()
    }).pipe(
      Effect.timeoutOption(timeout),
      Effect.ensuring(
        Effect.sync(() => {
          this.end("the connection is closed")
          this.socket.destroy()
        })
      ),
      Effect.asVoid
    )
  }

  /**
   * Everything written in one turn of the event loop goes to the kernel in one system call, at the
   * end of the turn. The broker then reads several commands at once and answers them together:
   * measured, it spent a third less CPU per imported record than with a write per message.
   */
  private write(frame: Uint8Array): void {
    if (this.socket.destroyed) return
    if (!this.corked) {
      this.corked = true
      this.socket.cork()
      setImmediate(this.uncork)
    }
    this.socket.write(frame)
  }

  private readonly uncork = (): void => {
    this.corked = false
    this.socket.uncork()
  }

  private startPinging(intervalMillis: number): void {
    if (intervalMillis <= 0) return
    this.pinger = setInterval(() => {
      if (!this.heardSince) {
        this.socket.destroy()
        this.end(
          `the broker answered nothing for ${Duration.format(Duration.millis(intervalMillis * 2))}, not even a ping`
        )
        return
      }
      this.heardSince = false
      this.command(encode.ping())
    }, intervalMillis)
    this.pinger.unref()
  }

  private received(chunk: Buffer): void {
    this.heardSince = true
    let frames
    try {
      frames = this.reader.push(chunk)
    } catch (cause) {
      const reason = cause instanceof ProtocolError ? cause.message : String(cause)
      this.socket.destroy()
      this.end(reason)
      return
    }
    for (const frame of frames) {
      let command: Incoming | undefined
      try {
        command = decodeCommand(frame.command)
      } catch (cause) {
        this.socket.destroy()
        this.end(cause instanceof ProtocolError ? cause.message : String(cause))
        return
      }
      if (command !== undefined) this.dispatch(command, frame.payload, frame.bytes)
    }
  }

  private answer(requestId: number, answer: Incoming | RequestRefused): void {
    const waiting = this.requests.get(requestId)
    if (waiting === undefined) return
    this.requests.delete(requestId)
    waiting(answer)
  }

  private dispatch(command: Incoming, payload: PayloadSection | undefined, frame: Buffer): void {
    switch (command.type) {
      case CommandType.CONNECTED:
        this.onConnected?.(command)
        return
      case CommandType.PING:
        this.command(encode.pong())
        return
      case CommandType.PONG:
        return
      case CommandType.SEND_RECEIPT:
        this.producers.get(command.producerId)?.receipt(command)
        return
      case CommandType.SEND_ERROR:
        this.producers.get(command.producerId)?.sendError(command)
        return
      case CommandType.MESSAGE:
        if (payload === undefined) return
        this.consumers.get(command.consumerId)?.message(command, payload, frame)
        return
      case CommandType.SUCCESS:
      case CommandType.PRODUCER_SUCCESS:
      case CommandType.LOOKUP_RESPONSE:
      case CommandType.PARTITIONED_METADATA_RESPONSE:
        this.answer(command.requestId, command)
        return
      case CommandType.ERROR: {
        const failure = new RequestRefused({ error: serverErrorName(command.error), reason: command.message })
        // The handshake's refusal carries no request of ours.
        if (this.onConnected !== undefined) this.onConnected(failure)
        else this.answer(command.requestId, failure)
        return
      }
      case CommandType.CLOSE_PRODUCER:
        this.producers.get(command.producerId)?.closedByBroker()
        return
      case CommandType.CLOSE_CONSUMER:
        this.consumers.get(command.consumerId)?.closedByBroker("the broker closed the consumer")
        return
      case CommandType.REACHED_END_OF_TOPIC:
        this.consumers.get(command.consumerId)?.closedByBroker("the topic was terminated: no more messages will come")
        return
      case CommandType.AUTH_CHALLENGE:
        // The broker checks credentials again as they near expiry: the token as it is now.
        this.refreshAccess().then(
          (access) => {
            const auth = authOf(access)
            if (auth !== undefined) this.command(encode.authResponse(clientVersion, auth))
          },
          (cause: unknown) => {
            this.socket.destroy()
            this.end(`fresh credentials for the broker could not be had: ${String(cause)}`)
          }
        )
        return
    }
  }

  /** Fails what waits on the connection, once. */
  private end(reason: string): void {
    if (this.closedReason !== undefined) return
    this.closedReason = reason
    if (this.pinger !== undefined) clearInterval(this.pinger)
    const waiting = [...this.requests.values()]
    this.requests.clear()
    const failure = new RequestRefused({ error: "ConnectionClosed", reason })
    for (const resume of waiting) resume(failure)
    const listeners = [...this.closeListeners]
    this.closeListeners.clear()
    for (const listener of listeners) listener(reason)
  }
}
