/**
 * `tg-gateway import`: sends a file through an import socket with `?ack=true`, keeping up to
 * `window` frames unanswered. Every frame stays in memory until the gateway acks it; if the
 * connection drops, the command reconnects and resends exactly the frames not acked. It ends with
 * a summary and an exit code saying whether everything landed. A frame the gateway refuses for
 * good (a nack without `retryable: true`, or a frame so large it closes the socket with 1009) is
 * reported with where it came from and never sent again.
 */
import WebSocket from "ws"
import type { Messages } from "../../i18n/messages.ts"
import { type Frame, framesOf, ParseError, type SourceOptions } from "./frameSource.ts"
import { type GatewayTarget, routeUrl, shown } from "./gatewayUrl.ts"
import { makeProgress } from "./progress.ts"

export const exitCodes = { ok: 0, notLanded: 1, usage: 2, input: 3, interrupted: 130 } as const

export interface ImportOptions {
  readonly target: GatewayTarget
  /** The inputs, sent one after the other over the same connection. */
  readonly sources: ReadonlyArray<SourceOptions>
  readonly bytesTotal: number | undefined
  /** Frames sent and not yet answered, at most. */
  readonly window: number
  /** Reconnection attempts after a dropped connection, and resends of a frame nacked as retryable. */
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
  readonly bytes: number
  /** Retryable nacks so far. */
  attempts: number
}

const backoff = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000)

/** Close code of a frame larger than the gateway's MAX_FRAME_SIZE. */
const messageTooBig = 1009

/** What a failed connection attempt means to the user; a refused TCP connection says it plainly. */
export const connectFailure = (messages: Messages, url: string, error: Error): string => {
  if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED")
    return messages.t("cli.notRunning", { url: shown(url), address: new URL(url).host })
  return messages.t("import.cannotConnect", { url: shown(url), reason: error.message })
}

