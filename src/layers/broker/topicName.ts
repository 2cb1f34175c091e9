/** Pulsar topic names: `persistent://tenant/namespace/topic` (or `non-persistent://…`). */

export interface TopicName {
  readonly domain: "persistent" | "non-persistent"
  readonly tenant: string
  readonly namespace: string
  readonly local: string
}

const pattern = /^(persistent|non-persistent):\/\/([^/\s]+)\/([^/\s]+)\/([^/\s]+)$/

export const parseTopicName = (topic: string): TopicName | undefined => {
  const match = pattern.exec(topic)
  if (match === null) return undefined
  const [, domain, tenant, namespace, local] = match
  if (domain === undefined || tenant === undefined || namespace === undefined || local === undefined) return undefined
  return { domain: domain as TopicName["domain"], tenant, namespace, local }
}

export const topicNameProblem = (topic: string): string =>
  `"${topic}" is not a topic name; expected persistent://<tenant>/<namespace>/<topic>`

/** The topic's path below `/ws/v2/{producer,consumer,reader}/` and `/admin/v2/`. */
export const topicPath = (name: TopicName): string =>
  [name.domain, name.tenant, name.namespace, name.local].map(pathSegment).join("/")

export const pathSegment = (segment: string): string => encodeURIComponent(segment).replaceAll("%3A", ":")
