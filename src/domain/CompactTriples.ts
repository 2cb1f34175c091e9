/**
 * Triples in the compact layout, rewritten byte for byte: client frames into records (import)
 * and records into client frames (export), the fast path both ways.
 *
 * The compact layout is one exact way of writing the JSON: no whitespace, keys in the reference's
 * order — what `JSON.stringify` writes, so what tg-gateway's own client and most JavaScript
 * clients send and tg-gateway's own record writer produces, a record's empty fields written out.
 * (Python's `json.dumps` puts spaces after separators: such frames and records take the text
 * paths in `TriplesTranscoder.ts`.) The bytes are matched piece by piece against constant byte
 * strings and string values copied as they are, so nothing is decoded into a JavaScript string,
 * built as objects or encoded again. Done on text, flattening and encoding the output cost as
 * much as the rewriting, and the strings built for a record of 36 KB kept the garbage collector
 * busy (measured on imports: an eighth of the gateway's CPU before, a fiftieth after).
 *
 * It gives up (`undefined`) on anything it is not sure of — whitespace, another key
 * order, a key written with escapes, a value of an unexpected type, nesting deeper than
 * `MAX_NESTING_DEPTH`, bytes that are not UTF-8 — and the caller takes the general path, which
 * decides and explains. Where it answers, it answers exactly what the general path would: property
 * tests hold the two equal.
 */
import { isUtf8 } from "node:buffer"
import { MAX_NESTING_DEPTH } from "./Limits.ts"
import { ownedBytes } from "./OwnedBytes.ts"

const QUOTE = 0x22
const BACKSLASH = 0x5c
const SPACE = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const COLON = 0x3a
const COMMA = 0x2c
const LEFT_BRACE = 0x7b
const RIGHT_BRACE = 0x7d

// Nesting levels as `MAX_NESTING_DEPTH` counts them: the document is level 1, its metadata and
// triples array level 2, each triple level 3, its terms level 4; a quoted triple is one level
// below its term.
const TRIPLE_LEVEL = 3

/** What the rewriter reads between calls: nothing, so that it holds no document alive. */
const NO_INPUT = new Uint8Array(0)
const NO_VIEW = new DataView(NO_INPUT.buffer)

/** The output buffer starts at this size and, after a larger document, goes back to it. */
const SCRATCH_BYTES = 256 * 1024

/**
 * A constant piece of the layouts (ASCII, one byte per character), with its whole 4-byte words:
 * the rewriter compares and writes four bytes at a time, a byte loop costing about a nanosecond
 * per byte here.
 */
interface Piece {
  readonly bytes: Uint8Array
  /** The piece's whole 4-byte words, little-endian. */
  readonly words: Int32Array
}

const piece = (text: string): Piece => {
  const pieceBytes = Uint8Array.from(text, (c) => c.charCodeAt(0))
  const view = new DataView(pieceBytes.buffer)
  const words = Int32Array.from({ length: pieceBytes.length >> 2 }, (_, i) => view.getInt32(4 * i, true))
  return { bytes: pieceBytes, words }
}

/**
 * Whether a 4-byte word holds a byte a JSON string cannot copy as it is: a quote, a backslash or
 * a control character. Each test is the usual "has a zero byte" trick (on the word XORed with the
 * byte, or less than 0x20); bytes of 0x80 and above, UTF-8 beyond ASCII, never match.
 */
const holdsStringEnd = (word: number): boolean => {
  const quote = word ^ 0x22222222
  const backslash = word ^ 0x5c5c5c5c
  return (
    ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((word - 0x20202020) & ~word)) &
      0x80808080) !==
    0
  )
}

const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

/** `\" \\ \/ \b \f \n \r \t`: the escapes JSON allows besides `\uXXXX`. */
const isShortEscape = (c: number) =>
  c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74

/**
 * Reads the input and writes the output at the same time. One instance serves every call: the
 * rewriting is synchronous, and its output buffer is reused.
 */
class Rewriter {
  input: Uint8Array = NO_INPUT
  view: DataView = NO_VIEW
  at = 0
  out = new Uint8Array(SCRATCH_BYTES)
  outView = new DataView(this.out.buffer)
  length = 0
  /** Whether the last string scanned held an escape. */
  escaped = false

