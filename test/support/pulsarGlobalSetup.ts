/**
 * Vitest global setup: the tests that need a real Apache Pulsar broker use the one answering at
 * PULSAR_HTTP_URL, or, when none answers, one this setup starts with scripts/pulsar.sh and stops
 * again after the run. A broker started here closes WebSocket sessions idle for a few seconds
 * (see pulsarScript.ts), so that the run shows whether the gateway keeps its sessions alive.
 */
import type { TestProject } from "vitest/node"
import { ensureNamespace, pulsarAnswers } from "./pulsarAdmin.ts"
import type { PulsarSecurityFiles } from "./pulsarSecurity.ts"
import { startPulsar, stopPulsar, testIdleTimeoutMillis } from "./pulsarScript.ts"

declare module "vitest" {
  export interface ProvidedContext {
    pulsarHttpUrl: string
    /** The secured broker's CA, certificate and tokens in a run against it (pulsarSecureGlobalSetup.ts), else null. */
    pulsarSecurity: PulsarSecurityFiles | null
  }
}

export default async function setup(project: TestProject) {
  const httpUrl = process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080"
  project.provide("pulsarHttpUrl", httpUrl)
  project.provide("pulsarSecurity", null)
  if (await pulsarAnswers(httpUrl)) {
    await ensureNamespace(httpUrl, "tg/flow")
    console.log(`tests use the Pulsar broker at ${httpUrl}`)
    return
  }
  const options = {
    httpUrl,
    state: process.env["TG_PULSAR_STATE"] ?? `${process.env["HOME"] ?? "/tmp"}/.cache/tg-gateway/pulsar-test-run`,
    idleTimeoutMillis: Number(process.env["PULSAR_WS_IDLE_TIMEOUT_MS"] ?? testIdleTimeoutMillis)
  }
  const started = Date.now()
  console.log(`no Pulsar broker at ${httpUrl}: starting one with scripts/pulsar.sh`)
  const said = await startPulsar(options)
  console.log(said, `(${((Date.now() - started) / 1000).toFixed(1)} s including download and set-up)`)
  return async () => console.log(await stopPulsar(options))
}
