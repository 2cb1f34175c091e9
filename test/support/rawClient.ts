/**
 * A WebSocket client on a bare TCP socket, for what a well-behaved client library will not do:
 * it records every frame the server sends but never answers any — not a ping, not the close
 * handshake — like a client whose process has stopped reading. It also tells when the server
 * drops the TCP connection.
 */
import { randomBytes } from "node:crypto"
import { connect } from "node:net"
import { Effect, type Scope } from "effect"

export interface RawFrame {
  readonly opcode: number
  readonly payload: Buffer
}

export const opcodes = { text: 1, close: 8 } as const

export interface RawClient {
  /** Every frame received so far, in order. */
  readonly frames: ReadonlyArray<RawFrame>
  /** The text frames received so far, parsed. */
  readonly texts: () => ReadonlyArray<unknown>
  /** The close frame received, if any: its code and reason. */
  readonly closeFrame: () => { readonly code: number; readonly reason: string } | undefined
  /** Whether the server has ended or dropped the TCP connection. */
  readonly ended: () => boolean
  /** Sends the texts as text frames in one TCP write. */
  readonly send: (...texts: ReadonlyArray<string>) => void
  /** Waits until `done` holds, checked on every frame and at the end of the connection. */
  readonly until: (done: () => boolean) => Effect.Effect<void>
  readonly destroy: () => void
}

/** A masked frame, as a client must send it. */
const encode = (opcode: number, payload: Buffer): Buffer => {
  const length = payload.length
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigEndian64(length)])
  const mask = randomBytes(4)
  const masked = Buffer.alloc(length)
  for (let i = 0; i < length; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0)
  return Buffer.concat([header, mask, masked])
}

const bigEndian64 = (n: number) => {
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(BigInt(n))
  return bytes
}

/** Takes the complete frames off the front of `buffer`; returns what is left. */
const decode = (buffer: Buffer, frames: Array<RawFrame>): Buffer => {
  let rest = buffer
  for (;;) {
    if (rest.length < 2) return rest
    const first = rest[0] ?? 0
    const second = rest[1] ?? 0
    let length = second & 0x7f
    let offset = 2
    if (length === 126) {
      if (rest.length < 4) return rest
      length = rest.readUInt16BE(2)
      offset = 4
    } else if (length === 127) {
      if (rest.length < 10) return rest
      length = Number(rest.readBigUInt64BE(2))
      offset = 10
    }
    // A server never masks its frames.
    if (rest.length < offset + length) return rest
    frames.push({ opcode: first & 0x0f, payload: rest.subarray(offset, offset + length) })
    rest = rest.subarray(offset + length)
  }
}

/** Opens a WebSocket to `path` on the local `port`; fails with the HTTP status line when the upgrade is refused. */
export const rawConnect = (port: number, path: string): Effect.Effect<RawClient, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const opened = yield* Effect.acquireRelease(
      Effect.sync(() => open(port, path)),
      ({ client }) => Effect.sync(() => client.destroy())
    )
    // Waiting for the answer is interruptible: a server that never answers the upgrade must not
    // hold the test past its own timeout.
    yield* opened.client.until(() => opened.outcome() !== undefined)
    const outcome = opened.outcome()
    if (outcome !== "upgraded") return yield* Effect.fail(new Error(outcome))
    return opened.client
  })

const open = (port: number, path: string) => {
  const socket = connect(port, "127.0.0.1")
  const frames: Array<RawFrame> = []
  const listeners = new Set<() => void>()
  let ended = false
  /** "upgraded", or why not. */
  let outcome: string | undefined
  let pending: Buffer = Buffer.alloc(0)
  const wake = () => {
    for (const listener of [...listeners]) listener()
  }
  socket.on("connect", () => {
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`
    )
  })
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    if (outcome === undefined) {
      const end = pending.indexOf("\r\n\r\n")
      if (end === -1) return
      const status = pending.subarray(0, end).toString("latin1").split("\r\n")[0] ?? ""
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        outcome = `upgrade refused: ${status} ${pending.subarray(end + 4).toString()}`
        socket.destroy()
        return wake()
      }
      outcome = "upgraded"
      pending = pending.subarray(end + 4)
    }
    pending = decode(pending, frames)
    wake()
  })
  const onEnd = () => {
    ended = true
    outcome ??= "the connection closed before the upgrade was answered"
    wake()
  }
  socket.on("end", onEnd)
  socket.on("close", onEnd)
  socket.on("error", () => {})
  const client: RawClient = {
    frames,
    texts: () => frames.filter((f) => f.opcode === opcodes.text).map((f) => JSON.parse(f.payload.toString())),
    closeFrame: () => {
      const close = frames.find((f) => f.opcode === opcodes.close)
      return close === undefined
        ? undefined
        : { code: close.payload.readUInt16BE(0), reason: close.payload.subarray(2).toString() }
    },
    ended: () => ended,
    send: (...texts) => socket.write(Buffer.concat(texts.map((t) => encode(opcodes.text, Buffer.from(t))))),
    until: (done) =>
      Effect.callback<void>((resume) => {
        const check = () => {
          if (!done()) return
          listeners.delete(check)
          resume(Effect.void)
        }
        listeners.add(check)
        check()
        return Effect.sync(() => listeners.delete(check))
      }),
    destroy: () => socket.destroy()
  }
  return { client, outcome: () => outcome }
}
