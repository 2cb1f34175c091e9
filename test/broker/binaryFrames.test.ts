/**
 * Pulsar's binary protocol below the adapter: frames cut out of a byte stream however it was
 * split, the payload section's CRC32C, the protobuf fields the commands use, and entries that
 * hold a batch of messages, compressed or not. No broker is needed.
 */
import { constants as zlibConstants, deflateSync, zstdCompressSync } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  Compression,
  CommandType,
  decodeCommand,
  decodeMetadata,
  encodeMetadata
} from "../../src/layers/broker/binary/commands.ts"
import { commandFrame, FrameReader, parseFrame, payloadFrame } from "../../src/layers/broker/binary/frames.ts"
import { lz4BlockDecompress, snappyDecompress } from "../../src/layers/broker/binary/codecs.ts"
import { unpackEntry } from "../../src/layers/broker/binary/messages.ts"
import { ProtocolError, Reader, Writer } from "../../src/layers/broker/binary/protobuf.ts"
import { batchPayload } from "../support/binaryBroker.ts"

const Byte = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 255 }))

const FrameSpec = Schema.Struct({
  id: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2 ** 40 })),
  /** Absent: a frame with a command only (a send receipt); present: a message with its payload. */
  payload: Schema.optional(Schema.Array(Byte)),
  properties: Schema.Record(Schema.String, Schema.String)
})
type FrameSpec = typeof FrameSpec.Type

/** MESSAGE as the broker sends it. */
const messageCommand = (consumerId: number, ledgerId: number, entryId: number, redeliveryCount = 0) =>
  new Writer()
    .uint(1, CommandType.MESSAGE)
    .message(CommandType.MESSAGE, (w) => {
      w.uint(1, consumerId)
        .message(2, (id) => id.uint(1, ledgerId).uint(2, entryId))
        .uint(3, redeliveryCount)
    })
    .finish()

const receiptCommand = (producerId: number, sequenceId: number) =>
  new Writer()
    .uint(1, CommandType.SEND_RECEIPT)
    .message(CommandType.SEND_RECEIPT, (w) => {
      w.uint(1, producerId)
        .uint(2, sequenceId)
        .message(3, (id) => id.uint(1, 7).uint(2, sequenceId))
    })
    .finish()

const frameOf = (spec: FrameSpec): Array<Uint8Array> =>
  spec.payload === undefined
    ? [commandFrame(receiptCommand(3, spec.id))]
    : [
        ...payloadFrame(
          messageCommand(4, 9, spec.id),
          encodeMetadata({ producerName: "p", sequenceId: spec.id, publishTime: 1, properties: spec.properties }),
          Uint8Array.from(spec.payload)
        )
      ]

/** Properties as UTF-8 carries them: a lone surrogate, which has no UTF-8 form, becomes U+FFFD. */
const asUtf8 = (properties: Readonly<Record<string, string>>) =>
  Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [Buffer.from(key).toString(), Buffer.from(value).toString()])
  )

/** The stream cut at the given offsets (taken modulo its length), as a socket might deliver it. */
const cut = (stream: Buffer, cuts: ReadonlyArray<number>): Array<Buffer> => {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
  const chunks: Array<Buffer> = []
  let from = 0
  for (const point of [...points, stream.length]) {
    if (point > from) chunks.push(stream.subarray(from, point))
    from = point
  }
  return chunks
}

/** Where the network cuts a stream of frames. */
const Cuts = Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 })))

/** The frames' byte stream, and a reader for it. */
const streamOf = (specs: ReadonlyArray<FrameSpec>) => ({
  stream: Buffer.concat(specs.flatMap(frameOf)),
  reader: new FrameReader(() => 5 * 1024 * 1024)
})

