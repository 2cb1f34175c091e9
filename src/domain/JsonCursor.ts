/**
 * A cursor over JSON text that checks the grammar strictly (RFC 8259, as `JSON.parse` does) and
 * builds nothing: strings are handed back in their raw JSON form — quotes and escapes included —
 * ready to be copied into other JSON text. The transcoders use it to rewrite a document's shape
 * without creating an object per field, so it is written for speed: plain loops over character
 * codes, no regular expressions, no closures.
 *
 * Every reading method returns `undefined` or `false` on anything it does not expect; the cursor
 * is then in no useful state and the caller gives up.
 */
import { MAX_NESTING_DEPTH } from "./Limits.ts"

// Limits.ts has the same constants: sharing them through one module made the import fast path
// measurably slower (about 15 %, Node 24), the engine keeping imported constants out of these loops.
const SPACE = 0x20
const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
export const COMMA = 0x2c
const COLON = 0x3a
export const LEFT_BRACE = 0x7b
export const RIGHT_BRACE = 0x7d
export const LEFT_BRACKET = 0x5b
export const RIGHT_BRACKET = 0x5d

const controlCharacter = /[\u0000-\u001f]/

const isHex = (c: number) => (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
const isDigit = (c: number) => c >= ZERO && c <= NINE

/** `key` found a key that is none of the names it was given. */
export const OTHER_KEY = -1
/** `key` found no key: not a string, no colon, or a key written with escapes. */
export const NO_KEY = -2

export class JsonCursor {
  at = 0
  readonly text: string
  /** Whether the last string scanned held an escape. */
  private escaped = false
  /**
   * Whether the text holds no control character at all, so strings can be scanned with native
   * searches instead of character by character: only escapes then need a closer look.
   */
  private readonly noControls: boolean
  /** The next backslash at or after the last search, or the text's length if none is left. */
  private nextBackslash = -1

  constructor(text: string) {
    this.text = text
    this.noControls = !controlCharacter.test(text)
  }

  /** Skips the whitespace JSON allows between tokens. */
  space(): void {
    const text = this.text
    let at = this.at
    let c = text.charCodeAt(at)
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++at)
    this.at = at
  }

  /** Consumes `code` (after whitespace) if it comes next. */
  eat(code: number): boolean {
    this.space()
    if (this.text.charCodeAt(this.at) !== code) return false
    this.at++
    return true
  }

  /** Index just past the string starting at `start` (its opening quote), or -1 if it is not one. */
  private stringEnd(start: number): number {
    const text = this.text
    if (text.charCodeAt(start) !== QUOTE) return -1
    this.escaped = false
    if (this.noControls) {
      const quote = text.indexOf('"', start + 1)
      if (quote < 0) return -1
      if (this.nextBackslash < start) {
        const backslash = text.indexOf("\\", start + 1)
        this.nextBackslash = backslash < 0 ? text.length : backslash
      }
      // No escape inside: the first quote ends it.
      if (this.nextBackslash > quote) return quote + 1
    }
    return this.stringEndByCharacter(start)
  }

  private stringEndByCharacter(start: number): number {
    const text = this.text
    const length = text.length
    let at = start + 1
    for (;;) {
      if (at >= length) return -1
      const c = text.charCodeAt(at)
      if (c === QUOTE) return at + 1
      if (c < SPACE) return -1
      if (c === BACKSLASH) {
        this.escaped = true
        const e = text.charCodeAt(at + 1)
        if (e === 0x75) {
          // \uXXXX
          if (!isHex(text.charCodeAt(at + 2)) || !isHex(text.charCodeAt(at + 3))) return -1
          if (!isHex(text.charCodeAt(at + 4)) || !isHex(text.charCodeAt(at + 5))) return -1
          at += 6
          continue
        }
        // " \ / b f n r t
        if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e) {
          if (e !== 0x72 && e !== 0x74) return -1
        }
        at += 2
        continue
      }
      at++
    }
  }

  /** A string's raw JSON form, quotes included. */
  string(): string | undefined {
    this.space()
    const start = this.at
    const end = this.stringEnd(start)
    if (end < 0) return undefined
    this.at = end
    return this.text.slice(start, end)
  }

  /**
   * Reads an object key and its colon, and says which of `names` it is: its index, `OTHER_KEY`,
   * or `NO_KEY`. A key written with escapes counts as no key: it may spell one of the names in
   * another way, and telling that apart is `JSON.parse`'s job.
   */
  key(names: ReadonlyArray<string>): number {
    this.space()
    const start = this.at
    const end = this.stringEnd(start)
    if (end < 0 || this.escaped) return NO_KEY
    this.at = end
    if (!this.eat(COLON)) return NO_KEY
    const length = end - start - 2
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      if (name.length === length && this.text.startsWith(name, start + 1)) return i
    }
    return OTHER_KEY
  }

  /** Consumes `null` if it comes next. */
  null(): boolean {
    return this.word("null")
  }

  private word(word: string): boolean {
    this.space()
    if (!this.text.startsWith(word, this.at)) return false
    this.at += word.length
    return true
  }

  private number(): boolean {
    const text = this.text
    let at = this.at
    if (text.charCodeAt(at) === MINUS) at++
    const first = text.charCodeAt(at)
    if (first === ZERO) at++
    else if (isDigit(first)) while (isDigit(text.charCodeAt(at))) at++
    else return false
    if (text.charCodeAt(at) === DOT) {
      if (!isDigit(text.charCodeAt(++at))) return false
      while (isDigit(text.charCodeAt(at))) at++
    }
    const e = text.charCodeAt(at)
    if (e === 0x65 || e === 0x45) {
      const sign = text.charCodeAt(++at)
      if (sign === PLUS || sign === MINUS) at++
      if (!isDigit(text.charCodeAt(at))) return false
      while (isDigit(text.charCodeAt(at))) at++
    }
    this.at = at
    return true
  }

  /**
   * Skips one value of any kind, checking it. `level` is the nesting level an object or array
   * starting here would have (the document is level 1): one nested deeper than
   * `MAX_NESTING_DEPTH` is not skipped but refused, which also bounds this recursion.
   */
  value(level: number): boolean {
    this.space()
    const c = this.text.charCodeAt(this.at)
    if (c === QUOTE) {
      const end = this.stringEnd(this.at)
      if (end < 0) return false
      this.at = end
      return true
    }
    if (c === LEFT_BRACE) {
      if (level > MAX_NESTING_DEPTH) return false
      this.at++
      if (this.eat(RIGHT_BRACE)) return true
      do {
        this.space()
        const end = this.stringEnd(this.at)
        if (end < 0) return false
        this.at = end
        if (!this.eat(COLON) || !this.value(level + 1)) return false
      } while (this.eat(COMMA))
      return this.eat(RIGHT_BRACE)
    }
    if (c === LEFT_BRACKET) {
      if (level > MAX_NESTING_DEPTH) return false
      this.at++
      if (this.eat(RIGHT_BRACKET)) return true
      do {
        if (!this.value(level + 1)) return false
      } while (this.eat(COMMA))
      return this.eat(RIGHT_BRACKET)
    }
    if (c === 0x74) return this.word("true")
    if (c === 0x66) return this.word("false")
    if (c === 0x6e) return this.word("null")
    return this.number()
  }

  /** Nothing but whitespace is left. */
  end(): boolean {
    this.space()
    return this.at === this.text.length
  }
}
