/**
 * The few admin REST calls the tests use to look at a Pulsar broker independently of tg-gateway.
 * A secured broker is asked as its super-user, over TLS with the test CA and client certificate.
 */
import { readFileSync } from "node:fs"
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import type { PulsarSecurityFiles } from "./pulsarSecurity.ts"

export interface AdminAnswer {
  readonly ok: boolean
  readonly status: number
  readonly text: string
}

/** One admin request; `security` is the secured broker's files, or null for an open broker. */
export const adminRequest = (
  httpUrl: string,
  path: string,
  security: PulsarSecurityFiles | null = null,
  init: { readonly method?: string; readonly body?: string; readonly timeoutMs?: number } = {}
): Promise<AdminAnswer> =>
  new Promise((resolve, reject) => {
    const url = new URL(`${httpUrl}${path}`)
    const headers: Record<string, string> = { "content-type": "application/json" }
    const tls: Record<string, Buffer> = {}
    if (security !== null) {
      headers["authorization"] = `Bearer ${readFileSync(security.adminTokenFile, "utf8").trim()}`
      tls["ca"] = readFileSync(security.caFile)
      tls["cert"] = readFileSync(security.certFile)
      tls["key"] = readFileSync(security.keyFile)
    }
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
      method: init.method ?? "GET",
      headers,
      ...tls,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000)
    })
    request.once("response", (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.once("end", () => {
        const status = response.statusCode ?? 0
        resolve({ ok: status >= 200 && status < 300, status, text })
      })
    })
    request.once("error", reject)
    request.end(init.body)
  })

export const pulsarAnswers = async (httpUrl: string, security: PulsarSecurityFiles | null = null): Promise<boolean> => {
  try {
    const answer = await adminRequest(httpUrl, "/admin/v2/namespaces/public", security, { timeoutMs: 2000 })
    return answer.ok && answer.text.includes("public/default")
  } catch {
    return false
  }
}

export const ensureNamespace = async (httpUrl: string, namespace: string): Promise<void> => {
  const [tenant] = namespace.split("/")
  await adminRequest(httpUrl, `/admin/v2/tenants/${tenant}`, null, {
    method: "PUT",
    body: JSON.stringify({ allowedClusters: ["standalone"] })
  })
  await adminRequest(httpUrl, `/admin/v2/namespaces/${namespace}`, null, { method: "PUT" })
  const listed = (await adminRequest(httpUrl, `/admin/v2/namespaces/${tenant}`)).text
  if (!listed.includes(namespace)) throw new Error(`could not create namespace ${namespace} at ${httpUrl}: ${listed}`)
}

/** Messages stored on a topic (ledger entries; the adapters send without batching, one message each). */
export const storedOnTopic = async (
  httpUrl: string,
  topic: string,
  security: PulsarSecurityFiles | null = null
): Promise<number> => {
  const path = topic.replace("://", "/")
  const answer = await adminRequest(httpUrl, `/admin/v2/${path}/internalStats`, security)
  // A topic nothing has been published to yet does not exist.
  if (answer.status === 404) return 0
  if (!answer.ok) throw new Error(`internalStats of ${topic}: HTTP ${answer.status} ${answer.text}`)
  const stats = JSON.parse(answer.text) as { numberOfEntries?: number }
  return stats.numberOfEntries ?? 0
}

/** The broker's `webSocketSessionIdleTimeoutMillis`: how long a WebSocket session may stay idle before it is closed. */
export const webSocketIdleTimeoutMillis = async (
  httpUrl: string,
  security: PulsarSecurityFiles | null = null
): Promise<number> => {
  const answer = await adminRequest(httpUrl, "/admin/v2/brokers/configuration/runtime", security)
  if (!answer.ok) throw new Error(`runtime configuration of ${httpUrl}: HTTP ${answer.status} ${answer.text}`)
  const value = Number((JSON.parse(answer.text) as Record<string, unknown>)["webSocketSessionIdleTimeoutMillis"])
  if (!Number.isFinite(value)) throw new Error(`${httpUrl} does not report webSocketSessionIdleTimeoutMillis`)
  return value
}

/** The names of a topic's subscriptions, durable or not, as the broker lists them in the topic's stats. */
export const subscriptionsOnTopic = async (
  httpUrl: string,
  topic: string,
  security: PulsarSecurityFiles | null = null
): Promise<ReadonlyArray<string>> => {
  const path = topic.replace("://", "/")
  const answer = await adminRequest(httpUrl, `/admin/v2/${path}/stats`, security)
  if (answer.status === 404) return []
  if (!answer.ok) throw new Error(`stats of ${topic}: HTTP ${answer.status} ${answer.text}`)
  return Object.keys((JSON.parse(answer.text) as { subscriptions?: Record<string, unknown> }).subscriptions ?? {})
}