describe("Pulsar binary frames", () => {
  it.prop(
    "frames cut anywhere in the byte stream are read back whole, in order, with their checksums matching",
    [Schema.Array(FrameSpec), Cuts],
    ([specs, cuts]) => {
      const { stream, reader } = streamOf(specs)
      const frames = cut(stream, cuts).flatMap((chunk) => reader.push(chunk))
      assert.strictEqual(frames.length, specs.length)
      specs.forEach((spec, i) => {
        const frame = frames[i]!
        const command = decodeCommand(frame.command)
        if (spec.payload === undefined) {
          assert.isUndefined(frame.payload)
          assert.deepInclude(command, { type: CommandType.SEND_RECEIPT, producerId: 3, sequenceId: spec.id })
          return
        }
        assert.deepInclude(command, { type: CommandType.MESSAGE, consumerId: 4 })
        assert.deepInclude(command?.type === CommandType.MESSAGE ? command.messageId : {}, {
          ledgerId: 9,
          entryId: spec.id
        })
        assert.isTrue(frame.payload?.checksumMatches)
        assert.deepStrictEqual([...(frame.payload?.data ?? [])], spec.payload)
        assert.deepStrictEqual(decodeMetadata(frame.payload!.metadata).properties, asUtf8(spec.properties))
      })
    },
    { arbitrary: { runs: 200 } }
  )

  it.prop(
    "frames read through one buffer that each read overwrites come out whole, each in memory of its own",
    [Schema.Array(FrameSpec), Cuts],
    ([specs, cuts]) => {
      const { stream, reader } = streamOf(specs)
      // As a socket with `onread` delivers: every chunk in the same buffer, filled again at once.
      const readBuffer = Buffer.alloc(stream.length + 1)
      const frames = cut(stream, cuts).flatMap((chunk) => {
        chunk.copy(readBuffer)
        const read = reader.push(readBuffer.subarray(0, chunk.length))
        readBuffer.fill(0xaa)
        return read
      })
      assert.strictEqual(frames.length, specs.length)
      let at = 0
      specs.forEach((spec, i) => {
        const frame = frames[i]!
        const whole = stream.subarray(at, at + frame.bytes.length)
        at += frame.bytes.length
        assert.deepStrictEqual(frame.bytes, whole)
        assert.strictEqual(frame.bytes.buffer.byteLength, frame.bytes.length, "the frame's memory holds it alone")
        assert.strictEqual(
          decodeCommand(frame.command)?.type,
          spec.payload === undefined ? CommandType.SEND_RECEIPT : CommandType.MESSAGE
        )
        if (spec.payload !== undefined) assert.deepStrictEqual([...(frame.payload?.data ?? [])], spec.payload)
      })
      assert.strictEqual(at, stream.length)
    },
    { arbitrary: { runs: 200 } }
  )

  it("a property named __proto__ is read as a property, not as the object's prototype", () => {
    const frame = parseFrame(Buffer.concat(frameOf({ id: 1, payload: [], properties: { ["__proto__"]: "x", a: "b" } })))
    const properties = decodeMetadata(frame.payload!.metadata).properties
    assert.deepStrictEqual(Object.entries(properties), [
      ["__proto__", "x"],
      ["a", "b"]
    ])
  })

  it("a stream delivered one byte at a time gives the same frames", () => {
    const stream = Buffer.concat([
      ...frameOf({ id: 1, payload: [1, 2, 3], properties: { a: "b" } }),
      ...frameOf({ id: 2, properties: {} })
    ])
    const reader = new FrameReader(() => 1024)
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])))
    assert.strictEqual(frames.length, 2)
    assert.deepStrictEqual([...(frames[0]?.payload?.data ?? [])], [1, 2, 3])
  })

  it("a payload or metadata byte changed on the way fails the checksum; the command is still read", () => {
    const whole = Buffer.concat(frameOf({ id: 5, payload: [10, 20, 30, 40], properties: { k: "v" } }))
    assert.isTrue(parseFrame(whole).payload?.checksumMatches)
    const payloadDamaged = Buffer.from(whole)
    payloadDamaged[payloadDamaged.length - 2]! ^= 0x01
    const damaged = parseFrame(payloadDamaged)
    assert.isFalse(damaged.payload?.checksumMatches)
    assert.deepInclude(decodeCommand(damaged.command), { type: CommandType.MESSAGE })
    const metadataDamaged = Buffer.from(whole)
    // The last metadata byte sits just before the 4 payload bytes.
    metadataDamaged[metadataDamaged.length - 5]! ^= 0x80
    assert.isFalse(parseFrame(metadataDamaged).payload?.checksumMatches)
  })

  it("a frame whose size is above the limit is refused, naming both sizes", () => {
    const reader = new FrameReader(() => 1000)
    const head = Buffer.alloc(8)
    head.writeUInt32BE(5000, 0)
    assert.throws(() => reader.push(head), ProtocolError, /5,000 bytes is above the 1,000/)
  })

  it("a command size that does not fit in its frame is refused", () => {
    const frame = Buffer.alloc(12)
    frame.writeUInt32BE(8, 0)
    frame.writeUInt32BE(100, 4)
    assert.throws(() => parseFrame(frame), ProtocolError, /command of 100 bytes does not fit/)
  })
})

