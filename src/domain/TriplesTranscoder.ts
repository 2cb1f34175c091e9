/**
 * The triples fast path on text, for frames and records not in the compact layout (which
 * `CompactTriples.ts` rewrites on their bytes): parsing a frame of 100 triples into objects,
 * checking them and building the other shape as objects only to write it out again costs more
 * than everything else the gateway does with the frame.
 *
 * - import: frame text → record text in one pass over the text (`JsonCursor`), nothing built —
 *   frames with whitespace or keys in another order, as Python's `json.dumps` writes them;
 * - export: the parsed record → frame text in one walk, checking as it goes. (A record is mostly
 *   field names, which `JSON.parse` steps over natively faster than a general scanner could.)
 *
 * Strings are copied in their raw JSON form, so where the input escapes a character the output
 * does too: the same value.
 *
 * Each accepts exactly what the schemas accept, or gives up (`undefined`) — on a key written
 * with escapes, a missing or mistyped field, objects and arrays nested deeper than
 * `MAX_NESTING_DEPTH` (counted as the general path counts them), anything unusual — and the general path (schema
 * decoding, `toRecord`/`fromRecord`) decides and writes the error message. Property tests hold
 * every path equal to the general path: as JSON values for reformatted, reordered and damaged input,
 * byte for byte for canonical input.
 */
import { Predicate } from "effect"
import {
  COMMA,
  JsonCursor,
  LEFT_BRACE,
  LEFT_BRACKET,
  NO_KEY,
  OTHER_KEY,
  RIGHT_BRACE,
  RIGHT_BRACKET
} from "./JsonCursor.ts"
import { MAX_NESTING_DEPTH, nestingProblem } from "./Limits.ts"

const EMPTY = '""'

// Nesting levels as `MAX_NESTING_DEPTH` counts them: the document is level 1, its metadata and
// triples array level 2, each triple level 3, its terms level 4; a quoted triple is one level
// below its term.
const METADATA_LEVEL = 2
const TRIPLE_LEVEL = 3

// The keys each object may have, looked up by index below.
const documentKeys = ["metadata", "triples"]
const metadataKeys = ["id", "root", "collection"]
const tripleKeys = ["s", "p", "o", "g"]
const termFrameKeys = ["t", "i", "d", "v", "dt", "ln", "tr"]

/** The value of a raw JSON string; only one written with escapes needs parsing. */
const unquoted = (raw: string): string => (raw.indexOf("\\") === -1 ? raw.slice(1, -1) : (JSON.parse(raw) as string))

/** Opens an object: true if members follow, false if it is empty, undefined if it is no object. */
const openObject = (cursor: JsonCursor): boolean | undefined =>
  cursor.eat(LEFT_BRACE) ? !cursor.eat(RIGHT_BRACE) : undefined

/** After a member: true if another follows, false at the closing brace, undefined otherwise. */
const nextMember = (cursor: JsonCursor): boolean | undefined =>
  cursor.eat(COMMA) ? true : cursor.eat(RIGHT_BRACE) ? false : undefined

/** `metadata` of a frame or a record: `id` and `collection` strings, `root` optional; other keys ignored. */
const metadataText = (cursor: JsonCursor): string | undefined => {
  let id: string | undefined
  let root: string | undefined
  let collection: string | undefined
  let more = openObject(cursor)
  while (more === true) {
    switch (cursor.key(metadataKeys)) {
      case NO_KEY:
        return undefined
      case 0: // id
        if ((id = cursor.string()) === undefined) return undefined
        break
      case 1: // root
        if ((root = cursor.string()) === undefined) return undefined
        break
      case 2: // collection
        if ((collection = cursor.string()) === undefined) return undefined
        break
      case OTHER_KEY:
        if (!cursor.value(METADATA_LEVEL + 1)) return undefined
    }
    more = nextMember(cursor)
  }
  if (more === undefined || id === undefined || collection === undefined) return undefined
  return `{"id":${id},"root":${root ?? EMPTY},"collection":${collection}}`
}

