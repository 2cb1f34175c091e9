/**
 * The gateway as a child process for benchmarks (`node src/programs/main.ts serve` against a
 * Pulsar broker on a free port), and the client-side pieces that drive it: opening and closing
 * sockets, and an import pump that keeps a window of frames unanswered.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { appendFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import WebSocket from "ws"

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export const freePort = async (): Promise<number> => {
  const server = createServer()
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  server.close()
  await once(server, "close")
  return port
}

/** Kilobytes from /proc/<pid>/status: resident set, its peak, and its anonymous and file-backed parts. */
export interface ProcessMemory {
  readonly rss: number
  readonly peak: number
  readonly anon: number
  readonly file: number
}

export const memoryOf = async (pid: number): Promise<ProcessMemory> => {
  const status = await readFile(`/proc/${pid}/status`, "utf8")
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN)
  return { rss: field("VmRSS"), peak: field("VmHWM"), anon: field("RssAnon"), file: field("RssFile") }
}

export interface GatewayChild {
  readonly pid: number
  readonly port: number
  /** The last lines the gateway printed. */
  readonly output: () => string
  readonly signal: (name: NodeJS.Signals) => void
  readonly stop: () => Promise<number | null>
}

export interface GatewayChildOptions {
  readonly flow: string
  readonly httpUrl: string
  /** `pulsar://…` for the binary adapter; none for the WebSocket adapter. */
  readonly pulsarUrl?: string | undefined
  readonly nodeFlags?: ReadonlyArray<string>
  /** What Node runs: the sources (default `src/programs/main.ts`) or a build such as `dist/command/main.js`. */
  readonly entry?: string
  readonly env?: NodeJS.ProcessEnv
  /** Everything the gateway prints is appended here too. */
  readonly logFile?: string | undefined
}

export const startGateway = async (options: GatewayChildOptions): Promise<GatewayChild> => {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BROKER: "pulsar",
    PULSAR_HTTP_URL: options.httpUrl,
    GATEWAY_PORT: `${port}`,
    GATEWAY_HOST: "127.0.0.1",
    FLOWS: options.flow,
    ...options.env
  }
  // The bench's own environment may name a binary port; without one the WebSocket adapter is asked for.
  delete env["PULSAR_URL"]
  env["PULSAR_TRANSPORT"] = options.pulsarUrl === undefined ? "websocket" : "binary"
  if (options.pulsarUrl !== undefined) env["PULSAR_URL"] = options.pulsarUrl
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), options.entry ?? "src/programs/main.ts", "serve"],
    {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"]
    }
  )
  const tail: Array<string> = []
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (options.logFile !== undefined) appendFileSync(options.logFile, chunk)
      for (const line of chunk.toString().split("\n")) {
        if (line.length === 0) continue
        tail.push(line)
        if (tail.length > 40) tail.shift()
        if (line.includes("tg-gateway listening")) resolve()
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) =>
      reject(new Error(`the gateway exited (${code}) before listening:\n${tail.join("\n")}`))
    )
  })
  await withTimeout(ready, 60_000, "starting the gateway")
  const pid = child.pid
  if (pid === undefined) throw new Error("the gateway has no pid")
  const exited = once(child, "exit").then(([code]) => code as number | null)
  return {
    pid,
    port,
    output: () => tail.join("\n"),
    signal: (name) => child.kill(name),
    stop: async () => {
      child.kill("SIGTERM")
      const code = await withTimeout(exited, 30_000, "stopping the gateway").catch(() => {
        child.kill("SIGKILL")
        return null
      })
      if (code !== 0) console.log(`  the gateway exited with ${code}; last output:\n    ${tail.join("\n    ")}`)
      return code
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Client sockets

export const openSocket = async (url: string): Promise<WebSocket> => {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve())
      ws.once("error", reject)
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`${url}: HTTP ${response.statusCode} instead of an upgrade`))
      )
    }),
    60_000,
    `opening ${url}`
  )
  return ws
}

export const closeSocket = async (ws: WebSocket) => {
  if (ws.readyState === WebSocket.CLOSED) return
  const closed = once(ws, "close")
  ws.close(1000)
  await withTimeout(closed, 30_000, "closing a client socket").catch(() => ws.terminate())
}

/** Frames go out as prepared bytes in text frames: the client's own encoding is not what is measured. */
const textFrame = { binary: false } as const

/**
 * Sends frames over an open import socket (`?ack=true`), keeping at most `limit` unanswered,
 * until `more()` says stop; resolves with the number acked and the time of the last ack.
 */
export const pump = (
  ws: WebSocket,
  frames: ReadonlyArray<Uint8Array>,
  limit: number,
  more: (sent: number) => boolean
): Promise<{ acked: number; end: number }> =>
  new Promise((resolve, reject) => {
    let sent = 0
    let acked = 0
    let fillQueued = false
    // Answers arrive several to a read; the frames they make room for go out together, in one
    // write, once the read's answers are counted — as the gateway writes to the broker.
    const fill = () => {
      fillQueued = false
      if (sent - acked < limit && more(sent)) {
        const socket = (ws as unknown as { _socket: import("node:net").Socket })._socket
        socket.cork()
        while (sent - acked < limit && more(sent)) ws.send(frames[sent++ % frames.length]!, textFrame)
        socket.uncork()
      }
      if (acked === sent && !more(sent)) {
        ws.off("message", onMessage)
        resolve({ acked, end: performance.now() })
      }
    }
    const onMessage = (data: WebSocket.RawData) => {
      const answer = JSON.parse(data.toString()) as { ack?: number }
      if (answer.ack === undefined) {
        ws.off("message", onMessage)
        return reject(new Error(`the gateway answered ${data.toString().slice(0, 300)}`))
      }
      acked++
      if (!fillQueued) {
        fillQueued = true
        process.nextTick(fill)
      }
    }
    ws.on("message", onMessage)
    ws.once("close", (code) => reject(new Error(`the gateway closed the socket (${code}) after ${acked} acks`)))
    fill()
  })
