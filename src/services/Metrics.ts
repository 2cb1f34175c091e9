/**
 * Every metric tg-gateway exports, in one place so that `/metrics`, the alert rules and the docs
 * agree on names. Prometheus-style names; the five from the graceful-shutdown spec are
 * `publisher_queue_depth`, `publisher_messages_dropped_total`,
 * `subscriber_messages_negatively_acknowledged_total`, `websocket_graceful_shutdowns_total` and
 * `websocket_forced_shutdowns_total`.
 */
import { Effect, Metric } from "effect"

const durationBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export const publisherQueueDepth = Metric.gauge("publisher_queue_depth", {
  description: "Messages waiting in publisher queues, summed over connections"
})
export const publisherQueueCapacity = Metric.gauge("publisher_queue_capacity", {
  description: "Capacity of publisher queues, summed over connections (for the queue-depth alert)"
})
export const publisherMessagesSent = Metric.counter("publisher_messages_sent_total", {
  description: "Messages handed to the broker by publishers",
  incremental: true
})
export const publisherMessagesConfirmed = Metric.counter("publisher_messages_confirmed_total", {
  description: "Messages the broker confirmed as persisted",
  incremental: true
})
export const publisherSendFailures = Metric.counter("publisher_send_failures_total", {
  description: "Messages the broker did not persist",
  incremental: true
})
export const publisherMessagesDropped = Metric.counter("publisher_messages_dropped_total", {
  description: "Messages still queued when a publisher's drain timed out",
  incremental: true
})
export const publisherDrainDuration = Metric.histogram("publisher_drain_duration_seconds", {
  description: "Time a publisher took to drain and flush on shutdown",
  boundaries: durationBoundaries
})

export const subscriberMessagesReceived = Metric.counter("subscriber_messages_received_total", {
  description: "Messages subscribers received from the broker",
  incremental: true
})
export const subscriberMessagesDelivered = Metric.counter("subscriber_messages_delivered_total", {
  description: "Message copies written to a client (copies evicted by drop_oldest count as dropped, not delivered)",
  incremental: true
})
export const subscriberMessagesAcknowledged = Metric.counter("subscriber_messages_acknowledged_total", {
  description: "Messages acknowledged to the broker",
  incremental: true
})
export const subscriberMessagesNacked = Metric.counter("subscriber_messages_negatively_acknowledged_total", {
  description: "Messages given back to the broker for redelivery",
  incremental: true
})
export const subscriberMessagesDropped = Metric.counter("subscriber_messages_dropped_total", {
  description: "Message copies refused (drop_new) or evicted (drop_oldest) by a full subscriber queue",
  incremental: true
})
export const subscriberMessagesOrphaned = Metric.counter("subscriber_messages_orphaned_total", {
  description: "Messages no subscriber queue was registered for (nacked for redelivery)",
  incremental: true
})
export const subscriberQueueDepth = Metric.gauge("subscriber_queue_depth", {
  description: "Message copies in subscriber queues or being written to clients, summed over connections"
})
export const subscriberDrainDuration = Metric.histogram("subscriber_drain_duration_seconds", {
  description: "Time a subscriber took to drain on shutdown",
  boundaries: durationBoundaries
})

export const websocketGracefulShutdowns = Metric.counter("websocket_graceful_shutdowns_total", {
  description: "Connections that shut down with everything drained",
  incremental: true
})
export const websocketForcedShutdowns = Metric.counter("websocket_forced_shutdowns_total", {
  description: "Connections whose shutdown hit a timeout or an error and dropped or gave back messages",
  incremental: true
})
export const websocketConnectionsOpen = Metric.gauge("websocket_connections_open", {
  description: "Open import and export connections"
})
export const websocketConnectionsTotal = Metric.counter("websocket_connections_total", {
  description: "Connections accepted since start",
  incremental: true
})
export const importFramesReceived = Metric.counter("import_frames_received_total", {
  description: "Frames received on import connections",
  incremental: true
})
export const importFramesRejected = Metric.counter("import_frames_rejected_total", {
  description:
    "Import frames refused with an error frame or nack (malformed JSON, wrong shape, a record larger than the broker takes)",
  incremental: true
})
export const exportFramesSent = Metric.counter("export_frames_sent_total", {
  description: "Frames written to export connections and confirmed by the socket",
  incremental: true
})
export const exportRecordsRejected = Metric.counter("export_records_rejected_total", {
  description:
    "Messages on an export topic no client could read: acknowledged, or moved to EXPORT_DEAD_LETTER_TOPIC, once",
  incremental: true
})

/** Every metric above; a test holds this list to the module's exports. */
export const all: ReadonlyArray<Metric.Metric<never, unknown>> = [
  publisherQueueDepth,
  publisherQueueCapacity,
  publisherMessagesSent,
  publisherMessagesConfirmed,
  publisherSendFailures,
  publisherMessagesDropped,
  publisherDrainDuration,
  subscriberMessagesReceived,
  subscriberMessagesDelivered,
  subscriberMessagesAcknowledged,
  subscriberMessagesNacked,
  subscriberMessagesDropped,
  subscriberMessagesOrphaned,
  subscriberQueueDepth,
  subscriberDrainDuration,
  websocketGracefulShutdowns,
  websocketForcedShutdowns,
  websocketConnectionsOpen,
  websocketConnectionsTotal,
  importFramesReceived,
  importFramesRejected,
  exportFramesSent,
  exportRecordsRejected
]

/**
 * Registers every metric with its zero value, so `/metrics` lists all of them from the start —
 * an alert on a counter that has never moved still finds it.
 */
export const registerAll: Effect.Effect<void> = Effect.forEach(all, (metric) => Metric.value(metric), {
  discard: true
})