  start(input: Uint8Array): void {
    this.input = input
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength)
    this.at = 0
    this.length = 0
  }

  /**
   * The output so far, in memory of its own (so that its reader can release it when done, see
   * OwnedBytes.ts); the scratch buffer shrinks back after a large one.
   */
  result(): Buffer {
    const result = ownedBytes(this.length)
    result.set(this.out.subarray(0, this.length))
    this.release()
    return result
  }

  release(): void {
    this.input = NO_INPUT
    this.view = NO_VIEW
    if (this.out.length > SCRATCH_BYTES) this.useOutput(new Uint8Array(SCRATCH_BYTES))
  }

  private useOutput(out: Uint8Array<ArrayBuffer>): void {
    this.out = out
    this.outView = new DataView(out.buffer)
  }

  private reserve(count: number): void {
    if (this.length + count <= this.out.length) return
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + count))
    grown.set(this.out.subarray(0, this.length))
    this.useOutput(grown)
  }

  /** Consumes `piece` if the input continues with exactly it. */
  expect(piece: Piece): boolean {
    const at = this.at
    const pieceBytes = piece.bytes
    const count = pieceBytes.length
    if (at + count > this.input.length) return false
    const view = this.view
    const words = piece.words
    for (let i = 0; i < words.length; i++) if (view.getInt32(at + 4 * i, true) !== words[i]) return false
    const input = this.input
    for (let i = words.length * 4; i < count; i++) if (input[at + i] !== pieceBytes[i]) return false
    this.at = at + count
    return true
  }

  /** Consumes one byte if it is `code`. */
  eat(code: number): boolean {
    if (this.input[this.at] !== code) return false
    this.at++
    return true
  }

  /** Whether only whitespace is left. */
  end(): boolean {
    const input = this.input
    let at = this.at
    for (let c = input[at]; c === SPACE || c === LF || c === CR || c === TAB; c = input[++at]);
    return at === input.length
  }

  /** Index just past the JSON string at the cursor (consumed), or -1 if there is none. */
  string(): number {
    const input = this.input
    const length = input.length
    let at = this.at
    if (input[at] !== QUOTE) return -1
    this.escaped = false
    for (at++; at < length;) {
      const c = input[at] as number
      if (c === QUOTE) return (this.at = at + 1)
      if (c < SPACE) return -1
      if (c !== BACKSLASH) {
        at++
        continue
      }
      this.escaped = true
      const e = input[at + 1] as number
      if (e === 0x75) {
        // \uXXXX
        if (!isHex(input[at + 2] as number) || !isHex(input[at + 3] as number)) return -1
        if (!isHex(input[at + 4] as number) || !isHex(input[at + 5] as number)) return -1
        at += 6
      } else if (isShortEscape(e)) at += 2
      else return -1
    }
    return -1
  }

  /** Writes `piece`. */
  write(piece: Piece): void {
    const pieceBytes = piece.bytes
    const count = pieceBytes.length
    this.reserve(count)
    const outView = this.outView
    const words = piece.words
    let length = this.length
    for (let i = 0; i < words.length; i++, length += 4) outView.setInt32(length, words[i] as number, true)
    const out = this.out
    for (let i = words.length * 4; i < count; i++) out[length++] = pieceBytes[i] as number
    this.length = length
  }

  /** Copies the input from `from` to `to`. */
  copy(from: number, to: number): void {
    const count = to - from
    this.reserve(count)
    let length = this.length
    if (count < 64) {
      const view = this.view
      const outView = this.outView
      let at = from
      for (; at + 4 <= to; at += 4, length += 4) outView.setInt32(length, view.getInt32(at, true), true)
      const input = this.input
      const out = this.out
      for (; at < to; at++) out[length++] = input[at] as number
    } else {
      this.out.set(this.input.subarray(from, to), length)
      length += count
    }
    this.length = length
  }

  /**
   * Copies the string at the cursor; false if there is none. Strings without escapes, nearly all
   * of them, are scanned and copied in one pass, four bytes at a time up to the word that holds
   * the closing quote; one with an escape is checked by `string`.
   */
  copyString(): boolean {
    const input = this.input
    const from = this.at
    if (input[from] !== QUOTE) return false
    const end = input.length
    // A string is at most the rest of the input.
    this.reserve(end - from)
    const view = this.view
    const out = this.out
    const outView = this.outView
    let length = this.length
    out[length++] = QUOTE
    let at = from + 1
    for (; at + 4 <= end; at += 4, length += 4) {
      const word = view.getInt32(at, true)
      if (holdsStringEnd(word)) break
      outView.setInt32(length, word, true)
    }
    for (; at < end; at++) {
      const c = input[at] as number
      out[length++] = c
      if (c === QUOTE) {
        this.at = at + 1
        this.length = length
        return true
      }
      if (c < SPACE) return false
      if (c === BACKSLASH) break
    }
    // An escape or the end of the input: what was copied is written over.
    const to = this.string()
    if (to < 0) return false
    this.copy(from, to)
    return true
  }
}

