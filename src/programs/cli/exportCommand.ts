/**
 * `tg-gateway export`: reads frames from an export socket and writes them as JSON Lines, or as
 * N-Triples for triples. Stops after `count` frames, after `idle` without one, on Ctrl-C or when
 * the gateway closes; everything received is written and flushed before it exits.
 */
import { createWriteStream } from "node:fs"
import type { Writable } from "node:stream"
import WebSocket from "ws"
import { tripleToNTriples } from "../../domain/Rdf.ts"
import type { TripleT } from "../../domain/Term.ts"
import type { Messages } from "../../i18n/messages.ts"
import { type GatewayTarget, routeUrl, shown } from "./gatewayUrl.ts"
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

const linesOf = (format: OutputFormat, text: string): { readonly lines: string; readonly items: number } => {
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

export const runExport = async (
  options: ExportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream = process.stderr,
  stdout: Writable = process.stdout
): Promise<number> => {
  const { t } = messages
  if (options.format === "nt" && options.target.kind !== "triples") {
    stderr.write(`${t("export.ntOnlyTriples", { kind: options.target.kind })}\n`)
    return exitCodes.usage
  }
  const url = routeUrl(options.target, "export", { subscription: options.subscription, from: options.from })
  const flags = { create: "wx", append: "a", overwrite: "w" }[options.mode]
  // The file is opened once the gateway accepts the connection: a refused export leaves no file.
  let out: Writable | undefined
  const progress = makeProgress({ stream: stderr, messages, direction: "export" })
  const outputName = options.output === "-" ? t("cli.stdout") : options.output
  let frames = 0
  let items = 0
  let idleTimer: NodeJS.Timeout | undefined
  // The reader of a pipe went away (`export | head`): stop, quietly, as a Unix tool would.
  let outputClosed = false

  const ended = await new Promise<{ readonly code: number; readonly why: string | undefined }>((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    let opened = false
    let done = false
    const stop = (code: number, why: string | undefined) => {
      if (done) return
      done = true
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      process.off("SIGINT", onSigint)
      const finished = () => resolve({ code, why })
      // A socket paused for a slow (or closed) output must read again to see the close handshake.
      if (ws.isPaused) ws.resume()
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING) {
        // Wait for the close handshake, so that nothing of the connection outlives the command.
        ws.once("close", finished)
        ws.close(1000)
      } else if (ws.readyState === WebSocket.CONNECTING) {
        ws.once("close", finished)
        ws.terminate()
      } else finished()
    }
    const onSigint = () => stop(exitCodes.ok, `${t("export.stoppedByUser")}\n${nextStep()}`)
    const nextStep = () =>
      options.subscription === undefined
        ? t("export.resumeHint")
        : t("export.resume", { subscription: options.subscription })
    const onOutputError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") {
        outputClosed = true
        stop(exitCodes.ok, undefined)
      } else if (error.code === "EEXIST") {
        stop(exitCodes.usage, t("export.outputExists", { output: options.output }))
      } else stop(exitCodes.notLanded, t("export.cannotWrite", { output: outputName, reason: error.message }))
    }
    process.once("SIGINT", onSigint)
    const idle = options.idleMillis
    const armIdle = () => {
      if (idle === undefined) return
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      idleTimer = setTimeout(() => stop(exitCodes.ok, t("export.idle", { seconds: idle / 1000 })), idle)
    }
    ws.once("open", () => {
      opened = true
      out = options.output === "-" ? stdout : createWriteStream(options.output, { flags })
      out.on("error", onOutputError)
      armIdle()
    })
    ws.on("message", (data) => {
      if (done || out === undefined) return
      const text = data.toString()
      if (text.startsWith(`{"error"`)) {
        progress.say(t("export.gatewayError", { message: text }))
        return
      }
      const written = linesOf(options.format, text)
      frames++
      items += written.items
      // A slow disk pauses the socket, and the gateway's queue, rather than filling memory.
      if (!out.write(written.lines)) {
        ws.pause()
        out.once("drain", () => ws.resume())
      }
      progress.update({ frames, framesDone: frames, triples: items, triplesDone: items })
      armIdle()
      if (options.count !== undefined && frames >= options.count)
        stop(exitCodes.ok, t("export.countReached", { count: frames }))
    })
    ws.once("unexpected-response", (request, response) => {
      let body = ""
      response.on("data", (chunk: Buffer) => (body += chunk.toString()))
      response.on("end", () => {
        request.destroy()
        stop(
          exitCodes.notLanded,
          t("export.refused", { url: shown(url), status: String(response.statusCode ?? 0), body })
        )
      })
    })
    ws.on("error", (error) => {
      if (!opened) stop(exitCodes.notLanded, connectFailure(messages, url, error))
    })
    ws.on("close", (code, reason) =>
      stop(
        code === 1000 || code === 1001 ? exitCodes.ok : exitCodes.notLanded,
        t("export.closed", { code: String(code), reason: reason.toString() })
      )
    )
  })

  progress.finish()
  if (outputClosed) return ended.code
  // Everything received is on disk (or in the pipe) before the summary.
  const written = out
  await new Promise<void>((resolve) => {
    if (written === undefined || written.destroyed || written.writableFinished) resolve()
    else if (written === stdout) written.write("", () => resolve())
    else written.end(resolve)
  })
  if (ended.why !== undefined) stderr.write(`${ended.why}\n`)
  if (frames > 0 || ended.code === exitCodes.ok)
    stderr.write(`${t("export.summary", { frames, items, output: outputName, format: options.format })}\n`)
  return ended.code
}
