/**
 * What translation refuses so that no frame or record, however hostile, can make it throw or run
 * out of stack, and the checks that enforce it on parsed values. The triples fast path applies
 * the same limit as it reads text (`JsonCursor`, `TriplesTranscoder`), giving up where these
 * checks would refuse, so both paths refuse exactly the same input.
 */
import { formatPath, type Problem } from "./errors.ts"

/**
 * How deeply objects and arrays may nest in a frame or a record: the document itself is level 1,
 * each object or array inside another one level more. Real data stays far below it: a triples
 * frame's terms sit at level 4 and each quoted triple adds two levels, so quoted triples may nest
 * 30 deep. Validating, translating and writing recurse once per level; bounding the levels
 * bounds the stack they use.
 */
export const MAX_NESTING_DEPTH = 64

const isContainer = (u: unknown): u is object => typeof u === "object" && u !== null

/** The problem of a value nested too deeply, at `path`, the value that crosses the limit. */
export const tooDeep = (path: string): Problem => ({
  path,
  message: `nesting deeper than ${MAX_NESTING_DEPTH} levels at ${path === "" ? "the top" : path}: objects and arrays may nest at most ${MAX_NESTING_DEPTH} levels deep (MAX_NESTING_DEPTH), which allows quoted triples 30 deep`
})

/**
 * Whether anything inside `value` (an object or array at `level`) nests deeper than the limit.
 * It recurses, but never below `MAX_NESTING_DEPTH` levels, whatever the input; and it allocates
 * nothing, since every frame and record the general path reads goes through it.
 */
const nestsTooDeeply = (value: object, level: number): boolean => {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i]
      if (isContainer(child) && (level === MAX_NESTING_DEPTH || nestsTooDeeply(child, level + 1))) return true
    }
  } else {
    for (const key in value) {
      const child: unknown = (value as { readonly [key: string]: unknown })[key]
      if (isContainer(child) && (level === MAX_NESTING_DEPTH || nestsTooDeeply(child, level + 1))) return true
    }
  }
  return false
}

/**
 * The first object or array (in document order) nested deeper than `MAX_NESTING_DEPTH`, as a
 * problem naming its path; `undefined` if there is none. No depth of input can overflow the
 * stack: the check stops descending at the limit, and the path is found with a stack of its own,
 * which never holds more than `MAX_NESTING_DEPTH` entries.
 */
export const nestingProblem = (root: unknown): Problem | undefined =>
  isContainer(root) && nestsTooDeeply(root, 1) ? pathTooDeep(root) : undefined

