/**
 * What one entry pushed by the broker holds: a single message, or a batch of them (producers
 * with batching on, as TrustGraph's processors run, put many messages in one entry), possibly
 * compressed as a whole.
 */
import { constants as zlibConstants, inflateSync, zstdDecompressSync } from "node:zlib"
import { lz4BlockDecompress, snappyDecompress } from "./codecs.ts"
import { Compression, compressionName, decodeMetadata, decodeSingleMetadata } from "./commands.ts"
import { ProtocolError } from "./protobuf.ts"

export interface EntryMessage {
  /** The place in the batch, or -1 for an entry that is not a batch. */
  readonly batchIndex: number
  readonly payload: Uint8Array
  readonly properties: Readonly<Record<string, string>>
}

export interface Entry {
  /** How many messages the entry holds (the broker counted that many permits for it). */
  readonly size: number
  /** Those to hand out: compacted-out members are left out. */
  readonly messages: ReadonlyArray<EntryMessage>
}

/**
 * Every codec Pulsar's producers offer: zlib and zstd come with Node, LZ4 and Snappy are decoded
 * here (`codecs.ts`). An entry with a codec this adapter does not know is refused by name, rather
 * than handed out as bytes no one can read.
 */
const decompress = (compression: number, data: Uint8Array, uncompressedSize: number, maxSize: number): Uint8Array => {
  if (compression === Compression.NONE) return data
  // As Pulsar's own consumers do: no message decompresses to more than the broker takes.
  if (uncompressedSize > maxSize) {
    throw new ProtocolError({
      reason: `the message says it decompresses to ${uncompressedSize.toLocaleString("en-US")} bytes, above the broker's limit of ${maxSize.toLocaleString("en-US")}`
    })
  }
  let plain: Uint8Array
  try {
    switch (compression) {
      case Compression.ZLIB:
        // Pulsar's Java client flushes its zlib stream without finishing it (no last block, no
        // checksum): read up to where the data ends, as its own consumer does.
        plain = inflateSync(data, {
          maxOutputLength: Math.max(1, uncompressedSize),
          finishFlush: zlibConstants.Z_SYNC_FLUSH
        })
        break
      case Compression.ZSTD:
        plain = zstdDecompressSync(data, { maxOutputLength: Math.max(1, uncompressedSize) })
        break
      case Compression.LZ4:
        plain = lz4BlockDecompress(data, uncompressedSize)
        break
      case Compression.SNAPPY:
        plain = snappyDecompress(data, uncompressedSize)
        break
      default:
        throw new ProtocolError({
          reason: `the message is compressed with ${compressionName(compression)}, which this adapter cannot read (it reads LZ4, zlib, zstd and Snappy)`
        })
    }
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause
    throw new ProtocolError({
      reason: `the ${compressionName(compression)}-compressed message cannot be decompressed: ${cause instanceof Error ? cause.message : String(cause)}`
    })
  }
  if (plain.length !== uncompressedSize) {
    throw new ProtocolError({
      reason: `the message decompressed to ${plain.length} bytes where its metadata says ${uncompressedSize}`
    })
  }
  return plain
}

/**
 * Splits an entry's payload section into its messages. `maxSize` bounds what a compressed entry
 * may decompress to: the broker's message size limit.
 */
export const unpackEntry = (metadataBytes: Uint8Array, data: Uint8Array, maxSize: number): Entry => {
  const metadata = decodeMetadata(metadataBytes)
  const plain = decompress(metadata.compression, data, metadata.uncompressedSize, maxSize)
  if (metadata.numMessagesInBatch === undefined) {
    return { size: 1, messages: [{ batchIndex: -1, payload: plain, properties: metadata.properties }] }
  }
  const size = metadata.numMessagesInBatch
  const view = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
  const messages: Array<EntryMessage> = []
  let at = 0
  for (let index = 0; index < size; index++) {
    if (view.length - at < 4) {
      throw new ProtocolError({ reason: `a batch of ${size} messages ends after ${index} of them` })
    }
    const singleLength = view.readUInt32BE(at)
    const singleEnd = at + 4 + singleLength
    if (singleEnd > view.length) {
      throw new ProtocolError({ reason: `batch member ${index}'s metadata runs past the end of the batch` })
    }
    const single = decodeSingleMetadata(view.subarray(at + 4, singleEnd))
    const payloadEnd = singleEnd + single.payloadSize
    if (payloadEnd > view.length) {
      throw new ProtocolError({ reason: `batch member ${index}'s payload runs past the end of the batch` })
    }
    if (!single.compactedOut) {
      messages.push({ batchIndex: index, payload: view.subarray(singleEnd, payloadEnd), properties: single.properties })
    }
    at = payloadEnd
  }
  return { size, messages }
}
