/**
 * Vitest global setup: the tests that need a real Apache Pulsar broker use the one answering at
 * PULSAR_HTTP_URL, or, when none answers, one this setup starts with scripts/pulsar.sh and stops
 * again after the run.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import type { TestProject } from "vitest/node"
import { ensureNamespace, pulsarAnswers } from "./pulsarAdmin.ts"

declare module "vitest" {
  export interface ProvidedContext {
    pulsarHttpUrl: string
  }
}

const run = promisify(execFile)
const script = fileURLToPath(new URL("../../scripts/pulsar.sh", import.meta.url))

export default async function setup(project: TestProject) {
  const httpUrl = process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080"
  project.provide("pulsarHttpUrl", httpUrl)
  if (await pulsarAnswers(httpUrl)) {
    await ensureNamespace(httpUrl, "tg/flow")
    console.log(`tests use the Pulsar broker at ${httpUrl}`)
    return
  }
  const env = {
    ...process.env,
    PULSAR_HTTP_URL: httpUrl,
    TG_PULSAR_STATE:
      process.env["TG_PULSAR_STATE"] ?? `${process.env["HOME"] ?? "/tmp"}/.cache/tg-gateway/pulsar-test-run`
  }
  const started = Date.now()
  console.log(`no Pulsar broker at ${httpUrl}: starting one with scripts/pulsar.sh`)
  const { stderr } = await run(script, ["start"], { env, maxBuffer: 16 * 1024 * 1024 }).catch((error: unknown) => {
    const detail = error instanceof Error && "stderr" in error ? String(error.stderr) : String(error)
    throw new Error(`could not start a Pulsar broker for the tests (scripts/pulsar.sh start):\n${detail}`)
  })
  console.log(stderr.trim(), `(${((Date.now() - started) / 1000).toFixed(1)} s including download and set-up)`)
  return async () => {
    const { stderr } = await run(script, ["stop"], { env })
    console.log(stderr.trim())
  }
}
