/**
 * Where the gateway's memory goes: the gateway runs as a child process (`node src/programs/main.ts
 * serve`, BROKER=pulsar, a fresh gateway and a fresh flow for each scenario) while this process
 * samples its VmRSS and VmHWM from /proc every `--sample-ms`, and a small preload of its own
 * (bench/memoryPreload.js, through Node's `--import`) writes `process.memoryUsage()`, V8's heap
 * spaces and code statistics from inside it every 250 ms. Scenarios:
 *
 *   idle        the gateway started and left alone for `--idle-seconds`
 *   import1     one connection importing frames of `--triples` triples (`?ack=true`) with a window
 *               of `--window` unanswered frames, for `--seconds`
 *   export1     `--export-records` records published first by a bare producer, then one client on
 *               `/export/triples?subscription=…&from=earliest` reading them all as fast as it can
 *   import100   `--connections` connections importing, each with `--connection-window` unanswered
 *               frames, for `--seconds`
 *   close1000   `--close-connections` connections opened, one frame imported on each, then all closed at once
 *   stalled     a client on `/export/triples?subscription=…` that stops reading at once, while a
 *               bare producer publishes `--stalled-messages` one-triple records (WS_PING_INTERVAL=off
 *               for this gateway, so the keepalive does not end the stalled connection)
 *
 * The bare producer is the gateway's own binary adapter, run in this process against PULSAR_URL.
 * Usage:
 *
 *   source scripts/node-env.sh
 *   node bench/memory.ts [--scenarios idle,import1,export1,import100,close1000,stalled]
 *     [--transport binary|websocket] [--entry src/programs/main.ts|dist/command/main.js] [--node-flags="--max-semi-space-size=1 --trace-gc"]
 *     [--seconds 20] [--idle-seconds 10] [--window 64] [--connections 100] [--connection-window 16]
 *     [--close-connections 1000] [--export-records 20000] [--stalled-messages 1000000]
 *     [--sample-ms 100] [--charts docs/charts] [--snapshots /tmp/DIR] [--out /tmp/DIR] [--json FILE]
 *   node bench/memory.ts --replot /tmp/DIR --charts docs/charts   (charts again from a run's --out)
 *
 * `--snapshots DIR` also takes heap snapshots (SIGUSR2 with --heapsnapshot-signal): at the end of
 * idle, and at the busiest moment of the other scenarios; writing one stops the gateway for
 * seconds and holds a copy of the heap, so RSS figures of such a run are not the ones to quote.
 * `--charts DIR` writes memory-<scenario>.svg for import1, import100, close1000 and stalled.
 * `--json FILE` writes each scenario's figures for bench/all.ts: peak RSS, RSS when settled, its
 * target, the stalled exporter's RSS range, and how busy the machine was meanwhile.
 * PULSAR_HTTP_URL (default http://127.0.0.1:8080) and PULSAR_URL (default pulsar://127.0.0.1:6650).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { cpus, loadavg, totalmem } from "node:os"
import { join } from "node:path"
import { Effect, Result } from "effect"
import type WebSocket from "ws"
import { translateFrame } from "../src/domain/Codec.ts"
import { makePulsarBinaryBroker } from "../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { adminRequest, ensureNamespace } from "../test/support/pulsarAdmin.ts"
import { triplesFrame } from "../test/support/frames.ts"
import { type ChartPhase, renderLineChart } from "./memoryChart.ts"
import { summarizeHeapSnapshot } from "./support/heapSnapshot.ts"
import {
  closeSocket,
  type GatewayChild,
  memoryOf,
  openSocket,
  type ProcessMemory,
  pump,
  repoRoot,
  sleep,
  startGateway,
  withTimeout
} from "./support/gatewayChild.ts"
import { parseFlags } from "./support/flags.ts"

const flags = parseFlags(import.meta.url, {
  scenarios: { type: "string", default: "idle,import1,export1,import100,close1000,stalled" },
  transport: { type: "string", default: "binary" },
  entry: { type: "string", default: "src/programs/main.ts" },
  "node-flags": { type: "string", default: "" },
  seconds: { type: "string", default: "20" },
  "idle-seconds": { type: "string", default: "10" },
  triples: { type: "string", default: "100" },
  window: { type: "string", default: "64" },
  connections: { type: "string", default: "100" },
  "connection-window": { type: "string", default: "16" },
  "close-connections": { type: "string", default: "1000" },
  "export-records": { type: "string", default: "20000" },
  "stalled-messages": { type: "string", default: "1000000" },
  "sample-ms": { type: "string", default: "100" },
  charts: { type: "string" },
  snapshots: { type: "string" },
  out: { type: "string" },
  json: { type: "string" },
  replot: { type: "string" }
})

const whole = (name: keyof typeof flags): number => {
  const value = Number(flags[name])
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got ${flags[name]}`)
  return value
}

const httpUrl = (process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "")
const binaryUrl = process.env["PULSAR_URL"] ?? "pulsar://127.0.0.1:6650"
const transport = flags.transport
if (transport !== "binary" && transport !== "websocket") throw new Error("--transport is binary or websocket")
const scenarioNames = (flags.scenarios ?? "").split(",").map((s) => s.trim())
const extraNodeFlags = (flags["node-flags"] ?? "").split(" ").filter((flag) => flag.length > 0)
const loadSeconds = whole("seconds")
const idleSeconds = whole("idle-seconds")
const triplesPerFrame = whole("triples")
const window = whole("window")
const connections = whole("connections")
const connectionWindow = whole("connection-window")
const closeConnections = whole("close-connections")
const exportRecords = whole("export-records")
const stalledMessages = whole("stalled-messages")
const sampleMillis = whole("sample-ms")
const snapshotDir = flags.snapshots
const chartDir = flags.charts
const outDir = flags.out ?? `/tmp/tg-memory-${Date.now().toString(36)}`
mkdirSync(outDir, { recursive: true })
if (snapshotDir !== undefined) mkdirSync(snapshotDir, { recursive: true })

const MiB = 1024 * 1024
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mibOfKb = (kb: number) => kb / 1024

// ---------------------------------------------------------------------------------------------
// What is recorded

/** One line of the preload inside the gateway (bytes). */
interface InsideReport {
  readonly at: number
  readonly rss: number
  readonly heapTotal: number
  readonly heapUsed: number
  readonly external: number
  readonly arrayBuffers: number
  readonly spaces: Record<string, { used: number; size: number; physical: number }>
  readonly codeAndMetadata: number
  readonly bytecodeAndMetadata: number
  readonly scriptSource: number
}

