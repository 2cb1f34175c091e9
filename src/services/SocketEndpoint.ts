/**
 * The socket endpoint: runs one client connection from accept to close. Per connection, in one
 * scope: the Publisher (import) or Subscriber (export), the dispatcher's fibers, and the socket.
 *
 * On the client's close: stop reading, publish every frame already received and drain the
 * Publisher (import) or give undelivered messages back (export), then close. On the server's
 * shutdown: stop reading, drain — exports keep writing what is queued, acks are still answered —
 * and close the socket last with 1001. Every step is bounded by its timeout and the outcome is
 * recorded as a graceful or forced shutdown.
 */
import { Cause, Clock, Duration, Effect, Exit, Fiber, Metric, Scope } from "effect"
import { DeduplicationRequired } from "../domain/ImportErrors.ts"
import type { Route } from "../domain/SocketRoutes.ts"
import { Broker, type ReceivedMessage } from "./Broker.ts"
import type { Connection } from "./Connection.ts"
import { makeExport } from "./ExportDispatcher.ts"
import { GatewaySettings } from "./GatewaySettings.ts"
import { makeImport } from "./ImportDispatcher.ts"
import { Lifecycle, type LifecycleShape } from "./Lifecycle.ts"
import * as Metrics from "./Metrics.ts"
import { makePublisher } from "./Publisher.ts"
import { makeSubscriber } from "./Subscriber.ts"

const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  internalError: 1011
} as const

/** Why a connection ends: the client went away, the server is stopping, its dispatcher failed, or the broker went away. */
type Ending = "peer" | "server" | "dispatcher" | "broker"

/** The close frame for each ending. */
const closeFor = (ending: Ending, failure: string) =>
  ending === "server"
    ? { code: closeCodes.goingAway, reason: "server shutting down" }
    : ending === "broker"
      ? { code: closeCodes.internalError, reason: "broker connection lost" }
      : ending === "dispatcher"
        ? { code: closeCodes.internalError, reason: failure }
        : { code: closeCodes.normal, reason: "" }

type Serve = (connection: Connection) => Effect.Effect<void, never, Scope.Scope>

/**
 * Waits for the first reason to end. A dispatcher that stops by itself is a failure only while
 * the client is still there: one whose writes failed, or whose reading ended, because the client
 * closed is the client going away, whichever of the two was noticed first.
 */
const endingOf = (
  connection: Connection,
  lifecycle: LifecycleShape,
  lost: Effect.Effect<unknown>,
  dispatcher: Fiber.Fiber<unknown, unknown>
): Effect.Effect<Ending> =>
  Effect.raceAll([
    Effect.as(connection.peerClosed, "peer" as const),
    Effect.as(lifecycle.stopping, "server" as const),
    Effect.as(lost, "broker" as const),
    Effect.as(Fiber.await(dispatcher), "dispatcher" as const)
  ]).pipe(
    Effect.map((ending) =>
      ending !== "dispatcher" || connection.isOpen() ? ending : lifecycle.isStopping() ? "server" : "peer"
    )
  )

/** A dispatcher's failure, in words and as its cause; undefined when it did not fail (interrupted, or still running). */
const failureOf = (
  exit: Exit.Exit<unknown, unknown> | undefined
): { readonly message: string; readonly cause: Cause.Cause<unknown> } | undefined => {
  if (exit === undefined || Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return undefined
  const error = Cause.squash(exit.cause)
  return { message: error instanceof Error ? error.message : String(error), cause: exit.cause }
}

interface Finish {
  readonly ending: Ending
  /** "import to <topic>", for the record of a forced shutdown. */
  readonly subject: string
  /** What was forced, if anything; undefined entries are not problems. */
  readonly problems: ReadonlyArray<string | undefined>
  /** The connection's figures to log (LOG_QUEUE_STATS), with the log line's message as `log`. */
  readonly stats: ({ readonly log: string } & Record<string, unknown>) | undefined
  /** How the dispatcher ended: a failure is logged with its cause and closes with 1011. */
  readonly dispatcher: Exit.Exit<unknown, unknown> | undefined
  /** What is left of the connection's bound for the close handshake. */
  readonly closeWithin: Duration.Duration
  /** A close frame of the dispatcher's choosing, when it stopped by itself and did not fail. */
  readonly close?: { readonly code: number; readonly reason: string }
}

/** The end of every connection: log its figures, record how its shutdown went, close the socket last. */
const finish = (connection: Connection, lifecycle: LifecycleShape, options: Finish) =>
  Effect.gen(function* () {
    const failure = failureOf(options.dispatcher)
    if (failure !== undefined) yield* Effect.logError(`${options.subject}: the dispatcher failed`, failure.cause)
    const problems = [
      ...options.problems,
      failure === undefined ? undefined : `the dispatcher failed: ${failure.message}`
    ].filter((p) => p !== undefined)
    if (options.stats !== undefined) {
      const { log, ...stats } = options.stats
      yield* Effect.logInfo(log).pipe(Effect.annotateLogs({ ...stats, ending: options.ending }))
    }
    yield* lifecycle.record(
      problems.length === 0
        ? { graceful: true }
        : { graceful: false, forced: `${options.subject}: ${problems.join("; ")}` }
    )
    const close =
      failure === undefined && options.ending === "dispatcher" && options.close !== undefined
        ? options.close
        : closeFor(failure !== undefined ? "dispatcher" : options.ending, closeReason(failure?.message ?? ""))
    yield* connection.close(close.code, close.reason, options.closeWithin)
  })

/** A close frame's reason holds at most 123 bytes. */
const closeReason = (text: string) => {
  const bytes = Buffer.from(text, "utf8")
  return bytes.byteLength <= 123
    ? text
    : `${bytes
        .subarray(0, 120)
        .toString("utf8")
        .replace(/\uFFFD$/, "")}...`
}

/** A named producer is only worth its name where the broker drops resends: refused otherwise. */
const requireDeduplication = (topic: string) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const state =
      broker.deduplication === undefined
        ? { enabled: false, detail: `${broker.description} does not drop resends` }
        : yield* broker
            .deduplication(topic)
            .pipe(
              Effect.catch((error) => Effect.succeed({ enabled: false, detail: `could not ask: ${error.message}` }))
            )
    if (!state.enabled) return yield* new DeduplicationRequired({ topic, detail: state.detail })
  })

