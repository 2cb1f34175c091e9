/**
 * `tg-gateway import`: sends a file through an import socket with `?ack=true`, keeping up to
 * `window` frames unanswered. Every frame stays in memory until the gateway acks it; if the
 * connection drops, the command reconnects (on the `backoff` schedule) and resends exactly the
 * frames not acked. It ends with a summary and an exit code saying whether everything landed. A
 * frame the gateway refuses for good (a nack without `retryable: true`, or a frame so large it
 * closes the socket with 1009) is reported with where it came from and never sent again.
 *
 * With a producer name (`--producer`, by default one derived from the input) the connection asks
 * the gateway for a deduplicated import (`?producer=NAME&first=K`): frame i of the input is
 * sequence id i, the broker drops a resend of a frame it already holds, and so a resume after any
 * crash — the gateway's, the broker's or this command's, rerun — stores every frame once. A
 * connection numbers its frames in order from `first`, so a resume resends every frame from the
 * first unanswered one on, answered or not, and a frame the broker did not take ends the
 * connection (the next one starts at it) instead of being resent on its own.
 *
 * Three fibers share the state below: the reader (file → frames → socket, at most `window`
 * unanswered), the connection's (answers in, reconnects), and one per frame waiting to be resent
 * after a retryable nack. They run on one thread and only touch it between effects.
 */
import {
  Clock,
  Deferred,
  Duration,
  Effect,
  Exit,
  Option,
  Predicate,
  Pull,
  Result,
  Schedule,
  Scope,
  Semaphore,
  Stream
} from "effect"
import type { Messages } from "../../i18n/messages.ts"
import { ctrlC } from "./ctrlC.ts"
import { type Frame, framesOf, type InputError, type SourceOptions } from "./frameSource.ts"
import { type Closed, type ConnectError, type GatewayConnection, GatewaySocket, layerWs } from "./GatewaySocket.ts"
import { type GatewayTarget, routeUrl, shown } from "./gatewayUrl.ts"
import { producerNameOf } from "./producerName.ts"
import { makeProgress } from "./progress.ts"
import { backoff, nextWait, reconnectingLine } from "./reconnect.ts"

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
  readonly producer: ProducerChoice
}

/** How the broker is to recognise a frame sent twice (`--producer`). */
export type ProducerChoice =
  /**
   * A name derived from the inputs (none for standard input); where the flow's namespace has no
   * deduplication the import goes on at least once, and says so.
   */
  | { readonly _tag: "Auto" }
  /** This name; an import into a namespace without deduplication is refused. */
  | { readonly _tag: "Named"; readonly name: string }
  /** None: at least once, as TrustGraph's own clients import. */
  | { readonly _tag: "Off" }

/** What the gateway said about frame `n` of the connection. */
export type Answer =
  /** `duplicate`: the broker already held it (a resend under the same producer name). */
  | { readonly _tag: "Ack"; readonly n: number; readonly duplicate: boolean }
  | { readonly _tag: "Nack"; readonly n: number; readonly message: string; readonly retryable: boolean }

/** An answer frame, or undefined for anything else (an error frame without a number, not JSON). */
export const answerOf = (text: string): Answer | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Predicate.isReadonlyObject(parsed)) return undefined
  if (typeof parsed["ack"] === "number")
    return { _tag: "Ack", n: parsed["ack"], duplicate: parsed["duplicate"] === true }
  if (typeof parsed["nack"] !== "number") return undefined
  const error = Predicate.isReadonlyObject(parsed["error"]) ? parsed["error"] : {}
  return {
    _tag: "Nack",
    n: parsed["nack"],
    message: typeof error["message"] === "string" ? error["message"] : "",
    retryable: error["retryable"] === true
  }
}

/** What a failed connection attempt means to the user; a refused TCP connection says it plainly. */
export const connectFailure = (messages: Messages, direction: "import" | "export", error: ConnectError): string => {
  const url = shown(error.url)
  switch (error._tag) {
    case "GatewayNotListening":
      return messages.t("cli.notRunning", { url, address: new URL(error.url).host })
    case "GatewayUnreachable":
      return messages.t(`${direction}.cannotConnect`, { url, reason: error.reason })
    case "UpgradeRefused":
      return direction === "import"
        ? messages.t("import.cannotConnect", { url, reason: `HTTP ${error.status}: ${error.body}` })
        : messages.t("export.refused", { url, status: String(error.status), body: error.body })
  }
}

