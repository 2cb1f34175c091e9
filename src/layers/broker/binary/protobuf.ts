/**
 * The protobuf wire format (proto2), as far as Pulsar's commands need it: varints, length-
 * delimited fields and nested messages. Written by hand rather than generated: the adapter reads
 * and writes some twenty small messages, and decoding straight into the fields it uses keeps
 * every frame to one pass without intermediate objects.
 */
import { Schema } from "effect"

/** Bytes that are not the protobuf message they should be: the frame is unusable. */
export class ProtocolError extends Schema.TaggedError<ProtocolError>()("ProtocolError", {
  reason: Schema.String
}) {
  override get message() {
    return `the broker sent a frame that cannot be read: ${this.reason}`
  }
}

const utf8 = new TextEncoder()
const textDecoder = new TextDecoder("utf-8", { fatal: false })

const two32 = 0x1_0000_0000

/** Protobuf wire types. */
export const Wire = { Varint: 0, Fixed64: 1, Delimited: 2, Fixed32: 5 } as const
type WireType = (typeof Wire)[keyof typeof Wire]

/** Builds one message; nested messages are built by their own writer and added as bytes. */
export class Writer {
  private buffer: Uint8Array
  private at = 0

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity)
  }

  private room(count: number): void {
    if (this.at + count <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.at + count))
    grown.set(this.buffer.subarray(0, this.at))
    this.buffer = grown
  }

  private byte(value: number): void {
    this.buffer[this.at++] = value
  }

  /** A non-negative integer up to 2^53, or a negative one as its 64-bit two's complement. */
  private varint(value: number): void {
    this.room(10)
    if (value < 0) {
      // Ten bytes, as protobuf writes a negative int32 or int64.
      let big = BigInt.asUintN(64, BigInt(Math.trunc(value)))
      while (big > 0x7fn) {
        this.byte(Number(big & 0x7fn) | 0x80)
        big >>= 7n
      }
      this.byte(Number(big))
      return
    }
    let rest = Math.trunc(value)
    while (rest > 0x7f) {
      this.byte((rest % 128) | 0x80)
      rest = Math.floor(rest / 128)
    }
    this.byte(rest)
  }

  private tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire)
  }

  uint(field: number, value: number): this {
    this.tag(field, Wire.Varint)
    this.varint(value)
    return this
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0)
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, Wire.Delimited)
    this.varint(value.length)
    this.room(value.length)
    this.buffer.set(value, this.at)
    this.at += value.length
    return this
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value))
  }

  message(field: number, build: (writer: Writer) => void): this {
    const inner = new Writer()
    build(inner)
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.at)
  }
}

/** Reads the fields of one message in order; `skip` passes over those the caller does not use. */
export class Reader {
  private at: number
  private readonly end: number
  private readonly buffer: Uint8Array

  constructor(buffer: Uint8Array, start = 0, end = buffer.length) {
    this.buffer = buffer
    this.at = start
    this.end = end
  }

  get done(): boolean {
    return this.at >= this.end
  }

  private byte(): number {
    if (this.at >= this.end) throw new ProtocolError({ reason: "a protobuf field runs past the end of its message" })
    return this.buffer[this.at++] as number
  }

  /** The low and high 32 bits of a varint of up to ten bytes. */
  varint64(): [number, number] {
    let low = 0
    let high = 0
    let byte = 0
    for (let shift = 0; shift < 28; shift += 7) {
      byte = this.byte()
      low |= (byte & 0x7f) << shift
      if (byte < 0x80) return [low >>> 0, 0]
    }
    byte = this.byte()
    low |= (byte & 0x7f) << 28
    high = (byte & 0x7f) >> 4
    if (byte < 0x80) return [low >>> 0, high]
    for (let shift = 3; shift < 32; shift += 7) {
      byte = this.byte()
      high |= (byte & 0x7f) << shift
      if (byte < 0x80) return [low >>> 0, high >>> 0]
    }
    throw new ProtocolError({ reason: "a varint is longer than ten bytes" })
  }

  /** A field's number and wire type, or undefined at the end of the message. */
  tag(): { readonly field: number; readonly wire: number } | undefined {
    if (this.done) return undefined
    const value = this.uint()
    return { field: Math.floor(value / 8), wire: value % 8 }
  }

  /**
   * uint32, uint64 (exact up to 2^53), enum, bool. Read without `varint64`'s pair: this runs for
   * every tag and size of every command and message the broker sends.
   */
  uint(): number {
    const buffer = this.buffer
    const end = this.end
    let at = this.at
    let value = 0
    let scale = 1
    for (let count = 0; count < 10 && at < end; count++) {
      const byte = buffer[at++] as number
      value += (byte & 0x7f) * scale
      if (byte < 0x80) {
        this.at = at
        return value
      }
      scale *= 128
    }
    if (at >= end) throw new ProtocolError({ reason: "a protobuf field runs past the end of its message" })
    throw new ProtocolError({ reason: "a varint is longer than ten bytes" })
  }

  /** int32 and int64, whose negative values are ten-byte two's complements. */
  int(): number {
    const [low, high] = this.varint64()
    if ((high & 0x8000_0000) === 0) return high * two32 + low
    return -((~high >>> 0) * two32 + (~low >>> 0) + 1)
  }

  bool(): boolean {
    return this.uint() !== 0
  }

  /** A length-delimited field's bytes, as a view of the frame (no copy). */
  bytes(): Uint8Array {
    const length = this.uint()
    if (length > this.end - this.at) {
      throw new ProtocolError({ reason: `a field of ${length} bytes runs past the end of its message` })
    }
    const view = this.buffer.subarray(this.at, this.at + length)
    this.at += length
    return view
  }

  string(): string {
    return textDecoder.decode(this.bytes())
  }

  /** A nested message's own reader. */
  message(): Reader {
    const view = this.bytes()
    return new Reader(view)
  }

  skip(wire: number): void {
    switch (wire) {
      case Wire.Varint:
        this.varint64()
        return
      case Wire.Fixed64:
        this.advance(8)
        return
      case Wire.Delimited:
        this.bytes()
        return
      case Wire.Fixed32:
        this.advance(4)
        return
      default:
        throw new ProtocolError({ reason: `unknown protobuf wire type ${wire}` })
    }
  }

  private advance(count: number): void {
    if (count > this.end - this.at) throw new ProtocolError({ reason: "a fixed-size field runs past its message" })
    this.at += count
  }

  /**
   * A repeated 64-bit field kept as bits (a bit set), as its low and high 32-bit words: one value
   * (unpacked) or a length-delimited run of values (packed); proto2 writers use the first, and a
   * reader must take both.
   */
  repeatedWords(wire: number, into: Array<number>): void {
    const one = (reader: Reader) => {
      const [low, high] = reader.varint64()
      into.push(low, high)
    }
    if (wire !== Wire.Delimited) return one(this)
    const packed = this.message()
    while (!packed.done) one(packed)
  }
}
