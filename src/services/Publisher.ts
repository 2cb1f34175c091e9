/**
 * The Publisher: one per import connection, made by `makePublisher` in the connection's scope.
 * Messages wait in a bounded queue; a worker fiber
 * hands them to a broker producer with up to `maxInFlight` sends unconfirmed at once. When the
 * queue is full `publish` suspends, which is what stops the socket being read and pushes back on
 * the client through TCP — imports are never dropped to make room.
 *
 * Closing the scope shuts it down in three bounded steps: drain (stop accepting, send what is
 * queued, `drainTimeout`), flush (wait for confirmations, `flushTimeout`), close the producer.
 */
import {
  Cause,
  Clock,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  FiberSet,
  Metric,
  Latch,
  Queue,
  type Scope
} from "effect"
import {
  type BrokerUnavailable,
  type ConnectionClosed,
  type MessageTooLarge,
  SendFailed,
  type TopicRefused
} from "../domain/BrokerErrors.ts"
import { PublisherClosed } from "../domain/PublisherErrors.ts"
import { Broker, type MessageId, type OutgoingMessage } from "./Broker.ts"
import * as Metrics from "./Metrics.ts"

export type PublishError = PublisherClosed | SendFailed | MessageTooLarge | ConnectionClosed

export interface PublisherOptions {
  readonly topic: string
  /** PUBLISHER_MAX_QUEUE_SIZE; default 10, as the reference. */
  readonly maxQueueSize?: number
  /** Sends handed to the broker and not yet confirmed, at most. Default 500. */
  readonly maxInFlight?: number
  /**
   * PUBLISHER_MAX_QUEUE_BYTES: `publish` also waits while the queue holds this many bytes; a
   * message is always taken into an empty queue, whatever its size. Default 8 MiB.
   */
  readonly maxQueueBytes?: number
  /** PUBLISHER_MAX_IN_FLIGHT_BYTES: bytes of sends awaiting confirmation before the worker waits. Default 16 MiB. */
  readonly maxInFlightBytes?: number
  /** PUBLISHER_DRAIN_TIMEOUT; default 5 s. */
  readonly drainTimeout?: Duration.Input
  /** PUBLISHER_FLUSH_TIMEOUT; default 2 s. */
  readonly flushTimeout?: Duration.Input
  /**
   * A named producer whose messages carry sequence ids `first`, `first + 1`, … in the order they
   * are published, so that the broker drops a resend it holds (`?producer=`). Unnamed when absent.
   */
  readonly producer?: { readonly name: string; readonly first: number }
}

/** What a shutdown achieved; every count is of messages. */
export interface ShutdownReport {
  /** The queue emptied before the drain timeout. */
  readonly drained: boolean
  /** The caller's last publishes (`shutdownAfter`) completed before the drain timeout. */
  readonly handedOver: boolean
  /** Left in the queue at the drain timeout: never sent. */
  readonly dropped: number
  /** Sent but not confirmed by the flush timeout: the broker may or may not hold them. */
  readonly unconfirmed: number
  /** Sends the broker refused over the publisher's life. */
  readonly failed: number
  readonly duration: Duration.Duration
}

export interface Publisher {
  readonly topic: string
  /** Queues a message; suspends while the queue is full; fails at once after shutdown began. */
  readonly publish: (message: OutgoingMessage) => Effect.Effect<void, PublisherClosed>
  /** Queues a message and completes with the broker's id once it is persisted. */
  readonly publishConfirmed: (message: OutgoingMessage) => Effect.Effect<MessageId, PublishError>
  /**
   * Queues a message (suspending while the queue is full) and returns at once with an effect
   * that waits for its confirmation: lets a caller keep reading while confirmations are pending.
   */
  readonly publishWithReceipt: (
    message: OutgoingMessage
  ) => Effect.Effect<Effect.Effect<MessageId, PublishError>, PublisherClosed>
  /**
   * Queues a message (suspending while the queue is full); `settled` is called exactly once, with
   * the broker's id once the message is persisted or with why it was not. The callback form of
   * `publishWithReceipt`, for a caller answering every message of a stream without a fiber or a
   * Deferred for each; it runs on the broker's callback, so it must be quick and must not throw.
   */
  readonly publishNotify: (message: OutgoingMessage, settled: Settled) => Effect.Effect<void, PublisherClosed>
  /**
   * Drain, flush; idempotent. The scope's finalizer calls it, then closes the producer. Its
   * deadlines are fixed by the first call: a later call after an interrupted one only finishes
   * what is left within them.
   */
  readonly shutdown: Effect.Effect<ShutdownReport>
  /**
   * As `shutdown`, but first waits for `lastPublishes` — the caller handing over what it still
   * holds, e.g. frames already read from a socket — within the same drain bound.
   */
  readonly shutdownAfter: (lastPublishes: Effect.Effect<unknown, unknown>) => Effect.Effect<ShutdownReport>
  readonly queueDepth: Effect.Effect<number>
  /** Completes if the producer's connection to the broker is lost: nothing more can be published. */
  readonly lost: Effect.Effect<ConnectionClosed>
  /** The largest payload the broker takes in one message; a larger one fails with MessageTooLarge. */
  readonly maxMessageSize: number
}