/** Where a run ended, for the summary. */
export interface ImportTally {
  readonly frames: number
  readonly acked: number
  readonly ackedItems: number
  /** Acked frames the broker already held, and the producer name they were recognised by. */
  readonly duplicates: number
  readonly producer: string | undefined
  readonly unacked: number
  readonly refused: number
  readonly seconds: number
  readonly inputError: InputError | undefined
  readonly gaveUp: string | undefined
  readonly interrupted: boolean
}

/** The closing lines and the exit code of a run. */
export const importReport = (
  tally: ImportTally,
  target: GatewayTarget,
  messages: Messages
): { readonly lines: ReadonlyArray<string>; readonly code: number } => {
  const { t } = messages
  const lines = [
    t("import.summary", {
      acked: tally.acked,
      frames: tally.frames,
      items: tally.ackedItems,
      seconds: tally.seconds,
      flow: target.flow,
      kind: target.kind
    })
  ]
  if (tally.producer !== undefined && tally.duplicates > 0)
    lines.push(t("import.duplicates", { duplicates: tally.duplicates, producer: tally.producer }))
  const input = tally.inputError
  if (input?._tag === "ParseError")
    lines.push(t("import.parseError", { where: `${input.file}:${input.line}:${input.column}`, problem: input.problem }))
  if (input?._tag === "InputUnreadable") lines.push(t("import.cannotRead", { input: input.file, reason: input.reason }))
  if (tally.interrupted) {
    lines.push(
      tally.producer === undefined
        ? t("import.interrupted", { unacked: tally.unacked })
        : t("import.interruptedResumable", { unacked: tally.unacked, producer: tally.producer })
    )
    return { lines, code: exitCodes.interrupted }
  }
  const landed = tally.gaveUp === undefined && tally.unacked === 0 && tally.refused === 0
  if (tally.gaveUp !== undefined) lines.push(tally.gaveUp)
  if (!landed) lines.push(t("import.notLanded", { unacked: tally.unacked, refused: tally.refused }))
  if (input !== undefined) {
    if (input._tag === "ParseError")
      lines.push(t(landed ? "import.parseLanded" : "import.parseStopped", { line: input.line }))
    return { lines, code: exitCodes.input }
  }
  if (!landed) return { lines, code: exitCodes.notLanded }
  lines.push(t("import.allLanded"))
  return { lines, code: exitCodes.ok }
}

interface Sent {
  readonly seq: number
  readonly frame: Frame
  readonly bytes: number
  /** Resends after a retryable nack so far. */
  attempts: number
  /** Sent on the current connection and not answered there yet: a resend would duplicate it. */
  awaiting: boolean
  /** The waits before its resends, from its first retryable nack on. */
  retry: ((input: unknown) => Pull.Pull<Duration.Duration, never, Duration.Duration>) | undefined
}

/** How the part of a run with a connection ended. */
type Outcome = "open" | "interruptedOpening" | "done" | "gaveUp" | "interrupted" | ConnectError

/** Close code of a frame larger than the gateway's MAX_FRAME_SIZE. */
const messageTooBig = 1009

/** Not a close code on the wire: the command ended the connection to resume on a new one. */
const resuming = -1

/**
 * The gateway's refusal of `?producer=` where the namespace has no deduplication (HTTP 409, its
 * `DeduplicationRequired`); a 409 for a producer name still connected is worth another attempt.
 */
const isDeduplicationOff = (error: ConnectError) =>
  error._tag === "UpgradeRefused" && error.status === 409 && error.body.includes("needs deduplication")

