/**
 * The whole benchmark set in one command (`npm run bench`), against the broker at PULSAR_HTTP_URL
 * (default http://127.0.0.1:8080) and its binary port PULSAR_URL (default the same host, port
 * 6650). It runs, one after the other, each as a child process:
 *
 *   startup   bench/startup.ts: `tg-gateway --help` time and peak RSS, `serve` idle RSS and the
 *             first frame of `import`, for each way of running the command
 *   gateway   bench/gateway.ts: import and export rounds, alternating, of the gateway on the
 *             binary and on the WebSocket adapter, the bare WebSocket-API client and Pulsar's
 *             native client
 *   memory    bench/memory.ts: the gateway's RSS idle, with 1 connection importing or exporting,
 *             100 importing, 1,000 closing, and under a stalled durable exporter
 *
 * then prints one table of the figures issues #13 and #14 set targets for: what was measured, the
 * target, met or missed and by how much, and how busy the machine was meanwhile (the benchmark
 * itself included: a two-core machine is never idle while it runs). Usage:
 *
 *   source scripts/node-env.sh
 *   npm run bench                       # the full set, about 20 minutes (see docs/benchmarks.md)
 *   npm run bench -- --quick            # a smoke run of a few minutes: few rounds, short loads
 *   node bench/all.ts [--quick] [--steps startup,gateway,memory] [--charts DIR] [--out DIR]
 *     [--entry bin/tg-gateway.js]   (what the memory step's gateway runs: by default the command's
 *                                    launcher, which runs the bundle in dist/command/ when it is
 *                                    newer than every file under src/, else the sources)
 *   node bench/all.ts --summarize DIR   (the table and the per-round chart again from a run's --out)
 *
 * `--charts DIR` (default docs/charts; with --quick, <out>/charts, so that a smoke run never
 * replaces the published charts) gets startup.svg, throughput.svg (median msgs/s per variant),
 * throughput-rounds.svg (msgs/s of every round, gateway against bare and native, import and
 * export) and memory-<scenario>.svg. `--out DIR` (default /tmp/tg-bench-<time>) keeps each
 * step's JSON results and its full output (<step>.log), and summary.md.
 */
import { spawn } from "node:child_process"
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from "node:fs"
import { loadavg } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { roundsChart } from "./svg.ts"
import { parseFlags } from "./support/flags.ts"

const flags = parseFlags(import.meta.url, {
  quick: { type: "boolean", default: false },
  steps: { type: "string", default: "startup,gateway,memory" },
  charts: { type: "string" },
  out: { type: "string" },
  entry: { type: "string", default: "bin/tg-gateway.js" },
  summarize: { type: "string" }
})

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const httpUrl = (process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "")
const pulsarUrl = process.env["PULSAR_URL"] ?? `pulsar://${new URL(httpUrl).hostname}:6650`
const quick = flags.quick === true
const outDir = resolve(flags.summarize ?? flags.out ?? `/tmp/tg-bench-${Date.now().toString(36)}`)
const chartDir = resolve(repoRoot, flags.charts ?? (quick ? join(outDir, "charts") : "docs/charts"))
const stepNames = (flags.steps ?? "").split(",").map((step) => step.trim())
const memoryEntry = flags.entry ?? "bin/tg-gateway.js"

