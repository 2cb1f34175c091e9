/**
 * `tg-gateway export`: reads frames from an export socket and writes them as JSON Lines, or as
 * N-Triples for triples. Stops after `count` frames, after `idle` without one, on Ctrl-C or when
 * the gateway closes; everything received is written and flushed before it exits.
 *
 * With `--subscription` it asks for client acks (`?ack=true`) and acknowledges frame n only once
 * its lines have been handed to the output (the write's callback: in the operating system's
 * hands, not fsync'd), so that whatever it had not written when it stopped — a crash included —
 * is delivered again to the next export with the same subscription.
 */
import { createWriteStream } from "node:fs"
import type { Writable } from "node:stream"
import { Clock, Deferred, Effect, Exit, Latch, Pull, Scope } from "effect"
import { tripleToNTriples } from "../../domain/Rdf.ts"
import type { TripleT } from "../../domain/Term.ts"
import type { Messages } from "../../i18n/messages.ts"
import { ctrlC } from "./ctrlC.ts"
import { type Closed, type GatewayConnection, GatewaySocket, layerWs } from "./GatewaySocket.ts"
import { type GatewayTarget, routeUrl } from "./gatewayUrl.ts"
import { connectFailure } from "./importCommand.ts"
import { makeProgress } from "./progress.ts"

const exitCodes = { ok: 0, notLanded: 1, usage: 2 } as const

export const outputFormats = ["jsonl", "nt"] as const
export type OutputFormat = (typeof outputFormats)[number]

export interface ExportOptions {
  readonly target: GatewayTarget
  /** A path, or "-" for standard output. */
  readonly output: string
  /**
   * What to do with an existing file: `create` refuses to touch it, `append` adds to it (resuming
   * a subscription), `overwrite` empties it first (`--force`).
   */
  readonly mode: "create" | "append" | "overwrite"
  readonly format: OutputFormat
  readonly subscription: string | undefined
  readonly from: "latest" | "earliest"
  /** Stop after this many frames. */
  readonly count: number | undefined
  /** Stop after this many milliseconds without a frame. */
  readonly idleMillis: number | undefined
}

/** A frame as the lines written for it, and how many items it held. */
export const linesOf = (format: OutputFormat, text: string): { readonly lines: string; readonly items: number } => {
  const frame = JSON.parse(text) as {
    triples?: ReadonlyArray<TripleT>
    entities?: ReadonlyArray<unknown>
    chunks?: ReadonlyArray<unknown>
  }
  if (format === "nt" && Array.isArray(frame.triples)) {
    return {
      lines: frame.triples.map((triple) => `${tripleToNTriples(triple)}\n`).join(""),
      items: frame.triples.length
    }
  }
  return { lines: `${text}\n`, items: frame.triples?.length ?? frame.entities?.length ?? frame.chunks?.length ?? 1 }
}

/**
 * Why the export stopped: its exit code and what to say. `quiet` is a reader that went away
 * (`export | head`): the command stops as a Unix tool would, without a word.
 */
export interface Stop {
  readonly code: number
  readonly why: string | undefined
  readonly quiet?: boolean
}

/** What an error writing the output means: a closed pipe is a normal end, anything else is not. */
export const outputStop = (messages: Messages, output: string, error: NodeJS.ErrnoException): Stop =>
  error.code === "EPIPE"
    ? { code: exitCodes.ok, why: undefined, quiet: true }
    : error.code === "EEXIST"
      ? { code: exitCodes.usage, why: messages.t("export.outputExists", { output }) }
      : {
          code: exitCodes.notLanded,
          why: messages.t("export.cannotWrite", {
            output: output === "-" ? messages.t("cli.stdout") : output,
            reason: error.message
          })
        }

/** The gateway closed the connection: normal for 1000 and 1001 (a gateway shutting down). */
export const closedStop = (messages: Messages, closed: Closed): Stop => ({
  code: closed.code === 1000 || closed.code === 1001 ? exitCodes.ok : exitCodes.notLanded,
  why: messages.t("export.closed", { code: String(closed.code), reason: closed.reason })
})

