/**
 * Bytes and text in and out, for any kind, driven by the kinds table:
 *
 *   import: frame text/bytes ──parseFrame──▶ frame ──encodeRecord──▶ record bytes (Pulsar payload)
 *   export: record bytes ──parseRecord──▶ record ──recordToFrame──▶ frame ──encodeFrame──▶ frame text
 *
 * Each frame is parsed once and validated once; a rejected frame fails with `FrameRejected`
 * (message and JSON path), never with a defect. Answers are `Result`s, not Effects: the
 * dispatchers translate each frame synchronously, and a caller that wants an Effect has
 * `Effect.fromResult`. For kinds with a fast path (the kinds table's `fastPath`),
 * `translateFrame` and `translateRecord` try it first; whatever it is not sure of takes the path
 * above.
 *
 * Translation is total: whatever the input — nested thousands deep, NaN in a vector, text larger
 * than a string can hold — the answer is a result, never a throw. Both paths refuse values nested
 * deeper than `MAX_NESTING_DEPTH` (see `Limits.ts`), which bounds every recursion, and anything
 * unforeseen that throws still becomes that frame's or that record's failure.
 */
import { Predicate, Result, type Schema, type SchemaIssue, SchemaParser } from "effect"
import { SchemaJITCompiler } from "effect/schema"
import { describeIssue, FrameRejected, type Problem, RecordRejected, show } from "./errors.ts"
import { type FrameOf, type Kind, type KindName, kindNames, kinds, type RecordOf } from "./Kinds.ts"
import { findNonFinite, nestingProblem, nonFiniteProblem } from "./Limits.ts"

type Decoder<A> = (input: unknown) => Result.Result<A, SchemaIssue.Issue>

const compile = <A>(schema: Schema.Codec<A, unknown>): Decoder<A> => {
  // Validation runs on every frame: 100 triples, or vectors of thousands of numbers. The
  // compiled decoder is several times faster than the interpreter and reports the same issues;
  // where code generation is refused it falls back to the interpreter. (An unstable Effect API,
  // used only here; dropping this line costs speed, not behaviour.)
  SchemaJITCompiler.enable(schema.ast)
  // Echoing the offending value ("expected string, got 3") is what makes a message actionable.
  return SchemaParser.decodeUnknownResult(schema, { reportInput: true })
}

const decodersOf = <K extends KindName>(kind: Kind<K>) => ({
  frame: compile(kind.frame),
  record: compile(kind.record)
})

// Built once at load; the hot path only looks them up.
const decoders: {
  readonly [K in KindName]: {
    readonly frame: Decoder<FrameOf<K>>
    readonly record: Decoder<RecordOf<K>>
  }
} = {
  triples: decodersOf(kinds["triples"]),
  "graph-embeddings": decodersOf(kinds["graph-embeddings"]),
  "document-embeddings": decodersOf(kinds["document-embeddings"]),
  "entity-contexts": decodersOf(kinds["entity-contexts"]),
  rows: decodersOf(kinds["rows"])
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true })
const utf8Encoder = new TextEncoder()

/** Parses JSON text, without looking at its nesting yet (`JSON.parse` itself does not recurse). */
const parseUnchecked = (text: string): Result.Result<unknown, Problem> => {
  try {
    return Result.succeed(JSON.parse(text))
  } catch (error) {
    const nonFinite = findNonFinite(text)
    if (nonFinite !== undefined) return Result.fail(nonFiniteProblem(nonFinite))
    const reason = error instanceof Error ? error.message : String(error)
    return Result.fail({ message: `Malformed JSON: ${reason}`, path: "" })
  }
}

const checkNesting = (json: unknown): Result.Result<unknown, Problem> => {
  const tooDeep = nestingProblem(json)
  return tooDeep === undefined ? Result.succeed(json) : Result.fail(tooDeep)
}

/**
 * Parses JSON text and checks its nesting: every parsed frame or record the general path reads
 * goes through here before anything walks it.
 */
const parseText = (text: string): Result.Result<unknown, Problem> => {
  const json = parseUnchecked(text)
  return Result.isSuccess(json) ? checkNesting(json.success) : json
}