interface Sample extends ProcessMemory {
  /** Seconds since the gateway was started. */
  readonly t: number
}

interface ScenarioRun {
  readonly name: string
  readonly samples: ReadonlyArray<Sample>
  readonly inside: ReadonlyArray<InsideReport & { readonly t: number }>
  readonly phases: ReadonlyArray<ChartPhase>
  readonly peakKb: number
  /** Seconds after start when the gateway had been listening for 2 s, before the scenario's load. */
  readonly settledT: number
  readonly notes: ReadonlyArray<string>
  /** For the stalled exporter: RSS range while messages were published, against the RSS before. */
  readonly flatness?: {
    readonly beforeKb: number
    readonly minKb: number
    readonly maxKb: number
    /** The second half of the publishing: does RSS still grow with the backlog, or has it levelled off? */
    readonly laterMinKb: number
    readonly laterMaxKb: number
  }
}

interface Scenario {
  readonly title: string
  /** Peak RSS target in MiB, when the issue sets one. */
  readonly targetMib?: number
  /** Settings of this scenario's gateway. */
  readonly env?: NodeJS.ProcessEnv
  readonly run: (context: ScenarioContext) => Promise<void>
}

interface ScenarioContext {
  readonly gateway: GatewayChild
  readonly flow: string
  readonly topic: string
  /** Marks the start of a named phase (the previous one ends). */
  readonly phase: (name: string) => void
  readonly note: (line: string) => void
  /** Takes a heap snapshot when --snapshots is given. */
  readonly snapshot: (label: string) => Promise<void>
  readonly markFlatFrom: () => void
  readonly markFlatTo: () => void
}

// ---------------------------------------------------------------------------------------------
// Frames, records and the bare producer

const framesOf = (flow: string, count: number, triples: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify(triplesFrame(`${flow}-${i}`, triples)))

const bytesOf = (frames: ReadonlyArray<string>) => frames.map((text) => Buffer.from(text))

const recordsOf = (frames: ReadonlyArray<string>) =>
  frames.map((text) => Result.getOrThrow(translateFrame("triples", text)))

const bareBroker = makePulsarBinaryBroker({ httpUrl, serviceUrl: binaryUrl })

