/**
 * End-to-end benchmark of the gateway against a real Pulsar broker, the gateway running as a
 * child process (`node src/programs/main.ts serve`, BROKER=pulsar) on a free port with a fresh
 * flow per run.
 *
 *   1. import: N frames of 100 triples over `/import/triples?ack=true` with a window of
 *      unanswered frames, timed until the last ack — versus a bare pipelined producer sending
 *      the same N processor records (`translateFrame`) with `Effect.forEach(…, {concurrency: 500})`.
 *   2. export: a client on `/export/triples?subscription=…` (connected first: the subscription
 *      starts at Latest), then N records published by a bare producer, timed from the first
 *      publish until the client has N frames — versus a bare consumer (created first, then the
 *      same publishing, timed until N received and acked).
 *   3. memory: a second, fresh gateway process; its RSS when idle, then 100 connections each
 *      importing as fast as a window of 16 unanswered frames allows for a fixed time; its peak
 *      RSS (VmHWM) at the end and the frame rate over all connections.
 *
 * Before them, `codec` times the translation alone in this process. Gateway and bare rounds
 * alternate (ABBA order) after a warm-up of each; the topic's stored message count is checked
 * after every round. Each round also reports the CPU time per frame of the gateway, of this
 * process and of a local standalone broker (from /proc), how busy the whole machine was, and how
 * much of it went to other processes — a round that shared the machine says so. Usage:
 *
 *   source scripts/node-env.sh
 *   node bench/gateway.ts [--frames 2000] [--rounds 7] [--warmup 1] [--window 64]
 *     [--phases codec,import,export,memory] [--connections 100] [--connection-window 16] [--seconds 20]
 *     [--profile DIR]    (the gateway runs with --cpu-prof; when it stops, its profile in DIR is
 *                         summarised: the share of busy samples per kind of work)
 *     [--relay translate|forward]  (adds `bench/relay.ts` to the import rounds: the least a relay
 *                         can do, with the gateway's translation or none — a yardstick for how
 *                         much of the gap to the bare producer any gateway on this machine has)
 *     [--node-flags "…"]  (extra Node flags for the gateway and relay processes, e.g. --node-flags=--trace-gc)
 *     [--server-log PREFIX]  (everything the gateway and relay print goes to PREFIX.<script>.log)
 *
 *     [--variants gateway,bare]  (who takes part in the import and export rounds, alternating:
 *         gateway            the gateway as the environment configures it (PULSAR_TRANSPORT, PULSAR_URL)
 *         gateway-binary     a gateway on the binary adapter (PULSAR_TRANSPORT=binary, PULSAR_URL)
 *         gateway-websocket  a gateway on the WebSocket adapter (PULSAR_TRANSPORT=websocket)
 *         bare               the project's WebSocket-API client (`makePulsarBroker`), no gateway
 *         bare-binary        the project's binary-protocol client (`makePulsarBinaryBroker`), no gateway
 *         native             Pulsar's own client over the binary protocol (`bench/native.py`)
 *         native-batched     the same producer with batching on (import rounds only)
 *       With a native variant, every export round's records are published by the native producer,
 *       so that the publisher is never what limits a consumer; otherwise by the bare producer.
 *       The memory phase runs once per gateway variant, each on a fresh process.)
 *     [--chart FILE]     (an SVG bar chart of the median msgs/s per variant, import and export)
 *     [--json FILE]      (the figures the targets need, for bench/all.ts: per variant the msgs/s of
 *                         every round, how busy the machine was in it, the medians and CPU per frame;
 *                         per gateway variant its peak RSS after the rounds and its memory phase)
 *
 * The native client is the `pulsar-client` wheel from PyPI (its C++ core inside), installed on
 * first use into a venv at ~/.cache/tg-gateway/bench-venv. It runs as a long-lived helper, so its
 * interpreter start-up and its producer's opening are outside the timed rounds; a native import
 * round is the helper's own clock from its first send to its last confirmation.
 *
 * PULSAR_HTTP_URL (default http://127.0.0.1:8080) names the broker and PULSAR_URL (default
 * pulsar://127.0.0.1:6650) its binary port; tenant tg and namespace tg/flow are created if missing.
 * The `gateway` variant inherits the environment: with PULSAR_URL set it reaches the broker over
 * the binary protocol.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { once } from "node:events"
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { mkdir, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises"
import { cpus, homedir, loadavg, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Effect, Fiber, Result } from "effect"
import {
  encodeFrame,
  encodeRecord,
  parseFrame,
  parseRecord,
  recordToFrame,
  translateFrame,
  translateRecord
} from "../src/domain/Codec.ts"
import { gatewayNodeFlags, setsSemiSpace } from "../bin/gatewayNodeFlags.js"
import { makePulsarBinaryBroker } from "../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { makePulsarBroker } from "../src/layers/broker/PulsarBroker.ts"
import type { Producer } from "../src/services/Broker.ts"
import { triplesFrame } from "../test/support/frames.ts"
import { ensureNamespace, storedOnTopic } from "../test/support/pulsarAdmin.ts"
import { closeSocket, freePort, memoryOf, openSocket, pump, sleep, withTimeout } from "./support/gatewayChild.ts"
import { barChart } from "./svg.ts"
import { parseFlags } from "./support/flags.ts"

const flags = parseFlags(import.meta.url, {
  frames: { type: "string", default: "2000" },
  triples: { type: "string", default: "100" },
  rounds: { type: "string", default: "7" },
  warmup: { type: "string", default: "1" },
  window: { type: "string", default: "64" },
  phases: { type: "string", default: "codec,import,export,memory" },
  connections: { type: "string", default: "100" },
  "connection-window": { type: "string", default: "16" },
  seconds: { type: "string", default: "20" },
  profile: { type: "string" },
  relay: { type: "string" },
  "node-flags": { type: "string", default: "" },
  "server-log": { type: "string" },
  variants: { type: "string", default: "gateway,bare" },
  chart: { type: "string" },
  json: { type: "string" }
})

const whole = (name: keyof typeof flags): number => {
  const value = Number(flags[name])
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${flags[name]}`)
  return value
}

const httpUrl = (process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "")
const frameCount = whole("frames")
const triplesPerFrame = whole("triples")
const rounds = whole("rounds")
const warmup = whole("warmup")
const window = whole("window")
const connections = whole("connections")
const connectionWindow = whole("connection-window")
const floodSeconds = whole("seconds")
const phases = new Set((flags.phases ?? "").split(",").map((p) => p.trim()))
const profileDir = flags.profile
const relayMode = flags.relay
const nodeFlags = (flags["node-flags"] ?? "").split(" ").filter((flag) => flag.length > 0)
const serverLog = flags["server-log"]
if (relayMode !== undefined && relayMode !== "translate" && relayMode !== "forward") {
  throw new Error(`--relay must be translate or forward, got ${relayMode}`)
}
const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const pulsarUrl = process.env["PULSAR_URL"] ?? "pulsar://127.0.0.1:6650"
const chartFile = flags.chart
const jsonFile = flags.json

const knownVariants = [
  "gateway",
  "gateway-binary",
  "gateway-websocket",
  "bare",
  "bare-binary",
  "native",
  "native-batched"
] as const
type Variant = (typeof knownVariants)[number] | "relay"
const variants = (flags.variants ?? "").split(",").map((v) => v.trim()) as Array<Variant>
for (const variant of variants) {
  if (!(knownVariants as ReadonlyArray<string>).includes(variant)) {
    throw new Error(`--variants takes ${knownVariants.join(", ")}; got ${variant}`)
  }
}
const gatewayVariants = variants.filter((v) => v.startsWith("gateway"))
const usesNative = variants.some((v) => v.startsWith("native"))
const receiveTimeout = 180_000

// ---------------------------------------------------------------------------------------------
// Small helpers

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

const clockTicks = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU milliseconds (user + system) a process has used so far, from /proc/<pid>/stat. */
const cpuMillisOf = async (pid: number): Promise<number> => {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8")
  // Fields after the command name (which may hold spaces) start at field 3; utime/stime are 14/15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
const machineTicks = async (): Promise<{ busy: number; total: number }> => {
  const fields = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  // idle and iowait
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
}

/**
 * The local broker's process, to count its CPU time too: the one listening on the admin API's
 * port, since other brokers (a secured one, tests' own) may run on the same machine.
 */
const findPulsarPid = async (): Promise<number | undefined> => {
  const port = Number(new URL(httpUrl).port || (httpUrl.startsWith("https:") ? 443 : 80))
  const portHex = port.toString(16).toUpperCase().padStart(4, "0")
  const listening = new Set<string>()
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)
    for (const line of lines) {
      // local address, remote address, state (0A: listening), …, inode (the tenth field)
      const fields = line.trim().split(/\s+/)
      if (fields[1]?.endsWith(`:${portHex}`) === true && fields[3] === "0A" && fields[9] !== undefined) {
        listening.add(`socket:[${fields[9]}]`)
      }
    }
  }
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")
    if (!cmdline.includes("java")) continue
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as Array<string>)
    for (const fd of fds) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => "")
      if (listening.has(target)) return Number(entry)
    }
  }
  return undefined
}