describe("Pulsar binary protobuf fields", () => {
  it("a negative int64 (the broker's last sequence id -1) and uint64 values above 2^32 read back exactly", () => {
    const bytes = new Writer()
      .uint(1, CommandType.PRODUCER_SUCCESS)
      .message(CommandType.PRODUCER_SUCCESS, (w) =>
        w
          .uint(1, 2 ** 40 + 5)
          .string(2, "name")
          .uint(3, -1)
      )
      .finish()
    assert.deepInclude(decodeCommand(bytes), {
      type: CommandType.PRODUCER_SUCCESS,
      requestId: 2 ** 40 + 5,
      producerName: "name",
      lastSequenceId: -1
    })
  })

  it.prop(
    "unsigned varints of every length up to 2^53 and field numbers of every size read back exactly",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 63 })),
      Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2 ** 29 - 1 }))
    ],
    ([bits, fraction, field]) => {
      // A value of about `bits` bits, so that every varint length from one byte to eight comes up.
      const value = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(fraction * 2 ** Math.min(bits, 53)))
      const reader = new Reader(new Writer().uint(field, value).finish())
      assert.deepStrictEqual(reader.tag(), { field, wire: 0 })
      assert.strictEqual(reader.uint(), value)
      assert.isTrue(reader.done)
    },
    { arbitrary: { runs: 500 } }
  )

  it("a varint longer than ten bytes is refused", () => {
    const bytes = new Uint8Array([0x08, ...Array.from({ length: 11 }, () => 0xff), 0x01])
    const reader = new Reader(bytes)
    reader.tag()
    assert.throws(() => reader.uint(), ProtocolError, "longer than ten bytes")
  })

  it("a field that runs past its message is refused", () => {
    const bytes = new Writer().string(2, "abc").finish()
    assert.throws(() => {
      const reader = new Reader(bytes.subarray(0, bytes.length - 1))
      reader.tag()
      reader.string()
    }, ProtocolError)
  })

  it("packed and unpacked repeated 64-bit fields read the same words", () => {
    const value = 2 ** 33 + 3
    const unpacked = new Writer().uint(4, value).finish()
    const packedBody = new Writer().uint(1, value).finish().subarray(1)
    const packed = new Writer().bytes(4, packedBody).finish()
    for (const bytes of [unpacked, packed]) {
      const reader = new Reader(bytes)
      const tag = reader.tag()!
      const words: Array<number> = []
      reader.repeatedWords(tag.wire, words)
      assert.deepStrictEqual(words, [3, 2])
    }
  })
})

const batchMetadata = (count: number, compression: number, uncompressedSize: number) => {
  const w = new Writer().string(1, "p").uint(2, 1).uint(3, 1)
  if (compression !== Compression.NONE) w.uint(8, compression).uint(9, uncompressedSize)
  return w.uint(11, count).finish()
}

/** The broker's message size limit the entries are read under: Pulsar's default. */
const limit = 5 * 1024 * 1024

