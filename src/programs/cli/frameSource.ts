/**
 * Turns an input file (or stdin) into a `Stream` of import frames: N-Triples and Turtle are parsed
 * as they are read, with n3, and batched into triples frames; JSON Lines are taken as ready frames,
 * one per line. A parse error ends the stream with the file, line and column, once what came before
 * it has been given out as frames.
 */
import { statSync } from "node:fs"
import { createReadStream } from "node:fs"
import { basename, extname } from "node:path"
import type { Readable } from "node:stream"
import * as NodeStream from "@effect/platform-node/NodeStream"
import { Effect, Predicate, Schema, Stream } from "effect"
import { StreamParser } from "n3"
import { type RdfQuad, tripleFromRdf } from "../../domain/Rdf.ts"

export const inputFormats = ["nt", "ttl", "jsonl"] as const
export type InputFormat = (typeof inputFormats)[number]

const byExtension: Record<string, InputFormat> = {
  ".nt": "nt",
  ".ntriples": "nt",
  ".nq": "nt",
  ".ttl": "ttl",
  ".turtle": "ttl",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl"
}

export const formatOf = (path: string): InputFormat | undefined => byExtension[extname(path).toLowerCase()]

export interface Frame {
  readonly text: string
  /** Triples (or entities, chunks, rows) in the frame, for progress and summaries. */
  readonly items: number
  /** Input bytes consumed once this frame was built. */
  readonly bytesRead: number
  /** Where in the input it came from: a JSON Lines line, or the triples of an RDF file it holds. */
  readonly origin:
    | { readonly file: string; readonly line: number }
    | { readonly file: string; readonly first: number; readonly last: number }
}

/** The input is not what its format says, at this place: nothing from there on is sent. */
export class ParseError extends Schema.TaggedError<ParseError>()("ParseError", {
  file: Schema.String,
  line: Schema.Number,
  column: Schema.Number,
  problem: Schema.String
}) {
  override get message() {
    return `${this.file}:${this.line}:${this.column}: ${this.problem}`
  }
}

/** The input could not be read at all (a directory, no permission, a disk error). */
export class InputUnreadable extends Schema.TaggedError<InputUnreadable>()("InputUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot read ${this.file}: ${this.reason}`
  }
}

export type InputError = ParseError | InputUnreadable

export interface SourceOptions {
  /** A path, or "-" for standard input. */
  readonly input: string
  readonly format: InputFormat
  /** Triples per frame. */
  readonly batch: number
  readonly metadata: { readonly id: string; readonly root: string; readonly collection: string }
  readonly stdin?: Readable
}

export const inputSize = (input: string): number | undefined => {
  if (input === "-") return undefined
  try {
    return statSync(input).size
  } catch {
    return undefined
  }
}

export const documentIdOf = (input: string): string => (input === "-" ? "stdin" : basename(input, extname(input)))

const nameOf = (options: SourceOptions) => (options.input === "-" ? "<stdin>" : options.input)

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * The input's bytes. The stream is destroyed when the frames end or are no longer wanted, standard
 * input too: nothing reads it after the command, and a pipe still open would keep the process
 * alive after a Ctrl-C.
 */
const bytesOf = (options: SourceOptions): Stream.Stream<Uint8Array, InputUnreadable> =>
  NodeStream.fromReadable({
    evaluate: () => (options.input === "-" ? (options.stdin ?? process.stdin) : createReadStream(options.input)),
    onError: (error) => new InputUnreadable({ file: nameOf(options), reason: reasonOf(error) })
  })

interface N3Context {
  readonly line?: number
  readonly token?: { readonly start?: number } | null
  readonly previousToken?: { readonly end?: number } | null
}

