/**
 * A namespace of the tests' own with deduplication on, `tg/dedup`: TrustGraph's namespace keeps
 * the broker's default, which the other tests rely on.
 */
import { Effect } from "effect"
import { assert } from "@effect/vitest"
import { inject } from "vitest"
import type { BrokerUnderTest } from "./brokers.ts"
import { adminRequest } from "./pulsarAdmin.ts"
import { pulsarSecurity } from "./pulsarSecurity.ts"

export const dedupNamespace = "tg/dedup"

/** Makes sure `tg/dedup` exists with deduplication on (and, on the secured broker, the gateway's grant). */
export const ensureDedupNamespace = (adapter: BrokerUnderTest) =>
  Effect.gen(function* () {
    if (adapter.name === "memory") return
    const httpUrl = inject("pulsarHttpUrl")
    const security = pulsarSecurity()
    const admin = (path: string, method: string, body?: string) =>
      Effect.promise(() => adminRequest(httpUrl, path, security, { method, ...(body === undefined ? {} : { body }) }))
    // 409 when it exists already.
    yield* admin(`/admin/v2/namespaces/${dedupNamespace}`, "PUT")
    const enabled = yield* admin(`/admin/v2/namespaces/${dedupNamespace}/deduplication`, "POST", "true")
    assert.isTrue(enabled.ok, `enabling deduplication on ${dedupNamespace}: HTTP ${enabled.status} ${enabled.text}`)
    if (security !== null) {
      yield* admin(`/admin/v2/namespaces/${dedupNamespace}/permissions/tg-gateway`, "POST", '["produce","consume"]')
    }
  })
