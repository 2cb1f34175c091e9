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
import { Duration, Effect, Exit, Fiber, Metric, Scope } from "effect"
import type { ExportableKindName, KindName } from "../domain/Kinds.ts"
import type { InitialPosition } from "./Broker.ts"
import type { Connection } from "./Connection.ts"
import { runExport } from "./ExportDispatcher.ts"
import { GatewaySettings } from "./GatewaySettings.ts"
import { makeImport } from "./ImportDispatcher.ts"
import { Lifecycle, type LifecycleShape } from "./Lifecycle.ts"
import * as Metrics from "./Metrics.ts"
import { makePublisher } from "./Publisher.ts"
import { makeSubscriber } from "./Subscriber.ts"

const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  internalError: 1011
} as const

export type Route =
  | {
      readonly direction: "import"
      readonly kind: KindName
      readonly topic: string
      /** `?ack=true`: answer each frame once persisted. */
      readonly ack: boolean
    }
  | {
      readonly direction: "export"
      readonly kind: ExportableKindName
      readonly topic: string
      /** `?subscription=name`: a durable subscription kept on close; otherwise a private live tap. */
      readonly subscription: string | undefined
      /** `?from=earliest`: a new subscription starts at the topic's first message instead of now. */
      readonly from: InitialPosition
    }

/** Why a connection ends: the client closed, the server is stopping, its dispatcher stopped, or the broker went away. */
type Ending = "peer" | "server" | "dispatcher" | "broker"

/** The close frame for each ending; `dispatcher` differs by direction. */
const closeFor = (ending: Ending, dispatcher: { readonly code: number; readonly reason: string }) =>
  ending === "server"
    ? { code: closeCodes.goingAway, reason: "server shutting down" }
    : ending === "broker"
      ? { code: closeCodes.internalError, reason: "broker connection lost" }
      : ending === "dispatcher"
        ? dispatcher
        : { code: closeCodes.normal, reason: "" }

type Serve = (connection: Connection) => Effect.Effect<void, never, Scope.Scope>

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
  ])

interface Finish {
  readonly ending: Ending
  /** "import to <topic>", for the record of a forced shutdown. */
  readonly subject: string
  /** What was forced, if anything; undefined entries are not problems. */
  readonly problems: ReadonlyArray<string | undefined>
  /** The connection's figures to log (LOG_QUEUE_STATS), with the log line's message as `log`. */
  readonly stats: ({ readonly log: string } & Record<string, unknown>) | undefined
  readonly dispatcherClose: { readonly code: number; readonly reason: string }
}

/** The end of every connection: log its figures, record how its shutdown went, close the socket last. */
const finish = (connection: Connection, lifecycle: LifecycleShape, options: Finish) =>
  Effect.gen(function* () {
    const problems = options.problems.filter((p) => p !== undefined)
    if (options.stats !== undefined) {
      const { log, ...stats } = options.stats
      yield* Effect.logInfo(log).pipe(Effect.annotateLogs({ ...stats, ending: options.ending }))
    }
    yield* lifecycle.record(
      problems.length === 0
        ? { graceful: true }
        : { graceful: false, forced: `${options.subject}: ${problems.join("; ")}` }
    )
    const close = closeFor(options.ending, options.dispatcherClose)
    yield* connection.close(close.code, close.reason)
  })

const seconds = (input: Duration.Input) => Duration.format(Duration.fromInputUnsafe(input))

const openImport = (route: Extract<Route, { direction: "import" }>) =>
  Effect.gen(function* () {
    const settings = yield* GatewaySettings
    const lifecycle = yield* Lifecycle
    const publisher = yield* makePublisher({
      topic: route.topic,
      maxQueueSize: settings.publisherMaxQueueSize,
      maxInFlight: settings.publisherMaxInFlight,
      drainTimeout: settings.publisherDrainTimeout,
      flushTimeout: settings.publisherFlushTimeout
    })
    return (connection: Connection) =>
      Effect.gen(function* () {
        const dispatcher = yield* makeImport(connection, publisher, { kind: route.kind, ack: route.ack })
        const reader = yield* Effect.forkScoped(dispatcher.run)
        const ending = yield* endingOf(connection, lifecycle, publisher.lost, reader)
        if (ending === "server" || ending === "broker") yield* connection.stopReading

        // Frames received before the close are the client's data too: publish them all.
        const read = yield* Fiber.await(reader).pipe(Effect.timeoutOption(settings.publisherDrainTimeout))
        if (read._tag === "None") yield* Fiber.interrupt(reader)
        const report = yield* publisher.shutdown
        const answered =
          route.ack && connection.isOpen()
            ? yield* dispatcher.answered.pipe(Effect.timeoutOption(settings.shutdownGracePeriod))
            : undefined

        yield* finish(connection, lifecycle, {
          ending,
          subject: `import to ${route.topic}`,
          problems: [
            read._tag === "None" ? `frames still unread after ${seconds(settings.publisherDrainTimeout)}` : undefined,
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
          dispatcherClose: { code: closeCodes.normal, reason: "" }
        })
      })
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
    // Its own scope: on the client's close it is closed first, giving queued messages back.
    const queueScope = yield* Scope.fork(yield* Effect.scope)
    const deliveries = yield* subscriber.subscribeAll("client").pipe(Scope.provide(queueScope))
    return (connection: Connection) =>
      Effect.gen(function* () {
        const exporter = yield* Effect.forkScoped(
          runExport(connection, deliveries, { kind: route.kind, maxConsecutiveErrors: settings.maxConsecutiveErrors })
        )
        const ending = yield* endingOf(connection, lifecycle, subscriber.lost, exporter)

        // On a server shutdown the socket is still open: keep writing while the subscriber drains.
        if (ending !== "server") {
          yield* Fiber.interrupt(exporter)
          yield* Scope.close(queueScope, Exit.void)
        }
        const report = yield* subscriber.shutdown
        yield* Fiber.interrupt(exporter)
        const failure = ending === "dispatcher" ? yield* Fiber.await(exporter) : undefined

        yield* finish(connection, lifecycle, {
          ending,
          subject: `export from ${route.topic}`,
          problems: [
            !report.drained ? `undelivered after ${seconds(settings.subscriberDrainTimeout)}` : undefined,
            report.nacked > 0 && ending === "server"
              ? `${report.nacked} message(s) given back to the ${durable ? "durable " : "private "}subscription`
              : undefined,
            failure !== undefined && Exit.isFailure(failure) ? "too many write errors" : undefined,
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
          dispatcherClose: { code: closeCodes.internalError, reason: "too many write errors" }
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