/** CPU of the gateway, this process, the broker and the whole machine over a timed window. */
interface CpuWindow {
  readonly gateway?: number
  readonly bench: number
  /** CPU ms of the native client's helper processes, when they run. */
  readonly native?: number
  readonly pulsar?: number
  /** Share of all cores busy, 0..1, whoever used them. */
  readonly machineBusy: number
  /** CPU ms used by every other process on the machine. */
  readonly others: number
}

const startCpuWindow = async (gatewayPid: number | undefined) => {
  const read = async () => ({
    gateway: gatewayPid === undefined ? undefined : await cpuMillisOf(gatewayPid),
    pulsar: pulsarPid === undefined ? undefined : await cpuMillisOf(pulsarPid).catch(() => undefined),
    bench: ownCpuMillis(),
    native: nativeHelpers.length === 0 ? undefined : await sumCpuMillis(nativeHelpers.map((h) => h.pid)),
    machine: await machineTicks()
  })
  const before = await read()
  const startedAt = performance.now()
  return async (): Promise<CpuWindow> => {
    const after = await read()
    const millis = performance.now() - startedAt
    const diff = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : a - b
    const gateway = diff(after.gateway, before.gateway)
    const pulsar = diff(after.pulsar, before.pulsar)
    const native = diff(after.native, before.native)
    const bench = after.bench - before.bench
    const machineBusy = (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)
    return {
      ...(gateway !== undefined ? { gateway } : {}),
      ...(pulsar !== undefined ? { pulsar } : {}),
      ...(native !== undefined ? { native } : {}),
      bench,
      machineBusy,
      others: Math.max(0, machineBusy * cpus().length * millis - bench - (gateway ?? 0) - (pulsar ?? 0) - (native ?? 0))
    }
  }
}

const sumCpuMillis = async (pids: ReadonlyArray<number>) => {
  let total = 0
  for (const pid of pids) total += await cpuMillisOf(pid)
  return total
}

const ownCpuMillis = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

const mib = (kb: number) => `${fmt(kb / 1024, 1)} MiB`

// ---------------------------------------------------------------------------------------------
// The gateway child process

interface Gateway {
  readonly pid: number
  readonly port: number
  /** The last lines the gateway printed. */
  readonly output: () => string
  readonly stop: () => Promise<number | null>
}

/** `variant` gateway-binary and gateway-websocket choose the adapter; gateway inherits it. */
const startGateway = async (flow: string, variant: Variant = "gateway"): Promise<Gateway> => {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    BROKER: "pulsar",
    PULSAR_HTTP_URL: httpUrl,
    GATEWAY_PORT: `${port}`,
    GATEWAY_HOST: "127.0.0.1",
    FLOWS: flow
  }
  if (variant === "gateway-binary") {
    env["PULSAR_TRANSPORT"] = "binary"
    env["PULSAR_URL"] = pulsarUrl
  }
  if (variant === "gateway-websocket") env["PULSAR_TRANSPORT"] = "websocket"
  // The WebSocket adapter refuses a PULSAR_URL it would not use.
  const without = variant === "gateway-websocket" ? ["PULSAR_URL"] : []
  // With the flags bin/tg-gateway.js gives `serve` (the sources run here, so that a profile names their files).
  const launcherFlags = setsSemiSpace(nodeFlags) ? [] : gatewayNodeFlags
  return startServer(port, [...launcherFlags, "src/programs/main.ts", "serve"], env, "tg-gateway listening", without)
}

/** `bench/relay.ts`: the yardstick a gateway is compared with in `--relay` rounds. */
const startRelay = async (topic: string, mode: string): Promise<Gateway> => {
  const port = await freePort()
  return startServer(port, ["bench/relay.ts", `${port}`, httpUrl, topic, mode], {}, "relay listening")
}