/** What went wrong when translation threw: a defect, but still only this frame's or record's. */
const unexpected = (error: unknown, what: "frame" | "record"): Problem => {
  if (error instanceof Error && /string length|string longer than/i.test(error.message)) {
    return {
      message: `the ${what} is too large to translate: its translation would exceed the longest text the gateway can hold`,
      path: ""
    }
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { message: `the ${what} could not be translated (an internal error, please report it): ${reason}`, path: "" }
}

const decodeUtf8 = (input: Uint8Array): Result.Result<string, Problem> => {
  try {
    return Result.succeed(utf8Decoder.decode(input))
  } catch (error) {
    if (error instanceof TypeError) {
      return Result.fail({ message: "Malformed frame: the bytes are not valid UTF-8 text", path: "" })
    }
    throw error
  }
}

const parseJson = (input: string | Uint8Array): Result.Result<unknown, Problem> => {
  if (typeof input === "string") return parseText(input)
  const text = decodeUtf8(input)
  return Result.isSuccess(text) ? parseText(text.success) : text
}

/** A frame meant for another route fails on its first field; saying so saves the user a puzzle. */
const wrongRouteHint = (kind: KindName, json: unknown): string => {
  if (!Predicate.isReadonlyObject(json) || kinds[kind].signature(json)) return ""
  const likely = kindNames.find((other) => other !== kind && kinds[other].signature(json))
  if (likely === undefined) return ""
  const article = /^[aeiou]/.test(likely) ? "an" : "a"
  return ` (this looks like ${article} ${likely} frame, but this connection imports ${kind})`
}

const rejectFrame = (problem: Problem, frame: number | undefined): FrameRejected =>
  new FrameRejected(
    frame === undefined
      ? { message: problem.message, path: problem.path }
      : { message: problem.message, path: problem.path, frame }
  )

/** Runs one frame's translation so that whatever it throws is still only that frame's failure. */
const guardFrame = <K extends KindName, A>(
  run: (kind: K, input: string | Uint8Array, frame: number | undefined) => Result.Result<A, FrameRejected>,
  kind: K,
  input: string | Uint8Array,
  frame: number | undefined
): Result.Result<A, FrameRejected> => {
  try {
    return run(kind, input, frame)
  } catch (error) {
    return Result.fail(rejectFrame(unexpected(error, "frame"), frame))
  }
}

/**
 * Parses and validates one client frame of the given kind, without translating it. Binary frames
 * carry the same JSON as text frames. `frame` (the 1-based frame number on the connection) is
 * carried into the error.
 */
export const parseFrame = <K extends KindName>(
  kind: K,
  input: string | Uint8Array,
  frame?: number
): Result.Result<FrameOf<K>, FrameRejected> => guardFrame(parseFrameUnguarded, kind, input, frame)

const parseFrameUnguarded = <K extends KindName>(
  kind: K,
  input: string | Uint8Array,
  frame?: number
): Result.Result<FrameOf<K>, FrameRejected> => {
  const json = parseJson(input)
  if (Result.isFailure(json)) return Result.fail(rejectFrame(json.failure, frame))
  if (!Predicate.isReadonlyObject(json.success)) {
    const got = show(json.success)
    return Result.fail(
      rejectFrame(
        {
          message: `expected ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} frame (a JSON object), got ${got}`,
          path: ""
        },
        frame
      )
    )
  }
  const decode: Decoder<FrameOf<K>> = decoders[kind].frame
  const decoded = decode(json.success)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  const problem = describeIssue(decoded.failure)
  const hint = wrongRouteHint(kind, json.success)
  return Result.fail(rejectFrame({ message: problem.message + hint, path: problem.path }, frame))
}

/** Translates a decoded frame into its processor-side record and serialises it: the Pulsar payload. */
export const encodeRecord = <K extends KindName>(kind: K, frame: FrameOf<K>): Uint8Array => {
  const spec: Kind<K> = kinds[kind]
  return utf8Encoder.encode(spec.recordText?.(frame) ?? JSON.stringify(spec.toRecord(frame)))
}

/** Text for the fast path: bytes that are not UTF-8 are left to the general path to report. */
const textOf = (input: string | Uint8Array): string | undefined => {
  if (typeof input === "string") return input
  try {
    return utf8Decoder.decode(input)
  } catch {
    return undefined
  }
}

/**
 * The import path in one step: client frame text or bytes → Pulsar payload, or why not. Never
 * throws: whatever goes wrong is this frame's `FrameRejected`. The payload is always a new buffer,
 * the caller's alone.
 */
export const translateFrame = <K extends KindName>(
  kind: K,
  input: string | Uint8Array,
  frame?: number
): Result.Result<Uint8Array, FrameRejected> => guardFrame(translateFrameUnguarded, kind, input, frame)

const translateFrameUnguarded = <K extends KindName>(
  kind: K,
  input: string | Uint8Array,
  frame?: number
): Result.Result<Uint8Array, FrameRejected> => {
  const fastPath = kinds[kind].fastPath
  if (fastPath !== undefined) {
    const compact = typeof input === "string" ? undefined : fastPath.recordBytes(input)
    if (compact !== undefined) return Result.succeed(compact)
    const text = textOf(input)
    const record = text === undefined ? undefined : fastPath.recordText(text)
    if (record !== undefined) return Result.succeed(utf8Encoder.encode(record))
  }
  const parsed = parseFrameUnguarded(kind, input, frame)
  return Result.isSuccess(parsed) ? Result.succeed(encodeRecord(kind, parsed.success)) : Result.fail(parsed.failure)
}

const rejectRecord = (kind: KindName, problem: Problem): RecordRejected =>
  new RecordRejected({ kind, message: problem.message, path: problem.path })

/** Runs one record's translation so that whatever it throws is still only that record's failure. */
const guardRecord = <K extends KindName, A>(
  run: (kind: K, payload: string | Uint8Array) => Result.Result<A, RecordRejected>,
  kind: K,
  payload: string | Uint8Array
): Result.Result<A, RecordRejected> => {
  try {
    return run(kind, payload)
  } catch (error) {
    return Result.fail(rejectRecord(kind, unexpected(error, "record")))
  }
}

/** Parses and validates one processor-side record (a Pulsar payload) of the given kind. */
export const parseRecord = <K extends KindName>(
  kind: K,
  payload: string | Uint8Array
): Result.Result<RecordOf<K>, RecordRejected> => guardRecord(parseRecordUnguarded, kind, payload)

const parseRecordUnguarded = <K extends KindName>(
  kind: K,
  payload: string | Uint8Array
): Result.Result<RecordOf<K>, RecordRejected> => {
  const json = parseJson(payload)
  return Result.isSuccess(json) ? decodeParsedRecord(kind, json.success) : Result.fail(rejectRecord(kind, json.failure))
}

const decodeParsedRecord = <K extends KindName>(kind: K, json: unknown): Result.Result<RecordOf<K>, RecordRejected> => {
  const decode: Decoder<RecordOf<K>> = decoders[kind].record
  const decoded = decode(json)
  return Result.isSuccess(decoded)
    ? Result.succeed(decoded.success)
    : Result.fail(rejectRecord(kind, describeIssue(decoded.failure)))
}

/** Serialises a client frame as the JSON text sent over the WebSocket. */
export const encodeFrame = <K extends KindName>(_kind: K, frame: FrameOf<K>): string => JSON.stringify(frame)

/** Translates a processor-side record into its client frame. */
export const recordToFrame = <K extends KindName>(kind: K, record: RecordOf<K>): FrameOf<K> => {
  const spec: Kind<K> = kinds[kind]
  return spec.fromRecord(record)
}

/**
 * The export path in one step: Pulsar payload → client frame, as text or as its UTF-8 bytes, or
 * why not. Never throws: whatever goes wrong is this record's `RecordRejected`. Bytes are always a
 * new buffer, the caller's alone.
 */
export const translateRecord = <K extends KindName>(
  kind: K,
  payload: string | Uint8Array
): Result.Result<string | Uint8Array, RecordRejected> => guardRecord(translateRecordUnguarded, kind, payload)

const translateRecordUnguarded = <K extends KindName>(
  kind: K,
  payload: string | Uint8Array
): Result.Result<string | Uint8Array, RecordRejected> => {
  const fastPath = kinds[kind].fastPath
  const compact = fastPath === undefined || typeof payload === "string" ? undefined : fastPath.frameBytes(payload)
  if (compact !== undefined) return Result.succeed(compact)
  const text = fastPath === undefined ? undefined : textOf(payload)
  const unchecked = text === undefined ? parseJson(payload) : parseUnchecked(text)
  if (Result.isFailure(unchecked)) return Result.fail(rejectRecord(kind, unchecked.failure))
  // The parsed fast path checks the nesting of what it reads itself; only the general path
  // needs the check made here.
  const fast = fastPath?.frameText(unchecked.success)
  if (fast !== undefined) return Result.succeed(fast)
  const json = text === undefined ? unchecked : checkNesting(unchecked.success)
  if (Result.isFailure(json)) return Result.fail(rejectRecord(kind, json.failure))
  const decoded = decodeParsedRecord(kind, json.success)
  return Result.isSuccess(decoded)
    ? Result.succeed(encodeFrame(kind, recordToFrame(kind, decoded.success)))
    : Result.fail(decoded.failure)
}
