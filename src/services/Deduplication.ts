/**
 * Whether the broker drops resends on the namespaces the gateway imports into: what `?producer=`
 * needs, said at start-up and on `/readyz`. The namespaces are those of every flow's import
 * topics in the default workspace (a topic template names its namespace without the workspace).
 */
import { Effect } from "effect"
import { kindNames } from "../domain/Kinds.ts"
import { parseTopicName } from "../layers/broker/topicName.ts"
import type { BrokerShape } from "./Broker.ts"
import type { FlowRegistryShape } from "./FlowRegistry.ts"

/** One topic of each namespace the flows import into, by namespace (`tenant/namespace`). */
export const importNamespaces = (flows: FlowRegistryShape): ReadonlyMap<string, string> => {
  const topics = new Map<string, string>()
  for (const flow of flows.flows) {
    for (const kind of kindNames) {
      const topic = flows.topicFor(flow, "default", kind)
      const name = topic === undefined ? undefined : parseTopicName(topic)
      if (topic === undefined || name === undefined) continue
      const namespace = `${name.tenant}/${name.namespace}`
      if (!topics.has(namespace)) topics.set(namespace, topic)
    }
  }
  return topics
}

/** `{"tg/flow": "enabled on tg/flow"}`: what the broker says for each namespace, or why it could not be asked. */
export const deduplicationReport = (
  broker: BrokerShape,
  flows: FlowRegistryShape
): Effect.Effect<Readonly<Record<string, string>>> =>
  Effect.forEach(
    [...importNamespaces(flows)],
    ([namespace, topic]) =>
      broker.deduplication === undefined
        ? Effect.succeed([namespace, `not available on ${broker.description}`] as const)
        : broker.deduplication(topic).pipe(
            Effect.map((state) => [namespace, state.detail] as const),
            Effect.catch((error) => Effect.succeed([namespace, `unknown: ${error.message}`] as const))
          ),
    { concurrency: "unbounded" }
  ).pipe(Effect.map((entries) => Object.fromEntries(entries)))
