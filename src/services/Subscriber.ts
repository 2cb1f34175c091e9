/**
 * The Subscriber: one per export connection, made by `makeSubscriber` in the connection's scope.
 * A receive loop takes messages from a broker consumer
 * and routes each to the queues registered for it — `subscribe(id)` for messages whose `id`
 * property matches, `subscribeAll(id)` for every message. A message is acknowledged to the broker
 * only once the consumer of a queue reports it delivered (for the gateway: once the WebSocket
 * write completed), never when it merely entered a local queue.
 *
 * Full queues follow the backpressure strategy: `block` (Queue.bounded: the loop waits, and so
 * does the broker), `drop_oldest` (Queue.sliding: the evicted copy is acked and counted as
 * dropped — the user chose to lose it), `drop_new` (Queue.dropping: the refused copy is counted
 * as dropped and, if no queue took the message, it is nacked for redelivery).
 *
 * Orphans — messages no queue is registered for — are nacked and counted, so nothing is lost to a
 * moment with no listener; the loop does not even start before the first queue is registered.
 *
 * Closing the scope shuts it down in order: pause the consumer, drain (wait until every queued
 * message is delivered, `drainTimeout`), nack whatever is still undelivered, close the consumer.
 */
import { Clock, Duration, Effect, Fiber, Latch, Metric, Queue, type Scope } from "effect"
import type { BackpressureStrategy } from "../domain/Backpressure.ts"
import type { BrokerUnavailable, ConnectionClosed, TopicRefused } from "../domain/BrokerErrors.ts"
import { Broker, type ConsumerOptions, type ReceivedMessage } from "./Broker.ts"
import * as Metrics from "./Metrics.ts"

/** A message handed to more than one queue has several readers: none of them may release its memory. */
const sharedBy = (readers: number, message: ReceivedMessage): ReceivedMessage => {
  if (readers <= 1 || message.releasePayload === undefined) return message
  const { releasePayload: _, ...shared } = message
  return shared
}

export interface SubscriberOptions extends ConsumerOptions {
  /** SUBSCRIBER_MAX_QUEUE_SIZE; default 100. */
  readonly maxQueueSize?: number
  /** BACKPRESSURE_STRATEGY; default `block`. */
  readonly strategy?: BackpressureStrategy
  /** SUBSCRIBER_DRAIN_TIMEOUT; default 5 s. */
  readonly drainTimeout?: Duration.Input
}

/** One copy of a message in one queue. Report its fate exactly once; later reports are ignored. */
export interface Delivery {
  readonly message: ReceivedMessage
  /** The message reached its destination: it may now be acknowledged. */
  readonly delivered: Effect.Effect<void>
  /** It could not be delivered: unless another queue delivers it, it goes back to the broker. */
  readonly failed: Effect.Effect<void>
}

export interface SubscriberReport {
  /** Every queued message was delivered before the drain timeout. */
  readonly drained: boolean
  /** Messages still undelivered when the drain ended, nacked for redelivery. */
  readonly undelivered: number
  /** Messages this subscriber gave back to the broker over its life, those above included. */
  readonly nacked: number
  readonly duration: Duration.Duration
}

export interface Subscriber {
  /** A queue of the messages whose `id` property is `id`; unregistered when the scope closes. */
  readonly subscribe: (id: string) => Effect.Effect<Queue.Dequeue<Delivery>, never, Scope.Scope>
  /** A queue of every message; unregistered when the scope closes. */
  readonly subscribeAll: (id: string) => Effect.Effect<Queue.Dequeue<Delivery>, never, Scope.Scope>
  /** Pause, drain, nack the rest; idempotent. The scope's finalizer calls it, then closes the consumer. */
  readonly shutdown: Effect.Effect<SubscriberReport>
  /** Completes if the consumer's connection to the broker is lost: nothing more will arrive. */
  readonly lost: Effect.Effect<ConnectionClosed>
}

export const subscriberDefaults = {
  maxQueueSize: 100,
  strategy: "block",
  drainTimeout: "5 seconds"
} as const

/** A message received and not yet settled with the broker, with its copies in queues. */
interface Tracked {
  readonly message: ReceivedMessage
  /** Copies (and the router while routing) that have not reported yet. */
  holds: number
  /** Copies delivered, or evicted under drop_oldest: either makes the message ackable. */
  done: number
  settled: boolean
}

/** What became of one copy: written to the client, thrown out of a full queue (drop_oldest), or not delivered. */
type Fate = "delivered" | "evicted" | "failed"