const pathTooDeep = (root: object): Problem | undefined => {
  const containers: Array<object> = [root]
  // An object's keys, or undefined for an array; and the next position to look at in each.
  const keyLists: Array<ReadonlyArray<string> | undefined> = [Array.isArray(root) ? undefined : Object.keys(root)]
  const positions: Array<number> = [0]
  while (containers.length > 0) {
    const top = containers.length - 1
    const container = containers[top]!
    const keys = keyLists[top]
    let child: unknown
    if (keys === undefined) {
      const array = container as ReadonlyArray<unknown>
      let i = positions[top]!
      // Vectors are long runs of numbers: skip them in a tight loop.
      while (i < array.length && !isContainer(array[i])) i++
      if (i >= array.length) {
        containers.pop()
        keyLists.pop()
        positions.pop()
        continue
      }
      positions[top] = i + 1
      child = array[i]
    } else {
      const i = positions[top]!
      if (i >= keys.length) {
        containers.pop()
        keyLists.pop()
        positions.pop()
        continue
      }
      positions[top] = i + 1
      child = (container as { readonly [key: string]: unknown })[keys[i]!]
      if (!isContainer(child)) continue
    }
    const level = containers.length + 1
    if (level > MAX_NESTING_DEPTH) {
      const path: Array<string | number> = []
      for (let j = 0; j < containers.length; j++) {
        const at = positions[j]! - 1
        const names = keyLists[j]
        path.push(names === undefined ? at : names[at]!)
      }
      return tooDeep(formatPath(path))
    }
    const object = child as object
    containers.push(object)
    keyLists.push(Array.isArray(object) ? undefined : Object.keys(object))
    positions.push(0)
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// NaN and Infinity
//
// Python's `json.dumps` writes NaN, Infinity and -Infinity unless called with allow_nan=False.
// They are not JSON, and an embedding holding them is broken: tg-gateway refuses them. `JSON.parse`
// refuses them too, but its message names neither the value nor where it is; this finds both.

const SPACE = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LEFT_BRACE = 0x7b
const RIGHT_BRACE = 0x7d
const LEFT_BRACKET = 0x5b
const RIGHT_BRACKET = 0x5d

const nonFiniteWords = ["NaN", "Infinity", "-Infinity"] as const

/** `true`, `false`, `null` or a JSON number, read where `lastIndex` points. */
const scalar = /(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/y

/** Where the first NaN, Infinity or -Infinity stands in JSON text, as a value. */
export interface NonFinite {
  readonly word: (typeof nonFiniteWords)[number]
  readonly path: string
}

/**
 * The first `NaN`, `Infinity` or `-Infinity` written as a value in `text`, with its path, if the
 * text is JSON up to that point and nested no deeper than `MAX_NESTING_DEPTH`; `undefined`
 * otherwise (the text is wrong in another way first, and `JSON.parse`'s message stands).
 * Iterative: a path stack, no recursion.
 */
export const findNonFinite = (text: string): NonFinite | undefined => {
  const path: Array<string | number> = []
  // For each open container: true for an object, false for an array.
  const inObject: Array<boolean> = []
  let at = 0
  const space = () => {
    let c = text.charCodeAt(at)
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++at)
  }
  /** Index just past the string opening at `at`, or -1. */
  const stringEnd = (): number => {
    if (text.charCodeAt(at) !== QUOTE) return -1
    let i = at + 1
    for (;;) {
      if (i >= text.length) return -1
      const c = text.charCodeAt(i)
      if (c === QUOTE) return i + 1
      if (c < SPACE) return -1
      i += c === BACKSLASH ? 2 : 1
    }
  }
  /** A member's key and the colon after it, read from `at`; undefined if they are not there. */
  const memberKey = (): string | undefined => {
    const end = stringEnd()
    if (end < 0) return undefined
    let key: string
    try {
      key = JSON.parse(text.slice(at, end)) as string
    } catch {
      return undefined
    }
    at = end
    space()
    return text.charCodeAt(at++) === COLON ? key : undefined
  }
  for (;;) {
    // A value is expected here.
    space()
    const c = text.charCodeAt(at)
    if (c === LEFT_BRACE || c === LEFT_BRACKET) {
      at++
      space()
      const object = c === LEFT_BRACE
      if (text.charCodeAt(at) === (object ? RIGHT_BRACE : RIGHT_BRACKET)) {
        at++
      } else {
        // Past the limit the text would be refused for its depth anyway; stopping here also
        // keeps the path, and so the message, short.
        if (inObject.length >= MAX_NESTING_DEPTH) return undefined
        inObject.push(object)
        if (object) {
          const key = memberKey()
          if (key === undefined) return undefined
          path.push(key)
        } else {
          path.push(0)
        }
        continue
      }
    } else if (c === QUOTE) {
      const end = stringEnd()
      if (end < 0) return undefined
      at = end
    } else {
      const word = nonFiniteWords.find((w) => text.startsWith(w, at))
      if (word !== undefined) return { word, path: formatPath(path) }
      scalar.lastIndex = at
      const match = scalar.exec(text)
      if (match === null) return undefined
      at += match[0].length
    }
    // After a value: the next member or element, or the end of containers.
    for (;;) {
      space()
      if (inObject.length === 0) return undefined
      const object = inObject[inObject.length - 1]!
      const c = text.charCodeAt(at++)
      if (c === COMMA) {
        if (object) {
          space()
          const key = memberKey()
          if (key === undefined) return undefined
          path[path.length - 1] = key
        } else {
          path[path.length - 1] = (path[path.length - 1] as number) + 1
        }
        break
      }
      if (c !== (object ? RIGHT_BRACE : RIGHT_BRACKET)) return undefined
      inObject.pop()
      path.pop()
    }
  }
}

/** The problem of a NaN or Infinity found in a frame or a record. */
export const nonFiniteProblem = ({ path, word }: NonFinite): Problem => ({
  path,
  message: `${path === "" ? "" : `${path}: `}${word} is not allowed: vectors and other numbers must be finite, and JSON has no NaN or Infinity (Python's json.dumps writes them unless called with allow_nan=False)`
})