const rewriter = new Rewriter()

// ---------------------------------------------------------------------------------------------
// The document and its metadata, the same both ways

const DOCUMENT_START = piece('{"metadata":')
const TRIPLES_START = piece(',"triples":[')
const DOCUMENT_END = piece("]}")
const ID = piece("id")
const ROOT = piece("root")
const COLLECTION = piece("collection")
const METADATA_ID = piece('{"id":')
const METADATA_ROOT = piece(',"root":')
const METADATA_COLLECTION = piece(',"collection":')
const EMPTY_STRING = piece('""')
const CLOSE = piece("}")
const COMMA_PIECE = piece(",")

const keyIs = (r: Rewriter, from: number, to: number, name: Piece): boolean => {
  const nameBytes = name.bytes
  if (to - from !== nameBytes.length) return false
  for (let i = 0; i < nameBytes.length; i++) if (r.input[from + i] !== nameBytes[i]) return false
  return true
}

/**
 * `metadata`: an object of string members, `id` and `collection` required, `root` optional,
 * others ignored (legacy clients send `user` and `metadata`); the last of a repeated key wins,
 * as in `JSON.parse`. Written as `{"id":…,"root":…,"collection":…}`.
 */
const metadata = (r: Rewriter): boolean => {
  if (!r.eat(LEFT_BRACE)) return false
  let id = -1
  let idEnd = -1
  let root = -1
  let rootEnd = -1
  let collection = -1
  let collectionEnd = -1
  for (;;) {
    const key = r.at
    const keyEnd = r.string()
    if (keyEnd < 0 || r.escaped || !r.eat(COLON)) return false
    const value = r.at
    const valueEnd = r.string()
    if (valueEnd < 0) return false
    // Key bytes without the quotes.
    if (keyIs(r, key + 1, keyEnd - 1, ID)) [id, idEnd] = [value, valueEnd]
    else if (keyIs(r, key + 1, keyEnd - 1, ROOT)) [root, rootEnd] = [value, valueEnd]
    else if (keyIs(r, key + 1, keyEnd - 1, COLLECTION)) [collection, collectionEnd] = [value, valueEnd]
    if (r.eat(COMMA)) continue
    if (r.eat(RIGHT_BRACE)) break
    return false
  }
  if (id < 0 || collection < 0) return false
  r.write(METADATA_ID)
  r.copy(id, idEnd)
  r.write(METADATA_ROOT)
  if (root < 0) r.write(EMPTY_STRING)
  else r.copy(root, rootEnd)
  r.write(METADATA_COLLECTION)
  r.copy(collection, collectionEnd)
  r.write(CLOSE)
  return true
}

/** Rewrites one triple at the given nesting level. */
type Triple = (r: Rewriter, level: number) => boolean

/** `{"metadata":…,"triples":[…]}` and nothing after it but whitespace, each triple rewritten. */
const document = (input: Uint8Array, triple: Triple): Buffer | undefined => {
  // Bytes that are not UTF-8 are the general path's to report.
  if (!isUtf8(input)) return undefined
  const r = rewriter
  r.start(input)
  let done = false
  try {
    if (!r.expect(DOCUMENT_START)) return undefined
    r.write(DOCUMENT_START)
    if (!metadata(r) || !r.expect(TRIPLES_START)) return undefined
    r.write(TRIPLES_START)
    if (!r.expect(DOCUMENT_END)) {
      for (;;) {
        if (!triple(r, TRIPLE_LEVEL)) return undefined
        if (r.eat(COMMA)) {
          r.write(COMMA_PIECE)
          continue
        }
        if (r.expect(DOCUMENT_END)) break
        return undefined
      }
    }
    if (!r.end()) return undefined
    r.write(DOCUMENT_END)
    done = true
    return r.result()
  } finally {
    if (!done) r.release()
  }
}

// ---------------------------------------------------------------------------------------------
// Export: processor record → client frame