/** The triples array, each triple rewritten. */
const triplesText = (cursor: JsonCursor) => {
  if (!cursor.eat(LEFT_BRACKET)) return undefined
  if (cursor.eat(RIGHT_BRACKET)) return ""
  let out = tripleRecordText(cursor, TRIPLE_LEVEL)
  if (out === undefined) return undefined
  while (cursor.eat(COMMA)) {
    const triple = tripleRecordText(cursor, TRIPLE_LEVEL)
    if (triple === undefined) return undefined
    out += "," + triple
  }
  return cursor.eat(RIGHT_BRACKET) ? out : undefined
}

/**
 * `{"metadata":…,"triples":[…]}` with the metadata and each triple rewritten; other keys
 * ignored. The last occurrence of a repeated key wins, as in `JSON.parse`.
 */
const documentText = (cursor: JsonCursor): string | undefined => {
  let metadata: string | undefined
  let triples: string | undefined
  let more = openObject(cursor)
  while (more === true) {
    switch (cursor.key(documentKeys)) {
      case NO_KEY:
        return undefined
      case 0: // metadata
        if ((metadata = metadataText(cursor)) === undefined) return undefined
        break
      case 1: // triples
        if ((triples = triplesText(cursor)) === undefined) return undefined
        break
      case OTHER_KEY:
        if (!cursor.value(METADATA_LEVEL)) return undefined
    }
    more = nextMember(cursor)
  }
  if (more === undefined || !cursor.end() || metadata === undefined || triples === undefined) return undefined
  return `{"metadata":${metadata},"triples":[${triples}]}`
}

// ---------------------------------------------------------------------------------------------
// Import: client frame → processor record

const termRecordText = (cursor: JsonCursor, level: number): string | undefined => {
  if (level > MAX_NESTING_DEPTH) return undefined
  let t: string | undefined
  let i: string | undefined
  let d: string | undefined
  let v: string | undefined
  let dt: string | undefined
  let ln: string | undefined
  let tr: string | undefined
  let more = openObject(cursor)
  while (more === true) {
    switch (cursor.key(termFrameKeys)) {
      case NO_KEY:
        return undefined
      case 0: // t
        if ((t = cursor.string()) === undefined) return undefined
        break
      case 1: // i
        if ((i = cursor.string()) === undefined) return undefined
        break
      case 2: // d
        if ((d = cursor.string()) === undefined) return undefined
        break
      case 3: // v
        if ((v = cursor.string()) === undefined) return undefined
        break
      case 4: // dt
        if ((dt = cursor.string()) === undefined) return undefined
        break
      case 5: // ln
        if ((ln = cursor.string()) === undefined) return undefined
        break
      case 6: // tr
        if ((tr = tripleRecordText(cursor, level + 1)) === undefined) return undefined
        break
      case OTHER_KEY:
        if (!cursor.value(level + 1)) return undefined
    }
    more = nextMember(cursor)
  }
  if (more === undefined || t === undefined) return undefined
  switch (unquoted(t)) {
    case "i":
      return i === undefined
        ? undefined
        : `{"type":"i","iri":${i},"id":"","value":"","datatype":"","language":"","triple":null}`
    case "b":
      return d === undefined
        ? undefined
        : `{"type":"b","iri":"","id":${d},"value":"","datatype":"","language":"","triple":null}`
    case "l":
      return v === undefined
        ? undefined
        : `{"type":"l","iri":"","id":"","value":${v},"datatype":${dt ?? EMPTY},"language":${ln ?? EMPTY},"triple":null}`
    case "t":
      return tr === undefined
        ? undefined
        : `{"type":"t","iri":"","id":"","value":"","datatype":"","language":"","triple":${tr}}`
    default:
      return undefined
  }
}

