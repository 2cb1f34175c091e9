/**
 * Start-up time and memory of the `tg-gateway` command, for each way of running it, in alternating
 * rounds (the order of the ways turns every round, so that no way always runs first or last):
 *
 *   help    `tg-gateway --help`: wall time from spawn to exit, and peak RSS (`/usr/bin/time -f %M`,
 *           the kernel's maxrss of the child).
 *   serve   `tg-gateway serve` on the in-memory broker (BROKER=memory, GATEWAY_PORT=0): time from
 *           spawn until it prints that it listens, its RSS 2 s later (VmRSS in /proc/PID/status)
 *           and its peak RSS up to then (VmHWM).
 *   import  `tg-gateway import` of a small N-Triples file into a WebSocket server of this script's
 *           own that acknowledges every frame: time from spawn until the first frame arrives.
 *
 * The ways (`--ways`, comma-separated; all by default):
 *   src             node src/programs/main.ts (Node strips the types at every start)
 *   tsc             node dist/programs/main.js (tsc's output, `npm run build`)
 *   bundle-index    esbuild bundle, `effect` imported through its index as the sources write it
 *   bundle          esbuild bundle, each `effect` module imported by its own path (scripts/build.js)
 *   bundle-min      the same, minified
 *   bundle-maps     the bundle with --enable-source-maps
 *   bundle-cache    the bundle with Node's compile cache (NODE_COMPILE_CACHE, warmed before round 1)
 *   installed       bin/tg-gateway.js as an installed package or the image runs it: bin/, the bundle
 *                   in dist/command/ and package.json copied to a directory without src/ (so it
 *                   never falls back to the sources while someone edits them), with its compile
 *                   cache and stack trace mapping
 * The bundles are built by this script into dist/bench-* and removed at the end; `tsc` uses what
 * `npm run build` left in dist/. Usage:
 *
 *   source scripts/node-env.sh && npm run build
 *   node bench/startup.ts [--rounds 15] [--warmup 1] [--ways src,tsc,bundle,...]
 *     [--cases help,serve,import] [--json FILE] [--chart docs/charts/startup.svg]
 */
import { spawn } from "node:child_process"
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { WebSocketServer } from "ws"
import { startupChart } from "./startupChart.ts"
import { parseFlags } from "./support/flags.ts"

// Plain JavaScript without declarations: its one function used here, as it is.
const { bundleCommand } = (await import("../scripts/build.js" as string)) as {
  readonly bundleCommand: (build: { outdir: string; moduleImports?: boolean; minify?: boolean }) => Promise<void>
}

const root = new URL("../", import.meta.url).pathname
const options = parseFlags(import.meta.url, {
  rounds: { type: "string", default: "15" },
  warmup: { type: "string", default: "1" },
  ways: { type: "string", default: "src,tsc,bundle-index,bundle,bundle-min,bundle-maps,bundle-cache,installed" },
  cases: { type: "string", default: "help,serve,import" },
  json: { type: "string" },
  chart: { type: "string" }
})
const rounds = Number(options.rounds)
const warmup = Number(options.warmup)
const caseNames = options.cases.split(",")
const scratch = mkdtempSync(join(tmpdir(), "tg-startup-bench-"))
const compileCache = join(scratch, "compile-cache")

interface Way {
  readonly name: string
  readonly nodeArgs: ReadonlyArray<string>
  readonly env?: Record<string, string>
}

const bundleMain = (directory: string) => join(root, "dist", directory, "main.js")
const allWays: ReadonlyArray<Way> = [
  { name: "src", nodeArgs: [join(root, "src/programs/main.ts")] },
  { name: "tsc", nodeArgs: [join(root, "dist/programs/main.js")] },
  { name: "bundle-index", nodeArgs: [bundleMain("bench-index")] },
  { name: "bundle", nodeArgs: [bundleMain("bench-bundle")] },
  { name: "bundle-min", nodeArgs: [bundleMain("bench-min")] },
  { name: "bundle-maps", nodeArgs: ["--enable-source-maps", bundleMain("bench-bundle")] },
  { name: "bundle-cache", nodeArgs: [bundleMain("bench-bundle")], env: { NODE_COMPILE_CACHE: compileCache } },
  { name: "installed", nodeArgs: [join(scratch, "installed/bin/tg-gateway.js")] }
]
const ways = options.ways.split(",").map((name) => {
  const way = allWays.find((candidate) => candidate.name === name)
  if (way === undefined) throw new Error(`unknown way ${name}; known: ${allWays.map((w) => w.name).join(", ")}`)
  return way
})