const FRAME_IRI = piece('{"t":"i","i":')
const FRAME_LITERAL = piece('{"t":"l","v":')
const FRAME_BLANK = piece('{"t":"b","d":')
const FRAME_QUOTED = piece('{"t":"t","tr":')
const FRAME_DATATYPE = piece(',"dt":')
const FRAME_LANGUAGE = piece(',"ln":')

const RECORD_TERM = piece('{"type":"')
const RECORD_IRI_REST = piece('i","iri":')
const RECORD_AFTER_IRI = piece(',"id":"","value":"","datatype":"","language":"","triple":null}')
const RECORD_LITERAL_REST = piece('l","iri":"","id":"","value":')
const RECORD_DATATYPE = piece(',"datatype":')
const RECORD_LANGUAGE = piece(',"language":')
const RECORD_AFTER_LANGUAGE = piece(',"triple":null}')
const RECORD_BLANK_REST = piece('b","iri":"","id":')
const RECORD_AFTER_ID = piece(',"value":"","datatype":"","language":"","triple":null}')
const RECORD_QUOTED_REST = piece('t","iri":"","id":"","value":"","datatype":"","language":"","triple":')

const TRIPLE_S = piece('{"s":')
const TRIPLE_P = piece(',"p":')
const TRIPLE_O = piece(',"o":')
const TRIPLE_G = piece(',"g":')
const NULL_CLOSE = piece("null}")

const termToFrame = (r: Rewriter, level: number): boolean => {
  if (level > MAX_NESTING_DEPTH || !r.expect(RECORD_TERM)) return false
  if (r.expect(RECORD_IRI_REST)) {
    r.write(FRAME_IRI)
    if (!r.copyString() || !r.expect(RECORD_AFTER_IRI)) return false
    r.write(CLOSE)
    return true
  }
  if (r.expect(RECORD_LITERAL_REST)) {
    r.write(FRAME_LITERAL)
    if (!r.copyString() || !r.expect(RECORD_DATATYPE)) return false
    // An empty datatype or language is left out of the frame.
    const datatype = r.at
    const datatypeEnd = r.string()
    if (datatypeEnd < 0) return false
    if (datatypeEnd - datatype > 2) {
      r.write(FRAME_DATATYPE)
      r.copy(datatype, datatypeEnd)
    }
    if (!r.expect(RECORD_LANGUAGE)) return false
    const language = r.at
    const languageEnd = r.string()
    if (languageEnd < 0 || !r.expect(RECORD_AFTER_LANGUAGE)) return false
    if (languageEnd - language > 2) {
      r.write(FRAME_LANGUAGE)
      r.copy(language, languageEnd)
    }
    r.write(CLOSE)
    return true
  }
  if (r.expect(RECORD_BLANK_REST)) {
    r.write(FRAME_BLANK)
    if (!r.copyString() || !r.expect(RECORD_AFTER_ID)) return false
    r.write(CLOSE)
    return true
  }
  if (r.expect(RECORD_QUOTED_REST)) {
    r.write(FRAME_QUOTED)
    if (!tripleToFrame(r, level + 1) || !r.expect(CLOSE)) return false
    r.write(CLOSE)
    return true
  }
  return false
}

const tripleToFrame = (r: Rewriter, level: number): boolean => {
  if (level > MAX_NESTING_DEPTH || !r.expect(TRIPLE_S)) return false
  r.write(TRIPLE_S)
  if (!termToFrame(r, level + 1) || !r.expect(TRIPLE_P)) return false
  r.write(TRIPLE_P)
  if (!termToFrame(r, level + 1) || !r.expect(TRIPLE_O)) return false
  r.write(TRIPLE_O)
  if (!termToFrame(r, level + 1) || !r.expect(TRIPLE_G)) return false
  // A triple in the default graph has no `g` in the frame.
  if (r.expect(NULL_CLOSE)) {
    r.write(CLOSE)
    return true
  }
  r.write(TRIPLE_G)
  if (!r.copyString() || !r.eat(RIGHT_BRACE)) return false
  r.write(CLOSE)
  return true
}

/** A triples record's client frame, when the record is in the compact layout. */
export const compactTriplesRecordToFrame = (record: Uint8Array): Buffer | undefined => document(record, tripleToFrame)

// ---------------------------------------------------------------------------------------------
// Import: client frame → processor record

