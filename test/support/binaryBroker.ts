/**
 * A stand-in for a Pulsar broker's binary port, for what a real broker will not do on demand:
 * damage a frame, redirect a lookup, stop answering pings, close a producer, speak TLS with a
 * certificate of the test's own. It answers the
 * handshake, lookups, producers, subscriptions and closes as a broker would, records every
 * command it is sent, and lets a test answer or send anything else.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createServer as createTlsServer } from "node:tls"
import { Effect } from "effect"
import { CommandType } from "../../src/layers/broker/binary/commands.ts"
import { commandFrame, FrameReader, type PayloadSection, payloadFrame } from "../../src/layers/broker/binary/frames.ts"
import { Reader, Writer } from "../../src/layers/broker/binary/protobuf.ts"

/** A message's fields by number: varints as numbers, everything length-delimited as bytes. */
export type Fields = ReadonlyMap<number, ReadonlyArray<number | Uint8Array>>

export const fieldsOf = (bytes: Uint8Array): Fields => {
  const reader = new Reader(bytes)
  const fields = new Map<number, Array<number | Uint8Array>>()
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    const value = tag.wire === 0 ? reader.uint() : tag.wire === 2 ? reader.bytes() : undefined
    if (value === undefined) reader.skip(tag.wire)
    else fields.set(tag.field, [...(fields.get(tag.field) ?? []), value])
  }
  return fields
}

export const numberField = (fields: Fields, field: number): number | undefined => {
  const value = fields.get(field)?.[0]
  return typeof value === "number" ? value : undefined
}

export const stringField = (fields: Fields, field: number): string | undefined => {
  const value = fields.get(field)?.[0]
  return value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : undefined
}

export const messageField = (fields: Fields, field: number): Fields | undefined => {
  const value = fields.get(field)?.[0]
  return value instanceof Uint8Array ? fieldsOf(value) : undefined
}

export interface Received {
  readonly type: number
  readonly fields: Fields
  readonly payload: PayloadSection | undefined
  /** The connection it came on: answer on it with `reply`. */
  readonly connection: number
}

/** A BaseCommand of the given type whose body `build` writes. */
export const command = (type: number, build: (writer: Writer) => void): Uint8Array =>
  new Writer().uint(1, type).message(type, build).finish()

export interface FakeBroker {
  /** `pulsar://127.0.0.1:<port>`, or `pulsar+ssl://` with TLS. */
  readonly url: string
  readonly received: ReadonlyArray<Received>
  /** The first command of the type received from now on, or already received and not yet taken. */
  readonly next: (type: number) => Effect.Effect<Received>
  /** Sends a command (and a message) on a connection. */
  readonly reply: (
    connection: number,
    command: Uint8Array,
    message?: { metadata: Uint8Array; payload: Uint8Array }
  ) => void
  /** Sends raw bytes on a connection, as they are. */
  readonly raw: (connection: number, bytes: Uint8Array) => void
}