const startServer = async (
  port: number,
  args: ReadonlyArray<string>,
  extraEnv: NodeJS.ProcessEnv,
  readyLine: string,
  unset: ReadonlyArray<string> = []
): Promise<Gateway> => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv }
  for (const name of unset) delete env[name]
  if (profileDir !== undefined) {
    env["NODE_OPTIONS"] = `${process.env["NODE_OPTIONS"] ?? ""} --cpu-prof --cpu-prof-dir=${profileDir}`.trim()
  }
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const tail: Array<string> = []
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (serverLog !== undefined) appendFileSync(`${serverLog}.${args[0]?.replace(/\W+/g, "-")}.log`, chunk)
      for (const line of chunk.toString().split("\n")) {
        if (line.length === 0) continue
        tail.push(line)
        if (tail.length > 40) tail.shift()
        if (line.includes(readyLine)) resolve()
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code}) before listening:\n${tail.join("\n")}`)))
  })
  await withTimeout(ready, 30_000, `starting ${args[0]}`)
  const pid = child.pid
  if (pid === undefined) throw new Error(`${args[0]} has no pid`)
  const exited = once(child, "exit").then(([code]) => code as number | null)
  return {
    pid,
    port,
    output: () => tail.join("\n"),
    stop: async () => {
      child.kill("SIGTERM")
      const code = await withTimeout(exited, 30_000, `stopping ${args[0]}`).catch(() => {
        child.kill("SIGKILL")
        return null
      })
      if (code !== 0) console.log(`  ${args[0]} exited with ${code}; last output:\n    ${tail.join("\n    ")}`)
      if (profileDir !== undefined) await summarizeProfile(profileDir, pid)
      return code
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Where the gateway's time went, from its --cpu-prof profile

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
  readonly children?: ReadonlyArray<number>
}

/**
 * Each sample goes to the first category (in this order) that matches a frame on its stack. The
 * profile samples wall time while the process is busy: on a saturated machine time spent waiting
 * for a core lands in whatever was running, so shares are a guide, not CPU accounting.
 */
const startupFrame =
  /^(compileSourceTextModule|wrapSafe|internalModuleStat|compileForInternalLoader)@|@node:internal\/(modules|deps\/amaro)/

const profileCategories: ReadonlyArray<readonly [string, (frames: ReadonlyArray<string>) => boolean]> = [
  ["startup (loading modules)", (f) => f.some((x) => startupFrame.test(x))],
  ["garbage collector", (f) => f[0] === "(garbage collector)@"],
  ["socket write system calls (both sockets)", (f) => /^(writev|writeBuffer|write\w*String)@/.test(f[0] ?? "")],
  [
    "import codec: fast path (frame text → record text)",
    (f) => f.some((x) => /TriplesTranscoder|JsonCursor/.test(x)) && f.some((x) => x.startsWith("translateFrame@"))
  ],
  ["import codec: general path and UTF-8", (f) => f.some((x) => x.startsWith("translateFrame@"))],
  [
    "export codec: JSON.parse of records",
    (f) => f.some((x) => x.startsWith("translateRecord@")) && f[0]?.startsWith("parseText@") === true
  ],
  [
    "export codec: compact rewrite, frame writing, UTF-8, general path",
    (f) => f.some((x) => x.startsWith("translateRecord@"))
  ],
  [
    "Pulsar sockets: ws framing and masking of sends",
    (f) => f.some((x) => /^send@.*ws\/lib\/websocket/.test(x)) && f.some((x) => x.includes("/PulsarBroker.ts"))
  ],
  ["Pulsar adapter: envelope JSON, base64, answers/deliveries", (f) => f.some((x) => x.includes("/PulsarBroker.ts"))],
  [
    "Pulsar binary adapter: frames, CRC32C, protobuf, producers and consumers",
    (f) => f.some((x) => x.includes("/broker/binary/"))
  ],
  ["client socket: ws framing (acks, export frames)", (f) => f.some((x) => /^send@.*ws\/lib\/websocket/.test(x))],
  [
    "ws receiving, unmasking (client and Pulsar sockets)",
    (f) => f.some((x) => /ws\/lib\/(receiver|buffer-util)/.test(x))
  ],
  ["Effect runtime, services, metrics", (f) => f.some((x) => /node_modules\/effect\/|\/src\/services\//.test(x))]
]

const summarizeProfile = async (dir: string, pid: number) => {
  const file = (await readdir(dir)).find((name) => name.endsWith(`.${pid}.0.001.cpuprofile`))
  if (file === undefined) return console.log(`  no profile of process ${pid} in ${dir}`)
  const profile = JSON.parse(await readFile(`${dir}/${file}`, "utf8")) as {
    nodes: ReadonlyArray<ProfileNode>
    samples: ReadonlyArray<number>
    timeDeltas: ReadonlyArray<number>
  }
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parents = new Map<number, number>()
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id)
  const timeOf = new Map<number, number>()
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const totals = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of timeOf) {
    const stack: Array<string> = []
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)?.callFrame
      if (frame !== undefined) stack.push(`${frame.functionName}@${frame.url}`)
    }
    if (stack[0] === "(idle)@") continue
    busy += micros
    const category = profileCategories.find(([, matches]) => matches(stack))?.[0] ?? "other"
    totals.set(category, (totals.get(category) ?? 0) + micros)
  }
  console.log(`  profile ${dir}/${file}: ${fmt(busy / 1000)} ms of non-idle samples`)
  for (const [category, micros] of [...totals].sort((a, b) => b[1] - a[1])) {
    console.log(`    ${fmt((micros / busy) * 100, 1).padStart(5)} %  ${category}`)
  }
}

// ---------------------------------------------------------------------------------------------
// The native client: `bench/native.py`, Pulsar's Python client, as a long-lived helper process

interface NativeAnswer {
  /** The helper's own clock: first send to last confirmation, or first message to last ack. */
  readonly seconds?: number
  readonly entries?: number
  readonly error?: string
}

interface NativeHelper {
  readonly pid: number
  readonly call: (command: { readonly op: string } & Record<string, unknown>) => Promise<NativeAnswer>
  readonly stop: () => Promise<void>
}

const nativeClientVersion = "3.13.0"
const venvDir = join(homedir(), ".cache", "tg-gateway", "bench-venv")
const venvPython = join(venvDir, "bin", "python")
const nativeHelpers: Array<NativeHelper> = []

const ensureNativeClient = () => {
  const installed = () => {
    try {
      return execFileSync(venvPython, ["-c", "import pulsar; print(pulsar.__version__)"]).toString().trim()
    } catch {
      return undefined
    }
  }
  if (installed() === nativeClientVersion) return
  console.log(`Installing pulsar-client ${nativeClientVersion} into ${venvDir} (first use)`)
  if (!existsSync(venvPython)) execFileSync("python3", ["-m", "venv", venvDir], { stdio: "inherit" })
  execFileSync(venvPython, ["-m", "pip", "install", "--quiet", `pulsar-client==${nativeClientVersion}`], {
    stdio: "inherit"
  })
}

const startNativeHelper = async (payloadFile: string): Promise<NativeHelper> => {
  const child = spawn(venvPython, [join(repoRoot, "bench", "native.py"), pulsarUrl, payloadFile], {
    stdio: ["pipe", "pipe", "pipe"]
  })
  const tail: Array<string> = []
  child.stderr.on("data", (chunk: Buffer) => {
    tail.push(
      ...chunk
        .toString()
        .split("\n")
        .filter((line) => line.length > 0)
    )
    tail.splice(0, Math.max(0, tail.length - 20))
  })
  const waiting: Array<{ resolve: (answer: NativeAnswer) => void; reject: (error: Error) => void }> = []
  createInterface({ input: child.stdout }).on("line", (line) => {
    // Only the helper's answers are JSON objects; anything else is the client's own log.
    if (line.startsWith("{")) waiting.shift()?.resolve(JSON.parse(line) as NativeAnswer)
    else tail.push(line)
  })
  const exited = once(child, "exit")
  void exited.then(([code]) => {
    for (const waiter of waiting.splice(0)) {
      waiter.reject(new Error(`the native client exited (${code}):\n${tail.join("\n")}`))
    }
  })
  const nextAnswer = () => new Promise<NativeAnswer>((resolve, reject) => waiting.push({ resolve, reject }))
  await withTimeout(nextAnswer(), 60_000, "starting the native client")
  const pid = child.pid
  if (pid === undefined) throw new Error("the native client has no pid")
  const helper: NativeHelper = {
    pid,
    call: async (command) => {
      const answer = nextAnswer()
      child.stdin.write(`${JSON.stringify(command)}\n`)
      const result = await withTimeout(answer, receiveTimeout, `native ${command.op}`)
      if (result.error !== undefined) throw new Error(`native ${command.op}: ${result.error}\n${tail.join("\n")}`)
      return result
    },
    stop: async () => {
      child.stdin.end()
      await withTimeout(exited, 30_000, "stopping the native client").catch(() => child.kill("SIGKILL"))
    }
  }
  nativeHelpers.push(helper)
  return helper
}

/** Every record, each as a 4-byte big-endian length and its bytes, for the native producer. */
const writePayloadFile = (payloads: ReadonlyArray<Uint8Array>): string => {
  const file = join(mkdtempSync(join(tmpdir(), "tg-bench-")), "records.bin")
  const parts: Array<Uint8Array> = []
  for (const payload of payloads) {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(payload.byteLength)
    parts.push(length, payload)
  }
  writeFileSync(file, Buffer.concat(parts))
  return file
}

// ---------------------------------------------------------------------------------------------
// Rounds

interface Round {
  readonly side: Variant
  /** From the first send to the last ack (import) or the last record received (export). */
  readonly millis: number
  /** CPU used during the timed window. */
  readonly cpu: CpuWindow
  /** The gateway's RSS in KiB just after the round (gateway rounds). */
  readonly rss?: number
  /** Entries the round added to the topic, when not one per record (batching). */
  readonly entries?: number
}

const broker = makePulsarBroker({ httpUrl })
const binaryBroker = makePulsarBinaryBroker({ serviceUrl: pulsarUrl, httpUrl })
/** The project's own client on one transport or the other, with no gateway in between. */
const bareBroker = (side: "bare" | "bare-binary") => (side === "bare" ? broker : binaryBroker)
const pulsarPid = await findPulsarPid()
/** The native producer (import rounds, and every export round's publishing) and consumer. */
let native: { readonly publisher: NativeHelper; readonly consumer: NativeHelper } | undefined

let expectedStored = 0
const checkStored = async (topic: string, what: string) => {
  const stored = await storedOnTopic(httpUrl, topic)
  if (stored !== expectedStored) {
    throw new Error(`${what}: the topic holds ${stored} messages, expected ${expectedStored}`)
  }
  return stored
}

const sendAll = (producer: Producer, payloads: ReadonlyArray<Uint8Array>) =>
  Effect.forEach(payloads, (payload) => producer.send({ payload }), { concurrency: 500, discard: true })

const gatewayImport = async (
  gateway: Gateway,
  flow: string,
  frames: ReadonlyArray<Uint8Array>,
  side: Variant = "gateway"
): Promise<Round> => {
  const ws = await openSocket(`ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/import/triples?ack=true`)
  const stopCpu = await startCpuWindow(gateway.pid)
  const started = performance.now()
  const { acked, end } = await withTimeout(
    pump(ws, frames, window, (sent) => sent < frames.length),
    receiveTimeout,
    `${side} import`
  )
  const cpu = await stopCpu()
  if (acked !== frames.length) throw new Error(`${side} import: ${acked} acks for ${frames.length} frames`)
  await closeSocket(ws)
  const { rss } = await memoryOf(gateway.pid)
  return { side, millis: end - started, cpu, rss }
}

const bareImport = (
  topic: string,
  payloads: ReadonlyArray<Uint8Array>,
  side: "bare" | "bare-binary" = "bare"
): Promise<Round> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const producer = yield* bareBroker(side).producer(topic)
        const stopCpu = yield* Effect.promise(() => startCpuWindow(undefined))
        const started = performance.now()
        yield* sendAll(producer, payloads)
        const end = performance.now()
        const cpu = yield* Effect.promise(stopCpu)
        return { side, millis: end - started, cpu } satisfies Round
      })
    )
  )

/** The helper's own clock, which leaves out the pipe to it and, on first use, the producer's opening. */
const nativeImport = async (topic: string, batching: boolean): Promise<Round> => {
  if (native === undefined) throw new Error("the native client is not running")
  const stopCpu = await startCpuWindow(undefined)
  const answer = await native.publisher.call({ op: "produce", topic, batching })
  const cpu = await stopCpu()
  return {
    side: batching ? "native-batched" : "native",
    millis: (answer.seconds ?? NaN) * 1000,
    cpu,
    ...(answer.entries !== undefined ? { entries: answer.entries } : {})
  }
}

/**
 * Publishes an export round's records, calling `beforeFirstSend` (which starts the clock) once
 * the producer is open; resolves when the broker has confirmed them all.
 */
const publishForExport = async (
  topic: string,
  payloads: ReadonlyArray<Uint8Array>,
  beforeFirstSend: () => Promise<void>
): Promise<void> => {
  if (native !== undefined) {
    await beforeFirstSend()
    await native.publisher.call({ op: "produce", topic, batching: false })
    return
  }
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const producer = yield* broker.producer(topic)
        yield* Effect.promise(beforeFirstSend)
        yield* sendAll(producer, payloads)
      })
    )
  )
}

/** Starts the clock and the CPU window of an export round when its publishing begins. */
const exportClock = (serverPid: number | undefined) => {
  let started = NaN
  let stopCpu: (() => Promise<CpuWindow>) | undefined
  return {
    start: async () => {
      stopCpu = await startCpuWindow(serverPid)
      started = performance.now()
    },
    stop: async () => {
      const end = performance.now()
      if (stopCpu === undefined) throw new Error("an export round ended before its publishing began")
      return { millis: end - started, cpu: await stopCpu() }
    }
  }
}

const deleteSubscription = async (topic: string, subscription: string) => {
  const path = topic.replace("://", "/")
  const response = await fetch(
    `${httpUrl}/admin/v2/${path}/subscription/${encodeURIComponent(subscription)}?force=true`,
    { method: "DELETE" }
  )
  if (!response.ok && response.status !== 404) {
    throw new Error(`deleting subscription ${subscription}: HTTP ${response.status} ${await response.text()}`)
  }
}

const frameIdPattern = /^\{"metadata":\{"id":"([^"]+)"/

const gatewayExport = async (
  gateway: Gateway,
  side: Variant,
  flow: string,
  topic: string,
  payloads: ReadonlyArray<Uint8Array>,
  subscription: string
): Promise<Round> => {
  // The subscription exists once the upgrade completed: it sees everything published after this.
  const ws = await openSocket(
    `ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/export/triples?subscription=${subscription}`
  )
  const received: Array<Buffer> = []
  const done = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      received.push(data as Buffer)
      if (received.length === payloads.length) resolve()
    })
  })
  const clock = exportClock(gateway.pid)
  await publishForExport(topic, payloads, clock.start)
  await withTimeout(done, receiveTimeout, `${side} export (${received.length} received)`)
  const { millis, cpu } = await clock.stop()
  // Checked after the clock stopped: every record arrived once, as a whole client frame.
  const ids = new Set(received.map((b) => frameIdPattern.exec(b.toString("utf8", 0, 200))?.[1]))
  if (ids.size !== payloads.length || ids.has(undefined)) {
    throw new Error(`${side} export: ${received.length} frames with ${ids.size} distinct ids`)
  }
  const first = JSON.parse(received[0]!.toString()) as { triples?: Array<unknown> }
  if (first.triples?.length !== triplesPerFrame) throw new Error(`${side} export: the first frame is not whole`)
  await closeSocket(ws)
  await deleteSubscription(topic, subscription)
  const { rss } = await memoryOf(gateway.pid)
  return { side, millis, cpu, rss }
}

const bareExport = async (
  topic: string,
  payloads: ReadonlyArray<Uint8Array>,
  subscription: string,
  side: "bare" | "bare-binary" = "bare"
) => {
  const round = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const consumer = yield* bareBroker(side).consumer({ topic, subscription, initialPosition: "Latest" })
        const clock = exportClock(undefined)
        const publishing = yield* Effect.forkChild(Effect.promise(() => publishForExport(topic, payloads, clock.start)))
        for (let i = 0; i < payloads.length; i++) {
          const message = yield* consumer.receive
          yield* consumer.ack(message.id)
        }
        const { millis, cpu } = yield* Effect.promise(clock.stop)
        yield* Fiber.join(publishing)
        return { side, millis, cpu } satisfies Round
      }).pipe(Effect.timeout(receiveTimeout))
    )
  )
  await deleteSubscription(topic, subscription)
  return round
}

/** Timed in this process like the others: from the first publish to the consumer's last ack. */
const nativeExport = async (topic: string, payloads: ReadonlyArray<Uint8Array>, subscription: string) => {
  if (native === undefined) throw new Error("the native client is not running")
  await native.consumer.call({ op: "subscribe", topic, subscription })
  const receiving = native.consumer.call({ op: "receive", count: payloads.length })
  const clock = exportClock(undefined)
  await publishForExport(topic, payloads, clock.start)
  await receiving
  const { millis, cpu } = await clock.stop()
  await native.consumer.call({ op: "unsubscribe" })
  return { side: "native", millis, cpu } satisfies Round
}

// ---------------------------------------------------------------------------------------------
// Reporting

const perSecond = (count: number, millis: number) => (count * 1000) / millis

const microsPerFrame = (millis: number | undefined, count: number) =>
  millis === undefined ? "–" : fmt((millis * 1000) / count)

const describeRound = (label: string, round: Round, count: number) => {
  const { cpu } = round
  const details = [
    cpu.gateway === undefined ? undefined : `${round.side} ${microsPerFrame(cpu.gateway, count)}`,
    `bench ${microsPerFrame(cpu.bench, count)}`,
    !(cpu.native! > 0) ? undefined : `native client ${microsPerFrame(cpu.native, count)}`,
    `pulsar ${microsPerFrame(cpu.pulsar, count)} µs cpu/frame`,
    `machine ${fmt(cpu.machineBusy * 100)} % busy, others ${fmt((cpu.others / round.millis) * 100)} % of a core`,
    round.rss !== undefined ? `${round.side} RSS ${mib(round.rss)}` : undefined
  ]
    .filter((x) => x !== undefined)
    .join(", ")
  console.log(
    `  ${label.padEnd(11)} ${round.side.padEnd(17)} ${fmt(round.millis).padStart(6)} ms ` +
      `${fmt(perSecond(count, round.millis)).padStart(6)} frames/s ` +
      `${fmt(perSecond(count * triplesPerFrame, round.millis)).padStart(8)} triples/s  (${details})`
  )
}

/** Variants in the order the summaries list them. */
const reportOrder: ReadonlyArray<Variant> = [
  "gateway",
  "gateway-binary",
  "gateway-websocket",
  "relay",
  "bare",
  "bare-binary",
  "native",
  "native-batched"
]

interface VariantSummary {
  readonly rate: number
  /** Median CPU ms per frame of the gateway (or relay) process; NaN for clients alone. */
  readonly serverCpu: number
  /** Frames per second of each measured round, in the order they ran. */
  readonly rates: ReadonlyArray<number>
  /** Share of both cores busy during each round, and cores used by other processes in it. */
  readonly machineBusy: ReadonlyArray<number>
  readonly otherCores: ReadonlyArray<number>
}

const summarize = (what: string, measured: ReadonlyArray<Round>, count: number) => {
  const of = (side: Variant) => measured.filter((r) => r.side === side)
  const rates = (side: Variant) => of(side).map((r) => perSecond(count, r.millis))
  const sides = reportOrder.filter((side) => of(side).length > 0)
  const cpu = (side: Variant, pick: (c: CpuWindow) => number | undefined) =>
    median(of(side).map((r) => pick(r.cpu) ?? NaN))
  const cpuText = (side: Variant, pick: (c: CpuWindow) => number | undefined) => {
    const millis = cpu(side, pick)
    return Number.isNaN(millis) ? "–" : microsPerFrame(millis, count)
  }
  for (const side of sides) {
    console.log(
      `  ${what}: ${side.padEnd(17)} frames/s per round: ${rates(side)
        .map((x) => fmt(x))
        .join(", ")}`
    )
  }
  const summaries = new Map<Variant, VariantSummary>()
  for (const side of sides) {
    summaries.set(side, {
      rate: median(rates(side)),
      serverCpu: cpu(side, (c) => c.gateway),
      rates: rates(side),
      machineBusy: of(side).map((r) => r.cpu.machineBusy),
      otherCores: of(side).map((r) => r.cpu.others / r.millis)
    })
  }
  const yardsticks = (["bare", "native"] as const).filter((side) => summaries.has(side))
  for (const side of sides) {
    const { rate } = summaries.get(side)!
    const ratios = yardsticks
      .filter((yardstick) => yardstick !== side)
      .map((yardstick) => `; ratio to ${yardstick} ${fmt(rate / summaries.get(yardstick)!.rate, 2)}`)
      .join("")
    const server = of(side)[0]?.cpu.gateway === undefined ? "" : `${side} ${cpuText(side, (c) => c.gateway)}, `
    const client = cpu(side, (c) => c.native) > 0 ? `, native client ${cpuText(side, (c) => c.native)}` : ""
    console.log(
      `  ${what}: median ${side.padEnd(17)} ${fmt(rate)} frames/s (${fmt(rate * triplesPerFrame)} triples/s)${ratios}; ` +
        `cpu µs/frame: ${server}bench ${cpuText(side, (c) => c.bench)}${client}, pulsar ${cpuText(side, (c) => c.pulsar)}`
    )
  }
  return summaries
}

/** Warm-up of each side, then `rounds` of each, the order reversed every other round (ABBA). */
const alternate = async (
  what: string,
  count: number,
  contenders: ReadonlyArray<readonly [Variant, (label: string) => Promise<Round>]>,
  afterRound: (label: string, round: Round) => Promise<void>
) => {
  const measured: Array<Round> = []
  const run = async (label: string, runRound: (label: string) => Promise<Round>, keep: boolean) => {
    const round = await runRound(label)
    await afterRound(label, round)
    describeRound(label, round, count)
    if (keep) measured.push(round)
  }
  for (let i = 0; i < warmup; i++) {
    for (const [, runRound] of contenders) await run(`warm-up ${i + 1}`, runRound, false)
  }
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? contenders : [...contenders].reverse()
    for (const [, runRound] of order) await run(`round ${i + 1}`, runRound, true)
  }
  return summarize(what, measured, count)
}

// ---------------------------------------------------------------------------------------------
// Phases

const importPhase = async (
  gateways: ReadonlyMap<Variant, Gateway>,
  relay: Gateway | undefined,
  flow: string,
  topic: string,
  frames: ReadonlyArray<Uint8Array>,
  payloads: ReadonlyArray<Uint8Array>
) => {
  console.log(
    `\nImport: ${fmt(frames.length)} frames × ${triplesPerFrame} triples ` +
      `(client frame ${fmt(frames[0]!.byteLength)} B, record ${fmt(payloads[0]!.byteLength)} B); ` +
      `gateway window ${window} unanswered frames, bare producer concurrency 500, ` +
      `native producer at most 1000 unconfirmed` +
      (relay === undefined ? "" : `; relay (${relayMode}) with the same window`)
  )
  const contenders = variants.flatMap((variant): Array<readonly [Variant, () => Promise<Round>]> => {
    const gateway = gateways.get(variant)
    if (gateway !== undefined) return [[variant, () => gatewayImport(gateway, flow, frames, variant)]]
    if (variant === "bare" || variant === "bare-binary") return [[variant, () => bareImport(topic, payloads, variant)]]
    if (variant === "native" || variant === "native-batched") {
      return [[variant, () => nativeImport(topic, variant === "native-batched")]]
    }
    return []
  })
  if (relay !== undefined) contenders.splice(1, 0, ["relay", () => gatewayImport(relay, flow, frames, "relay")])
  return alternate("import", frames.length, contenders, async (label, round) => {
    expectedStored += round.entries ?? frames.length
    await checkStored(topic, `import ${label}`)
  })
}

const exportPhase = async (
  gateways: ReadonlyMap<Variant, Gateway>,
  flow: string,
  topic: string,
  payloads: ReadonlyArray<Uint8Array>
) => {
  console.log(
    `\nExport: ${fmt(payloads.length)} records published by ` +
      (native === undefined ? "a bare producer (concurrency 500)" : "the native producer (at most 1000 unconfirmed)") +
      ` while a gateway export client / a bare consumer reads them`
  )
  let n = 0
  const subscription = () => `bench-${process.pid}-${n++}`
  const contenders = variants.flatMap((variant): Array<readonly [Variant, () => Promise<Round>]> => {
    const gateway = gateways.get(variant)
    if (gateway !== undefined) {
      return [[variant, () => gatewayExport(gateway, variant, flow, topic, payloads, subscription())]]
    }
    if (variant === "bare" || variant === "bare-binary") {
      return [[variant, () => bareExport(topic, payloads, subscription(), variant)]]
    }
    if (variant === "native") return [["native", () => nativeExport(topic, payloads, subscription())]]
    return []
  })
  return alternate("export", payloads.length, contenders, async (label) => {
    expectedStored += payloads.length
    await checkStored(topic, `export ${label}`)
  })
}

/**
 * The translation alone, in this process: what each frame costs the gateway before any I/O —
 * the fast path the gateway takes for triples, and the general path it falls back to.
 */
const codecPhase = async (frames: ReadonlyArray<string>) => {
  // Both arrive as bytes: import frames as the socket hands them over, exports as records.
  const frameBytes = frames.map((text) => Buffer.from(text))
  const payloads = frames.map((text) => {
    const record = translateFrame("triples", text)
    if (Result.isFailure(record)) throw record.failure
    return record.success
  })
  const parsed = frames.map((text) => {
    const result = parseFrame("triples", text)
    if (Result.isFailure(result)) throw result.failure
    return result.success
  })
  const time = (run: () => void) => {
    const times: Array<number> = []
    for (let i = 0; i < 9; i++) {
      const started = performance.now()
      run()
      times.push(performance.now() - started)
    }
    return fmt((median(times.slice(1)) * 1000) / frames.length)
  }
  const importing = time(() => frameBytes.forEach((bytes) => translateFrame("triples", bytes)))
  const importingText = time(() => frames.forEach((text) => translateFrame("triples", text)))
  const frameParse = time(() => frames.forEach((text) => JSON.parse(text)))
  const frameDecode = time(() => frames.forEach((text) => parseFrame("triples", text)))
  const recordEncode = time(() => parsed.forEach((frame) => encodeRecord("triples", frame)))
  const exporting = time(() => payloads.forEach((p) => translateRecord("triples", p)))
  const recordParse = time(() => payloads.forEach((p) => JSON.parse(Buffer.from(p).toString("utf8"))))
  const exportingGenerally = time(() =>
    payloads.forEach((p) => {
      const record = parseRecord("triples", p)
      if (Result.isSuccess(record)) encodeFrame("triples", recordToFrame("triples", record.success))
    })
  )
  console.log(
    `\nCodec alone, µs per frame (this process, median of 8 passes after a warm-up, over ${fmt(frames.length)} frames):\n` +
      `  import frame → record: fast path (here the compact layout) ${importing}; the text path ${importingText}; ` +
      `general path: JSON.parse ${frameParse}, ` +
      `+ validation ${frameDecode}, record writing + UTF-8 ${recordEncode}\n` +
      `  record → export frame: fast path (here the compact layout) ${exporting}; JSON.parse of the record alone ` +
      `${recordParse}; general path ${exportingGenerally}`
  )
}

const memoryPhase = async (flow: string, topic: string, frames: ReadonlyArray<Uint8Array>, variant: Variant) => {
  console.log(
    `\nMemory (${variant}): a fresh gateway process; ${connections} connections importing for ${floodSeconds} s, ` +
      `each with up to ${connectionWindow} unanswered frames`
  )
  const gateway = await startGateway(flow, variant)
  let sampler: NodeJS.Timeout | undefined
  try {
    await sleep(2000)
    const idle = await memoryOf(gateway.pid)
    console.log(`  idle after start: RSS ${mib(idle.rss)} (peak so far ${mib(idle.peak)})`)
    const url = `ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/import/triples?ack=true`
    const sockets = await Promise.all(Array.from({ length: connections }, () => openSocket(url)))
    const connected = await memoryOf(gateway.pid)
    console.log(`  ${connections} connections open, idle: RSS ${mib(connected.rss)}`)

    let sampledMax = 0
    sampler = setInterval(() => {
      // A sample taken as the gateway stops finds no /proc entry: nothing to record.
      void memoryOf(gateway.pid).then(
        (m) => (sampledMax = Math.max(sampledMax, m.rss)),
        () => undefined
      )
    }, 250)
    const stopCpu = await startCpuWindow(gateway.pid)
    const started = performance.now()
    const deadline = started + floodSeconds * 1000
    const results = await withTimeout(
      Promise.all(
        sockets.map((ws, i) =>
          // Each connection starts at a different frame so that the topic sees a mix.
          pump(
            ws,
            [...frames.slice(i % frames.length), ...frames.slice(0, i % frames.length)],
            connectionWindow,
            () => performance.now() < deadline
          )
        )
      ),
      floodSeconds * 1000 + receiveTimeout,
      "the memory phase"
    )
    clearInterval(sampler)
    const end = Math.max(...results.map((r) => r.end))
    const cpu = await stopCpu()
    const total = results.reduce((sum, r) => sum + r.acked, 0)
    const after = await memoryOf(gateway.pid)
    await Promise.all(sockets.map(closeSocket))
    expectedStored += total
    await checkStored(topic, "memory phase")
    const perConnection = results.map((r) => r.acked)
    const seconds = (end - started) / 1000
    console.log(
      `  ${fmt(total)} frames acked in ${fmt(seconds, 1)} s: ${fmt(total / seconds)} frames/s ` +
        `(${fmt((total * triplesPerFrame) / seconds)} triples/s); per connection min ${fmt(Math.min(...perConnection))}, ` +
        `median ${fmt(median(perConnection))}, max ${fmt(Math.max(...perConnection))} frames`
    )
    console.log(
      `  gateway: peak RSS (VmHWM) ${mib(after.peak)}, RSS at the end ${mib(after.rss)}, ` +
        `highest sampled RSS ${mib(sampledMax)}`
    )
    console.log(
      `  cpu µs/frame: gateway ${microsPerFrame(cpu.gateway, total)} ` +
        `(${fmt(((cpu.gateway ?? NaN) / (seconds * 1000)) * 100)} % of one core), ` +
        `bench ${microsPerFrame(cpu.bench, total)}, pulsar ${microsPerFrame(cpu.pulsar, total)}; ` +
        `machine ${fmt(cpu.machineBusy * 100)} % busy, others ${fmt((cpu.others / (seconds * 1000)) * 100)} % of a core`
    )
    return { idle, connected, after, total, seconds }
  } catch (error) {
    console.log(`The gateway's last output:\n${gateway.output()}`)
    throw error
  } finally {
    clearInterval(sampler)
    await gateway.stop()
  }
}