/** Publishes `count` records, cycling through `records`, 500 in flight at a time. */
const publish = (topic: string, records: ReadonlyArray<Uint8Array>, count: number) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const producer = yield* bareBroker.producer(topic)
        let next = 0
        const sendOne = (): Effect.Effect<void, unknown> =>
          next >= count
            ? Effect.void
            : Effect.flatMap(producer.send({ payload: records[next++ % records.length]! }), sendOne)
        yield* Effect.all(
          Array.from({ length: 500 }, () => sendOne()),
          { concurrency: "unbounded", discard: true }
        )
      })
    )
  )

const deleteTopic = (topic: string) =>
  adminRequest(httpUrl, `/admin/v2/${topic.replace("://", "/")}?force=true`, null, {
    method: "DELETE",
    timeoutMs: 60_000
  }).catch(() => undefined)

// ---------------------------------------------------------------------------------------------
// Scenarios

const importUrl = (gateway: GatewayChild, flow: string) =>
  `ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/import/triples?ack=true`

const importing = async (context: ScenarioContext, sockets: number, limit: number) => {
  const { gateway, flow } = context
  const frames = bytesOf(framesOf(flow, 2000, triplesPerFrame))
  context.phase(`opening ${sockets}`)
  const opened: Array<WebSocket> = []
  for (let i = 0; i < sockets; i += 50) {
    const batch = Math.min(50, sockets - i)
    opened.push(...(await Promise.all(Array.from({ length: batch }, () => openSocket(importUrl(gateway, flow))))))
  }
  context.phase("importing")
  const started = performance.now()
  const deadline = started + loadSeconds * 1000
  const snapshotTimer = setTimeout(() => void context.snapshot("busy"), (loadSeconds * 1000) / 2)
  const results = await withTimeout(
    Promise.all(
      opened.map((ws, i) =>
        pump(ws, [...frames.slice(i % 2000), ...frames.slice(0, i % 2000)], limit, () => performance.now() < deadline)
      )
    ),
    loadSeconds * 1000 + 180_000,
    "importing"
  )
  clearTimeout(snapshotTimer)
  const seconds = (Math.max(...results.map((r) => r.end)) - started) / 1000
  const total = results.reduce((sum, r) => sum + r.acked, 0)
  context.note(
    `${fmt(total)} frames of ${triplesPerFrame} triples acked in ${fmt(seconds, 1)} s (${fmt(total / seconds)} frames/s)`
  )
  context.phase("closing")
  await Promise.all(opened.map(closeSocket))
  context.phase("after")
  await sleep(3000)
}