const tripleRecordText = (cursor: JsonCursor, level: number): string | undefined => {
  if (level > MAX_NESTING_DEPTH) return undefined
  let s: string | undefined
  let p: string | undefined
  let o: string | undefined
  let g: string | undefined = "null"
  let more = openObject(cursor)
  while (more === true) {
    switch (cursor.key(tripleKeys)) {
      case NO_KEY:
        return undefined
      case 0: // s
        if ((s = termRecordText(cursor, level + 1)) === undefined) return undefined
        break
      case 1: // p
        if ((p = termRecordText(cursor, level + 1)) === undefined) return undefined
        break
      case 2: // o
        if ((o = termRecordText(cursor, level + 1)) === undefined) return undefined
        break
      case 3: // g
        if (cursor.null()) g = "null"
        else if ((g = cursor.string()) === undefined) return undefined
        break
      case OTHER_KEY:
        if (!cursor.value(level + 1)) return undefined
    }
    more = nextMember(cursor)
  }
  if (more === undefined || s === undefined || p === undefined || o === undefined) return undefined
  return `{"s":${s},"p":${p},"o":${o},"g":${g}}`
}

/** A triples frame's record, or `undefined` when the general path must decide. */
export const triplesFrameToRecordText = (frame: string): string | undefined => documentText(new JsonCursor(frame))

// ---------------------------------------------------------------------------------------------
// Export: processor record → client frame
//
// A record is mostly field names, which a scanner would have to step over one character at a
// time; `JSON.parse` does that natively. So the export side starts from the parsed record and
// checks it as the schema would while it writes the frame, in one walk.

const q = JSON.stringify

/** Record metadata → frame metadata: `id` and `collection` strings, `root` a string or absent. */
const metadataFrameText = (metadata: unknown): string | undefined => {
  if (!Predicate.isReadonlyObject(metadata)) return undefined
  const { id, root, collection } = metadata
  if (typeof id !== "string" || typeof collection !== "string") return undefined
  if (root !== undefined && typeof root !== "string") return undefined
  return `{"id":${q(id)},"root":${q(root ?? "")},"collection":${q(collection)}}`
}

const termFrameText = (term: unknown): string | undefined => {
  if (!Predicate.isReadonlyObject(term)) return undefined
  const { type, iri, id, value, datatype, language, triple } = term
  if (typeof iri !== "string" || typeof id !== "string" || typeof value !== "string") return undefined
  if (typeof datatype !== "string" || typeof language !== "string") return undefined
  if (type === "t") {
    const quoted = tripleFrameText(triple)
    return quoted === undefined ? undefined : `{"t":"t","tr":${quoted}}`
  }
  if (triple !== null) return undefined
  switch (type) {
    case "i":
      return `{"t":"i","i":${q(iri)}}`
    case "b":
      return `{"t":"b","d":${q(id)}}`
    case "l":
      return `{"t":"l","v":${q(value)}${datatype === "" ? "" : `,"dt":${q(datatype)}`}${
        language === "" ? "" : `,"ln":${q(language)}`
      }}`
    default:
      return undefined
  }
}

const tripleFrameText = (triple: unknown): string | undefined => {
  if (!Predicate.isReadonlyObject(triple)) return undefined
  const { g } = triple
  if (g !== null && typeof g !== "string") return undefined
  const s = termFrameText(triple["s"])
  const p = s === undefined ? undefined : termFrameText(triple["p"])
  const o = p === undefined ? undefined : termFrameText(triple["o"])
  if (o === undefined) return undefined
  return g === null ? `{"s":${s},"p":${p},"o":${o}}` : `{"s":${s},"p":${p},"o":${o},"g":${q(g)}}`
}

/**
 * The client frame of a parsed triples record, written as `JSON.stringify(triplesFromRecord(…))`
 * would write it; `undefined` when the record is not one the schema accepts, or not surely.
 */
export const triplesRecordToFrameText = (record: unknown): string | undefined => {
  // Keys this walk ignores can hold deep values too; the general path refuses those, so this
  // checks the whole record first. It also bounds the recursion below.
  if (!Predicate.isReadonlyObject(record) || nestingProblem(record) !== undefined) return undefined
  const metadata = metadataFrameText(record["metadata"])
  const triples = record["triples"]
  if (metadata === undefined || !Array.isArray(triples)) return undefined
  let out = ""
  for (let i = 0; i < triples.length; i++) {
    const triple = tripleFrameText(triples[i])
    if (triple === undefined) return undefined
    out += i === 0 ? triple : "," + triple
  }
  return `{"metadata":${metadata},"triples":[${out}]}`
}