// ---------------------------------------------------------------------------------------------

/** What the run found, side by side: the figures the targets are about. */
const finalSummary = (
  imports: ReadonlyMap<Variant, VariantSummary> | undefined,
  exports: ReadonlyMap<Variant, VariantSummary> | undefined,
  peaks: ReadonlyMap<Variant, number>,
  floods: ReadonlyMap<Variant, { readonly peak: number; readonly rate: number }>,
  floodFailures: ReadonlyMap<Variant, string>
) => {
  console.log("\nSummary (medians of the alternating rounds; msgs/s = frames/s = records/s):")
  const ratio = (of: ReadonlyMap<Variant, VariantSummary> | undefined, a: Variant, b: Variant) => {
    const x = of?.get(a)?.rate
    const y = of?.get(b)?.rate
    return x === undefined || y === undefined ? undefined : x / y
  }
  for (const [what, of] of [
    ["import", imports],
    ["export", exports]
  ] as const) {
    if (of === undefined) continue
    console.log(`  ${what}: ${[...of].map(([variant, { rate }]) => `${variant} ${fmt(rate)}`).join(", ")} msgs/s`)
    const toNative = ratio(of, "gateway-binary", "native")
    if (toNative !== undefined) {
      console.log(
        `  ${what}: gateway-binary / native ${fmt(toNative, 2)} (target ≥ 0.5: ${toNative >= 0.5 ? "met" : "missed"})`
      )
    }
    const toWebSocket = ratio(of, "gateway-binary", "gateway-websocket")
    if (toWebSocket !== undefined) console.log(`  ${what}: gateway-binary / gateway-websocket ${fmt(toWebSocket, 2)}`)
    for (const [variant, { serverCpu }] of of) {
      if (!Number.isNaN(serverCpu)) {
        console.log(`  ${what}: ${variant} cpu ${microsPerFrame(serverCpu, frameCount)} µs per frame`)
      }
    }
  }
  for (const [variant, peak] of peaks) {
    console.log(`  ${variant}: peak RSS ${mib(peak)} after the same import and export rounds`)
  }
  for (const [variant, flood] of floods) {
    console.log(
      `  ${variant}: peak RSS ${mib(flood.peak)} with ${connections} connections importing ` +
        `(${fmt(flood.rate)} frames/s in total)`
    )
  }
  for (const [variant, failure] of floodFailures) {
    console.log(`  ${variant}: the memory phase failed: ${failure}`)
  }
  const binary = peaks.get("gateway-binary")
  const webSocket = peaks.get("gateway-websocket")
  if (binary !== undefined && webSocket !== undefined) {
    const floodBinary = floods.get("gateway-binary")?.peak
    const floodWebSocket = floods.get("gateway-websocket")?.peak
    console.log(
      `  peak RSS binary / websocket: ${fmt(binary / webSocket, 2)} after the rounds` +
        (floodBinary === undefined || floodWebSocket === undefined
          ? ""
          : `, ${fmt(floodBinary / floodWebSocket, 2)} in the memory phase`) +
        " (target ≤ 1)"
    )
  }
}