const FRAME_TERM = piece('{"t":"')
const FRAME_IRI_KEY = piece('","i":')
const FRAME_LITERAL_KEY = piece('","v":')
const FRAME_BLANK_KEY = piece('","d":')
const FRAME_QUOTED_KEY = piece('","tr":')
const RECORD_IRI = piece('{"type":"i","iri":')
const RECORD_LITERAL = piece('{"type":"l","iri":"","id":"","value":')
const RECORD_BLANK = piece('{"type":"b","iri":"","id":')
const RECORD_QUOTED = piece('{"type":"t","iri":"","id":"","value":"","datatype":"","language":"","triple":')
const RECORD_NO_DATATYPE = piece(',"datatype":"","language":')
const RECORD_NO_LANGUAGE = piece('"","triple":null}')
const TRIPLE_G_NULL = piece(',"g":null')
const TRIPLE_G_NULL_CLOSE = piece(',"g":null}')

const termToRecord = (r: Rewriter, level: number): boolean => {
  if (level > MAX_NESTING_DEPTH || !r.expect(FRAME_TERM)) return false
  // The term's type is one letter, then its own key.
  const type = r.input[r.at++]
  if (type === 0x69 /* i */ && r.expect(FRAME_IRI_KEY)) {
    r.write(RECORD_IRI)
    if (!r.copyString() || !r.eat(RIGHT_BRACE)) return false
    r.write(RECORD_AFTER_IRI)
    return true
  }
  if (type === 0x6c /* l */ && r.expect(FRAME_LITERAL_KEY)) {
    r.write(RECORD_LITERAL)
    if (!r.copyString()) return false
    // `dt` and `ln`, each optional, in either order; the record has both, datatype first.
    let datatype = -1
    let datatypeEnd = -1
    let language = -1
    let languageEnd = -1
    for (let member = 0; member < 2; member++) {
      if (datatype < 0 && r.expect(FRAME_DATATYPE)) {
        datatype = r.at
        if ((datatypeEnd = r.string()) < 0) return false
      } else if (language < 0 && r.expect(FRAME_LANGUAGE)) {
        language = r.at
        if ((languageEnd = r.string()) < 0) return false
      }
    }
    if (!r.eat(RIGHT_BRACE)) return false
    if (datatype < 0) r.write(RECORD_NO_DATATYPE)
    else {
      r.write(RECORD_DATATYPE)
      r.copy(datatype, datatypeEnd)
      r.write(RECORD_LANGUAGE)
    }
    if (language < 0) r.write(RECORD_NO_LANGUAGE)
    else {
      r.copy(language, languageEnd)
      r.write(RECORD_AFTER_LANGUAGE)
    }
    return true
  }
  if (type === 0x62 /* b */ && r.expect(FRAME_BLANK_KEY)) {
    r.write(RECORD_BLANK)
    if (!r.copyString() || !r.eat(RIGHT_BRACE)) return false
    r.write(RECORD_AFTER_ID)
    return true
  }
  if (type === 0x74 /* t */ && r.expect(FRAME_QUOTED_KEY)) {
    r.write(RECORD_QUOTED)
    if (!tripleToRecord(r, level + 1) || !r.eat(RIGHT_BRACE)) return false
    r.write(CLOSE)
    return true
  }
  return false
}

const tripleToRecord = (r: Rewriter, level: number): boolean => {
  if (level > MAX_NESTING_DEPTH || !r.expect(TRIPLE_S)) return false
  r.write(TRIPLE_S)
  if (!termToRecord(r, level + 1) || !r.expect(TRIPLE_P)) return false
  r.write(TRIPLE_P)
  if (!termToRecord(r, level + 1) || !r.expect(TRIPLE_O)) return false
  r.write(TRIPLE_O)
  if (!termToRecord(r, level + 1)) return false
  // The default graph, whether `g` is absent or null, is written as null.
  if (r.eat(RIGHT_BRACE) || (r.expect(TRIPLE_G_NULL) && r.eat(RIGHT_BRACE))) {
    r.write(TRIPLE_G_NULL_CLOSE)
    return true
  }
  if (!r.expect(TRIPLE_G)) return false
  r.write(TRIPLE_G)
  if (!r.copyString() || !r.eat(RIGHT_BRACE)) return false
  r.write(CLOSE)
  return true
}

/** A triples frame's record, when the frame is in the compact layout. */
export const compactTriplesFrameToRecord = (frame: Uint8Array): Buffer | undefined => document(frame, tripleToRecord)
