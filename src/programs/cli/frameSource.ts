/**
 * Turns an input file (or stdin) into import frames: N-Triples and Turtle are parsed as a stream
 * with n3 and batched into triples frames; JSON Lines are taken as ready frames, one per line.
 * A parse error stops the source with the file, line and column, once what came before it has
 * been given out as frames.
 */
import { createReadStream, statSync } from "node:fs"
import { basename, extname } from "node:path"
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"
import { StreamParser } from "n3"
import { type RdfQuad, tripleFromRdf } from "../../domain/Rdf.ts"
import type { TripleT } from "../../domain/Term.ts"

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

export class ParseError extends Error {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly problem: string
  constructor(file: string, line: number, column: number, problem: string) {
    super(`${file}:${line}:${column}: ${problem}`)
    this.file = file
    this.line = line
    this.column = column
    this.problem = problem
  }
}

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

const open = (options: SourceOptions): { readonly stream: Readable; readonly name: string } =>
  options.input === "-"
    ? { stream: options.stdin ?? process.stdin, name: "<stdin>" }
    : { stream: createReadStream(options.input), name: options.input }

interface N3Context {
  readonly line?: number
  readonly token?: { readonly start?: number } | null
  readonly previousToken?: { readonly end?: number } | null
}

async function* rdfFrames(options: SourceOptions): AsyncGenerator<Frame> {
  const { stream, name } = open(options)
  let bytesRead = 0
  stream.on("data", (chunk: Buffer | string) => (bytesRead += chunk.length))
  const parser = new StreamParser({ format: options.format === "ttl" ? "Turtle*" : "N-Quads*" })
  stream.on("error", (error) => parser.destroy(error))
  stream.pipe(parser)
  let batch: Array<TripleT> = []
  let triples = 0
  const frame = (): Frame => {
    const text = JSON.stringify({ metadata: options.metadata, triples: batch })
    const built = {
      text,
      items: batch.length,
      bytesRead,
      origin: { file: name, first: triples - batch.length + 1, last: triples }
    }
    batch = []
    return built
  }
  try {
    for await (const quad of parser as AsyncIterable<RdfQuad>) {
      batch.push(tripleFromRdf(quad))
      triples++
      if (batch.length >= options.batch) yield frame()
    }
  } catch (error) {
    // What was read before the error is sent, so that "everything before line L" is true.
    if (batch.length > 0) yield frame()
    const context = (error as { context?: N3Context }).context
    if (context?.line === undefined) throw new ParseError(name, 0, 0, (error as Error).message)
    const column = (context.token?.start ?? context.previousToken?.end ?? 0) + 1
    const problem = (error as Error).message.replace(/ on line \d+\.?$/, "")
    throw new ParseError(name, context.line, column, problem)
  }
  if (batch.length > 0) yield frame()
}

/** How many triples, entities, chunks or rows a ready frame carries. */
const itemsOf = (frame: Record<string, unknown>): number => {
  for (const key of ["triples", "entities", "chunks", "values"]) {
    const value = frame[key]
    if (Array.isArray(value)) return value.length
  }
  return 1
}

async function* jsonLinesFrames(options: SourceOptions): AsyncGenerator<Frame> {
  const { stream, name } = open(options)
  let bytesRead = 0
  let line = 0
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++
    bytesRead += Buffer.byteLength(text) + 1
    if (text.trim() === "") continue
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message)?.[1]
      throw new ParseError(name, line, position === undefined ? 1 : Number(position) + 1, (error as Error).message)
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ParseError(name, line, 1, "expected a JSON object (one frame per line)")
    }
    yield { text, items: itemsOf(parsed as Record<string, unknown>), bytesRead, origin: { file: name, line } }
  }
}

export const frames = (options: SourceOptions): AsyncGenerator<Frame> =>
  options.format === "jsonl" ? jsonLinesFrames(options) : rdfFrames(options)

/** The frames of several inputs, one after the other; `bytesRead` counts from the first. */
export async function* framesOf(sources: ReadonlyArray<SourceOptions>): AsyncGenerator<Frame> {
  let before = 0
  for (const source of sources) {
    let last = 0
    for await (const frame of frames(source)) {
      last = frame.bytesRead
      yield { ...frame, bytesRead: before + frame.bytesRead }
    }
    before += inputSize(source.input) ?? last
  }
}
