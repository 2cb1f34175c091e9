/**
 * Starting and stopping a Pulsar broker with scripts/pulsar.sh, and the WebSocket idle timeout
 * the tests' brokers run with.
 *
 * Brokers the tests start close WebSocket sessions idle for `testIdleTimeoutMillis` (a few
 * seconds, where Pulsar ships 300 s), so that a connection the gateway does not keep alive fails
 * within the run. Every Pulsar broker adapter a test builds therefore pings its sessions every
 * `testPulsarPingInterval`, well inside that.
 */
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

export const testIdleTimeoutMillis = 5000
export const testPulsarPingInterval = "1 second"

const run = promisify(execFile)

/**
 * A tool of the Pulsar distribution pulsar.sh installed (`pulsar-client`, `pulsar-perf`), or an
 * error saying where it was looked for.
 */
export const pulsarTool = (name: string): string => {
  const home = join(
    process.env["TG_CACHE_DIR"] ?? join(process.env["HOME"] ?? "/root", ".cache/tg-gateway"),
    "pulsar",
    `apache-pulsar-${process.env["PULSAR_VERSION"] ?? "4.0.6"}`
  )
  const tool = join(home, "bin", name)
  if (!existsSync(tool)) throw new Error(`Pulsar's distribution is not at ${home}: scripts/pulsar.sh start installs it`)
  return tool
}
const script = fileURLToPath(new URL("../../scripts/pulsar.sh", import.meta.url))

export interface PulsarScriptEnv {
  readonly httpUrl: string
  /** Where pulsar.sh keeps the broker's configuration, data and logs. */
  readonly state: string
  readonly brokerPort?: number
  readonly idleTimeoutMillis?: number
  /**
   * Token authentication, authorization and TLS (`pulsar.sh start-secure`), with the plain web
   * port its own clients use, and the ports of its WebSocket proxy, ZooKeeper and bookie.
   */
  readonly secure?: {
    readonly plainWebPort: number
    readonly wsPort: number
    readonly zkPort: number
    readonly bookiePort: number
    readonly brokerTlsPort: number
  }
}

const envOf = (options: PulsarScriptEnv) => ({
  ...process.env,
  PULSAR_HTTP_URL: options.httpUrl,
  TG_PULSAR_STATE: options.state,
  ...(options.brokerPort === undefined ? {} : { PULSAR_BROKER_PORT: String(options.brokerPort) }),
  ...(options.idleTimeoutMillis === undefined ? {} : { PULSAR_WS_IDLE_TIMEOUT_MS: String(options.idleTimeoutMillis) }),
  ...(options.secure === undefined
    ? {}
    : {
        PULSAR_PLAIN_WEB_PORT: String(options.secure.plainWebPort),
        PULSAR_WS_PORT: String(options.secure.wsPort),
        PULSAR_ZK_PORT: String(options.secure.zkPort),
        PULSAR_BOOKIE_PORT: String(options.secure.bookiePort),
        PULSAR_BROKER_TLS_PORT: String(options.secure.brokerTlsPort)
      })
})

/** Starts a broker and waits until it is ready; resolves to what pulsar.sh said (version, time taken). */
export const startPulsar = async (options: PulsarScriptEnv): Promise<string> => {
  const command = options.secure === undefined ? "start" : "start-secure"
  const { stderr } = await run(script, [command], { env: envOf(options), maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: unknown) => {
      const detail = error instanceof Error && "stderr" in error ? String(error.stderr) : String(error)
      throw new Error(
        `could not start a Pulsar broker at ${options.httpUrl} (scripts/pulsar.sh ${command}):\n${detail}`
      )
    }
  )
  return stderr.trim()
}

export const stopPulsar = async (options: PulsarScriptEnv): Promise<string> => {
  const { stderr } = await run(script, ["stop"], { env: envOf(options) })
  return stderr.trim()
}

/** A TCP port nothing listens on right now. */
export const freeTcpPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })
