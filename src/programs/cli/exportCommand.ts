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
import { makeProgress } from "./progress.ts"

export const outputFormats = ["jsonl", "nt"] as const
export type OutputFormat = (typeof outputFormats)[number]

export interface ExportOptions {
  readonly target: GatewayTarget
  /** A path, or "-" for standard output. */
  readonly output: string
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
    return 2
  }
  const url = routeUrl(options.target, "export", { subscription: options.subscription, from: options.from })
  const out = options.output === "-" ? stdout : createWriteStream(options.output)
  const progress = makeProgress({ stream: stderr, messages, direction: "export" })
  let frames = 0
  let items = 0
  let idleTimer: NodeJS.Timeout | undefined

  const ended = await new Promise<{ readonly code: number; readonly why: string }>((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    let done = false
    const stop = (code: number, why: string) => {
      if (done) return
      done = true
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      process.off("SIGINT", onSigint)
      if (ws.readyState === WebSocket.OPEN) ws.close(1000)
      resolve({ code, why })
    }
    const onSigint = () => stop(0, t("export.stoppedByUser"))
    process.once("SIGINT", onSigint)
    const idle = options.idleMillis
    const armIdle = () => {
      if (idle === undefined) return
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      idleTimer = setTimeout(() => stop(0, t("export.idle", { seconds: idle / 1000 })), idle)
    }
    ws.once("open", armIdle)
    ws.on("message", (data) => {
      if (done) return
      const text = data.toString()
      if (text.startsWith(`{"error"`)) {
        stderr.write(`${t("export.gatewayError", { message: text })}\n`)
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
      if (options.count !== undefined && frames >= options.count) stop(0, t("export.countReached", { count: frames }))
    })
    ws.once("unexpected-response", (_request, response) => {
      let body = ""
      response.on("data", (chunk: Buffer) => (body += chunk.toString()))
      response.on("end", () =>
        stop(1, t("export.refused", { url: shown(url), status: response.statusCode ?? 0, body }))
      )
    })
    ws.once("error", (error) => stop(1, t("export.cannotConnect", { url: shown(url), reason: error.message })))
    ws.on("close", (code, reason) =>
      stop(code === 1000 || code === 1001 ? 0 : 1, t("export.closed", { code, reason: reason.toString() }))
    )
  })

  progress.finish()
  // Everything received is on disk (or in the pipe) before the summary.
  await new Promise<void>((resolve) => (out === stdout ? out.write("", () => resolve()) : out.end(resolve)))
  stderr.write(`${ended.why}\n`)
  stderr.write(
    `${t("export.summary", { frames, items, output: options.output === "-" ? "stdout" : options.output, format: options.format })}\n`
  )
  return ended.code
}