// Built here so that the comparison does not depend on what dist/command holds, and never replaces
// it under someone running the command.
const builds: Record<string, { outdir: string; moduleImports?: boolean; minify?: boolean }> = {
  "bench-index": { outdir: "dist/bench-index", moduleImports: false },
  "bench-bundle": { outdir: "dist/bench-bundle" },
  "bench-min": { outdir: "dist/bench-min", minify: true }
}
const installing = ways.some((way) => way.name === "installed")
for (const [directory, build] of Object.entries(builds)) {
  const used = ways.some((way) => way.nodeArgs.includes(bundleMain(directory)))
  if (used || (installing && directory === "bench-bundle")) await bundleCommand(build)
}
if (installing) {
  const installed = join(scratch, "installed")
  cpSync(join(root, "bin"), join(installed, "bin"), { recursive: true })
  cpSync(join(root, "dist/bench-bundle"), join(installed, "dist/command"), { recursive: true })
  cpSync(join(root, "package.json"), join(installed, "package.json"))
  symlinkSync(join(root, "node_modules"), join(installed, "node_modules"))
}

// The environment every run gets: no compile cache unless the way asks for it, English, quiet.
const { NODE_COMPILE_CACHE: _ignored, ...inherited } = process.env
const baseEnv = { ...inherited, LC_ALL: "C", LANG: "C", NODE_ENV: "production" }

// ---------------------------------------------------------------------------------------------
// One run of each case.

interface Sample {
  readonly ms: number
  readonly mib?: number
  readonly peakMib?: number
}

const kibToMib = (kib: number) => kib / 1024

const runHelp = (way: Way): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const timeFile = join(scratch, "time.txt")
    const started = performance.now()
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", timeFile, process.execPath, ...way.nodeArgs, "--help"], {
      env: { ...baseEnv, ...way.env },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => {
      const ms = performance.now() - started
      if (code !== 0) return reject(new Error(`${way.name} --help exited with ${code}: ${stderr}`))
      resolve({ ms, peakMib: kibToMib(Number(readFileSync(timeFile, "utf8").trim().split("\n").at(-1))) })
    })
  })

const statusKib = (pid: number, field: string) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`))
  return Number(line?.split(/\s+/)[1] ?? NaN)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const runServe = (way: Way): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [...way.nodeArgs, "serve"], {
      env: { ...baseEnv, ...way.env, BROKER: "memory", GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    let listening = false
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString()
      if (listening || !output.includes("listening on")) return
      listening = true
      const ms = performance.now() - started
      void sleep(2000).then(() => {
        const mib = kibToMib(statusKib(child.pid!, "VmRSS"))
        const peakMib = kibToMib(statusKib(child.pid!, "VmHWM"))
        child.once("exit", () => resolve({ ms, mib, peakMib }))
        child.kill("SIGTERM")
      })
    }
    child.stdout.on("data", onOutput)
    child.stderr.on("data", onOutput)
    child.once("error", reject)
    child.once("exit", (code) => {
      if (!listening) reject(new Error(`${way.name} serve exited with ${code} before listening: ${output}`))
    })
  })

const triples = join(scratch, "triples.nt")
writeFileSync(
  triples,
  Array.from({ length: 20 }, (_, i) => `<http://example.org/s${i}> <http://example.org/p> "o${i}" .\n`).join("")
)

// Acknowledges every frame, numbered per connection, as the gateway does with ?ack=true; `next`
// is told when a connection's first frame arrives.
const server = new WebSocketServer({ host: "127.0.0.1", port: 0 })
await new Promise<void>((resolve) => server.once("listening", () => resolve()))
const serverPort = (server.address() as { port: number }).port
let firstFrame: (() => void) | undefined
server.on("connection", (socket) => {
  let n = 0
  socket.on("message", () => {
    n += 1
    if (n === 1) firstFrame?.()
    socket.send(JSON.stringify({ ack: n }))
  })
})

const runImport = (way: Way): Promise<Sample> =>
  new Promise((resolve, reject) => {
    let ms: number | undefined
    const started = performance.now()
    firstFrame = () => (ms = performance.now() - started)
    const child = spawn(
      process.execPath,
      [...way.nodeArgs, "import", "--url", `ws://127.0.0.1:${serverPort}`, "--producer", "none", triples],
      { env: { ...baseEnv, ...way.env }, stdio: ["ignore", "ignore", "pipe"] }
    )
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => {
      firstFrame = undefined
      if (code !== 0 || ms === undefined) return reject(new Error(`${way.name} import exited with ${code}: ${stderr}`))
      resolve({ ms })
    })
  })

const runners: Record<string, (way: Way) => Promise<Sample>> = { help: runHelp, serve: runServe, import: runImport }

// ---------------------------------------------------------------------------------------------
// How busy the machine was: the share of all cores' time that was not idle, over the whole run.

const cpuTimes = () => {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1).map(Number)
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
  return { idle, total: fields.reduce((a, b) => a + b, 0) }
}
const cpuBefore = cpuTimes()
const loadBefore = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")

// Compile cache: one run of each case fills it, so that the rounds measure a warm cache.
for (const way of ways.filter((w) => w.env?.["NODE_COMPILE_CACHE"] !== undefined)) {
  for (const name of caseNames) await runners[name]!(way)
}