const writeChart = async (
  file: string,
  imports: ReadonlyMap<Variant, VariantSummary> | undefined,
  exports: ReadonlyMap<Variant, VariantSummary> | undefined
) => {
  const shown = reportOrder.filter((variant) => imports?.has(variant) === true || exports?.has(variant) === true)
  const svg = barChart({
    title: `Median msgs/s per variant (frames of ${triplesPerFrame} triples, ${fmt(frameCount)} per round)`,
    subtitle: `node bench/gateway.ts --variants ${variants.join(",")} --frames ${frameCount} --rounds ${rounds}, ${new Date().toISOString().slice(0, 10)}`,
    unit: "msgs/s",
    categories: ["import", "export"],
    series: shown.map((variant) => ({
      name: variant,
      values: [imports?.get(variant)?.rate ?? NaN, exports?.get(variant)?.rate ?? NaN]
    }))
  })
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, svg)
  console.log(`Chart written to ${file}`)
}

const kibToMib = (kb: number) => kb / 1024

/** `--json FILE`: rates in frames/s, CPU in µs per frame, memory in MiB, busy as a share 0..1. */
const writeResults = async (
  file: string,
  imports: ReadonlyMap<Variant, VariantSummary> | undefined,
  exports: ReadonlyMap<Variant, VariantSummary> | undefined,
  peaks: ReadonlyMap<Variant, number>,
  floods: ReadonlyMap<
    Variant,
    { readonly peak: number; readonly rate: number; readonly idle: number; readonly connected: number }
  >,
  floodFailures: ReadonlyMap<Variant, string>
) => {
  const phase = (of: ReadonlyMap<Variant, VariantSummary> | undefined) =>
    of === undefined
      ? undefined
      : Object.fromEntries(
          [...of].map(([variant, summary]) => [
            variant,
            {
              medianRate: summary.rate,
              serverCpuMicrosPerFrame: (summary.serverCpu * 1000) / frameCount,
              rates: summary.rates,
              machineBusy: summary.machineBusy,
              otherCores: summary.otherCores
            }
          ])
        )
  const results = {
    frames: frameCount,
    triplesPerFrame,
    rounds,
    warmup,
    connections,
    variants,
    import: phase(imports),
    export: phase(exports),
    peakMibAfterRounds: Object.fromEntries([...peaks].map(([variant, kb]) => [variant, kibToMib(kb)])),
    memoryPhase: Object.fromEntries(
      [...floods].map(([variant, flood]) => [
        variant,
        {
          idleMib: kibToMib(flood.idle),
          connectedMib: kibToMib(flood.connected),
          peakMib: kibToMib(flood.peak),
          rate: flood.rate
        }
      ])
    ),
    memoryPhaseFailures: Object.fromEntries(floodFailures)
  }
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(results, null, 2) + "\n")
  console.log(`Results written to ${file}`)
}

