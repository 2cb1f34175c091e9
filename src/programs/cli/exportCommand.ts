/**
 * `tg-gateway export`: reads frames from an export socket and writes them as JSON Lines, or as
 * N-Triples for triples. Stops after `count` frames, after `idle` without one, on Ctrl-C or when
 * the gateway closes; everything received is written and flushed before it exits.
 *
 * With `--subscription` it asks for client acks (`?ack=true`) and acknowledges frame n only once
 * its lines have been handed to the output (the write's callback: in the operating system's
 * hands, not fsync'd), so that whatever it had not written when it stopped — a crash included —
 * is delivered again to the next export with the same subscription. For the same reason it
 * reconnects by itself after a lost connection (on import's `backoff` schedule, `--retries`
 * attempts, each to the next `--url`): the new connection takes the subscription up where the
 * last one's acks left it, and numbers its frames from 1 again. Without a subscription a lost
 * connection ends the export: a new one would be a new tap, missing what came meanwhile.
 */
import { createWriteStream } from "node:fs"
import type { Writable } from "node:stream"
import { Clock, Deferred, Effect, Exit, Latch, Pull, Result, Schedule, Scope } from "effect"
import { tripleToNTriples } from "../../domain/Rdf.ts"
import type { TripleT } from "../../domain/Term.ts"
import type { Messages } from "../../i18n/messages.ts"
import { ctrlC } from "./ctrlC.ts"
import { type Closed, type ConnectError, type GatewayConnection, GatewaySocket, layerWs } from "./GatewaySocket.ts"
import { type GatewayTarget, routeUrl } from "./gatewayUrl.ts"
import { connectFailure } from "./importCommand.ts"
import { makeProgress } from "./progress.ts"
import { backoff, nextWait, reconnectingLine } from "./reconnect.ts"

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
  /** With a subscription: attempts to reconnect after a lost connection, on the `backoff` schedule. */
  readonly retries: number
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

/**
 * Close codes after which an export with a subscription connects again: the connection was lost
 * (1006), the gateway is shutting down or restarting (1001, 1012), failed or lost its broker
 * (1011), or asks to be tried again later (1013).
 */
export const droppedCodes: ReadonlySet<number> = new Set([1001, 1006, 1011, 1012, 1013])

/** A refusal that another attempt would get as well: a bad request, a token refused, no such flow or kind. */
const lasting = (error: ConnectError) => error._tag === "UpgradeRefused" && [400, 401, 403, 404].includes(error.status)

/** An open connection in a scope of its own; acks number its frames from 1, whatever came before. */
interface Link {
  readonly connection: GatewayConnection
  readonly scope: Scope.Closeable
  /** Frames taken on this connection, error frames aside. */
  frames: number
  /** The last of them written out (its write's callback came), and the last acknowledged. */
  writtenOut: number
  acked: number
  readonly toAck: Latch.Latch
}

/** The connection was lost and the subscription is to be taken up again on a new one. */
interface Dropped {
  readonly _tag: "Dropped"
  readonly closed: Closed
}