const openImport = (route: Extract<Route, { direction: "import" }>) =>
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const lifecycle = yield* Lifecycle
    if (route.producer !== undefined) yield* requireDeduplication(route.topic)
    const publisher = yield* makePublisher({
      ...(route.producer === undefined ? {} : { producer: route.producer }),
      topic: route.topic,
      maxQueueSize: settings.publisherMaxQueueSize,
      maxInFlight: settings.publisherMaxInFlight,
      maxQueueBytes: settings.publisherMaxQueueBytes,
      maxInFlightBytes: settings.publisherMaxInFlightBytes,
      drainTimeout: settings.publisherDrainTimeout,
      flushTimeout: settings.publisherFlushTimeout
    })
    return (connection: Connection) =>
      Effect.gen(function* () {
        const dispatcher = yield* makeImport(connection, publisher, {
          kind: route.kind,
          ack: route.ack,
          stopAtRefusal: route.producer !== undefined
        })
        const reader = yield* Effect.forkScoped(dispatcher.run)
        const ending = yield* endingOf(connection, lifecycle, publisher.lost, reader)
        const closing = yield* Clock.currentTimeMillis
        if (ending !== "peer") yield* connection.stopReading

        // Frames received before the close are the client's data too: publish them all, within
        // the drain bound that also covers the Publisher's queue.
        const report = yield* publisher.shutdownAfter(Fiber.await(reader))
        const read = reader.pollUnsafe()
        if (read === undefined) yield* Fiber.interrupt(reader)
        // The acks share what is left of the connection's bound with the close.
        const bound = [settings.publisherDrainTimeout, settings.publisherFlushTimeout, settings.shutdownGracePeriod]
        const answered =
          route.ack && connection.isOpen()
            ? yield* dispatcher.answered.pipe(Effect.timeoutOption(yield* remaining(closing, bound)))
            : undefined

        yield* finish(connection, lifecycle, {
          ending,
          subject: `import to ${route.topic}`,
          problems: [
            read === undefined
              ? `frames still unread after ${Duration.format(settings.publisherDrainTimeout)}`
              : undefined,
            report.dropped > 0 ? `${report.dropped} message(s) dropped at the publisher drain timeout` : undefined,
            report.unconfirmed > 0 ? `${report.unconfirmed} message(s) unconfirmed at the flush timeout` : undefined,
            answered?._tag === "None" ? "acks still unwritten after the grace period" : undefined,
            ending === "broker"
              ? `the broker connection was lost; ${report.failed} message(s) not published`
              : undefined
          ],
          stats: settings.logQueueStats
            ? {
                log: "import connection closed",
                topic: route.topic,
                frames: dispatcher.frames(),
                dropped: report.dropped,
                unconfirmed: report.unconfirmed,
                failed: report.failed,
                drain: Duration.format(report.duration)
              }
            : undefined,
          dispatcher: read,
          closeWithin: yield* remaining(closing, bound),
          ...refusedClose(dispatcher.refused())
        })
      })
  })

/**
 * A named producer's import stops at a refused frame (1008, policy violation): the frames after
 * it are sent again, on a new connection whose `first=` is the next frame's sequence id.
 */
const refusedClose = (refused: number | undefined) =>
  refused === undefined
    ? {}
    : {
        close: {
          code: closeCodes.policyViolation,
          reason: closeReason(`frame ${refused} refused; send the frames after it with first= their first sequence id`)
        }
      }

/** What is left of a bound made of `parts`, counted from `since`. */
const remaining = (since: number, parts: ReadonlyArray<Duration.Input>) =>
  Effect.map(Clock.currentTimeMillis, (now) =>
    Duration.millis(
      Math.max(
        0,
        since + parts.reduce<number>((sum, part) => sum + Duration.toMillis(Duration.fromInputUnsafe(part)), 0) - now
      )
    )
  )