/** What bin/tg-gateway.js runs, by its own rule: the bundle when no source is newer. */
const launcherRuns = () => {
  const bundle = join(repoRoot, "dist/command/main.js")
  if (!existsSync(bundle)) return "the sources (no bundle; npm run build makes one)"
  let newestSource = 0
  for (const entry of readdirSync(join(repoRoot, "src"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newestSource = Math.max(newestSource, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return statSync(bundle).mtimeMs >= newestSource
    ? "the bundle in dist/command/"
    : "the sources (a file under src/ is newer than the bundle; npm run build makes it current)"
}

// ---------------------------------------------------------------------------------------------
// What each step runs

interface Step {
  readonly name: string
  readonly script: string
  readonly args: () => ReadonlyArray<string>
}

const resultFile = (step: string) => join(outDir, `${step}.json`)

// tsc's output is only there after `npm run build`; without it that way is left out, not built
// here, since the work tree's dist/ may be in use.
const startupWays = () => {
  if (quick) return "src,installed"
  const all = ["src", "tsc", "bundle-index", "bundle", "bundle-min", "bundle-maps", "bundle-cache", "installed"]
  return all.filter((way) => way !== "tsc" || existsSync(join(repoRoot, "dist/programs/main.js"))).join(",")
}

const gatewayVariants = "gateway-binary,gateway-websocket,bare,native"

const steps: ReadonlyArray<Step> = [
  {
    name: "startup",
    script: "bench/startup.ts",
    args: () => [
      ...(quick ? ["--rounds", "2", "--warmup", "1"] : []),
      "--ways",
      startupWays(),
      "--json",
      resultFile("startup"),
      "--chart",
      join(chartDir, "startup.svg")
    ]
  },
  {
    name: "gateway",
    script: "bench/gateway.ts",
    args: () => [
      "--phases",
      "import,export",
      "--variants",
      gatewayVariants,
      ...(quick ? ["--frames", "200", "--rounds", "2", "--warmup", "1"] : []),
      "--json",
      resultFile("gateway"),
      "--chart",
      join(chartDir, "throughput.svg")
    ]
  },
  {
    name: "memory",
    script: "bench/memory.ts",
    args: () => [
      ...(quick
        ? [
            ["--seconds", "3"],
            ["--idle-seconds", "3"],
            ["--export-records", "2000"],
            ["--close-connections", "200"],
            ["--stalled-messages", "20000"]
          ].flat()
        : []),
      "--entry",
      memoryEntry,
      "--out",
      join(outDir, "memory"),
      "--json",
      resultFile("memory"),
      "--charts",
      chartDir
    ]
  }
]

// ---------------------------------------------------------------------------------------------
// Running a step: its output shown and kept, the machine's load measured around it

/** Busy and total jiffies of the whole machine, from /proc/stat. */
const machineTicks = () => {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  // idle and iowait
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total }
}

interface StepRun {
  readonly name: string
  readonly exitCode: number | null
  readonly seconds: number
  /** Share of all cores busy while the step ran, the step itself included. */
  readonly machineBusy: number
  readonly loadBefore: string
  readonly loadAfter: string
  readonly note?: string
}

const loadText = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")

const runStep = async (step: Step): Promise<StepRun> => {
  const args = [step.script, ...step.args()]
  console.log(`\n=== ${step.name}: node ${args.join(" ")}`)
  const note =
    step.name !== "memory"
      ? undefined
      : memoryEntry === "bin/tg-gateway.js"
        ? `the gateway ran bin/tg-gateway.js, which ran ${launcherRuns()}`
        : `the gateway ran ${memoryEntry}`
  if (note !== undefined) console.log(`=== ${note}`)
  // A failed step must not leave an earlier run's figures to be summarized as its own.
  rmSync(resultFile(step.name), { force: true })
  const log = createWriteStream(join(outDir, `${step.name}.log`))
  const before = machineTicks()
  const loadBefore = loadText()
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PULSAR_HTTP_URL: httpUrl, PULSAR_URL: pulsarUrl },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const show = (chunk: Buffer) => {
    process.stdout.write(chunk)
    log.write(chunk)
  }
  child.stdout.on("data", show)
  child.stderr.on("data", show)
  const exitCode = await new Promise<number | null>((done) => {
    child.once("error", (error) => {
      show(Buffer.from(`${String(error)}\n`))
      done(null)
    })
    // "close", not "exit": the output has been read to its end too.
    child.once("close", (code) => done(code))
  })
  log.end()
  const after = machineTicks()
  const run: StepRun = {
    name: step.name,
    exitCode,
    seconds: (performance.now() - started) / 1000,
    machineBusy: (after.busy - before.busy) / (after.total - before.total),
    loadBefore,
    loadAfter: loadText(),
    ...(note === undefined ? {} : { note })
  }
  console.log(`=== ${step.name}: exit ${exitCode} after ${run.seconds.toFixed(0)} s`)
  return run
}

// ---------------------------------------------------------------------------------------------
// The results each step writes (see their --json)

interface StartupResults {
  readonly rounds: number
  readonly busy: number
  readonly results: ReadonlyArray<{
    readonly way: string
    readonly helpMs: number | null
    readonly helpPeakMib: number | null
    readonly serveIdleMib: number | null
    readonly importFirstFrameMs: number | null
  }>
}

interface GatewayVariantResults {
  readonly medianRate: number
  readonly serverCpuMicrosPerFrame: number | null
  readonly rates: ReadonlyArray<number>
  readonly machineBusy: ReadonlyArray<number>
  readonly otherCores: ReadonlyArray<number>
}

interface GatewayResults {
  readonly frames: number
  readonly triplesPerFrame: number
  readonly rounds: number
  readonly import?: Readonly<Record<string, GatewayVariantResults>>
  readonly export?: Readonly<Record<string, GatewayVariantResults>>
}

interface MemoryResults {
  readonly transport: string
  readonly scenarios: ReadonlyArray<{
    readonly name: string
    readonly title: string
    readonly targetMib: number | null
    readonly peakMib: number
    readonly flatness: {
      readonly beforeMib: number
      readonly maxMib: number
      readonly growth: number
      /** Absent from the results of runs before it was reported. */
      readonly laterGrowth?: number
    } | null
    readonly failed: boolean
    readonly machineBusy: number
  }>
}

const readResults = <A>(step: string): A | undefined => {
  try {
    return JSON.parse(readFileSync(resultFile(step), "utf8")) as A
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// The summary: figure, measured, target, verdict, load

interface Row {
  readonly figure: string
  /** NaN: not measured. */
  readonly value: number
  readonly unit: string
  /** The limit and which side of it meets the target; undefined: reported, no target. */
  readonly target?: { readonly limit: number; readonly atMost: boolean }
  /** What the figure comes from, e.g. the two rates of a ratio. */
  readonly detail?: string
  readonly machine: string
}

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const fmt = (n: number, digits: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

const digitsFor = (unit: string) => (unit === "" ? 2 : unit === "%" || unit === "MiB" ? 1 : 0)

const measuredText = (row: Row) =>
  Number.isFinite(row.value)
    ? `${fmt(row.value, digitsFor(row.unit))}${row.unit === "" ? "" : ` ${row.unit}`}` +
      (row.detail === undefined ? "" : ` (${row.detail})`)
    : "not measured"

const targetText = (row: Row) =>
  row.target === undefined
    ? "–"
    : `${row.target.atMost ? "≤" : "≥"} ${fmt(row.target.limit, row.unit === "" ? 1 : 0)}${row.unit === "" ? "" : ` ${row.unit}`}`

const verdictText = (row: Row) => {
  if (row.target === undefined) return "reported"
  if (!Number.isFinite(row.value)) return "–"
  const { limit, atMost } = row.target
  const margin = atMost ? limit - row.value : row.value - limit
  // A margin to a percentage is in points, not a percentage of it.
  const unit = row.unit === "%" ? "points" : row.unit
  const by = `${fmt(Math.abs(margin), digitsFor(row.unit))}${unit === "" ? "" : ` ${unit}`}`
  // A relative miss says how far off the target is; a percentage target is relative already.
  const share = row.unit === "%" || limit === 0 ? "" : ` (${fmt((Math.abs(margin) / limit) * 100, 0)} %)`
  return margin >= 0 ? `met by ${by}` : `**missed** by ${by}${share}`
}

const busyText = (share: number) => (Number.isFinite(share) ? `${fmt(share * 100, 0)} % busy` : "")

const startupRows = (startup: StartupResults | undefined): Array<Row> => {
  const chosen = startup?.results.find((r) => r.way === "installed") ?? startup?.results.at(-1)
  const machine =
    startup === undefined ? "" : `${busyText(startup.busy)} (${chosen?.way ?? "?"}, ${startup.rounds} rounds)`
  const targets = [
    ["`tg-gateway --help` wall time", chosen?.helpMs, "ms", 150],
    ["`tg-gateway --help` peak RSS", chosen?.helpPeakMib, "MiB", 64],
    ["`tg-gateway serve` idle RSS (in-memory broker)", chosen?.serveIdleMib, "MiB", 64],
    ["`tg-gateway import`: first frame after start", chosen?.importFirstFrameMs, "ms", 250]
  ] as const
  return targets.map(([figure, value, unit, limit]) => ({
    figure,
    value: value ?? NaN,
    unit,
    target: { limit, atMost: true },
    machine
  }))
}

const gatewayRows = (gateway: GatewayResults | undefined): Array<Row> => {
  const rows: Array<Row> = []
  for (const phase of ["import", "export"] as const) {
    const of = gateway?.[phase]
    const rounds = (variant: string) => of?.[variant]
    const machine = (...variants: ReadonlyArray<string>) => {
      const busy = median(variants.flatMap((v) => rounds(v)?.machineBusy ?? []))
      const others = median(variants.flatMap((v) => rounds(v)?.otherCores ?? []))
      return Number.isFinite(busy) ? `${busyText(busy)}, others ${fmt(others, 1)} cores (median round)` : ""
    }
    const ratio = (a: string, b: string) => {
      const [x, y] = [rounds(a)?.medianRate ?? NaN, rounds(b)?.medianRate ?? NaN]
      return { value: x / y, detail: `${fmt(x, 0)} / ${fmt(y, 0)} msgs/s` }
    }
    const client = phase === "import" ? "producer" : "consumer"
    rows.push(
      {
        figure: `${phase}: gateway (binary adapter) / bare WebSocket-API ${client}`,
        ...ratio("gateway-binary", "bare"),
        unit: "",
        target: { limit: 0.9, atMost: false },
        machine: machine("gateway-binary", "bare")
      },
      {
        figure: `${phase}: gateway (WebSocket adapter) / bare WebSocket-API ${client}`,
        ...ratio("gateway-websocket", "bare"),
        unit: "",
        target: { limit: 0.9, atMost: false },
        machine: machine("gateway-websocket", "bare")
      },
      {
        figure: `${phase}: gateway (binary adapter) / native ${client}`,
        ...ratio("gateway-binary", "native"),
        unit: "",
        target: { limit: 0.5, atMost: false },
        machine: machine("gateway-binary", "native")
      },
      {
        figure: `${phase}: gateway (binary adapter) CPU per frame`,
        value: rounds("gateway-binary")?.serverCpuMicrosPerFrame ?? NaN,
        unit: "µs",
        machine: machine("gateway-binary")
      }
    )
  }
  return rows
}

const memoryRows = (memory: MemoryResults | undefined): Array<Row> => {
  const scenario = (name: string) => memory?.scenarios.find((s) => s.name === name && !s.failed)
  const machine = (name: string) => busyText(scenario(name)?.machineBusy ?? NaN)
  // The scenario's own title names its number of connections.
  const peak = (name: string, figure: string, limit?: number): Row => ({
    figure: `gateway, ${scenario(name)?.title ?? figure}: peak RSS (VmHWM)`,
    value: scenario(name)?.peakMib ?? NaN,
    unit: "MiB",
    ...(limit === undefined ? {} : { target: { limit, atMost: true } }),
    machine: machine(name)
  })
  const stalled = scenario("stalled")?.flatness
  return [
    peak("idle", "idle", 64),
    peak("import1", "1 connection importing", 128),
    peak("export1", "1 connection exporting", 128),
    peak("import100", "100 connections importing", 256),
    peak("close1000", "1,000 connections closing at once"),
    {
      figure: "gateway, stalled durable exporter: RSS growth while messages queue",
      value: stalled === undefined || stalled === null ? NaN : stalled.growth * 100,
      unit: "%",
      target: { limit: 10, atMost: true },
      machine: machine("stalled")
    },
    {
      figure: "gateway, stalled durable exporter: RSS growth in the second half of the queuing",
      value: stalled?.laterGrowth === undefined ? NaN : stalled.laterGrowth * 100,
      unit: "%",
      target: { limit: 10, atMost: true },
      machine: machine("stalled")
    }
  ]
}

const summaryTable = (rows: ReadonlyArray<Row>) =>
  [
    "| figure | measured | target | verdict | machine |",
    "|---|---:|---:|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${measuredText(row)} | ${targetText(row)} | ${verdictText(row)} | ` +
        `${Number.isFinite(row.value) ? row.machine : ""} |`
    )
  ].join("\n")

/** msgs/s of every round, gateway against bare and native, import and export. */
const writeRoundsChart = (gateway: GatewayResults) => {
  const order = ["gateway-binary", "gateway-websocket", "bare", "native", "native-batched"]
  const panel = (name: "import" | "export") => ({
    name,
    series: order.flatMap((variant) => {
      const rates = gateway[name]?.[variant]?.rates
      return rates === undefined ? [] : [{ name: variant, values: rates }]
    })
  })
  const panels = [panel("import"), panel("export")].filter((p) => p.series.length > 0)
  if (panels.length === 0) return
  const file = join(chartDir, "throughput-rounds.svg")
  mkdirSync(chartDir, { recursive: true })
  writeFileSync(
    file,
    roundsChart({
      title: `msgs/s in each round (frames of ${gateway.triplesPerFrame} triples, ${fmt(gateway.frames, 0)} per round)`,
      subtitle: `npm run bench${quick ? " -- --quick" : ""}, rounds in alternating order, ${new Date().toISOString().slice(0, 10)}`,
      unit: "msgs/s",
      panels
    })
  )
  console.log(`chart: ${file}`)
}

const summarize = (runs: ReadonlyArray<StepRun>) => {
  const gateway = readResults<GatewayResults>("gateway")
  if (gateway !== undefined) writeRoundsChart(gateway)
  const rows = [
    ...startupRows(readResults<StartupResults>("startup")),
    ...memoryRows(readResults<MemoryResults>("memory")),
    ...gatewayRows(gateway)
  ]
  const lines = [
    summaryTable(rows),
    "",
    ...runs.map(
      (run) =>
        `- ${run.name}: ${run.exitCode === 0 ? "finished" : `**failed** (exit ${run.exitCode})`} in ` +
        `${fmt(run.seconds / 60, 1)} min; machine ${busyText(run.machineBusy)} meanwhile, ` +
        `load average ${run.loadBefore} before, ${run.loadAfter} after` +
        (run.note === undefined ? "" : `; ${run.note}`)
    )
  ]
  const text = lines.join("\n") + "\n"
  writeFileSync(join(outDir, "summary.md"), text)
  console.log(`\nSummary${quick ? " (quick: a smoke run, few rounds and short loads)" : ""}, results in ${outDir}:\n`)
  console.log(text)
}

// ---------------------------------------------------------------------------------------------

const main = async () => {
  mkdirSync(outDir, { recursive: true })
  if (flags.summarize !== undefined) {
    const runs = existsSync(join(outDir, "runs.json"))
      ? (JSON.parse(readFileSync(join(outDir, "runs.json"), "utf8")) as Array<StepRun>)
      : []
    return summarize(runs)
  }
  for (const name of stepNames) {
    if (!steps.some((step) => step.name === name)) {
      throw new Error(`--steps takes ${steps.map((s) => s.name).join(", ")}; got ${name}`)
    }
  }
  const version = await fetch(`${httpUrl}/admin/v2/brokers/version`, { signal: AbortSignal.timeout(10_000) })
    .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .catch((error: unknown) => {
      throw new Error(
        `no Pulsar broker answers at ${httpUrl} (${String(error)}); start one with scripts/pulsar.sh start`
      )
    })
  console.log(
    `Pulsar ${version.trim()} at ${httpUrl} and ${pulsarUrl}; ${quick ? "quick smoke run" : "full run"}; ` +
      `results in ${outDir}, charts in ${chartDir}; load average ${loadText()}`
  )
  mkdirSync(chartDir, { recursive: true })
  const runs: Array<StepRun> = []
  for (const step of steps.filter((s) => stepNames.includes(s.name))) {
    runs.push(await runStep(step))
    writeFileSync(join(outDir, "runs.json"), JSON.stringify(runs, null, 2) + "\n")
  }
  summarize(runs)
  if (runs.some((run) => run.exitCode !== 0)) process.exitCode = 1
}

await main()