/** n3's error, with the line it carries in its context and the column of the token it stopped at. */
export const parseErrorOfN3 = (file: string, error: unknown): ParseError => {
  const context = Predicate.hasProperty(error, "context") ? (error.context as N3Context | undefined) : undefined
  const message = reasonOf(error)
  if (context?.line === undefined) return new ParseError({ file, line: 0, column: 0, problem: message })
  return new ParseError({
    file,
    line: context.line,
    column: (context.token?.start ?? context.previousToken?.end ?? 0) + 1,
    problem: message.replace(/ on line \d+\.?$/, "")
  })
}

const rdfFrames = (options: SourceOptions): Stream.Stream<Frame, InputError> =>
  Stream.suspend(() => {
    const file = nameOf(options)
    let bytesRead = 0
    let triples = 0
    return bytesOf(options).pipe(
      Stream.tap((chunk) => Effect.sync(() => (bytesRead += chunk.length))),
      NodeStream.pipeThroughDuplex<RdfQuad, InputError>({
        evaluate: () => new StreamParser({ format: options.format === "ttl" ? "Turtle*" : "N-Quads*" }),
        onError: (error) => parseErrorOfN3(file, error)
      }),
      // A batch still filling when the parser stops is given out before the error, so that
      // "everything before line L" is true.
      Stream.grouped(options.batch),
      Stream.map((quads): Frame => {
        triples += quads.length
        return {
          text: JSON.stringify({ metadata: options.metadata, triples: quads.map(tripleFromRdf) }),
          items: quads.length,
          bytesRead,
          origin: { file, first: triples - quads.length + 1, last: triples }
        }
      })
    )
  })

/** How many triples, entities, chunks or rows a ready frame carries. */
const itemsOf = (frame: { readonly [key: string]: unknown }): number => {
  for (const key of ["triples", "entities", "chunks", "values"]) {
    const value = frame[key]
    if (Array.isArray(value)) return value.length
  }
  return 1
}

/** One line of JSON Lines: a frame, nothing (a blank line), or why it is not a frame. */
export const jsonLineFrame = (
  file: string,
  line: number,
  text: string,
  bytesRead: number
): Frame | ParseError | undefined => {
  if (text.trim() === "") return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const position = /position (\d+)/.exec(reasonOf(error))?.[1]
    return new ParseError({
      file,
      line,
      column: position === undefined ? 1 : Number(position) + 1,
      problem: reasonOf(error)
    })
  }
  if (!Predicate.isReadonlyObject(parsed))
    return new ParseError({ file, line, column: 1, problem: "expected a JSON object (one frame per line)" })
  return { text, items: itemsOf(parsed), bytesRead, origin: { file, line } }
}

const jsonLinesFrames = (options: SourceOptions): Stream.Stream<Frame, InputError> =>
  Stream.suspend(() => {
    const file = nameOf(options)
    let bytesRead = 0
    let line = 0
    return bytesOf(options).pipe(
      Stream.decodeText(),
      Stream.splitLines,
      Stream.mapEffect((text) => {
        line++
        bytesRead += Buffer.byteLength(text) + 1
        const frame = jsonLineFrame(file, line, text, bytesRead)
        return frame instanceof ParseError ? Effect.fail(frame) : Effect.succeed(frame)
      }),
      Stream.filter(Predicate.isNotUndefined)
    )
  })

export const frames = (options: SourceOptions): Stream.Stream<Frame, InputError> =>
  options.format === "jsonl" ? jsonLinesFrames(options) : rdfFrames(options)

/** The frames of several inputs, one after the other; `bytesRead` counts from the first. */
export const framesOf = (sources: ReadonlyArray<SourceOptions>): Stream.Stream<Frame, InputError> =>
  Stream.suspend(() => {
    let before = 0
    return Stream.fromIterable(sources).pipe(
      Stream.flatMap((source) => {
        const offset = before
        let last = 0
        return frames(source).pipe(
          Stream.map((frame) => {
            last = frame.bytesRead
            return { ...frame, bytesRead: offset + frame.bytesRead }
          }),
          Stream.onEnd(Effect.sync(() => (before += inputSize(source.input) ?? last)))
        )
      })
    )
  })
