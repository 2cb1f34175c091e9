/**
 * Frames of Pulsar's binary protocol. Every frame is a 4-byte big-endian total size, then a 4-byte
 * command size and the protobuf `BaseCommand`. A frame that carries a message (SEND, MESSAGE)
 * goes on with its payload section: the magic number 0x0e01, a CRC32C checksum of everything
 * after it, a 4-byte metadata size, the `MessageMetadata` and the message's bytes. The broker may
 * put its own entry metadata (magic 0x0e02, a size, `BrokerEntryMetadata`) before that section.
 */
import { crc32c } from "@node-rs/crc32"
import { ownedBytes } from "../../../domain/OwnedBytes.ts"
import { ProtocolError } from "./protobuf.ts"

const checksumMagic = 0x0e01
const brokerEntryMagic = 0x0e02

/** A frame as read: its command, and its payload section when it has one. */
export interface Frame {
  readonly command: Uint8Array
  readonly payload?: PayloadSection
}

/** A frame as `FrameReader` hands it out: also the buffer that holds it, all of it and nothing else. */
export interface ReadFrame extends Frame {
  readonly bytes: Buffer
}

export interface PayloadSection {
  readonly metadata: Uint8Array
  readonly data: Uint8Array
  /** False when the section's CRC32C does not match its bytes: the message must not be used. */
  readonly checksumMatches: boolean
}

/** A frame with a command only. */
export const commandFrame = (command: Uint8Array): Buffer => {
  const frame = Buffer.allocUnsafe(8 + command.length)
  frame.writeUInt32BE(4 + command.length, 0)
  frame.writeUInt32BE(command.length, 4)
  frame.set(command, 8)
  return frame
}

/**
 * A frame that carries a message, as two buffers written one after the other: the head (sizes,
 * command, magic, checksum, metadata) and the payload as the caller gave it, so that a large
 * payload is never copied.
 */
export const payloadFrame = (
  command: Uint8Array,
  metadata: Uint8Array,
  payload: Uint8Array
): readonly [Buffer, Uint8Array] => {
  const headLength = 8 + command.length + 2 + 4 + 4 + metadata.length
  const head = Buffer.allocUnsafe(headLength)
  head.writeUInt32BE(headLength - 4 + payload.length, 0)
  head.writeUInt32BE(command.length, 4)
  head.set(command, 8)
  let at = 8 + command.length
  head.writeUInt16BE(checksumMagic, at)
  const checksumAt = at + 2
  at += 6
  head.writeUInt32BE(metadata.length, at)
  head.set(metadata, at + 4)
  const checksum = crc32c(payload, crc32c(head.subarray(checksumAt + 4)))
  head.writeUInt32BE(checksum >>> 0, checksumAt)
  return [head, payload]
}

/** Reads one whole frame (its 4-byte size included). */
export const parseFrame = (frame: Uint8Array): Frame => {
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
  if (view.length < 8) throw new ProtocolError({ reason: `a frame of ${view.length} bytes is shorter than its header` })
  const commandLength = view.readUInt32BE(4)
  const commandEnd = 8 + commandLength
  if (commandEnd > view.length) {
    throw new ProtocolError({
      reason: `a command of ${commandLength} bytes does not fit in its frame of ${view.length - 4}`
    })
  }
  const command = view.subarray(8, commandEnd)
  if (commandEnd === view.length) return { command }
  let at = commandEnd
  if (view.length - at >= 6 && view.readUInt16BE(at) === brokerEntryMagic) {
    const size = view.readUInt32BE(at + 2)
    at += 6 + size
  }
  let checksum: number | undefined
  if (view.length - at >= 6 && view.readUInt16BE(at) === checksumMagic) {
    checksum = view.readUInt32BE(at + 2)
    at += 6
  }
  if (view.length - at < 4) throw new ProtocolError({ reason: "a payload section without its metadata size" })
  const checked = view.subarray(at)
  const metadataLength = view.readUInt32BE(at)
  if (at + 4 + metadataLength > view.length) {
    throw new ProtocolError({ reason: `message metadata of ${metadataLength} bytes does not fit in its frame` })
  }
  return {
    command,
    payload: {
      metadata: view.subarray(at + 4, at + 4 + metadataLength),
      data: view.subarray(at + 4 + metadataLength),
      checksumMatches: checksum === undefined || crc32c(checked) >>> 0 === checksum
    }
  }
}

/**
 * Cuts a byte stream into frames, however the network split it. Every frame is copied into a
 * buffer of its own (`ownedBytes`), so that the socket can read into one buffer over and over, and
 * so that a frame's memory can be released as soon as its message is handled (`ReadFrame.bytes`).
 * Bytes of a frame not yet whole are kept as copies until it is.
 */
export class FrameReader {
  private chunks: Array<Buffer> = []
  private buffered = 0
  private readonly maxFrameSize: () => number

  /** `maxFrameSize`: the largest frame accepted; a larger size prefix means the stream is not Pulsar's. */
  constructor(maxFrameSize: () => number) {
    this.maxFrameSize = maxFrameSize
  }

  /**
   * Adds bytes read from the socket; returns the frames they complete, in order. The reader keeps
   * no view of `chunk`: its buffer may be filled again at once.
   */
  push(chunk: Buffer): Array<ReadFrame> {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    const frames: Array<ReadFrame> = []
    try {
      for (;;) {
        if (this.buffered < 4) return frames
        const size = this.peekSize()
        if (size > this.maxFrameSize()) {
          throw new ProtocolError({
            reason: `a frame of ${size.toLocaleString("en-US")} bytes is above the ${this.maxFrameSize().toLocaleString("en-US")} accepted`
          })
        }
        if (this.buffered < 4 + size) return frames
        const bytes = this.take(4 + size)
        frames.push({ ...parseFrame(bytes), bytes })
      }
    } finally {
      const last = this.chunks.length - 1
      if (last >= 0 && this.chunks[last]?.buffer === chunk.buffer)
        this.chunks[last] = Buffer.from(this.chunks[last] as Buffer)
    }
  }

  private peekSize(): number {
    const first = this.chunks[0] as Buffer
    if (first.length >= 4) return first.readUInt32BE(0)
    const head = Buffer.concat(this.chunks, 4)
    return head.readUInt32BE(0)
  }

  private take(count: number): Buffer {
    this.buffered -= count
    const whole = ownedBytes(count)
    let at = 0
    while (at < count) {
      const chunk = this.chunks[0] as Buffer
      const used = Math.min(chunk.length, count - at)
      chunk.copy(whole, at, 0, used)
      at += used
      if (used === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(used)
    }
    return whole
  }
}
