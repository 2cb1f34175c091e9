/**
 * Vitest global setup of the run against a secured Pulsar broker (vitest.secure.config.ts): token
 * authentication and authorization, TLS with client certificates on the web port. It uses the
 * broker that scripts/pulsar.sh start-secure left at TG_PULSAR_SECURE_HTTP_URL with its state in
 * TG_PULSAR_SECURE_STATE (CI starts it next to the open broker), or starts one there itself, its
 * other ports free ones, and stops it after the run.
 */
import { existsSync } from "node:fs"
import type { TestProject } from "vitest/node"
import { pulsarAnswers } from "./pulsarAdmin.ts"
import { readSecureEnv } from "./pulsarSecurity.ts"
import { freeTcpPort, startPulsar, stopPulsar, testIdleTimeoutMillis } from "./pulsarScript.ts"

export default async function setup(project: TestProject) {
  const httpUrl = process.env["TG_PULSAR_SECURE_HTTP_URL"] ?? "https://127.0.0.1:8443"
  const state =
    process.env["TG_PULSAR_SECURE_STATE"] ?? `${process.env["HOME"] ?? "/tmp"}/.cache/tg-gateway/pulsar-secure-run`
  project.provide("pulsarHttpUrl", httpUrl)
  if (existsSync(`${state}/secure.env`) && (await pulsarAnswers(httpUrl, readSecureEnv(state)))) {
    project.provide("pulsarSecurity", readSecureEnv(state))
    console.log(`tests use the secured Pulsar broker at ${httpUrl} (${state}/secure.env)`)
    return
  }
  const options = {
    httpUrl,
    state,
    brokerPort: await freeTcpPort(),
    secure: {
      plainWebPort: await freeTcpPort(),
      wsPort: await freeTcpPort(),
      zkPort: await freeTcpPort(),
      bookiePort: await freeTcpPort(),
      brokerTlsPort: await freeTcpPort()
    },
    idleTimeoutMillis: Number(process.env["PULSAR_WS_IDLE_TIMEOUT_MS"] ?? testIdleTimeoutMillis)
  }
  const started = Date.now()
  console.log(`no secured Pulsar broker at ${httpUrl}: starting one with scripts/pulsar.sh start-secure`)
  const said = await startPulsar(options)
  console.log(said, `(${((Date.now() - started) / 1000).toFixed(1)} s including set-up)`)
  project.provide("pulsarSecurity", readSecureEnv(state))
  return async () => console.log(await stopPulsar(options))
}