const samples = new Map<string, Array<Sample>>()
const key = (way: string, name: string) => `${way}/${name}`
for (let round = 0; round < warmup + rounds; round++) {
  for (const name of caseNames) {
    // Rotated every round, and reversed every other round.
    const rotated = ways.map((_, i) => ways[(i + round) % ways.length]!)
    const order = round % 2 === 0 ? rotated : rotated.reverse()
    for (const way of order) {
      const sample = await runners[name]!(way)
      if (round < warmup) continue
      const list = samples.get(key(way.name, name)) ?? []
      list.push(sample)
      samples.set(key(way.name, name), list)
    }
  }
  process.stderr.write(`round ${round + 1 - warmup}/${rounds}${round < warmup ? " (warm-up)" : ""}\n`)
}
server.close()
rmSync(scratch, { recursive: true, force: true })
// Not left in dist/, which `npm pack` would take whole.
for (const build of Object.values(builds)) rmSync(join(root, build.outdir), { recursive: true, force: true })

const cpuAfter = cpuTimes()
const busy = 1 - (cpuAfter.idle - cpuBefore.idle) / (cpuAfter.total - cpuBefore.total)
const loadAfter = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")

// ---------------------------------------------------------------------------------------------
// Medians, the table and the targets.

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const medianOf = (way: string, name: string, field: keyof Sample) => {
  const values = (samples.get(key(way, name)) ?? []).map((s) => s[field]).filter((v) => v !== undefined)
  return values.length === 0 ? NaN : median(values)
}

export interface StartupResult {
  readonly way: string
  readonly helpMs: number
  readonly helpPeakMib: number
  readonly serveListeningMs: number
  readonly serveIdleMib: number
  readonly servePeakMib: number
  readonly importFirstFrameMs: number
}
const results: Array<StartupResult> = ways.map((way) => ({
  way: way.name,
  helpMs: medianOf(way.name, "help", "ms"),
  helpPeakMib: medianOf(way.name, "help", "peakMib"),
  serveListeningMs: medianOf(way.name, "serve", "ms"),
  serveIdleMib: medianOf(way.name, "serve", "mib"),
  servePeakMib: medianOf(way.name, "serve", "peakMib"),
  importFirstFrameMs: medianOf(way.name, "import", "ms")
}))

const fixed = (value: number) => (Number.isNaN(value) ? "-" : value.toFixed(value >= 100 ? 0 : 1))
const columns: ReadonlyArray<[string, keyof StartupResult]> = [
  ["--help ms", "helpMs"],
  ["--help peak MiB", "helpPeakMib"],
  ["serve listening ms", "serveListeningMs"],
  ["serve idle MiB", "serveIdleMib"],
  ["serve peak MiB", "servePeakMib"],
  ["import 1st frame ms", "importFirstFrameMs"]
]
console.log(
  `\n${rounds} rounds (+${warmup} warm-up), medians; Node ${process.version}; machine busy ${(busy * 100).toFixed(0)}% ` +
    `of ${navigator.hardwareConcurrency} cores over the run (this benchmark included), load average ${loadBefore} before, ${loadAfter} after\n`
)
console.log(`| way | ${columns.map(([title]) => title).join(" | ")} |`)
console.log(`| --- | ${columns.map(() => "---:").join(" | ")} |`)
for (const result of results) {
  console.log(`| ${result.way} | ${columns.map(([, field]) => fixed(result[field] as number)).join(" | ")} |`)
}

const targets: ReadonlyArray<[string, keyof StartupResult, number, string]> = [
  ["--help wall time", "helpMs", 150, "ms"],
  ["--help peak RSS", "helpPeakMib", 64, "MiB"],
  ["serve idle RSS", "serveIdleMib", 64, "MiB"],
  ["import first frame", "importFirstFrameMs", 250, "ms"]
]
const chosen = results.find((r) => r.way === "installed") ?? results.at(-1)!
console.log(`\nTargets, for ${chosen.way}:`)
for (const [title, field, limit, unit] of targets) {
  const value = chosen[field] as number
  if (Number.isNaN(value)) continue
  const margin = value - limit
  console.log(
    `  ${title} ≤ ${limit} ${unit}: ${fixed(value)} ${unit}, ` +
      (margin <= 0
        ? `met by ${fixed(-margin)} ${unit}`
        : `missed by ${fixed(margin)} ${unit} (${fixed((margin / limit) * 100)}%)`)
  )
}

if (options.json !== undefined) writeFileSync(options.json, JSON.stringify({ rounds, busy, results }, null, 2) + "\n")
if (options.chart !== undefined) {
  const subtitle = `node bench/startup.ts, ${rounds} rounds, medians, ${new Date().toISOString().slice(0, 10)}`
  writeFileSync(options.chart, startupChart(results, subtitle))
  console.log(`\nchart: ${options.chart}`)
}
