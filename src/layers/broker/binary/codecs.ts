/**
 * Decoders of the two codecs Pulsar producers may use that Node does not carry: LZ4 (a raw block,
 * as Pulsar's clients write it with the uncompressed size in the message's metadata) and Snappy
 * (raw, with its length as a leading varint). Both formats are small and fixed, and the only
 * packages for them in the registry are either native addons or unmaintained for years; decoding
 * is all the adapter needs. Every length and offset is checked: a corrupt or hostile message is
 * refused, never read past its bounds.
 */
import { ProtocolError } from "./protobuf.ts"

const corrupt = (codec: string, reason: string) => new ProtocolError({ reason: `corrupt ${codec} data: ${reason}` })

/** Copies `length` bytes from `offset` back in the output, byte by byte: the two may overlap. */
const copyBack = (codec: string, output: Uint8Array, at: number, offset: number, length: number): number => {
  if (offset === 0 || offset > at) throw corrupt(codec, `a match ${offset} bytes back at byte ${at} of the output`)
  if (at + length > output.length) throw corrupt(codec, `a match runs past the ${output.length} bytes announced`)
  for (let i = 0; i < length; i++) output[at + i] = output[at - offset + i] as number
  return at + length
}

const copyLiterals = (
  codec: string,
  input: Uint8Array,
  from: number,
  output: Uint8Array,
  at: number,
  length: number
) => {
  if (from + length > input.length) throw corrupt(codec, "literals run past the end of the input")
  if (at + length > output.length) throw corrupt(codec, `literals run past the ${output.length} bytes announced`)
  output.set(input.subarray(from, from + length), at)
}

/** An LZ4 block (no frame) that decompresses to exactly `size` bytes. */
export const lz4BlockDecompress = (input: Uint8Array, size: number): Uint8Array => {
  const output = new Uint8Array(size)
  let from = 0
  let at = 0
  const byte = () => {
    if (from >= input.length) throw corrupt("LZ4", "the block ends inside a sequence")
    return input[from++] as number
  }
  const extend = (length: number) => {
    if (length !== 15) return length
    let total = length
    for (let next = 255; next === 255; total += next) next = byte()
    return total
  }
  while (from < input.length) {
    const token = byte()
    const literals = extend(token >> 4)
    copyLiterals("LZ4", input, from, output, at, literals)
    from += literals
    at += literals
    // The last sequence has literals only.
    if (from >= input.length) break
    const offset = byte() | (byte() << 8)
    at = copyBack("LZ4", output, at, offset, extend(token & 15) + 4)
  }
  if (at !== size) throw corrupt("LZ4", `${at} bytes where ${size} were announced`)
  return output
}

/**
 * A raw Snappy block: its uncompressed length as a varint, then literals and copies. That length
 * must be `size`, the one the message's metadata announces (and the caller has bounded), before
 * anything is allocated for it.
 */
export const snappyDecompress = (input: Uint8Array, size: number): Uint8Array => {
  let from = 0
  const byte = () => {
    if (from >= input.length) throw corrupt("Snappy", "the block ends inside an element")
    return input[from++] as number
  }
  let announced = 0
  for (let shift = 0, next = 0x80; next >= 0x80; shift += 7) {
    if (shift > 28) throw corrupt("Snappy", "its length is not a varint of at most five bytes")
    next = byte()
    announced += (next & 0x7f) * 2 ** shift
  }
  if (announced !== size) throw corrupt("Snappy", `it announces ${announced} bytes where the metadata says ${size}`)
  const output = new Uint8Array(size)
  let at = 0
  const littleEndian = (count: number) => {
    let value = 0
    for (let i = 0; i < count; i++) value += byte() * 2 ** (8 * i)
    return value
  }
  while (from < input.length) {
    const tag = byte()
    switch (tag & 3) {
      case 0: {
        const short = tag >> 2
        const length = (short < 60 ? short : littleEndian(short - 59)) + 1
        copyLiterals("Snappy", input, from, output, at, length)
        from += length
        at += length
        break
      }
      case 1: {
        const length = ((tag >> 2) & 7) + 4
        at = copyBack("Snappy", output, at, ((tag >> 5) << 8) | byte(), length)
        break
      }
      case 2:
        at = copyBack("Snappy", output, at, littleEndian(2), (tag >> 2) + 1)
        break
      default:
        at = copyBack("Snappy", output, at, littleEndian(4), (tag >> 2) + 1)
    }
  }
  if (at !== size) throw corrupt("Snappy", `${at} bytes where ${size} were announced`)
  return output
}