const scenarios: Record<string, Scenario> = {
  idle: {
    title: "idle",
    targetMib: 64,
    run: async (context) => {
      context.phase("idle")
      await sleep(idleSeconds * 1000)
      await context.snapshot("idle")
    }
  },
  import1: {
    title: "1 connection importing",
    targetMib: 128,
    run: (context) => importing(context, 1, window)
  },
  import100: {
    title: `${connections} connections importing`,
    targetMib: 256,
    run: (context) => importing(context, connections, connectionWindow)
  },
  export1: {
    title: "1 connection exporting",
    targetMib: 128,
    run: async (context) => {
      const { gateway, flow, topic } = context
      context.phase("publishing")
      const records = recordsOf(framesOf(flow, 2000, triplesPerFrame))
      await publish(topic, records, exportRecords)
      context.phase("exporting")
      const ws = await openSocket(
        `ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/export/triples?subscription=memory-${flow}&from=earliest`
      )
      const started = performance.now()
      let received = 0
      await withTimeout(
        new Promise<void>((resolve) => {
          ws.on("message", () => {
            received++
            if (received === Math.floor(exportRecords / 2)) void context.snapshot("busy")
            if (received === exportRecords) resolve()
          })
        }),
        600_000,
        `exporting (${received} received)`
      )
      const seconds = (performance.now() - started) / 1000
      context.note(`${fmt(received)} frames exported in ${fmt(seconds, 1)} s (${fmt(received / seconds)} frames/s)`)
      context.phase("closing")
      await closeSocket(ws)
      context.phase("after")
      await sleep(3000)
    }
  },
  close1000: {
    title: `${closeConnections} connections closing at once`,
    run: async (context) => {
      const { gateway, flow } = context
      const frames = bytesOf(framesOf(flow, 1, triplesPerFrame))
      context.phase(`opening ${closeConnections}`)
      const opened: Array<WebSocket> = []
      for (let i = 0; i < closeConnections; i += 50) {
        const batch = Math.min(50, closeConnections - i)
        opened.push(...(await Promise.all(Array.from({ length: batch }, () => openSocket(importUrl(gateway, flow))))))
      }
      context.phase("one frame each")
      await Promise.all(opened.map((ws) => pump(ws, frames, 1, (sent) => sent < 1)))
      await sleep(2000)
      await context.snapshot("busy")
      context.phase("closing all")
      const closing = performance.now()
      await Promise.all(opened.map(closeSocket))
      context.note(`${closeConnections} sockets closed in ${fmt((performance.now() - closing) / 1000, 1)} s`)
      context.phase("after")
      await sleep(10_000)
    }
  },
  stalled: {
    title: "stalled durable exporter",
    env: { WS_PING_INTERVAL: "off" },
    run: async (context) => {
      const { gateway, flow, topic } = context
      const ws = await openSocket(
        `ws://127.0.0.1:${gateway.port}/api/v1/flow/${flow}/export/triples?subscription=stalled-${flow}`
      )
      // The client takes nothing from its socket from here on: the kernel's buffers fill, then the gateway's.
      ws.pause()
      let closedEarly = false
      ws.once("close", () => (closedEarly = true))
      context.phase("stalled, idle")
      await sleep(3000)
      context.phase("publishing")
      context.markFlatFrom()
      const records = recordsOf(framesOf(flow, 1000, 1))
      const started = performance.now()
      const halfway = setTimeout(() => void context.snapshot("busy"), 30_000)
      await publish(topic, records, stalledMessages)
      clearTimeout(halfway)
      const seconds = (performance.now() - started) / 1000
      context.note(
        `${fmt(stalledMessages)} one-triple records (${fmt(records[0]!.byteLength)} B) published in ` +
          `${fmt(seconds, 1)} s (${fmt(stalledMessages / seconds)}/s) while the exporter stalled`
      )
      context.phase("stalled, after")
      await sleep(10_000)
      context.markFlatTo()
      if (closedEarly) context.note("the stalled connection was closed before the end")
      ws.terminate()
      await sleep(1000)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running one scenario in a fresh gateway

const readInside = (file: string): Array<InsideReport> => {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as InsideReport)
  } catch {
    return []
  }
}

const runScenario = async (name: string, scenario: Scenario): Promise<ScenarioRun> => {
  await ensureNamespace(httpUrl, "tg/flow")
  const flow = `mem-${name}-${Date.now().toString(36)}`
  const topic = `persistent://tg/flow/triples-store:default:${flow}`
  const reportFile = join(outDir, `${name}.inside.jsonl`)
  writeFileSync(reportFile, "")
  const nodeFlags = [
    `--import=${join(repoRoot, "bench/memoryPreload.js")}`,
    ...(snapshotDir === undefined ? [] : ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshotDir}`]),
    ...extraNodeFlags
  ]
  const startedAt = Date.now()
  const gateway = await startGateway({
    flow,
    httpUrl,
    pulsarUrl: transport === "binary" ? binaryUrl : undefined,
    nodeFlags,
    entry: flags.entry ?? "src/programs/main.ts",
    env: { MEMORY_REPORT_FILE: reportFile, MEMORY_REPORT_INTERVAL: "250", ...scenario.env },
    logFile: join(outDir, `${name}.gateway.log`)
  })
  const seconds = () => (Date.now() - startedAt) / 1000
  const samples: Array<Sample> = []
  const sampler = setInterval(() => {
    const t = seconds()
    void memoryOf(gateway.pid)
      .then((memory) => samples.push({ t, ...memory }))
      .catch(() => undefined)
  }, sampleMillis)
  const phases: Array<{ name: string; from: number; to: number }> = [{ name: "start", from: 0, to: Infinity }]
  const notes: Array<string> = []
  let flatFrom: number | undefined
  let flatTo: number | undefined
  const snapshots: Array<string> = []
  const context: ScenarioContext = {
    gateway,
    flow,
    topic,
    phase: (phaseName) => {
      const now = seconds()
      phases[phases.length - 1]!.to = now
      phases.push({ name: phaseName, from: now, to: Infinity })
    },
    note: (line) => {
      notes.push(line)
      console.log(`  ${line}`)
    },
    snapshot: async (label) => {
      if (snapshotDir === undefined) return
      const before = new Set(readdirSync(snapshotDir))
      gateway.signal("SIGUSR2")
      // The file appears when V8 has written it all; then it is renamed to say what it shows.
      for (let i = 0; i < 600; i++) {
        await sleep(500)
        const fresh = readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"))
        if (fresh !== undefined) {
          await sleep(2000)
          snapshots.push(`${name}-${label}:${join(snapshotDir, fresh)}`)
          return
        }
      }
    },
    markFlatFrom: () => (flatFrom = seconds()),
    markFlatTo: () => (flatTo = seconds())
  }
  console.log(`\n${scenario.title} (gateway pid ${gateway.pid}, flow ${flow}):`)
  let settledT = 0
  try {
    await sleep(2000)
    settledT = seconds()
    await scenario.run(context)
  } catch (error) {
    console.log(`  failed: ${String(error)}\n  the gateway's last output:\n    ${gateway.output()}`)
    notes.push(`failed: ${String(error)}`)
  }
  phases[phases.length - 1]!.to = seconds()
  clearInterval(sampler)
  const final = await memoryOf(gateway.pid)
  await gateway.stop()
  await deleteTopic(topic)
  const inside = readInside(reportFile).map((r) => ({ ...r, t: (r.at - startedAt) / 1000 }))
  for (const entry of snapshots) notes.push(`heap snapshot ${entry}`)
  let flatness: ScenarioRun["flatness"]
  if (flatFrom !== undefined && flatTo !== undefined) {
    const before = samples.filter((s) => s.t < flatFrom!).at(-1)?.rss ?? NaN
    const during = samples.filter((s) => s.t >= flatFrom! && s.t <= flatTo!).map((s) => s.rss)
    const later = during.slice(Math.floor(during.length / 2))
    flatness = {
      beforeKb: before,
      minKb: Math.min(...during),
      maxKb: Math.max(...during),
      laterMinKb: Math.min(...later),
      laterMaxKb: Math.max(...later)
    }
  }
  const run: ScenarioRun = {
    name,
    samples,
    inside,
    phases,
    peakKb: final.peak,
    settledT,
    notes,
    ...(flatness === undefined ? {} : { flatness })
  }
  describeRun(scenario, run)
  return run
}

// ---------------------------------------------------------------------------------------------
// Reporting

const nearest = <A extends { readonly t: number }>(entries: ReadonlyArray<A>, t: number): A =>
  entries.reduce((best, e) => (Math.abs(e.t - t) < Math.abs(best.t - t) ? e : best), entries[0]!)

/** The preload's line nearest in time to the highest RSS sample: the breakdown at the peak. */
const atPeak = (run: ScenarioRun) => {
  const top = run.samples.reduce((best, s) => (s.rss > best.rss ? s : best), run.samples[0]!)
  return { top, inside: nearest(run.inside, top.t) }
}

const codeSpaceOf = (r: InsideReport) =>
  Object.entries(r.spaces)
    .filter(([space]) => space.startsWith("code"))
    .reduce((sum, [, s]) => sum + s.physical, 0)

const breakdown = (r: InsideReport) =>
  `heap used ${fmt(r.heapUsed / MiB, 1)} of ${fmt(r.heapTotal / MiB, 1)} MiB, external ${fmt(r.external / MiB, 1)}, ` +
  `arrayBuffers ${fmt(r.arrayBuffers / MiB, 1)}, code space ${fmt(codeSpaceOf(r) / MiB, 1)}, ` +
  `new space ${fmt((r.spaces["new_space"]?.physical ?? 0) / MiB, 1)}, old space ${fmt((r.spaces["old_space"]?.physical ?? 0) / MiB, 1)}, ` +
  `large objects ${fmt((r.spaces["large_object_space"]?.physical ?? 0) / MiB, 1)} MiB`

const verdict = (scenario: Scenario, run: ScenarioRun) => {
  if (run.flatness !== undefined) {
    const { beforeKb, maxKb } = run.flatness
    const growth = (maxKb - beforeKb) / beforeKb
    return `flat ±10 %: ${growth <= 0.1 ? "met" : "missed"} (${growth >= 0 ? "+" : ""}${fmt(growth * 100, 1)} %)`
  }
  if (scenario.targetMib === undefined) return "no target"
  const over = mibOfKb(run.peakKb) - scenario.targetMib
  return over <= 0
    ? `met by ${fmt(-over, 1)} MiB`
    : `missed by ${fmt(over, 1)} MiB (×${fmt(mibOfKb(run.peakKb) / scenario.targetMib, 2)})`
}

const describeRun = (scenario: Scenario, run: ScenarioRun) => {
  if (run.samples.length === 0 || run.inside.length === 0) return console.log("  no samples")
  const settled = nearest(run.inside, run.settledT)
  const { top, inside } = atPeak(run)
  const settledRss = nearest(run.samples, run.settledT).rss
  console.log(
    `  RSS 2 s after listening ${fmt(mibOfKb(settledRss), 1)} MiB; peak (VmHWM) ${fmt(mibOfKb(run.peakKb), 1)} MiB; ` +
      `highest sample ${fmt(mibOfKb(top.rss), 1)} MiB at ${fmt(top.t, 1)} s (anonymous ${fmt(mibOfKb(top.anon), 1)}, ` +
      `file-backed ${fmt(mibOfKb(top.file), 1)}); ${verdict(scenario, run)}`
  )
  console.log(`  settled:  ${breakdown(settled)}`)
  console.log(`  at peak:  ${breakdown(inside)}`)
  console.log(
    `  code: ${fmt(inside.codeAndMetadata / MiB, 1)} MiB machine code and metadata, ` +
      `${fmt(inside.bytecodeAndMetadata / MiB, 1)} MiB bytecode, ${fmt(inside.scriptSource / MiB, 1)} MiB script source outside the heap`
  )
  if (run.flatness !== undefined) {
    console.log(
      `  while publishing: RSS before ${fmt(mibOfKb(run.flatness.beforeKb), 1)} MiB, ` +
        `min ${fmt(mibOfKb(run.flatness.minKb), 1)}, max ${fmt(mibOfKb(run.flatness.maxKb), 1)} MiB; ` +
        `in its second half min ${fmt(mibOfKb(run.flatness.laterMinKb), 1)}, max ${fmt(mibOfKb(run.flatness.laterMaxKb), 1)} MiB`
    )
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
const machineTicks = () => {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  // idle and iowait
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
}

/** `--json FILE`: sizes in MiB; `machineBusy` is the share of all cores busy during the scenario, 0..1. */
const resultOf = (run: ScenarioRun, machineBusy: number) => {
  const scenario = scenarios[run.name]!
  const settled = run.samples.length === 0 ? undefined : nearest(run.samples, run.settledT)
  const last = run.samples.at(-1)
  return {
    name: run.name,
    title: scenario.title,
    targetMib: scenario.targetMib ?? null,
    peakMib: mibOfKb(run.peakKb),
    settledMib: settled === undefined ? null : mibOfKb(settled.rss),
    lastMib: last === undefined ? null : mibOfKb(last.rss),
    flatness:
      run.flatness === undefined
        ? null
        : {
            beforeMib: mibOfKb(run.flatness.beforeKb),
            minMib: mibOfKb(run.flatness.minKb),
            maxMib: mibOfKb(run.flatness.maxKb),
            growth: (run.flatness.maxKb - run.flatness.beforeKb) / run.flatness.beforeKb,
            // Once the gateway's bounds are full, whether RSS still follows the backlog.
            laterGrowth: (run.flatness.laterMaxKb - run.flatness.laterMinKb) / run.flatness.laterMinKb
          },
    failed: run.notes.some((note) => note.startsWith("failed:")),
    notes: run.notes,
    machineBusy
  }
}

const summaryTable = (runs: ReadonlyArray<ScenarioRun>) => {
  const lines = [
    "| scenario | peak RSS (VmHWM) | target | verdict | heap used / total at peak | external | arrayBuffers | code space | RSS anonymous / file-backed at peak |",
    "|---|---:|---:|---|---:|---:|---:|---:|---:|"
  ]
  for (const run of runs) {
    const scenario = scenarios[run.name]!
    if (run.samples.length === 0 || run.inside.length === 0) continue
    const { top, inside } = atPeak(run)
    const target =
      run.flatness !== undefined ? "±10 %" : scenario.targetMib === undefined ? "–" : `${scenario.targetMib} MiB`
    lines.push(
      `| ${scenario.title} | ${fmt(mibOfKb(run.peakKb), 1)} MiB | ${target} | ${verdict(scenario, run)} | ` +
        `${fmt(inside.heapUsed / MiB, 1)} / ${fmt(inside.heapTotal / MiB, 1)} MiB | ${fmt(inside.external / MiB, 1)} MiB | ` +
        `${fmt(inside.arrayBuffers / MiB, 1)} MiB | ${fmt(codeSpaceOf(inside) / MiB, 1)} MiB | ` +
        `${fmt(mibOfKb(top.anon), 1)} / ${fmt(mibOfKb(top.file), 1)} MiB |`
    )
  }
  return lines.join("\n")
}

const writeChart = (run: ScenarioRun) => {
  if (chartDir === undefined || run.samples.length === 0) return
  const scenario = scenarios[run.name]!
  const svg = renderLineChart({
    title: `Gateway memory: ${scenario.title} (${transport} adapter)`,
    phases: run.phases.filter((p) => p.to > p.from),
    ...(scenario.targetMib === undefined || run.name === "stalled"
      ? {}
      : { target: { name: `target ${scenario.targetMib} MiB`, mib: scenario.targetMib } }),
    series: [
      { name: "RSS", color: "#1f4e9c", points: run.samples.map((s) => [s.t, mibOfKb(s.rss)] as const) },
      { name: "JS heap total", color: "#d07a00", points: run.inside.map((r) => [r.t, r.heapTotal / MiB] as const) },
      { name: "JS heap used", color: "#e8b040", points: run.inside.map((r) => [r.t, r.heapUsed / MiB] as const) },
      { name: "external", color: "#2a8a3a", points: run.inside.map((r) => [r.t, r.external / MiB] as const) }
    ]
  })
  mkdirSync(chartDir, { recursive: true })
  const file = join(chartDir, `memory-${run.name}.svg`)
  writeFileSync(file, svg)
  console.log(`  chart ${file}`)
}

// ---------------------------------------------------------------------------------------------

/** Charts again from the records of an earlier run (`--replot DIR`, the `--out` of that run). */
const replot = (dir: string) => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".run.json"))) {
    writeChart(JSON.parse(readFileSync(join(dir, file), "utf8")) as ScenarioRun)
  }
}