/**
 * Sends a record no client could read to the dead-letter topic, with where it came from and why
 * it was refused. The producer is opened when the first such record arrives, and lives as long as
 * the connection.
 */
const deadLetterFor = (deadLetterTopic: string, origin: string, scope: Scope.Scope) =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const producer = yield* Effect.cached(broker.producer(deadLetterTopic).pipe(Scope.provide(scope)))
    return (message: ReceivedMessage, reason: string) =>
      Effect.flatMap(producer, (p) =>
        p.send({ payload: message.payload, properties: { ...message.properties, "origin-topic": origin, reason } })
      )
  })

const openExport = (route: Extract<Route, { direction: "export" }>) =>
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const lifecycle = yield* Lifecycle
    const durable = route.subscription !== undefined
    const subscriber = yield* makeSubscriber({
      topic: route.topic,
      subscription: route.subscription ?? `gateway-${crypto.randomUUID()}`,
      durable,
      type: "Shared",
      initialPosition: route.from,
      maxQueueSize: settings.subscriberMaxQueueSize,
      receiverQueueSize: settings.subscriberPrefetch,
      strategy: settings.backpressureStrategy,
      drainTimeout: settings.subscriberDrainTimeout,
      nackRedeliveryDelay: settings.subscriberNackDelay
    })
    const scope = yield* Effect.scope
    const deadLetter =
      settings.exportDeadLetterTopic === undefined
        ? undefined
        : yield* deadLetterFor(settings.exportDeadLetterTopic, route.topic, scope)
    // Its own scope: on the client's close it is closed first, giving queued messages back.
    const queueScope = yield* Scope.fork(scope)
    const deliveries = yield* subscriber.subscribeAll("client").pipe(Scope.provide(queueScope))
    return (connection: Connection) =>
      Effect.gen(function* () {
        const exported = makeExport(connection, deliveries, {
          kind: route.kind,
          maxConsecutiveErrors: settings.maxConsecutiveErrors,
          ...(deadLetter === undefined ? {} : { deadLetter }),
          ...(route.ack ? { clientAcks: { maxUnacked: settings.exportMaxUnacked } } : {})
        })
        const exporter = yield* Effect.forkScoped(exported.run)
        const ending = yield* endingOf(connection, lifecycle, subscriber.lost, exporter)
        const closing = yield* Clock.currentTimeMillis
        // How the exporter ended, if it ended by itself: a failure only while the client is there.
        const ended = exporter.pollUnsafe()

        // Acks the client sent before it closed count: take them all before anything is given back.
        if (ending === "peer" && exporter.pollUnsafe() === undefined) {
          yield* exported.acksRead.pipe(Effect.timeoutOption(settings.subscriberDrainTimeout))
        }
        // On a server shutdown the socket is still open: keep writing (and, with client acks,
        // taking acks) while the subscriber drains.
        if (ending !== "server") {
          yield* Fiber.interrupt(exporter)
          yield* Scope.close(queueScope, Exit.void)
        }
        const report = yield* subscriber.shutdown
        yield* Fiber.interrupt(exporter)

        yield* finish(connection, lifecycle, {
          ending,
          subject: `export from ${route.topic}`,
          problems: [
            !report.drained ? `undelivered after ${Duration.format(settings.subscriberDrainTimeout)}` : undefined,
            report.undelivered > 0 && ending === "server"
              ? `${report.undelivered} message(s) given back to the ${durable ? "durable " : "private "}subscription`
              : undefined,
            ending === "broker" ? "the broker connection was lost" : undefined
          ],
          stats: settings.logQueueStats
            ? {
                log: "export connection closed",
                topic: route.topic,
                nacked: report.nacked,
                drained: report.drained,
                drain: Duration.format(report.duration)
              }
            : undefined,
          dispatcher: ending === "dispatcher" ? ended : undefined,
          closeWithin: yield* remaining(closing, [settings.subscriberDrainTimeout, settings.shutdownGracePeriod])
        })
      })
  })

/**
 * Opens what a connection on this route needs — the Publisher's producer or the Subscriber's
 * subscription — before the WebSocket upgrade, so that a broker problem is answered with an HTTP
 * error and an export taps the topic from the moment its socket opens. The returned function
 * serves the upgraded connection until it is closed, within the same scope; it never fails.
 */
export const openEndpoint = Effect.fn("SocketEndpoint.open")(function* (route: Route) {
  const serve: Serve = route.direction === "import" ? yield* openImport(route) : yield* openExport(route)
  return (connection: Connection): Effect.Effect<void, never, Scope.Scope> =>
    Effect.gen(function* () {
      yield* Metric.modify(Metrics.websocketConnectionsOpen, 1)
      yield* Metric.update(Metrics.websocketConnectionsTotal, 1)
      yield* serve(connection).pipe(Effect.ensuring(Metric.modify(Metrics.websocketConnectionsOpen, -1)))
    })
})