interface Output {
  /**
   * Writes, then waits while the output is above its high-water mark: a slow disk holds the socket
   * back. `written` is called once the text has been handed to the file or pipe, if it was.
   */
  readonly write: (text: string, written?: () => void) => Effect.Effect<void>
  /** Waits until every write so far has been handed to the file or pipe (or failed). */
  readonly settled: Effect.Effect<void>
  /** The first error of the output; waits for one. */
  readonly failed: Effect.Effect<NodeJS.ErrnoException>
  /** Waits until everything written is on disk, or in the pipe. */
  readonly flush: Effect.Effect<void>
}

const openOutput = (options: ExportOptions, stdout: Writable): Effect.Effect<Output> =>
  Effect.gen(function* () {
    const flags = { create: "wx", append: "a", overwrite: "w" }[options.mode]
    const out = options.output === "-" ? stdout : createWriteStream(options.output, { flags })
    const failed = yield* Deferred.make<NodeJS.ErrnoException>()
    out.on("error", (error: NodeJS.ErrnoException) => Deferred.doneUnsafe(failed, Exit.succeed(error)))
    let unsettled = 0
    const allSettled = Latch.makeUnsafe(true)
    const done = (written: (() => void) | undefined) => (error: Error | null | undefined) => {
      if (error === null || error === undefined) written?.()
      if (--unsettled === 0) allSettled.openUnsafe()
    }
    return {
      write: (text, written) =>
        Effect.callback<void>((resume) => {
          unsettled++
          allSettled.closeUnsafe()
          if (out.write(text, done(written))) return resume(Effect.void)
          const drained = () => resume(Effect.void)
          out.once("drain", drained)
          return Effect.sync(() => out.off("drain", drained))
        }),
      settled: allSettled.await,
      failed: Deferred.await(failed),
      flush: Effect.callback<void>((resume) => {
        if (out.destroyed || out.writableFinished) resume(Effect.void)
        else if (out === stdout) out.write("", () => resume(Effect.void))
        else out.end(() => resume(Effect.void))
      })
    }
  })

