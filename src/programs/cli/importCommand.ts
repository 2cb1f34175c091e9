/**
 * `tg-gateway import`: sends a file through an import socket with `?ack=true`, keeping up to
 * `window` frames unanswered. Every frame stays in memory until the gateway acks it; if the
 * connection drops, the command reconnects and resends exactly the frames not acked. It ends with
 * a summary and an exit code saying whether everything landed.
 */
import WebSocket from "ws"
import type { Messages } from "../../i18n/messages.ts"
import { type Frame, frames, ParseError } from "./frameSource.ts"
import { type GatewayTarget, routeUrl, shown } from "./gatewayUrl.ts"
import { makeProgress } from "./progress.ts"
import type { SourceOptions } from "./frameSource.ts"

export const exitCodes = { ok: 0, notLanded: 1, usage: 2, input: 3, interrupted: 130 } as const

export interface ImportOptions {
  readonly target: GatewayTarget
  readonly source: SourceOptions
  readonly bytesTotal: number | undefined
  /** Frames sent and not yet answered, at most. */
  readonly window: number
  /** Reconnection attempts after a dropped connection before giving up. */
  readonly retries: number
}

interface Answer {
  readonly ack?: number
  readonly nack?: number
  readonly error?: { readonly message?: string; readonly retryable?: boolean }
}

interface Sent {
  readonly seq: number
  readonly frame: Frame
}

const backoff = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000)
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const runImport = async (
  options: ImportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream = process.stderr
): Promise<number> => {
  const { t } = messages
  const url = routeUrl(options.target, "import", { ack: "true" })
  const progress = makeProgress({ stream: stderr, messages, direction: "import" })
  const started = Date.now()

  // Frames not yet acked, in the order they were read; resent in that order after a reconnect.
  const unacked = new Map<number, Sent>()
  // Frame number on the current connection → sequence number.
  let onConnection = new Map<number, number>()
  const refused: Array<{ readonly seq: number; readonly message: string }> = []
  let nextSeq = 0
  let sentItems = 0
  let ackedFrames = 0
  let ackedItems = 0
  let bytesRead = 0
  let socket: WebSocket | undefined
  let connectionFrames = 0
  let interrupted = false
  let gaveUp: string | undefined
  let wake: () => void = () => {}
  const changed = () => {
    progress.update({
      frames: nextSeq,
      framesDone: ackedFrames,
      triples: sentItems,
      triplesDone: ackedItems,
      bytesRead,
      bytesTotal: options.bytesTotal
    })
    wake()
  }
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve))
  }

  const transmit = (sent: Sent) => {
    if (socket?.readyState !== WebSocket.OPEN) return
    onConnection.set(++connectionFrames, sent.seq)
    socket.send(sent.frame.text)
  }

  const onAnswer = (data: WebSocket.RawData) => {
    let answer: Answer
    try {
      answer = JSON.parse(data.toString()) as Answer
    } catch {
      return
    }
    const number = answer.ack ?? answer.nack
    const seq = number === undefined ? undefined : onConnection.get(number)
    const sent = seq === undefined ? undefined : unacked.get(seq)
    if (sent === undefined) return
    if (answer.ack !== undefined) {
      unacked.delete(sent.seq)
      ackedFrames++
      ackedItems += sent.frame.items
    } else if (answer.error?.retryable === true) {
      // The broker could not take it just now: try again shortly, here or after a reconnect.
      setTimeout(() => transmit(sent), backoff(0))
    } else {
      // The gateway refused the frame itself: sending it again would be refused again.
      unacked.delete(sent.seq)
      refused.push({ seq: sent.seq, message: answer.error?.message ?? "refused" })
      stderr.write(`${t("import.refused", { frame: sent.seq + 1, message: answer.error?.message ?? "" })}\n`)
    }
    changed()
  }

  /** Opens a connection and resends what is unacked; resolves false if the gateway cannot be reached. */
  const connect = () =>
    new Promise<string | undefined>((resolve) => {
      const ws = new WebSocket(url, { perMessageDeflate: false })
      ws.once("open", () => {
        socket = ws
        onConnection = new Map()
        connectionFrames = 0
        for (const sent of unacked.values()) transmit(sent)
        resolve(undefined)
      })
      ws.once("unexpected-response", (_request, response) => {
        let body = ""
        response.on("data", (chunk: Buffer) => (body += chunk.toString()))
        response.on("end", () => resolve(`HTTP ${response.statusCode}: ${body}`))
      })
      ws.once("error", (error) => resolve(error.message))
      ws.on("message", onAnswer)
      ws.on("close", (code, reason) => {
        if (socket === ws) socket = undefined
        if (closing) return
        stderr.write(`${t("import.dropped", { code, reason: reason.toString() })}\n`)
        void reconnect()
      })
    })

  let closing = false
  let reconnecting: Promise<void> | undefined
  const reconnect = () =>
    (reconnecting ??= (async () => {
      for (let attempt = 0; attempt < options.retries && !closing; attempt++) {
        await pause(backoff(attempt))
        stderr.write(`${t("import.reconnecting", { attempt: attempt + 1, of: options.retries })}\n`)
        const failure = await connect()
        if (failure === undefined) {
          reconnecting = undefined
          changed()
          return
        }
      }
      gaveUp = t("import.gaveUp", { attempts: options.retries })
      reconnecting = undefined
      changed()
    })())

  const first = await connect()
  if (first !== undefined) {
    stderr.write(`${t("import.cannotConnect", { url: shown(url), reason: first })}\n`)
    return exitCodes.notLanded
  }
  const onSigint = () => {
    interrupted = true
    changed()
  }
  process.once("SIGINT", onSigint)

  let parseError: ParseError | undefined
  try {
    for await (const frame of frames(options.source)) {
      await until(() => unacked.size < options.window || gaveUp !== undefined || interrupted)
      if (gaveUp !== undefined || interrupted) break
      const sent = { seq: nextSeq++, frame }
      unacked.set(sent.seq, sent)
      sentItems += frame.items
      bytesRead = frame.bytesRead
      transmit(sent)
      changed()
    }
  } catch (error) {
    if (!(error instanceof ParseError)) throw error
    parseError = error
  }
  // Everything read has been sent (or is waiting for a reconnect): wait for the answers.
  await until(() => unacked.size === 0 || gaveUp !== undefined || interrupted)
  closing = true
  process.off("SIGINT", onSigint)
  socket?.close(1000)
  progress.finish()

  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  stderr.write(
    `${t("import.summary", { acked: ackedFrames, frames: nextSeq, items: ackedItems, seconds, flow: options.target.flow, kind: options.target.kind })}\n`
  )
  if (parseError !== undefined) {
    stderr.write(
      `${t("import.parseError", { where: `${parseError.file}:${parseError.line}:${parseError.column}`, problem: parseError.problem })}\n`
    )
    stderr.write(`${t("import.parseStopped", { acked: ackedFrames, line: parseError.line })}\n`)
    return exitCodes.input
  }
  if (interrupted) {
    stderr.write(`${t("import.interrupted", { unacked: unacked.size })}\n`)
    return exitCodes.interrupted
  }
  if (gaveUp !== undefined || unacked.size > 0 || refused.length > 0) {
    if (gaveUp !== undefined) stderr.write(`${gaveUp}\n`)
    stderr.write(`${t("import.notLanded", { unacked: unacked.size, refused: refused.length })}\n`)
    return exitCodes.notLanded
  }
  stderr.write(`${t("import.allLanded")}\n`)
  return exitCodes.ok
}
