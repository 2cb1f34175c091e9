/**
 * Progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise (logs, CI), so that a long import or export shows it is alive either way.
 */
import type { Messages } from "../../i18n/messages.ts"

export interface ProgressState {
  readonly frames: number
  readonly framesDone: number
  readonly triples: number
  readonly triplesDone: number
  /** Bytes of input read, and the input's size when known (files, not pipes): for the ETA. */
  readonly bytesRead?: number
  readonly bytesTotal?: number | undefined
}

export interface Progress {
  readonly update: (state: ProgressState) => void
  /** Prints a line of its own: the bar's line is ended (cleared) first, and redrawn at the next update. */
  readonly say: (text: string) => void
  /** Clears the bar; the caller prints the summary. */
  readonly finish: () => void
}

export interface ProgressOptions {
  readonly stream: NodeJS.WriteStream
  readonly messages: Messages
  /** "import" or "export": which set of progress messages to use. */
  readonly direction: "import" | "export"
  readonly now?: () => number
  /** Seconds between plain lines when not on a terminal. */
  readonly lineEvery?: number
}

const barWidth = 24

export const makeProgress = (options: ProgressOptions): Progress => {
  const { stream, messages, direction } = options
  const now = options.now ?? Date.now
  const started = now()
  const tty = stream.isTTY === true
  let lastDraw = tty ? 0 : started
  let drawn = false

  const line = (state: ProgressState): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001)
    const rate = Math.round(state.triplesDone / seconds)
    const fraction =
      state.bytesTotal !== undefined && state.bytesTotal > 0 && state.bytesRead !== undefined
        ? Math.min(state.bytesRead / state.bytesTotal, 1)
        : undefined
    const eta =
      fraction !== undefined && fraction > 0 && fraction < 1
        ? messages.t("progress.eta", { seconds: Math.ceil((seconds / fraction) * (1 - fraction)) })
        : ""
    const counts =
      direction === "import"
        ? messages.t("progress.import", {
            sent: state.frames,
            acked: state.framesDone,
            triples: state.triplesDone
          })
        : messages.t("progress.export", {
            frames: state.framesDone,
            triples: state.triplesDone
          })
    const speed = messages.t("progress.rate", { rate })
    if (fraction === undefined || !tty) return [counts, speed, eta].filter((part) => part !== "").join(" · ")
    const filled = Math.round(fraction * barWidth)
    const bar = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${Math.floor(fraction * 100)}%`
    return [bar, counts, speed, eta].filter((part) => part !== "").join(" · ")
  }

  return {
    update: (state) => {
      const at = now()
      if (tty) {
        if (at - lastDraw < 100) return
        stream.write(`\r${line(state)}\u001b[K`)
        drawn = true
      } else {
        if (at - lastDraw < (options.lineEvery ?? 5) * 1000) return
        stream.write(`${line(state)}\n`)
      }
      lastDraw = at
    },
    say: (text) => {
      if (tty && drawn) {
        stream.write("\r\u001b[K")
        drawn = false
        lastDraw = 0
      }
      stream.write(`${text}\n`)
    },
    finish: () => {
      if (tty && drawn) stream.write("\r\u001b[K")
      drawn = false
    }
  }
}