/** The command, on Effect: its exit code, with the socket closed and the output flushed. */
export const exportCommand = Effect.fn("Export.run")(function* (
  options: ExportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream,
  stdout: Writable
) {
  const { t } = messages
  if (options.format === "nt" && options.target.kind !== "triples") {
    stderr.write(`${t("export.ntOnlyTriples", { kind: options.target.kind })}\n`)
    return exitCodes.usage
  }
  const gateway = yield* GatewaySocket
  // A subscription keeps what was not acknowledged for the next export: acknowledge what is written.
  const acking = options.subscription !== undefined
  const url = routeUrl(options.target, "export", {
    subscription: options.subscription,
    from: options.from,
    ack: acking ? "true" : undefined
  })
  const clock = yield* Clock.Clock
  const progress = makeProgress({
    stream: stderr,
    messages,
    direction: "export",
    now: () => clock.currentTimeMillisUnsafe()
  })
  const outputName = options.output === "-" ? t("cli.stdout") : options.output
  let frames = 0
  let items = 0
  // The file is opened once the gateway accepts the connection: a refused export leaves no file.
  let output: Output | undefined

  const nextStep = () =>
    options.subscription === undefined
      ? t("export.resumeHint")
      : t("export.resume", { subscription: options.subscription })

  /** The next frame, or why there is none: the gateway closed, or nothing came for `idle`. */
  const next = (connection: GatewayConnection): Effect.Effect<string | Stop> => {
    const idle = options.idleMillis
    const receive = connection.receive.pipe(
      Pull.catchDone(() => Effect.map(connection.closed, (closed) => closedStop(messages, closed)))
    )
    if (idle === undefined) return receive
    return receive.pipe(
      Effect.timeout(idle),
      Effect.catchTag("TimeoutError", () =>
        Effect.succeed<Stop>({ code: exitCodes.ok, why: t("export.idle", { seconds: idle / 1000 }) })
      )
    )
  }

  // Frames written to the output (their write's callback came), and the last one acknowledged.
  let writtenOut = 0
  let acked = 0
  const toAck = Latch.makeUnsafe(false)
  /** Acknowledges every frame written out so far; a cumulative ack covers them all. */
  const sendAck = (connection: GatewayConnection) =>
    Effect.suspend(() => {
      if (writtenOut <= acked) return Effect.void
      acked = writtenOut
      return connection.send(`{"ack":${acked}}`)
    })
  const acker = (connection: GatewayConnection) =>
    Effect.forever(
      Effect.gen(function* () {
        yield* toAck.await
        toAck.closeUnsafe()
        yield* sendAck(connection)
      })
    )

  const receiveAll = Effect.fn("Export.receive")(function* (connection: GatewayConnection, out: Output) {
    while (true) {
      const text = yield* next(connection)
      if (typeof text !== "string") return text
      // Error frames are not numbered: frame n is the n-th frame that is not one.
      if (text.startsWith(`{"error"`)) {
        progress.say(t("export.gatewayError", { message: text }))
        continue
      }
      const written = linesOf(options.format, text)
      const n = ++frames
      items += written.items
      yield* out.write(
        written.lines,
        acking
          ? () => {
              writtenOut = n
              toAck.openUnsafe()
            }
          : undefined
      )
      progress.update({ frames, framesDone: frames, triples: items, triplesDone: items })
      if (options.count !== undefined && frames >= options.count)
        return { code: exitCodes.ok, why: t("export.countReached", { count: frames }) }
    }
  })

  // The Ctrl-C listener goes with the inner scope: Ctrl-C is Node's again while the connection
  // closes (with 1000, its close frame waited for), before the output is flushed and the summary said.
  const connections = yield* Scope.fork(yield* Scope.Scope)
  const stop = yield* Effect.scoped(
    Effect.gen(function* () {
      const stoppedByUser: Stop = { code: exitCodes.ok, why: `${t("export.stoppedByUser")}\n${nextStep()}` }
      const pressed = Effect.as(yield* ctrlC, stoppedByUser)
      const connected = yield* gateway.connect(url).pipe(
        Scope.provide(connections),
        Effect.catch((error) =>
          Effect.succeed<Stop>({ code: exitCodes.notLanded, why: connectFailure(messages, "export", error) })
        ),
        Effect.raceFirst(pressed)
      )
      if (!("receive" in connected)) return connected
      const out = yield* openOutput(options, stdout)
      output = out
      if (acking) yield* Effect.forkScoped(acker(connected))
      const stopped = yield* Effect.raceAll([
        receiveAll(connected, out),
        pressed,
        Effect.map(out.failed, (error) => outputStop(messages, options.output, error))
      ])
      // What reached the output is acknowledged before the connection closes, so that only what
      // did not is delivered again.
      if (acking) yield* Effect.andThen(Effect.raceFirst(out.settled, out.failed), sendAck(connected))
      return stopped
    })
  )
  yield* Scope.close(connections, Exit.void)

  progress.finish()
  if (stop.quiet === true) return stop.code
  // Everything received is on disk (or in the pipe) before the summary.
  if (output !== undefined) yield* output.flush
  if (stop.why !== undefined) stderr.write(`${stop.why}\n`)
  if (frames > 0 || stop.code === exitCodes.ok)
    stderr.write(`${t("export.summary", { frames, items, output: outputName, format: options.format })}\n`)
  return stop.code
}, Effect.scoped)

export const runExport = (
  options: ExportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream = process.stderr,
  stdout: Writable = process.stdout
): Promise<number> => Effect.runPromise(exportCommand(options, messages, stderr, stdout).pipe(Effect.provide(layerWs)))
