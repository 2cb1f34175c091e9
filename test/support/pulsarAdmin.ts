/** The few admin REST calls the tests use to look at a Pulsar broker independently of tg-gateway. */

export const pulsarAnswers = async (httpUrl: string): Promise<boolean> => {
  try {
    const response = await fetch(`${httpUrl}/admin/v2/namespaces/public`, { signal: AbortSignal.timeout(2000) })
    return response.ok && (await response.text()).includes("public/default")
  } catch {
    return false
  }
}

export const ensureNamespace = async (httpUrl: string, namespace: string): Promise<void> => {
  const [tenant] = namespace.split("/")
  await fetch(`${httpUrl}/admin/v2/tenants/${tenant}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ allowedClusters: ["standalone"] })
  })
  await fetch(`${httpUrl}/admin/v2/namespaces/${namespace}`, { method: "PUT" })
  const listed = await fetch(`${httpUrl}/admin/v2/namespaces/${tenant}`).then((r) => r.text())
  if (!listed.includes(namespace)) throw new Error(`could not create namespace ${namespace} at ${httpUrl}: ${listed}`)
}

/** Messages stored on a topic (ledger entries; the adapters send without batching, one message each). */
export const storedOnTopic = async (httpUrl: string, topic: string): Promise<number> => {
  const path = topic.replace("://", "/")
  const response = await fetch(`${httpUrl}/admin/v2/${path}/internalStats`)
  // A topic nothing has been published to yet does not exist.
  if (response.status === 404) return 0
  if (!response.ok) throw new Error(`internalStats of ${topic}: HTTP ${response.status} ${await response.text()}`)
  const stats = (await response.json()) as { numberOfEntries?: number }
  return stats.numberOfEntries ?? 0
}

/** The broker's `webSocketSessionIdleTimeoutMillis`: how long a WebSocket session may stay idle before it is closed. */
export const webSocketIdleTimeoutMillis = async (httpUrl: string): Promise<number> => {
  const response = await fetch(`${httpUrl}/admin/v2/brokers/configuration/runtime`)
  if (!response.ok)
    throw new Error(`runtime configuration of ${httpUrl}: HTTP ${response.status} ${await response.text()}`)
  const value = Number(((await response.json()) as Record<string, unknown>)["webSocketSessionIdleTimeoutMillis"])
  if (!Number.isFinite(value)) throw new Error(`${httpUrl} does not report webSocketSessionIdleTimeoutMillis`)
  return value
}