export const runImport = async (
  options: ImportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream = process.stderr
): Promise<number> => {
  const { t } = messages
  const url = routeUrl(options.target, "import", { ack: "true" })
  const progress = makeProgress({ stream: stderr, messages, direction: "import" })
  const say = progress.say
  const started = Date.now()

  // Frames not yet acked, in the order they were read; resent in that order after a reconnect.
  const unacked = new Map<number, Sent>()
  // Frame number on the current connection → sequence number.
  let onConnection = new Map<number, number>()
  let refused = 0
  let nextSeq = 0
  let sentItems = 0
  let ackedFrames = 0
  let ackedItems = 0
  let bytesRead = 0
  let socket: WebSocket | undefined
  /** The socket still opening, if any: Ctrl-C while it opens drops it. */
  let opening: WebSocket | undefined
  let connectionFrames = 0
  let interrupted = false
  let closing = false
  let gaveUp: string | undefined
  // The size of the smallest frame the gateway closed the connection over (1009): no frame this
  // large is sent again.
  let tooBigFrom = Infinity
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

  // Every timer this command starts, so that none outlives it.
  const timers = new Map<NodeJS.Timeout, () => void>()
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.set(timer, resolve)
    })
  const stopTimers = () => {
    for (const [timer, resolve] of timers) {
      clearTimeout(timer)
      resolve()
    }
    timers.clear()
  }

  const originOf = (frame: Frame): string =>
    "line" in frame.origin
      ? t("import.originLine", { file: frame.origin.file, line: frame.origin.line })
      : t("import.originTriples", { file: frame.origin.file, first: frame.origin.first, last: frame.origin.last })

  const refuse = (sent: Sent, text: string) => {
    unacked.delete(sent.seq)
    refused++
    say(text)
  }

  const transmit = (sent: Sent) => {
    if (socket?.readyState !== WebSocket.OPEN || !unacked.has(sent.seq)) return
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
    const message = answer.error?.message ?? ""
    if (answer.ack !== undefined) {
      unacked.delete(sent.seq)
      ackedFrames++
      ackedItems += sent.frame.items
    } else if (answer.error?.retryable === true && sent.attempts < options.retries) {
      // The broker could not take it just now: try again a little later, here or after a reconnect.
      void sleep(backoff(sent.attempts++)).then(() => {
        if (!closing) transmit(sent)
      })
    } else if (answer.error?.retryable === true) {
      refuse(
        sent,
        t("import.stillRefused", {
          frame: sent.seq + 1,
          origin: originOf(sent.frame),
          attempts: sent.attempts + 1,
          message
        })
      )
    } else {
      // Refused for good (bad frame, or one the broker can never take): sending it again would be
      // refused again, so it is reported and the rest goes on.
      refuse(sent, t("import.refused", { frame: sent.seq + 1, origin: originOf(sent.frame), message }))
    }
    changed()
  }

  /** The gateway closed the connection over a frame larger than it accepts: the largest unanswered one. */
  const onTooBig = (sentHere: ReadonlyArray<Sent>) => {
    const largest = sentHere.reduce<Sent | undefined>(
      (a, b) => (a === undefined || b.bytes > a.bytes ? b : a),
      undefined
    )
    if (largest === undefined) return
    tooBigFrom = Math.min(tooBigFrom, largest.bytes)
    for (const sent of [...unacked.values()]) {
      if (sent.bytes >= tooBigFrom)
        refuse(sent, t("import.tooBig", { frame: sent.seq + 1, origin: originOf(sent.frame), bytes: sent.bytes }))
    }
  }

  /** Opens a connection and resends what is unacked; resolves with why it failed, if it did. */
  const connect = () =>
    new Promise<string | undefined>((resolve) => {
      const ws = new WebSocket(url, { perMessageDeflate: false })
      opening = ws
      let opened = false
      ws.once("open", () => {
        opened = true
        opening = undefined
        socket = ws
        onConnection = new Map()
        connectionFrames = 0
        for (const sent of unacked.values()) transmit(sent)
        resolve(undefined)
      })
      ws.once("unexpected-response", (request, response) => {
        let body = ""
        response.on("data", (chunk: Buffer) => (body += chunk.toString()))
        response.on("end", () => {
          request.destroy()
          resolve(t("import.cannotConnect", { url: shown(url), reason: `HTTP ${response.statusCode}: ${body}` }))
        })
      })
      ws.on("error", (error) => {
        if (!opened) resolve(connectFailure(messages, url, error))
      })
      ws.on("message", onAnswer)
      ws.on("close", (code, reason) => {
        // A connection that never opened was already answered for; only a lost one is retried.
        if (!opened) return
        const sentHere = [...onConnection.values()].flatMap((seq) => unacked.get(seq) ?? [])
        if (socket === ws) socket = undefined
        if (closing) return
        if (code === messageTooBig) onTooBig(sentHere)
        else say(t("import.dropped", { code: String(code), reason: reason.toString() }))
        void reconnect()
      })
    })

  let reconnecting: Promise<void> | undefined
  const reconnect = () =>
    (reconnecting ??= (async () => {
      for (let attempt = 0; attempt < options.retries && !closing; attempt++) {
        await sleep(backoff(attempt))
        if (closing) break
        say(t("import.reconnecting", { attempt: attempt + 1, of: options.retries }))
        const failure = await connect()
        if (failure === undefined) {
          say(t("import.reconnected", { unacked: unacked.size }))
          reconnecting = undefined
          changed()
          return
        }
        say(failure)
      }
      if (!closing) gaveUp = t("import.gaveUp", { attempts: options.retries })
      reconnecting = undefined
      changed()
    })())

  const onSigint = () => {
    interrupted = true
    changed()
  }
  process.once("SIGINT", onSigint)

  // Ctrl-C while the first connection opens: nothing was sent, and the user is told so.
  const first = await Promise.race([connect(), until(() => interrupted).then(() => "interrupted" as const)])
  if (first === "interrupted") {
    closing = true
    opening?.terminate()
    socket?.terminate()
    stopTimers()
    say(t("import.interrupted", { unacked: 0 }))
    return exitCodes.interrupted
  }
  if (first !== undefined) {
    process.off("SIGINT", onSigint)
    say(first)
    return exitCodes.notLanded
  }

  let parseError: ParseError | undefined
  try {
    for await (const frame of framesOf(options.sources)) {
      await until(() => unacked.size < options.window || gaveUp !== undefined || interrupted)
      if (gaveUp !== undefined || interrupted) break
      const sent: Sent = { seq: nextSeq++, frame, bytes: Buffer.byteLength(frame.text), attempts: 0 }
      sentItems += frame.items
      bytesRead = frame.bytesRead
      unacked.set(sent.seq, sent)
      if (sent.bytes >= tooBigFrom)
        refuse(sent, t("import.tooBig", { frame: sent.seq + 1, origin: originOf(frame), bytes: sent.bytes }))
      else transmit(sent)
      changed()
    }
  } catch (error) {
    if (!(error instanceof ParseError)) throw error
    parseError = error
  }
  // Everything read has been sent (or is waiting for a reconnect): wait for the answers.
  await until(() => unacked.size === 0 || gaveUp !== undefined || interrupted)
  closing = true
  stopTimers()
  process.off("SIGINT", onSigint)
  const last = socket
  if (last !== undefined) {
    await new Promise<void>((resolve) => {
      last.once("close", () => resolve())
      last.close(1000)
    })
  }
  progress.finish()

  const seconds = (Date.now() - started) / 1000
  say(
    t("import.summary", {
      acked: ackedFrames,
      frames: nextSeq,
      items: ackedItems,
      seconds,
      flow: options.target.flow,
      kind: options.target.kind
    })
  )
  if (parseError !== undefined) {
    say(
      t("import.parseError", {
        where: `${parseError.file}:${parseError.line}:${parseError.column}`,
        problem: parseError.problem
      })
    )
  }
  if (interrupted) {
    say(t("import.interrupted", { unacked: unacked.size }))
    return exitCodes.interrupted
  }
  const landed = gaveUp === undefined && unacked.size === 0 && refused === 0
  if (gaveUp !== undefined) say(gaveUp)
  if (!landed) say(t("import.notLanded", { unacked: unacked.size, refused }))
  if (parseError !== undefined) {
    say(t(landed ? "import.parseLanded" : "import.parseStopped", { line: parseError.line }))
    return exitCodes.input
  }
  if (!landed) return exitCodes.notLanded
  say(t("import.allLanded"))
  return exitCodes.ok
}