const isDropped = (value: Stop | Dropped): value is Dropped => "_tag" in value
const isStop = (value: Stop | Link): value is Stop => "code" in value

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
  /** The route on gateway instance `at`, round `--url`'s list. */
  const urlOf = (at: number) =>
    routeUrl(
      options.target,
      "export",
      { subscription: options.subscription, from: options.from, ack: acking ? "true" : undefined },
      at
    )
  const clock = yield* Clock.Clock
  const progress = makeProgress({
    stream: stderr,
    messages,
    direction: "export",
    now: () => clock.currentTimeMillisUnsafe()
  })
  const say = progress.say
  const outputName = options.output === "-" ? t("cli.stdout") : options.output
  let frames = 0
  let items = 0
  // The file is opened once the gateway accepts the connection: a refused export leaves no file.
  let output: Output | undefined
  // Which gateway instance the next connection goes to.
  let instance = 0
  // Every connection's scope is in this one, closed after the Ctrl-C listener is gone.
  const connections = yield* Scope.fork(yield* Scope.Scope)

  const nextStep = () =>
    options.subscription === undefined
      ? t("export.resumeHint")
      : t("export.resume", { subscription: options.subscription })

  /**
   * How a closed connection ends the export: with a subscription a lost one is opened again;
   * without one a new connection would be a new tap that misses what came meanwhile, so it stops.
   */
  const ended = (closed: Closed): Stop | Dropped => {
    if (!droppedCodes.has(closed.code)) return closedStop(messages, closed)
    if (acking) return { _tag: "Dropped", closed }
    const stop = closedStop(messages, closed)
    return { ...stop, why: `${stop.why}\n${t("export.noReconnect")}` }
  }

  /** The next frame, or why there is none: the gateway closed, or nothing came for `idle`. */
  const next = (link: Link): Effect.Effect<string | Stop | Dropped> => {
    const idle = options.idleMillis
    const receive = link.connection.receive.pipe(Pull.catchDone(() => Effect.map(link.connection.closed, ended)))
    if (idle === undefined) return receive
    return receive.pipe(
      Effect.timeout(idle),
      Effect.catchTag("TimeoutError", () =>
        Effect.succeed<Stop>({ code: exitCodes.ok, why: t("export.idle", { seconds: idle / 1000 }) })
      )
    )
  }

  /** Acknowledges every frame of the connection written out so far; a cumulative ack covers them all. */
  const sendAck = (link: Link) =>
    Effect.suspend(() => {
      if (link.writtenOut <= link.acked) return Effect.void
      link.acked = link.writtenOut
      return link.connection.send(`{"ack":${link.acked}}`)
    })
  const acker = (link: Link) =>
    Effect.forever(
      Effect.gen(function* () {
        yield* link.toAck.await
        link.toAck.closeUnsafe()
        yield* sendAck(link)
      })
    )

  const receiveAll = Effect.fn("Export.receive")(function* (link: Link, out: Output) {
    while (true) {
      const text = yield* next(link)
      if (typeof text !== "string") return text
      // Error frames are not numbered: frame n is the n-th frame that is not one.
      if (text.startsWith(`{"error"`)) {
        say(t("export.gatewayError", { message: text }))
        continue
      }
      const written = linesOf(options.format, text)
      const n = ++link.frames
      frames++
      items += written.items
      yield* out.write(
        written.lines,
        acking
          ? () => {
              link.writtenOut = n
              link.toAck.openUnsafe()
            }
          : undefined
      )
      progress.update({ frames, framesDone: frames, triples: items, triplesDone: items })
      if (options.count !== undefined && frames >= options.count)
        return { code: exitCodes.ok, why: t("export.countReached", { count: frames }) }
    }
  })

  /** Writes what the connection brings until it ends, acknowledging what is written. */
  const serve = (link: Link, out: Output): Effect.Effect<Stop | Dropped> =>
    Effect.gen(function* () {
      if (!acking) return yield* receiveAll(link, out)
      yield* Effect.forkIn(acker(link), link.scope)
      // A frame still waiting to be taken when the connection is gone can no longer be
      // acknowledged: the subscription delivers it again, and written now it would be written twice.
      return yield* Effect.raceFirst(receiveAll(link, out), Effect.map(link.connection.closed, ended))
    })

  /** A connection to gateway instance `at`, in a scope of its own; closed at once if it does not open. */
  const open = (at: number) =>
    Effect.gen(function* () {
      const scope = yield* Scope.fork(connections)
      const connection = yield* gateway.connect(urlOf(at)).pipe(
        Scope.provide(scope),
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      const link: Link = { connection, scope, frames: 0, writtenOut: 0, acked: 0, toAck: Latch.makeUnsafe(false) }
      return link
    })

  /** The first connection, on each gateway instance in turn until one opens; none is waited for. */
  const firstConnection = Effect.gen(function* () {
    for (let tried = 1; ; tried++) {
      const opened = yield* Effect.result(open(instance))
      if (Result.isSuccess(opened)) return opened.success
      const why = connectFailure(messages, "export", opened.failure)
      const refused: Stop = { code: exitCodes.notLanded, why }
      if (tried >= options.target.urls.length) return refused
      say(why)
      instance++
    }
  })

  /** After a lost connection: attempts on the backoff schedule, each on the next instance and each said. */
  const reconnect = Effect.fn("Export.reconnect")(function* (closed: Closed) {
    say(t("import.dropped", { code: String(closed.code), reason: closed.reason }))
    const wait = yield* Schedule.toStepWithSleep(backoff(options.retries))
    for (let attempt = 1; ; attempt++) {
      const gaveUp: Stop = {
        code: exitCodes.notLanded,
        why: `${t("import.gaveUp", { attempts: options.retries })}\n${nextStep()}`
      }
      if (!(yield* nextWait(wait))) return gaveUp
      instance++
      say(reconnectingLine(messages, attempt, options.retries, options.target.urls.length, urlOf(instance)))
      const opened = yield* Effect.result(open(instance))
      if (Result.isSuccess(opened)) {
        say(t("export.reconnected", { subscription: options.subscription ?? "" }))
        return opened.success
      }
      const why = connectFailure(messages, "export", opened.failure)
      const refused: Stop = { code: exitCodes.notLanded, why: `${why}\n${nextStep()}` }
      if (lasting(opened.failure)) return refused
      say(why)
    }
  })

  // The Ctrl-C listener goes with the inner scope: Ctrl-C is Node's again while the connection
  // closes (with 1000, its close frame waited for), before the output is flushed and the summary said.
  const stop = yield* Effect.scoped(
    Effect.gen(function* () {
      const stoppedByUser: Stop = { code: exitCodes.ok, why: `${t("export.stoppedByUser")}\n${nextStep()}` }
      const pressed = Effect.as(yield* ctrlC, stoppedByUser)
      const first = yield* Effect.raceFirst(firstConnection, pressed)
      if (isStop(first)) return first
      const out = yield* openOutput(options, stdout)
      output = out
      const failed = Effect.map(out.failed, (error) => outputStop(messages, options.output, error))
      let link = first
      while (true) {
        const stopped = yield* Effect.raceAll([serve(link, out), pressed, failed])
        if (!isDropped(stopped)) {
          // What reached the output is acknowledged before the connection closes, so that only
          // what did not is delivered again.
          if (acking) yield* Effect.andThen(Effect.raceFirst(out.settled, out.failed), sendAck(link))
          return stopped
        }
        yield* Scope.close(link.scope, Exit.void)
        const next = yield* Effect.raceAll([reconnect(stopped.closed), pressed, failed])
        if (isStop(next)) return next
        link = next
      }
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