export interface FakeBrokerOptions {
  /**
   * Answers a command itself; return true when it did. Commands it leaves are answered as a
   * broker would: CONNECT, PARTITIONED_METADATA (not partitioned), LOOKUP (served here),
   * PRODUCER, SUBSCRIBE, CLOSE_*, PING.
   */
  readonly handle?: (received: Received, broker: FakeBroker) => boolean
  /** When false, pings are not answered: a broker that has stopped. Default true. */
  readonly answerPings?: boolean
  /** A certificate and key: the port is TLS (`pulsar+ssl://`). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer }
}

/** Listens on a free local port while the scope is open; closing it drops every connection. */
export const fakeBroker = (
  options: FakeBrokerOptions = {}
): Effect.Effect<FakeBroker, never, import("effect").Scope.Scope> =>
  Effect.gen(function* () {
    const sockets = new Map<number, Socket>()
    const received: Array<Received> = []
    const taken = new Set<Received>()
    const waiters: Array<{ type: number; resolve: (received: Received) => void }> = []
    let nextConnection = 0
    let url = ""

    const write = (connection: number, bytes: Uint8Array) => {
      sockets.get(connection)?.write(bytes)
    }
    const broker: FakeBroker = {
      get url() {
        return url
      },
      received,
      next: (type) =>
        Effect.callback<Received>((resume) => {
          const already = received.find((r) => r.type === type && !taken.has(r))
          if (already !== undefined) {
            taken.add(already)
            return resume(Effect.succeed(already))
          }
          const waiter = {
            type,
            resolve: (r: Received) => {
              taken.add(r)
              resume(Effect.succeed(r))
            }
          }
          waiters.push(waiter)
          return Effect.sync(() => void waiters.splice(waiters.indexOf(waiter), 1))
        }),
      reply: (connection, bytes, message) => {
        if (message === undefined) return write(connection, commandFrame(bytes))
        for (const part of payloadFrame(bytes, message.metadata, message.payload)) write(connection, part)
      },
      raw: write
    }

    const standard = (r: Received) => {
      const requestId = numberField(
        r.fields,
        r.type === CommandType.LOOKUP || r.type === CommandType.PARTITIONED_METADATA
          ? 2
          : r.type === CommandType.PRODUCER
            ? 3
            : 5
      )
      switch (r.type) {
        case CommandType.CONNECT:
          return broker.reply(
            r.connection,
            command(CommandType.CONNECTED, (w) =>
              w
                .string(1, "fake")
                .uint(2, 19)
                .uint(3, 5 * 1024 * 1024)
            )
          )
        case CommandType.PARTITIONED_METADATA:
          // Not partitioned.
          return broker.reply(
            r.connection,
            command(CommandType.PARTITIONED_METADATA_RESPONSE, (w) => w.uint(1, 0).uint(2, requestId ?? 0))
          )
        case CommandType.LOOKUP:
          return broker.reply(
            r.connection,
            command(CommandType.LOOKUP_RESPONSE, (w) =>
              w
                .string(1, url)
                .uint(3, 1)
                .uint(4, requestId ?? 0)
            )
          )
        case CommandType.PRODUCER:
          return broker.reply(
            r.connection,
            command(CommandType.PRODUCER_SUCCESS, (w) =>
              w.uint(1, requestId ?? 0).string(2, stringField(r.fields, 4) ?? "fake-producer")
            )
          )
        case CommandType.SUBSCRIBE:
          return broker.reply(
            r.connection,
            command(CommandType.SUCCESS, (w) => w.uint(1, requestId ?? 0))
          )
        case CommandType.CLOSE_PRODUCER:
        case CommandType.CLOSE_CONSUMER:
          return broker.reply(
            r.connection,
            command(CommandType.SUCCESS, (w) => w.uint(1, numberField(r.fields, 2) ?? 0))
          )
        case CommandType.PING:
          if (options.answerPings !== false)
            broker.reply(
              r.connection,
              command(CommandType.PONG, () => {})
            )
          return
      }
    }

    const serve = (socket: Socket) => {
      const connection = nextConnection++
      sockets.set(connection, socket)
      const reader = new FrameReader(() => 64 * 1024 * 1024)
      socket.on("error", () => {})
      socket.on("close", () => sockets.delete(connection))
      socket.on("data", (chunk: Buffer) => {
        for (const frame of reader.push(chunk)) {
          const base = fieldsOf(frame.command)
          const type = numberField(base, 1) ?? 0
          const r: Received = {
            type,
            fields: messageField(base, type) ?? new Map(),
            payload: frame.payload,
            connection
          }
          received.push(r)
          const waiter = waiters.find((w) => w.type === type)
          if (waiter !== undefined) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve(r)
          }
          if (options.handle?.(r, broker) !== true) standard(r)
        }
      })
    }
    const server = options.tls === undefined ? createServer(serve) : createTlsServer({ ...options.tls }, serve)
    url = yield* Effect.acquireRelease(
      Effect.callback<string>((resume) => {
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          resume(Effect.succeed(`${options.tls === undefined ? "pulsar" : "pulsar+ssl"}://127.0.0.1:${port}`))
        })
      }),
      () =>
        Effect.callback<void>((resume) => {
          for (const socket of sockets.values()) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    return broker
  })

/** A message id as the broker writes it into MESSAGE and SEND_RECEIPT. */
export const messageId = (ledgerId: number, entryId: number) => (writer: Writer) => {
  writer.uint(1, ledgerId).uint(2, entryId)
}

/**
 * A self-signed certificate for 127.0.0.1, made by `openssl` in a directory removed with the
 * scope: `certFile` serves as the CA that trusts it.
 */
export const selfSignedCertificate = Effect.acquireRelease(
  Effect.sync(() => {
    const directory = mkdtempSync(join(tmpdir(), "tg-binary-tls-"))
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat(
        ["-keyout", "broker.key", "-out", "broker.pem", "-days", "1", "-subj", "/CN=127.0.0.1"],
        ["-addext", "subjectAltName=IP:127.0.0.1"]
      ),
      { cwd: directory, stdio: "pipe" }
    )
    const certFile = join(directory, "broker.pem")
    const keyFile = join(directory, "broker.key")
    return { directory, certFile, cert: readFileSync(certFile), key: readFileSync(keyFile) }
  }),
  ({ directory }) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
)

/** One member of a batched entry: its payload text, properties, and whether compaction removed it. */
export interface BatchMember {
  readonly text: string
  readonly properties?: Readonly<Record<string, string>>
  readonly compactedOut?: boolean
}

/** A batch as producers with batching on write it: each member's metadata size, metadata and payload. */
export const batchPayload = (members: ReadonlyArray<BatchMember>): Buffer =>
  Buffer.concat(
    members.flatMap((member) => {
      const payload = Buffer.from(member.text)
      const single = new Writer()
      for (const [key, value] of Object.entries(member.properties ?? {})) {
        single.message(1, (kv) => kv.string(1, key).string(2, value))
      }
      single.uint(3, payload.length)
      if (member.compactedOut === true) single.bool(4, true)
      const singleBytes = single.finish()
      const size = Buffer.alloc(4)
      size.writeUInt32BE(singleBytes.length)
      return [size, singleBytes, payload]
    })
  )