/** The command, on Effect: its exit code, with everything it opened closed. */
export const importCommand = Effect.fn("Import.run")(function* (
  options: ImportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream
) {
  const { t } = messages
  const gateway = yield* GatewaySocket
  const clock = yield* Clock.Clock
  // The connection and the frames waiting to be resent: closed before the summary.
  const connections = yield* Scope.fork(yield* Scope.Scope)
  const now = () => clock.currentTimeMillisUnsafe()
  const started = now()
  const progress = makeProgress({ stream: stderr, messages, direction: "import", now })
  const say = progress.say

  // Frames not yet answered, in the order they were read; resent in that order after a reconnect.
  const unacked = new Map<number, Sent>()
  // One permit per frame that may be sent unanswered: the reader waits for one, an answer frees it.
  const window = yield* Semaphore.make(options.window)
  // The connection frames go to; none while reconnecting, when they wait in `unacked`.
  let connection: GatewayConnection | undefined
  // Frame number on the current connection → sequence number.
  let onConnection = new Map<number, number>()
  let connectionFrames = 0
  let frames = 0
  let sentItems = 0
  let acked = 0
  let ackedItems = 0
  let refused = 0
  let bytesRead = 0
  let inputError: InputError | undefined
  // The size of the smallest frame the gateway closed the connection over (1009): no frame this
  // large is sent again.
  let tooBigFrom = Infinity
  const firstOpen = yield* Deferred.make<void, ConnectError>()
  const gaveUp = yield* Deferred.make<void>()
  let gaveUpAfter: string | undefined
  // The producer name the broker deduplicates under; none: at least once.
  let producer: string | undefined
  // With a producer name: every frame from the first unanswered one on, answered or not, in input
  // order, which is sequence id order; what a new connection sends first.
  const resendable = new Map<number, Sent>()
  // A resend stopped at a frame that is not there any more (refused): the frames after it wait for
  // a connection of their own, opened once the frames up to `resendUpTo` are answered.
  let resendUpTo: number | undefined
  let duplicates = 0
  // Which gateway instance the next connection goes to, round `--url`'s list.
  let instance = 0

  const changed = () =>
    progress.update({
      frames,
      framesDone: acked,
      triples: sentItems,
      triplesDone: ackedItems,
      bytesRead,
      bytesTotal: options.bytesTotal
    })

  const originOf = (frame: Frame): string =>
    "line" in frame.origin
      ? t("import.originLine", { file: frame.origin.file, line: frame.origin.line })
      : t("import.originTriples", { file: frame.origin.file, first: frame.origin.first, last: frame.origin.last })

  /** The frame needs nothing more: its permit goes back to the reader. */
  const settle = (sent: Sent) => {
    if (!unacked.delete(sent.seq)) return Effect.void
    for (const seq of resendable.keys()) {
      if (unacked.has(seq)) break
      resendable.delete(seq)
    }
    return window.release(1)
  }

  /** With a producer name, a connection's frames are numbered from the first it resends (sequence ids from 1). */
  const urlOf = (attempt: number) => {
    const first = (resendable.keys().next().value ?? frames) + 1
    const query = producer === undefined ? { ack: "true" } : { ack: "true", producer, first: String(first) }
    return routeUrl(options.target, "import", query, attempt)
  }

  const refuse = (sent: Sent, text: string) =>
    Effect.suspend(() => {
      if (!unacked.has(sent.seq)) return Effect.void
      refused++
      // Never sent again: a resend under a producer name stops short of it (see `resend`).
      resendable.delete(sent.seq)
      say(text)
      return settle(sent)
    })

  const refuseTooBig = (sent: Sent) =>
    refuse(sent, t("import.tooBig", { frame: sent.seq + 1, origin: originOf(sent.frame), bytes: sent.bytes }))

  const transmit = (sent: Sent) =>
    Effect.suspend(() => {
      if (connection === undefined || sent.awaiting || !unacked.has(sent.seq)) return Effect.void
      // Numbered in order on a named producer's connection: a frame out of turn waits for the next one.
      if (producer !== undefined && resendUpTo !== undefined) return Effect.void
      sent.awaiting = true
      onConnection.set(++connectionFrames, sent.seq)
      return connection.send(sent.frame.text)
    })

  /** After a retryable nack: sent again after the next wait of its backoff, or refused once they are spent. */
  const retryLater = Effect.fn("Import.retry")(function* (sent: Sent, message: string) {
    sent.retry ??= yield* Schedule.toStepWithSleep(backoff(options.retries))
    if (!(yield* nextWait(sent.retry))) {
      const attempts = sent.attempts + 1
      return yield* refuse(
        sent,
        t("import.stillRefused", { frame: sent.seq + 1, origin: originOf(sent.frame), attempts, message })
      )
    }
    sent.attempts++
    yield* transmit(sent)
  })

  /** Takes an answer; "resume" when the connection is to end and a new one take up from the first frame unanswered. */
  const onAnswer = (text: string) =>
    Effect.gen(function* () {
      const answer = answerOf(text)
      const seq = answer === undefined ? undefined : onConnection.get(answer.n)
      const sent = seq === undefined ? undefined : unacked.get(seq)
      if (answer === undefined || sent === undefined) return "go on" as const
      sent.awaiting = false
      if (answer._tag === "Ack") {
        acked++
        ackedItems += sent.frame.items
        if (answer.duplicate) duplicates++
        yield* settle(sent)
      } else if (answer.retryable && producer !== undefined) {
        // Sent again on this connection it would take a later sequence id, and a frame after it
        // could be stored first: the next connection starts at it instead.
        changed()
        say(t("import.resuming", { frame: sent.seq + 1 }))
        return "resume" as const
      } else if (answer.retryable) {
        // The broker could not take it just now: sent again a little later, here or after a reconnect.
        yield* Effect.forkIn(retryLater(sent, answer.message), connections)
      } else {
        // Refused for good (bad frame, or one the broker can never take): sending it again would
        // be refused again, so it is reported and the rest goes on.
        yield* refuse(
          sent,
          t("import.refused", { frame: sent.seq + 1, origin: originOf(sent.frame), message: answer.message })
        )
      }
      changed()
      // The frames a resend stopped before are answered: those after the gap go on a new connection.
      if (resendUpTo === undefined) return "go on" as const
      for (const seq of unacked.keys()) if (seq <= resendUpTo) return "go on" as const
      return "resume" as const
    })

  /**
   * What a new connection sends before anything new: the frames not answered, or, with a producer
   * name, every frame from the first unanswered one on, numbered from `first=` without a gap.
   */
  const resend = (current: GatewayConnection) =>
    Effect.gen(function* () {
      resendUpTo = undefined
      // A Map's iterator also visits what is added while it runs: frames read meanwhile are sent too.
      const frames_ = producer === undefined ? unacked.values() : resendable.values()
      let previous: number | undefined
      for (const sent of frames_) {
        if (producer !== undefined && previous !== undefined && sent.seq !== previous + 1) {
          resendUpTo = previous
          return
        }
        previous = sent.seq
        sent.awaiting = true
        onConnection.set(++connectionFrames, sent.seq)
        yield* current.send(sent.frame.text)
      }
    })

  /** One connection, from open to close: resends what is unanswered, then takes answers until it closes. */
  const session = Effect.fn("Import.connection")(function* (reconnecting: boolean) {
    const current = yield* gateway.connect(urlOf(instance))
    onConnection = new Map()
    connectionFrames = 0
    for (const sent of unacked.values()) sent.awaiting = false
    yield* resend(current)
    connection = current
    if (reconnecting) say(t("import.reconnected", { unacked: unacked.size }))
    else yield* Deferred.succeed(firstOpen, undefined)
    changed()
    // A loop rather than `Effect.repeat`, whose schedule would wait on the clock between answers.
    const answers = Effect.gen(function* () {
      while ((yield* Effect.flatMap(current.receive, onAnswer)) === "go on");
      return "resume" as const
    })
    const ended = yield* answers.pipe(Pull.catchDone(() => Effect.succeed("closed" as const)))
    connection = undefined
    // Closed with the scope, with 1000: the gateway answers what it has and lets the producer go.
    if (ended === "resume") return { code: resuming, reason: "" } satisfies Closed
    return yield* current.closed
  }, Effect.scoped)

  /**
   * The first connection, on each gateway instance in turn until one opens. With a name derived
   * from the input, a namespace without deduplication turns the import to at least once, said once.
   */
  const firstSession = Effect.fn("Import.firstConnection")(function* () {
    for (let tried = 1; ; tried++) {
      const opened = yield* Effect.result(session(false))
      if (Result.isSuccess(opened)) return opened.success
      const error = opened.failure
      if (isDeduplicationOff(error) && options.producer._tag === "Auto") {
        say(t("import.atLeastOnce"))
        producer = undefined
        tried--
        continue
      }
      if (tried >= options.target.urls.length || isDeduplicationOff(error)) return yield* Effect.fail(error)
      say(connectFailure(messages, "import", error))
      instance++
    }
  })

  /** The gateway closed the connection over a frame larger than it accepts: the largest unanswered one. */
  const onTooBig = Effect.suspend(() => {
    const sentHere = [...onConnection.values()].flatMap((seq) => unacked.get(seq) ?? [])
    if (sentHere.length === 0) return Effect.void
    tooBigFrom = Math.min(tooBigFrom, Math.max(...sentHere.map((sent) => sent.bytes)))
    const tooBig = [...unacked.values()].filter((sent) => sent.bytes >= tooBigFrom)
    return Effect.forEach(tooBig, refuseTooBig, { discard: true })
  })

  /** After a lost connection: attempts on the backoff schedule, each one said; the next session's close, or none. */
  const reconnect = Effect.fn("Import.reconnect")(function* () {
    const wait = yield* Schedule.toStepWithSleep(backoff(options.retries))
    for (let attempt = 1; ; attempt++) {
      if (!(yield* nextWait(wait))) return Option.none<Closed>()
      instance++
      say(reconnectingLine(messages, attempt, options.retries, options.target.urls.length, urlOf(instance)))
      const session_ = yield* Effect.result(session(true))
      if (Result.isSuccess(session_)) return Option.some(session_.success)
      say(connectFailure(messages, "import", session_.failure))
    }
  })

  /** The first connection, then a reconnect after each one lost, until the command ends or gives up. */
  const supervise = Effect.fn("Import.supervise")(function* () {
    const first = yield* Effect.result(firstSession())
    // Only a connection that was open is retried: the first one's failure is the command's answer.
    if (Result.isFailure(first)) return yield* Deferred.fail(firstOpen, first.failure)
    let closed = first.success
    while (true) {
      if (closed.code === resuming) {
        // Ended by the command to start again at a frame: at once, on the same gateway.
        const next = yield* Effect.result(session(true))
        if (Result.isSuccess(next)) {
          closed = next.success
          continue
        }
        say(connectFailure(messages, "import", next.failure))
      } else if (closed.code === messageTooBig) yield* onTooBig
      else say(t("import.dropped", { code: String(closed.code), reason: closed.reason }))
      changed()
      const next = yield* reconnect()
      if (Option.isNone(next)) {
        gaveUpAfter = t("import.gaveUp", { attempts: options.retries })
        return yield* Deferred.succeed(gaveUp, undefined)
      }
      closed = next.value
    }
  })

  const send = (frame: Frame) =>
    Effect.gen(function* () {
      yield* window.take(1)
      const sent: Sent = {
        seq: frames++,
        frame,
        bytes: Buffer.byteLength(frame.text),
        attempts: 0,
        awaiting: false,
        retry: undefined
      }
      sentItems += frame.items
      bytesRead = frame.bytesRead
      unacked.set(sent.seq, sent)
      if (producer !== undefined) resendable.set(sent.seq, sent)
      yield* sent.bytes >= tooBigFrom ? refuseTooBig(sent) : transmit(sent)
      changed()
    })

  /** Everything read is sent (or waits for a reconnect), then every answer is waited for. */
  const transfer = Effect.fn("Import.transfer")(function* () {
    yield* framesOf(options.sources).pipe(
      Stream.runForEach(send),
      Effect.catch((error) => Effect.sync(() => (inputError = error)))
    )
    // Every permit back: nothing is left unanswered.
    yield* window.take(options.window)
  })

  // The Ctrl-C listener is there before anything connects, and gone (Ctrl-C is Node's again)
  // while the last connection closes with 1000 and its close frame is waited for.
  // An input that cannot be read has no name, and is reported when it is read for its frames.
  const nameProducer: Effect.Effect<string | undefined> =
    options.producer._tag === "Named"
      ? Effect.succeed(options.producer.name)
      : options.producer._tag === "Auto"
        ? producerNameOf(options.target, options.sources).pipe(Effect.orElseSucceed(() => undefined))
        : Effect.succeed(undefined)
  const ended = yield* Effect.scoped(
    Effect.gen(function* () {
      const pressed = yield* ctrlC
      // Reading a large input through for its digest takes a while: Ctrl-C stops that too.
      const named = yield* nameProducer.pipe(
        Effect.map((name) => ({ name })),
        Effect.raceFirst(Effect.as(pressed, undefined))
      )
      if (named === undefined) return "interruptedOpening" as const
      producer = named.name
      yield* Effect.forkIn(supervise(), connections)
      const first = yield* Deferred.await(firstOpen).pipe(
        Effect.as<Outcome>("open"),
        Effect.catch((error) => Effect.succeed<Outcome>(error)),
        Effect.raceFirst(Effect.as(pressed, "interruptedOpening" as const))
      )
      if (first !== "open") return first
      return yield* Effect.raceAll([
        Effect.as(transfer(), "done" as const),
        Effect.as(Deferred.await(gaveUp), "gaveUp" as const),
        Effect.as(pressed, "interrupted" as const)
      ])
    })
  )
  yield* Scope.close(connections, Exit.void)
  // Ctrl-C while the first connection opens: nothing was sent, and the user is told so.
  if (ended === "interruptedOpening") {
    say(t("import.interrupted", { unacked: 0 }))
    return exitCodes.interrupted
  }
  if (typeof ended === "object") {
    say(connectFailure(messages, "import", ended))
    return exitCodes.notLanded
  }
  progress.finish()
  const report = importReport(
    {
      frames,
      acked,
      ackedItems,
      duplicates,
      producer,
      unacked: unacked.size,
      refused,
      seconds: (now() - started) / 1000,
      inputError,
      gaveUp: gaveUpAfter,
      interrupted: ended === "interrupted"
    },
    options.target,
    messages
  )
  for (const line of report.lines) say(line)
  return report.code
}, Effect.scoped)

export const runImport = (
  options: ImportOptions,
  messages: Messages,
  stderr: NodeJS.WriteStream = process.stderr
): Promise<number> => Effect.runPromise(importCommand(options, messages, stderr).pipe(Effect.provide(layerWs)))