const main = async () => {
  if (flags.replot !== undefined) return replot(flags.replot)
  const cpuList = cpus()
  console.log(
    `Machine: ${cpuList.length} cores (${cpuList[0]?.model ?? "?"}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ` +
      `Node ${process.version}; gateway ${flags.entry} on the ${transport} adapter; node flags ${extraNodeFlags.join(" ") || "none"}; ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}; records in ${outDir}`
  )
  const runs: Array<ScenarioRun> = []
  const results: Array<ReturnType<typeof resultOf>> = []
  for (const name of scenarioNames) {
    const scenario = scenarios[name]
    if (scenario === undefined) throw new Error(`no scenario ${name}; there are ${Object.keys(scenarios).join(", ")}`)
    const before = machineTicks()
    const run = await runScenario(name, scenario)
    const after = machineTicks()
    runs.push(run)
    results.push(resultOf(run, (after.busy - before.busy) / (after.total - before.total)))
    writeFileSync(join(outDir, `${name}.run.json`), JSON.stringify(run))
    if (["import1", "import100", "close1000", "stalled", "export1"].includes(name)) writeChart(run)
  }
  console.log(`\n${summaryTable(runs)}`)
  if (flags.json !== undefined) {
    writeFileSync(flags.json, JSON.stringify({ transport, entry: flags.entry, scenarios: results }, null, 2) + "\n")
    console.log(`results: ${flags.json}`)
  }
  for (const run of runs) {
    for (const entry of run.notes.filter((n) => n.startsWith("heap snapshot "))) {
      const path = entry.slice(entry.indexOf(":") + 1)
      const summary = await summarizeHeapSnapshot(path)
      console.log(
        `\nHeap snapshot ${entry.slice("heap snapshot ".length, entry.indexOf(":"))}: ${fmt(summary.totalBytes / MiB, 1)} MiB ` +
          `in ${fmt(summary.nodeCount)} objects; largest groups by own size:`
      )
      for (const group of summary.groups) {
        console.log(`  ${fmt(group.bytes / MiB, 2).padStart(7)} MiB ${fmt(group.count).padStart(9)}  ${group.label}`)
      }
      console.log("  largest single objects:")
      for (const one of summary.largest) console.log(`  ${fmt(one.bytes / MiB, 2).padStart(7)} MiB  ${one.label}`)
    }
  }
  console.log(
    `\nLoad average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`
  )
}

await main()