/** Told the outcome of one published message. */
export type Settled = (outcome: Exit.Exit<MessageId, PublishError>) => void

export const publisherDefaults = {
  maxQueueSize: 10,
  maxInFlight: 500,
  maxQueueBytes: 8 * 1024 * 1024,
  maxInFlightBytes: 16 * 1024 * 1024,
  drainTimeout: "5 seconds",
  flushTimeout: "2 seconds"
} as const

interface Entry {
  readonly message: OutgoingMessage
  /** The payload's size, taken when queued: an adapter may release the payload once stored. */
  readonly bytes: number
  readonly settled: Settled | undefined
  /** `settled` has been called: it is called once. */
  answered: boolean
}

export const makePublisher = Effect.fn("Publisher.make")(function* (
  options: PublisherOptions
): Effect.fn.Return<Publisher, BrokerUnavailable | TopicRefused, Broker | Scope.Scope> {
  const settings = { ...publisherDefaults, ...options }
  const { topic } = settings
  const broker = yield* Broker
  // Acquired first so that it is released last: drain → flush → close.
  // Its close need not wait for confirmations again: the flush has waited for them, within its bound.
  const producer = yield* broker.producer(topic, {
    closeTimeout: 0,
    ...(settings.producer === undefined
      ? {}
      : { name: settings.producer.name, initialSequenceId: settings.producer.first - 1 })
  })
  const sends = yield* FiberSet.make<void, never>()
  // The send window: how many sends, and how many bytes, are unconfirmed, and a latch open while
  // there is room for more.
  let inFlight = 0
  let inFlightBytes = 0
  const room = Latch.makeUnsafe(true)
  const windowFull = () => inFlight >= settings.maxInFlight || inFlightBytes >= settings.maxInFlightBytes
  // Bytes waiting in the queue, and a latch open while there is room for more.
  let queuedBytes = 0
  const queueRoom = Latch.makeUnsafe(true)
  const queue = yield* Queue.bounded<Entry, Cause.Done>(settings.maxQueueSize)
  let accepting = true
  // Set when a named producer stopped after a failed send: why nothing more is taken.
  let stoppedInOrder: PublisherClosed | undefined
  let failed = 0

  yield* Metric.modify(Metrics.publisherQueueCapacity, settings.maxQueueSize)
  yield* Effect.addFinalizer(() => Metric.modify(Metrics.publisherQueueCapacity, -settings.maxQueueSize))

  // Per-message metric updates are made directly against the registry: this is the hot path.
  const context = yield* Effect.context<never>()

  /** What follows a send; the success path, taken by nearly every message, stays small. */
  const settle = (
    entry: Entry,
    exit: Exit.Exit<MessageId, SendFailed | MessageTooLarge | ConnectionClosed>
  ): Effect.Effect<void> => {
    inFlight--
    inFlightBytes -= entry.bytes
    if (!windowFull()) room.openUnsafe()
    entry.answered = true
    entry.settled?.(exit)
    if (Exit.isSuccess(exit)) {
      Metrics.publisherMessagesConfirmed.updateUnsafe(1, context)
      return Effect.void
    }
    failed++
    Metrics.publisherSendFailures.updateUnsafe(1, context)
    const warned = Effect.logWarning("publish failed", Cause.squash(exit.cause))
    return settings.producer === undefined || stoppedInOrder !== undefined
      ? warned
      : Effect.andThen(warned, stopInOrder)
  }

  /**
   * A named producer's sends carry sequence ids in order, and the broker drops a send whose id is
   * not above the last it stored: a message sent after a failed one and stored would make the
   * failed one, sent again, look like a resend. So after a failure nothing more is sent; what
   * waits in the queue is told it was not sent, and so are publishes from now on.
   */
  const stopInOrder = Effect.gen(function* () {
    const notSent = new PublisherClosed({
      topic,
      reason: "not sent: an earlier message of this named producer was not stored, and its messages go in order"
    })
    stoppedInOrder = notSent
    accepting = false
    queueRoom.openUnsafe()
    const left = yield* Queue.clear(queue).pipe(Effect.orElseSucceed(() => []))
    for (const entry of left) {
      queuedBytes -= entry.bytes
      entry.answered = true
      entry.settled?.(Exit.fail(notSent))
    }
    Metrics.publisherQueueDepth.modifyUnsafe(-left.length, context)
  })

  const send = (entry: Entry) =>
    Effect.flatMap(Effect.exit(producer.send(entry.message)), (exit) => settle(entry, exit)).pipe(
      Effect.onInterrupt(() => Effect.sync(() => giveUp(entry)))
    )

  /** A send abandoned at the flush timeout: its caller learns that the outcome is unknown. */
  const giveUp = (entry: Entry) => {
    if (entry.answered) return
    entry.answered = true
    entry.settled?.(Exit.fail(unconfirmed))
  }
  const unconfirmed = new SendFailed({
    topic,
    reason: "no confirmation from the broker within the flush timeout",
    unknownOutcome: true
  })

  // Each turn takes as many queued messages as the window has room for, at least one: a
  // confirmation that wakes the worker refills the window with everything waiting, not one message.
  const worker = Effect.gen(function* () {
    for (;;) {
      yield* room.await
      const entries = yield* Queue.takeBetween(queue, 1, settings.maxInFlight - inFlight)
      let bytes = 0
      for (const entry of entries) bytes += entry.bytes
      inFlight += entries.length
      inFlightBytes += bytes
      queuedBytes -= bytes
      if (windowFull()) room.closeUnsafe()
      if (queuedBytes < settings.maxQueueBytes) queueRoom.openUnsafe()
      Metrics.publisherQueueDepth.modifyUnsafe(-entries.length, context)
      Metrics.publisherMessagesSent.updateUnsafe(entries.length, context)
      for (const entry of entries) yield* FiberSet.run(sends, send(entry), { startImmediately: true })
    }
  }).pipe(Effect.catchIf(Cause.isDone, () => Effect.void))
  const workerFiber = yield* Effect.forkScoped(worker)

  const enqueue = (entry: Entry) =>
    Effect.andThen(
      queueRoom.await,
      Effect.suspend(() => (accepting ? Queue.offer(queue, entry) : Effect.succeed(false)))
    ).pipe(
      Effect.flatMap((accepted) => {
        if (!accepted) {
          return Effect.fail(
            stoppedInOrder ?? new PublisherClosed({ topic, reason: "it is shutting down and accepts no new messages" })
          )
        }
        Metrics.publisherQueueDepth.modifyUnsafe(1, context)
        queuedBytes += entry.bytes
        if (queuedBytes >= settings.maxQueueBytes) queueRoom.closeUnsafe()
        return Effect.void
      })
    )

  const publish = (message: OutgoingMessage) =>
    enqueue({ message, bytes: message.payload.byteLength, settled: undefined, answered: false })

  const publishNotify = (message: OutgoingMessage, settled: Settled) =>
    enqueue({ message, bytes: message.payload.byteLength, settled, answered: false })

  const publishWithReceipt = (message: OutgoingMessage) =>
    Effect.suspend(() => {
      const confirm = Deferred.makeUnsafe<MessageId, PublishError>()
      return Effect.as(
        enqueue({
          message,
          bytes: message.payload.byteLength,
          settled: (exit) => Deferred.doneUnsafe(confirm, exit),
          answered: false
        }),
        Deferred.await(confirm)
      )
    })

  /** Empties the queue of what the worker could not send in time; those messages are lost. */
  const dropLeftovers = Effect.gen(function* () {
    let dropped = 0
    for (;;) {
      const left = yield* Queue.clear(queue).pipe(Effect.orElseSucceed(() => []))
      if (left.length === 0) break
      dropped += left.length
      const reason = "dropped: still queued when the drain timeout expired"
      for (const entry of left) entry.settled?.(Exit.fail(new PublisherClosed({ topic, reason })))
    }
    yield* Queue.shutdown(queue)
    return dropped
  })

  // The shutdown's deadlines are fixed when it begins: a second call — the scope's finalizer after
  // an interrupted first one — finishes within them instead of waiting the full bounds again.
  let deadlines: { readonly started: number; readonly drainEnds: number; flushEnds: number } | undefined
  let dropped = 0
  let report: ShutdownReport | undefined
  const drainMillis = Duration.toMillis(Duration.fromInputUnsafe(settings.drainTimeout))
  const flushMillis = Duration.toMillis(Duration.fromInputUnsafe(settings.flushTimeout))
  const until = (deadline: number) =>
    Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(Math.max(0, deadline - now)))

  const runShutdown = (lastPublishes: Effect.Effect<unknown, unknown>) =>
    Effect.gen(function* () {
      if (report !== undefined) return report
      const now = yield* Clock.currentTimeMillis
      const bounds = (deadlines ??= { started: now, drainEnds: now + drainMillis, flushEnds: Infinity })

      // The caller's last publishes, the queue and the worker share one drain bound.
      const handedOver = yield* Effect.exit(lastPublishes).pipe(Effect.timeoutOption(yield* until(bounds.drainEnds)))
      accepting = false
      // A publish waiting for room in the queue learns at once that it is closed.
      queueRoom.openUnsafe()
      yield* Queue.end(queue)
      const finished = yield* Fiber.await(workerFiber).pipe(Effect.timeoutOption(yield* until(bounds.drainEnds)))
      if (finished._tag === "None") {
        yield* Fiber.interrupt(workerFiber)
        const left = yield* dropLeftovers
        dropped += left
        yield* Metric.modify(Metrics.publisherQueueDepth, -left)
        yield* Metric.update(Metrics.publisherMessagesDropped, left)
        yield* Effect.logWarning(
          `publisher drain timed out after ${Duration.format(Duration.millis(drainMillis))}: ` +
            `${left} queued message(s) dropped`
        ).pipe(Effect.annotateLogs({ topic, dropped: left }))
      }

      if (bounds.flushEnds === Infinity) bounds.flushEnds = (yield* Clock.currentTimeMillis) + flushMillis
      const flushed = yield* FiberSet.awaitEmpty(sends).pipe(Effect.timeoutOption(yield* until(bounds.flushEnds)))
      const unconfirmed = flushed._tag === "None" ? yield* FiberSet.size(sends) : 0
      if (unconfirmed > 0) {
        yield* FiberSet.clear(sends)
        yield* Effect.logWarning(
          `publisher flush timed out: ${unconfirmed} sent message(s) not confirmed; the broker may or may not hold them`
        ).pipe(Effect.annotateLogs({ topic, unconfirmed }))
      }
      const duration = Duration.millis((yield* Clock.currentTimeMillis) - bounds.started)
      yield* Metric.update(Metrics.publisherDrainDuration, Duration.toSeconds(duration))
      report = {
        drained: finished._tag === "Some",
        handedOver: handedOver._tag === "Some",
        dropped,
        unconfirmed,
        failed,
        duration
      }
      return report
    })

  const shutdown = runShutdown(Effect.void).pipe(Effect.withSpan("Publisher.shutdown"))
  yield* Effect.addFinalizer(() => shutdown)

  // `publish` and `publishNotify` run once per frame of an import, thousands of times a second:
  // they open no span of their own. The methods a caller uses once per message it waits on, or
  // once per connection, do.
  return {
    topic,
    publish,
    publishConfirmed: Effect.fn("Publisher.publishConfirmed")(function* (message: OutgoingMessage) {
      return yield* yield* publishWithReceipt(message)
    }),
    publishWithReceipt: Effect.fn("Publisher.publishWithReceipt")(function* (message: OutgoingMessage) {
      return yield* publishWithReceipt(message)
    }),
    publishNotify,
    shutdown,
    shutdownAfter: Effect.fn("Publisher.shutdownAfter")(function* (lastPublishes: Effect.Effect<unknown, unknown>) {
      return yield* runShutdown(lastPublishes)
    }),
    queueDepth: Queue.size(queue),
    lost: producer.lost,
    maxMessageSize: producer.maxMessageSize
  } satisfies Publisher
})