/** A copy as the Subscriber keeps it: a Delivery, plus the report drop_oldest makes when it evicts it. */
interface Copy extends Delivery {
  readonly evicted: Effect.Effect<void>
}

const queueFor = (strategy: BackpressureStrategy, size: number) =>
  strategy === "block"
    ? Queue.bounded<Copy>(size)
    : strategy === "drop_oldest"
      ? Queue.sliding<Copy>(size)
      : Queue.dropping<Copy>(size)

/**
 * Shuts a queue and returns every copy it held. Taking makes room, and room lets a blocked offer
 * in at once; taking until nothing is left, in one synchronous step, returns those copies too —
 * `Queue.shutdown` alone would discard them without a report.
 */
const closeQueue = (queue: Queue.Queue<Copy>): Array<Copy> => {
  const left: Array<Copy> = []
  for (let taken = Queue.takeUnsafe(queue); taken?._tag === "Success"; taken = Queue.takeUnsafe(queue)) {
    left.push(taken.value)
  }
  Queue.shutdownUnsafe(queue)
  return left
}

export const makeSubscriber = Effect.fn("Subscriber.make")(function* (
  options: SubscriberOptions
): Effect.fn.Return<Subscriber, BrokerUnavailable | TopicRefused, Broker | Scope.Scope> {
  const settings = { ...subscriberDefaults, ...options }
  const broker = yield* Broker
  // Acquired first so that it is closed last, after pause, drain and nack.
  const consumer = yield* broker.consumer(options)
  const byId = new Map<string, Queue.Queue<Copy>>()
  const everything = new Map<string, Queue.Queue<Copy>>()
  const pending = new Map<string, Tracked>()
  const idle = Latch.makeUnsafe(true)
  const listening = Latch.makeUnsafe(false)
  let nacked = 0
  // Per-message metric updates are made directly against the registry: this is the hot path.
  const context = yield* Effect.context<never>()

  // The broker is told before the message stops being pending, and without interruption: the
  // drain ends when nothing is pending and then interrupts the fiber that reported the message
  // (the export's writer, or the reader of client acks), which would otherwise leave it neither
  // acked nor nacked, to be redelivered after it was delivered.
  const settle = (tracked: Tracked) =>
    Effect.suspend(() => {
      if (tracked.settled) return Effect.void
      tracked.settled = true
      const told =
        tracked.done > 0
          ? Effect.andThen(
              Effect.sync(() => Metrics.subscriberMessagesAcknowledged.updateUnsafe(1, context)),
              consumer.ack(tracked.message.id)
            )
          : Effect.andThen(
              Effect.sync(() => {
                nacked++
                Metrics.subscriberMessagesNacked.updateUnsafe(1, context)
              }),
              consumer.nack(tracked.message.id)
            )
      return told.pipe(
        Effect.ensuring(
          Effect.sync(() => {
            pending.delete(tracked.message.id)
            if (pending.size === 0) idle.openUnsafe()
          })
        ),
        Effect.uninterruptible
      )
    })

  const release = (tracked: Tracked, done: boolean) =>
    Effect.suspend(() => {
      if (done) tracked.done++
      return --tracked.holds === 0 ? settle(tracked) : Effect.void
    })

  /** A copy for one queue; it holds the message unsettled until it reports, once. */
  const copyOf = (tracked: Tracked): Copy => {
    tracked.holds++
    let reported = false
    const report = (fate: Fate) =>
      Effect.suspend(() => {
        if (reported) return Effect.void
        reported = true
        Metrics.subscriberQueueDepth.modifyUnsafe(-1, context)
        if (fate === "delivered") Metrics.subscriberMessagesDelivered.updateUnsafe(1, context)
        else if (fate === "evicted") Metrics.subscriberMessagesDropped.updateUnsafe(1, context)
        // An evicted copy counts as done: drop_oldest acknowledges what it throws away.
        return release(tracked, fate !== "failed")
      })
    return {
      message: tracked.message,
      delivered: report("delivered"),
      failed: report("failed"),
      evicted: report("evicted")
    }
  }

  /** A copy the queue refused (drop_new): counted as dropped, and given back unless another copy is delivered. */
  const refused = (copy: Copy) =>
    Effect.sync(() => Metrics.subscriberMessagesDropped.updateUnsafe(1, context)).pipe(Effect.andThen(copy.failed))

  const offer = (queue: Queue.Queue<Copy>, delivery: Copy): Effect.Effect<void> =>
    Effect.sync(() => Metrics.subscriberQueueDepth.modifyUnsafe(1, context)).pipe(
      Effect.andThen(
        settings.strategy === "block"
          ? Queue.offer(queue, delivery).pipe(
              Effect.onInterrupt(() => delivery.failed),
              Effect.flatMap((accepted) => (accepted ? Effect.void : delivery.failed))
            )
          : Effect.suspend(() => {
              const evicted =
                settings.strategy === "drop_oldest" && Queue.isFullUnsafe(queue) ? Queue.takeUnsafe(queue) : undefined
              const accepted = Queue.offerUnsafe(queue, delivery)
              return Effect.all(
                [
                  evicted !== undefined && evicted._tag === "Success" ? evicted.value.evicted : Effect.void,
                  accepted ? Effect.void : refused(delivery)
                ],
                { discard: true }
              )
            })
      )
    )

  const route = (message: ReceivedMessage) =>
    Effect.gen(function* () {
      Metrics.subscriberMessagesReceived.updateUnsafe(1, context)
      const id = message.properties["id"]
      const targets = [...(id !== undefined ? [byId.get(id)] : []), ...everything.values()].filter(
        (queue) => queue !== undefined
      )
      const tracked: Tracked = { message: sharedBy(targets.length, message), holds: 1, done: 0, settled: false }
      pending.set(message.id, tracked)
      idle.closeUnsafe()
      if (targets.length === 0) Metrics.subscriberMessagesOrphaned.updateUnsafe(1, context)
      yield* Effect.forEach(targets, (queue) => offer(queue, copyOf(tracked)), { discard: true }).pipe(
        Effect.ensuring(release(tracked, false))
      )
    })

  const loop = Effect.gen(function* () {
    yield* listening.await
    for (;;) yield* route(yield* consumer.receive)
  }).pipe(
    Effect.catchTag("ConnectionClosed", (error) => Effect.logWarning("subscriber stopped receiving", error.message))
  )
  const loopFiber = yield* Effect.forkScoped(loop)

  const register = (registry: Map<string, Queue.Queue<Copy>>, id: string) =>
    Effect.acquireRelease(
      Effect.gen(function* () {
        const queue = yield* queueFor(settings.strategy, settings.maxQueueSize)
        registry.set(id, queue)
        listening.openUnsafe()
        return queue
      }),
      (queue) =>
        Effect.gen(function* () {
          if (registry.get(id) === queue) registry.delete(id)
          const left = yield* Effect.sync(() => closeQueue(queue))
          yield* Effect.forEach(left, (copy) => copy.failed, { discard: true })
        })
    ).pipe(Effect.map(Queue.asDequeue))

  const runShutdown = Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    yield* consumer.pause
    const drained = yield* idle.await.pipe(Effect.timeoutOption(settings.drainTimeout))
    yield* Fiber.interrupt(loopFiber)
    // Copies still queued or out for delivery: unless another copy was delivered, the broker gets
    // the message back for redelivery.
    const unsettled = [...pending.values()]
    const undelivered = unsettled.filter((tracked) => tracked.done === 0)
    yield* Effect.forEach(unsettled, settle, { discard: true })
    const duration = Duration.millis((yield* Clock.currentTimeMillis) - started)
    yield* Metric.update(Metrics.subscriberDrainDuration, Duration.toSeconds(duration))
    if (undelivered.length > 0) {
      yield* Effect.logWarning(
        `subscriber drain ${drained._tag === "None" ? "timed out" : "ended"}: ` +
          `${undelivered.length} undelivered message(s) nacked for redelivery`
      ).pipe(Effect.annotateLogs({ topic: settings.topic, subscription: settings.subscription }))
    }
    return {
      drained: drained._tag === "Some",
      undelivered: undelivered.length,
      nacked,
      duration
    } satisfies SubscriberReport
  })
  const shutdown = yield* Effect.cached(runShutdown.pipe(Effect.withSpan("Subscriber.shutdown")))
  yield* Effect.addFinalizer(() => shutdown)

  return {
    subscribe: Effect.fn("Subscriber.subscribe")(function* (id: string) {
      return yield* register(byId, id)
    }),
    subscribeAll: Effect.fn("Subscriber.subscribeAll")(function* (id: string) {
      return yield* register(everything, id)
    }),
    shutdown,
    lost: consumer.lost
  } satisfies Subscriber
})