describe("Pulsar binary entries", () => {
  const members = [{ text: "first", properties: { k: "1" } }, { text: "" }, { text: "third", properties: { k: "3" } }]
  const plain = batchPayload(members)

  for (const [name, compression, compress] of [
    ["uncompressed", Compression.NONE, (b: Buffer) => b],
    ["zlib", Compression.ZLIB, (b: Buffer) => deflateSync(b)],
    ["zstd", Compression.ZSTD, (b: Buffer) => zstdCompressSync(b)]
  ] as const) {
    it(`a ${name} batch is split into its messages, each with its own properties and place`, () => {
      const entry = unpackEntry(batchMetadata(3, compression, plain.length), compress(plain), limit)
      assert.strictEqual(entry.size, 3)
      assert.deepStrictEqual(
        entry.messages.map((m) => [m.batchIndex, Buffer.from(m.payload).toString(), m.properties]),
        [
          [0, "first", { k: "1" }],
          [1, "", {}],
          [2, "third", { k: "3" }]
        ]
      )
    })
  }

  for (const [how, finishFlush] of [
    ["finished", zlibConstants.Z_FINISH],
    ["flushed but not finished, as Pulsar's Java client writes it,", zlibConstants.Z_SYNC_FLUSH]
  ] as const) {
    it(`a single zlib-compressed message, its stream ${how} is decompressed`, () => {
      const payload = Buffer.from("x".repeat(5000))
      const metadata = new Writer()
        .string(1, "p")
        .uint(2, 1)
        .uint(3, 1)
        .uint(8, Compression.ZLIB)
        .uint(9, payload.length)
        .finish()
      const entry = unpackEntry(metadata, deflateSync(payload, { finishFlush }), limit)
      assert.strictEqual(entry.size, 1)
      assert.strictEqual(Buffer.from(entry.messages[0]!.payload).toString(), payload.toString())
    })
  }

  it("a member removed by compaction is not handed out, but counted", () => {
    const entry = unpackEntry(
      batchMetadata(2, Compression.NONE, 0),
      batchPayload([{ text: "gone", compactedOut: true }, { text: "kept" }]),
      limit
    )
    assert.strictEqual(entry.size, 2)
    assert.deepStrictEqual(
      entry.messages.map((m) => [m.batchIndex, Buffer.from(m.payload).toString()]),
      [[1, "kept"]]
    )
  })

  it("a codec the adapter does not know is refused by name, saying which it reads", () => {
    assert.throws(
      () => unpackEntry(batchMetadata(3, 9, plain.length), plain, limit),
      ProtocolError,
      /compressed with compression 9, which this adapter cannot read \(it reads LZ4, zlib, zstd and Snappy\)/
    )
  })

  it("an entry announcing more than the broker's limit once decompressed is refused before anything is allocated", () => {
    for (const compression of [Compression.LZ4, Compression.SNAPPY, Compression.ZLIB, Compression.ZSTD]) {
      assert.throws(
        () => unpackEntry(batchMetadata(3, compression, 2 ** 40), plain, limit),
        ProtocolError,
        /decompresses to 1,099,511,627,776 bytes, above the broker's limit of 5,242,880/
      )
    }
  })

  it("an LZ4 or Snappy batch (literals only, as a test can write it) is split into its messages", () => {
    for (const [compression, data] of [
      [Compression.LZ4, lz4Literals(plain)],
      [Compression.SNAPPY, snappyLiterals(plain)]
    ] as const) {
      const entry = unpackEntry(batchMetadata(3, compression, plain.length), data, limit)
      assert.deepStrictEqual(
        entry.messages.map((m) => Buffer.from(m.payload).toString()),
        members.map((m) => m.text)
      )
    }
  })

  it("a batch shorter than its count, or a size that disagrees with the data, is refused", () => {
    assert.throws(
      () => unpackEntry(batchMetadata(4, Compression.NONE, 0), plain, limit),
      ProtocolError,
      /a batch of 4 messages ends after 3/
    )
    assert.throws(
      () => unpackEntry(batchMetadata(3, Compression.ZLIB, plain.length + 1), deflateSync(plain), limit),
      ProtocolError,
      /decompressed to \d+ bytes where its metadata says/
    )
  })
})

/** An LZ4 block of one literals-only sequence: valid, if not compressed. */
const lz4Literals = (data: Uint8Array): Uint8Array => {
  const extra: Array<number> = []
  if (data.length >= 15) {
    let rest = data.length - 15
    for (; rest >= 255; rest -= 255) extra.push(255)
    extra.push(rest)
  }
  return Uint8Array.from([Math.min(data.length, 15) << 4, ...extra, ...data])
}

/** A raw Snappy block of literals, in chunks of at most 60 bytes (the short literal form). */
const snappyLiterals = (data: Uint8Array): Uint8Array => {
  const bytes: Array<number> = []
  for (let rest = data.length; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) {
      bytes.push(rest)
      break
    }
    bytes.push((rest % 128) | 0x80)
  }
  for (let at = 0; at < data.length; at += 60) {
    const chunk = data.subarray(at, at + 60)
    bytes.push((chunk.length - 1) << 2, ...chunk)
  }
  return Uint8Array.from(bytes)
}

const ascii = (value: string) => Uint8Array.from(Buffer.from(value, "latin1"))