const main = async () => {
  const version = await fetch(`${httpUrl}/admin/v2/brokers/version`).then((r) => r.text())
  const cpuList = cpus()
  console.log(
    `Machine: ${cpuList.length} cores (${cpuList[0]?.model ?? "?"}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ` +
      `Node ${process.version}, Pulsar ${version.trim()} at ${httpUrl}; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`
  )
  console.log(`Variants: ${variants.join(", ")}`)
  console.log(`Broker process (its CPU is counted as pulsar): ${pulsarPid ?? "not found"}`)
  await ensureNamespace(httpUrl, "tg/flow")
  const flow = `bench-${Date.now().toString(36)}`
  const topic = `persistent://tg/flow/triples-store:default:${flow}`
  console.log(`Flow ${flow}, topic ${topic}`)
  const frames = Array.from({ length: frameCount }, (_, i) =>
    JSON.stringify(triplesFrame(`${flow}-${i}`, triplesPerFrame))
  )
  const payloads = frames.map((text) => Result.getOrThrow(translateFrame("triples", text)))
  // Clients send prepared bytes: the client's own encoding is not what is measured.
  const frameBytes = frames.map((text) => Buffer.from(text))

  if (phases.has("codec")) await codecPhase(frames)
  let imports: ReadonlyMap<Variant, VariantSummary> | undefined
  let exports: ReadonlyMap<Variant, VariantSummary> | undefined
  const peaks = new Map<Variant, number>()
  const floods = new Map<Variant, { peak: number; rate: number; idle: number; connected: number }>()
  if (phases.has("import") || phases.has("export")) {
    const gateways = new Map<Variant, Gateway>()
    let relay: Gateway | undefined
    let payloadFile: string | undefined
    try {
      for (const variant of gatewayVariants) {
        const gateway = await startGateway(flow, variant)
        gateways.set(variant, gateway)
        console.log(`Gateway (${variant}) pid ${gateway.pid} on port ${gateway.port}`)
      }
      relay = relayMode === undefined ? undefined : await startRelay(topic, relayMode)
      if (usesNative) {
        ensureNativeClient()
        payloadFile = writePayloadFile(payloads)
        native = { publisher: await startNativeHelper(payloadFile), consumer: await startNativeHelper(payloadFile) }
        console.log(
          `Native client: pulsar-client ${nativeClientVersion} (Python, C++ core) at ${pulsarUrl}, ` +
            `pids ${native.publisher.pid} and ${native.consumer.pid}`
        )
      }
      if (phases.has("import")) imports = await importPhase(gateways, relay, flow, topic, frameBytes, payloads)
      if (phases.has("export")) exports = await exportPhase(gateways, flow, topic, payloads)
      console.log("")
      for (const [variant, gateway] of gateways) {
        const memory = await memoryOf(gateway.pid)
        peaks.set(variant, memory.peak)
        console.log(
          `Gateway (${variant}) after the throughput phases: RSS ${mib(memory.rss)}, peak ${mib(memory.peak)}`
        )
      }
    } catch (error) {
      for (const [variant, gateway] of gateways)
        console.log(`The ${variant} gateway's last output:\n${gateway.output()}`)
      throw error
    } finally {
      for (const gateway of gateways.values()) await gateway.stop()
      await relay?.stop()
      for (const helper of nativeHelpers.splice(0)) await helper.stop()
      native = undefined
      if (payloadFile !== undefined) await rm(dirname(payloadFile), { recursive: true, force: true })
    }
  }
  if (chartFile !== undefined && (imports !== undefined || exports !== undefined)) {
    await writeChart(chartFile, imports, exports)
  }
  const floodFailures = new Map<Variant, string>()
  if (phases.has("memory")) {
    for (const variant of gatewayVariants) {
      try {
        const { idle, connected, after, total, seconds } = await memoryPhase(flow, topic, frameBytes, variant)
        floods.set(variant, { peak: after.peak, rate: total / seconds, idle: idle.rss, connected: connected.rss })
      } catch (error) {
        // One adapter failing under the load is a result to report, not a reason to lose the others.
        const message = error instanceof Error ? error.message : String(error)
        floodFailures.set(variant, message.split("\n")[0]!)
        console.log(`  the memory phase of ${variant} failed: ${message}`)
        expectedStored = await storedOnTopic(httpUrl, topic)
      }
    }
  }
  finalSummary(imports, exports, peaks, floods, floodFailures)
  if (jsonFile !== undefined) await writeResults(jsonFile, imports, exports, peaks, floods, floodFailures)
  console.log(
    `\nLoad average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`
  )
}

await main()