describe("Pulsar binary codecs (LZ4 blocks, raw Snappy)", () => {
  it("LZ4: a match that overlaps its own output repeats it; long literal lengths take extra bytes", () => {
    // "ab", then 6 bytes copied from 2 back: token 2 literals / 6-4 match.
    assert.strictEqual(
      Buffer.from(lz4BlockDecompress(Uint8Array.from([0x22, 0x61, 0x62, 2, 0]), 8)).toString(),
      "abababab"
    )
    const long = Uint8Array.from({ length: 300 }, (_, i) => i % 251)
    assert.deepStrictEqual([...lz4BlockDecompress(lz4Literals(long), 300)], [...long])
    // A match length above 15: 4 + 15 + 3 = 22 copies of "a" after it.
    const runs = lz4BlockDecompress(Uint8Array.from([0x1f, 0x61, 1, 0, 3]), 23)
    assert.strictEqual(Buffer.from(runs).toString(), "a".repeat(23))
  })

  it("LZ4: a match before the start, a block cut short or a size that disagrees is refused", () => {
    assert.throws(
      () => lz4BlockDecompress(Uint8Array.from([0x22, 0x61, 0x62, 5, 0]), 8),
      ProtocolError,
      /5 bytes back at byte 2/
    )
    assert.throws(
      () => lz4BlockDecompress(Uint8Array.from([0x22, 0x61, 0x62, 2]), 8),
      ProtocolError,
      /ends inside a sequence/
    )
    assert.throws(
      () => lz4BlockDecompress(Uint8Array.from([0x22, 0x61, 0x62, 2, 0]), 7),
      ProtocolError,
      /runs past the 7 bytes/
    )
    assert.throws(
      () => lz4BlockDecompress(lz4Literals(ascii("abc")), 4),
      ProtocolError,
      /3 bytes where 4 were announced/
    )
  })

  it("Snappy: copies with one- and two-byte offsets, and a literal longer than 60 bytes", () => {
    // Length 8; literal "ab"; copy of 6 from 2 back, as copy-1 and as copy-2.
    const copy1 = snappyDecompress(Uint8Array.from([8, 0x04, 0x61, 0x62, (2 << 2) | 1, 2]), 8)
    const copy2 = snappyDecompress(Uint8Array.from([8, 0x04, 0x61, 0x62, (5 << 2) | 2, 2, 0]), 8)
    assert.strictEqual(Buffer.from(copy1).toString(), "abababab")
    assert.strictEqual(Buffer.from(copy2).toString(), "abababab")
    const long = Uint8Array.from({ length: 100 }, (_, i) => 32 + (i % 90))
    const encoded = Uint8Array.from([100, 60 << 2, 99, ...long])
    assert.deepStrictEqual([...snappyDecompress(encoded, 100)], [...long])
  })

  it("Snappy: a length other than the metadata's is refused before the output is allocated", () => {
    assert.throws(
      () => snappyDecompress(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 8),
      ProtocolError,
      /announces 4294967295 bytes where the metadata says 8/
    )
  })

  it("Snappy: a copy before the start or an output shorter than its length is refused", () => {
    assert.throws(
      () => snappyDecompress(Uint8Array.from([8, 0x04, 0x61, 0x62, (2 << 2) | 1, 3]), 8),
      ProtocolError,
      /3 bytes back/
    )
    assert.throws(
      () => snappyDecompress(Uint8Array.from([9, 0x04, 0x61, 0x62, (2 << 2) | 1, 2]), 9),
      ProtocolError,
      /8 bytes where 9/
    )
  })

  it.prop(
    "any bytes given to either decoder give the announced size or a ProtocolError, never another failure",
    [Schema.Array(Byte), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4096 }))],
    ([bytes, size]) => {
      for (const decode of [
        () => lz4BlockDecompress(Uint8Array.from(bytes), size),
        () => snappyDecompress(Uint8Array.from(bytes), size)
      ]) {
        try {
          decode()
        } catch (error) {
          assert.instanceOf(error, ProtocolError)
        }
      }
    },
    { arbitrary: { runs: 500 } }
  )

  it.prop("literal-only blocks of any bytes decode to those bytes", [Schema.Array(Byte)], ([bytes]) => {
    const data = Uint8Array.from(bytes)
    assert.deepStrictEqual([...lz4BlockDecompress(lz4Literals(data), data.length)], bytes)
    assert.deepStrictEqual([...snappyDecompress(snappyLiterals(data), data.length)], bytes)
  })
})
