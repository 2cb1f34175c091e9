/**
 * What the fault-injection suite shares: real `tg-gateway serve`, `import` and `export` processes,
 * a seeded random generator for the moments faults strike, a reader that counts what is on a topic
 * straight from Pulsar (never through the gateway), the rows of the summary table that
 * summarySetup.ts prints at the end of the run, and the steps every scenario's run takes: an import
 * or an export struck by a fault at its moment (`importUnderFault`, `exportUnderFault`), its frames
 * counted into its row (`countOnTopic`, `countInOutput`), and what the count must show
 * (`assertExactlyOnce`, `assertFinishedAtLeastOnce`).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, afterEach, assert, beforeAll, inject } from "vitest"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { pulsarServiceUrl } from "../support/binaryBrokers.ts"
import { linesIn } from "../support/outputLines.ts"
import { adminRequest, storedOnTopic } from "../support/pulsarAdmin.ts"
import { freeTcpPort, testIdleTimeoutMillis, testPulsarPingInterval } from "../support/pulsarScript.ts"

declare module "vitest" {
  export interface ProvidedContext {
    /** The file the suite's scenarios append their summary rows to (summarySetup.ts). */
    faultsResults: string
  }
}

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))

/** TG_FAULTS_LONG=1: the long mode, 100 runs of the main scenario instead of CI's bounded size. */
export const long = process.env["TG_FAULTS_LONG"] === "1"

/**
 * A run's limit: a restarted gateway and the command's backoff, or a broker's restart, take
 * seconds to tens of seconds; the waits inside a run end sooner, naming what they waited for.
 */
export const runTimeout = 240_000

/** Runs of a scenario: `bounded` in CI, `inLong` with TG_FAULTS_LONG=1. */
export const runsOf = (bounded: number, inLong: number) => (long ? inLong : bounded)

/**
 * The seed of a file's random moments: TG_FAULTS_SEED to replay a run, else one of its own, printed
 * so that a failure can be replayed.
 */
export const seedFor = (scenario: string): number => {
  const given = process.env["TG_FAULTS_SEED"]
  const seed = given === undefined || given === "" ? Math.floor(Math.random() * 2 ** 31) : Number(given)
  console.log(`${scenario}: seed ${seed} (TG_FAULTS_SEED=${seed} replays these moments)`)
  return seed
}

/** mulberry32: a small generator whose sequence is fixed by its seed. */
export const generator = (seed: number) => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** An integer in [low, high]. */
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1))
  return { next, between }
}

/**
 * A scenario's runs in order, each with a flow of its own and its moment: a count of frames, drawn
 * from `random` in [1, latest], at which its fault strikes.
 */
export const runPlans = (runs: number, random: ReturnType<typeof generator>, latest: number, flowLabel: string) =>
  Array.from({ length: runs }, () => ({ moment: random.between(1, latest), flow: freshFlow(flowLabel) }))

/** A child process of the test's, with everything it wrote so far. */
export interface Proc {
  readonly child: ChildProcess
  /** Not exited yet, by itself or by a signal. */
  readonly running: () => boolean
  readonly text: () => string
  /** Its exit code (null when ended by a signal), once it has exited and its output is read. */
  readonly closed: Promise<number | null>
  /** Resolves once it has written `what`; rejects, with its output, if it exits first. */
  readonly said: (what: string | RegExp) => Promise<void>
}

const children = new Set<ChildProcess>()
/** Every process a test started and left running, killed, but those in `keep`: for `afterEach`. */
export const killLeftovers = (...keep: ReadonlyArray<Proc | undefined>) => {
  for (const child of children) {
    if (keep.some((proc) => proc?.child === child)) continue
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    children.delete(child)
  }
}

/**
 * A file's scratch directory, made now: after each test the processes it left are killed but the
 * gateways `kept` returns, which the next runs reuse; after the file everything is killed and the
 * directory removed.
 */
export const scratchDirectory = (label: string, kept: () => ReadonlyArray<Proc | undefined>) => {
  const directory = mkdtempSync(join(tmpdir(), `tg-faults-${label}-`))
  afterEach(() => killLeftovers(...kept()))
  afterAll(() => {
    killLeftovers()
    rmSync(directory, { recursive: true, force: true })
  })
  return directory
}

export const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Proc => {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: "pipe" })
  children.add(child)
  const output: Array<string> = []
  const waiting = new Set<() => void>()
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString())
    for (const check of waiting) check()
  }
  child.stdout.on("data", collect)
  child.stderr.on("data", collect)
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  const text = () => output.join("")
  const said = (what: string | RegExp) =>
    new Promise<void>((resolve, reject) => {
      const found = () => (typeof what === "string" ? text().includes(what) : what.test(text()))
      const check = () => {
        if (!found()) return
        waiting.delete(check)
        resolve()
      }
      waiting.add(check)
      check()
      void closed.then((code) => {
        if (!waiting.has(check)) return
        waiting.delete(check)
        reject(new Error(`${args[0]} exited (${code}) before saying ${String(what)}:\n${text()}`))
      })
    })
  const running = () => child.exitCode === null && child.signalCode === null
  return { child, running, text, closed, said }
}

/** Kills a process with `signal` and waits until it is gone. */
export const kill = async (proc: Proc, signal: NodeJS.Signals) => {
  proc.child.kill(signal)
  return proc.closed
}

/**
 * Waits until `check` holds, looking again every 20 ms; after `timeoutMillis` it fails naming
 * `what`. The poll only decides when to act or that nothing more is coming; it asserts nothing
 * about how long anything took.
 */
export const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMillis = 120_000) => {
  const deadline = Date.now() + timeoutMillis
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMillis / 1000} s for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export const freePort = freeTcpPort

export interface GatewayOptions {
  readonly httpUrl: string
  /** The broker's binary port; by default the one the tests' broker at `httpUrl` has. */
  readonly serviceUrl?: string
  readonly port: number
  readonly flows: ReadonlyArray<string>
  readonly topicTemplate?: string
  readonly env?: Record<string, string>
}

/** `tg-gateway serve` on the port given, on Pulsar, once it listens. */
export const serve = async (options: GatewayOptions): Promise<Proc> => {
  const proc = start(["serve", "--lang", "en"], {
    BROKER: "pulsar",
    PULSAR_HTTP_URL: options.httpUrl,
    PULSAR_URL: options.serviceUrl ?? pulsarServiceUrl(options.httpUrl),
    PULSAR_PING_INTERVAL: testPulsarPingInterval,
    GATEWAY_PORT: String(options.port),
    GATEWAY_HOST: "127.0.0.1",
    FLOWS: options.flows.join(","),
    LOG_QUEUE_STATS: "false",
    ...(options.topicTemplate === undefined ? {} : { TOPIC_TEMPLATE: options.topicTemplate }),
    ...options.env
  })
  await proc.said("tg-gateway listening")
  return proc
}

/**
 * A `tg-gateway serve` that runs after runs reuse: `up` starts it, on a free port picked once, and
 * starts it again on that port whenever a fault (or a failed run) left it not running.
 */
export const keptGateway = (options: () => Omit<GatewayOptions, "port">) => {
  let port = 0
  let current: Proc | undefined
  return {
    up: async (): Promise<Proc> => {
      if (port === 0) port = await freePort()
      if (current === undefined || !current.running()) current = await serve({ ...options(), port })
      return current
    },
    url: () => `ws://127.0.0.1:${port}`,
    proc: () => current
  }
}
export type KeptGateway = ReturnType<typeof keptGateway>

/** Before a file's runs: the broker at `httpUrl` given the dedup namespace, and `gateways` started. */
export const gatewaysUpBeforeAll = (httpUrl: string, ...gateways: ReadonlyArray<KeptGateway>) =>
  beforeAll(async () => {
    await ensureDedupNamespace(httpUrl)
    await Promise.all(gateways.map((gateway) => gateway.up()))
  })

let flowCounter = 0
export const freshFlow = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${flowCounter++}`

/** The namespace with deduplication on that the imports go to, made so on the broker at `httpUrl`. */
export const dedupNamespace = "tg/dedup"
export const dedupTemplate = `persistent://${dedupNamespace}/{interface}:{workspace}:{flow}`
export const dedupTopic = (flow: string) => `persistent://${dedupNamespace}/triples-store:default:${flow}`

export const ensureDedupNamespace = async (httpUrl: string) => {
  await adminRequest(httpUrl, "/admin/v2/tenants/tg", null, {
    method: "PUT",
    body: JSON.stringify({ allowedClusters: ["standalone"] })
  })
  // 409 when it exists already.
  await adminRequest(httpUrl, `/admin/v2/namespaces/${dedupNamespace}`, null, { method: "PUT" })
  const enabled = await adminRequest(httpUrl, `/admin/v2/namespaces/${dedupNamespace}/deduplication`, null, {
    method: "POST",
    body: "true"
  })
  if (!enabled.ok)
    throw new Error(`enabling deduplication on ${dedupNamespace}: HTTP ${enabled.status} ${enabled.text}`)
}

export const triplesPerFrame = 10

/**
 * An N-Triples file of `frames` × 10 triples, subject `…/t<i>` each, imported in frames of 10:
 * frame j holds triples 10j … 10j+9, so a frame is known on the topic by its first subject.
 */
export const writeTriples = (path: string, frames: number) => {
  const lines = Array.from(
    { length: frames * triplesPerFrame },
    (_, i) => `<http://example.org/fault/t${i}> <http://example.org/p> "value ${i}" .`
  )
  writeFileSync(path, `${lines.join("\n")}\n`)
  return {
    path,
    frames,
    triples: Array.from({ length: frames * triplesPerFrame }, (_, i) => `http://example.org/fault/t${i}`),
    frameKeys: Array.from({ length: frames }, (_, j) => `http://example.org/fault/t${j * triplesPerFrame}`)
  }
}
export type TriplesFile = ReturnType<typeof writeTriples>

/** A triples frame as the client sends and exports it (`s.i`) or as it is stored on the topic (`s.iri`). */
interface FrameShape {
  readonly triples?: ReadonlyArray<{ readonly s?: { readonly i?: string; readonly iri?: string } }>
}

/** What a set of frames holds against what it should: missing and duplicated frames and triples. */
export interface Tally {
  readonly frames: number
  readonly missingFrames: number
  readonly duplicateFrames: number
  readonly missingTriples: number
  readonly duplicateTriples: number
}

export const tally = (file: TriplesFile, frames: ReadonlyArray<string>): Tally => {
  const framesSeen = new Map<string, number>()
  const triplesSeen = new Map<string, number>()
  for (const text of frames) {
    const triples = (JSON.parse(text) as FrameShape).triples ?? []
    const subjects = triples.map((triple) => triple.s?.i ?? triple.s?.iri ?? "")
    const key = subjects[0] ?? ""
    framesSeen.set(key, (framesSeen.get(key) ?? 0) + 1)
    for (const subject of subjects) triplesSeen.set(subject, (triplesSeen.get(subject) ?? 0) + 1)
  }
  const extra = (seen: Map<string, number>) => [...seen.values()].reduce((sum, count) => sum + count - 1, 0)
  return {
    frames: frames.length,
    missingFrames: file.frameKeys.filter((key) => !framesSeen.has(key)).length,
    duplicateFrames: extra(framesSeen),
    missingTriples: file.triples.filter((key) => !triplesSeen.has(key)).length,
    duplicateTriples: extra(triplesSeen)
  }
}

/** How many messages the topic holds, from the broker's admin API. */
export const storedOn = (httpUrl: string, topic: string) => storedOnTopic(httpUrl, topic)

/**
 * Every message on the topic, read from its start by a non-durable subscription of the test's own
 * straight from Pulsar: as many as the broker's admin API says it holds.
 */
export const framesOnTopic = async (httpUrl: string, topic: string): Promise<Array<string>> => {
  // A broker just restarted may not answer its admin API at once.
  let stored: number | undefined
  await until(`the admin API's count of ${topic}`, async () => {
    stored = await storedOnTopic(httpUrl, topic).catch(() => undefined)
    return stored !== undefined
  })
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const consumer = yield* makePulsarBroker({ httpUrl, pingInterval: testPulsarPingInterval }).consumer({
          topic,
          subscription: `fault-check-${crypto.randomUUID()}`,
          initialPosition: "Earliest",
          durable: false
        })
        const frames: Array<string> = []
        for (let i = 0; i < (stored ?? 0); i++) {
          const message = yield* consumer.receive.pipe(Effect.timeout("30 seconds"))
          frames.push(Buffer.from(message.payload).toString("utf8"))
        }
        return frames
      })
    )
  )
}

/** The frames in an export's JSON Lines output. */
export { linesIn }

/** One row of the summary table: a scenario's runs, frames expected, and what was missing or twice. */
export interface SummaryRow {
  readonly scenario: string
  readonly runs: number
  readonly frames: number
  readonly missing: number
  readonly duplicates: number
  readonly seed: number
}

export const record = (row: SummaryRow) => appendFileSync(inject("faultsResults"), `${JSON.stringify(row)}\n`)

/**
 * A scenario's row of the summary table: each run's count is added to it as the run ends, and the
 * row is recorded once the runs of the file or block it is made in are over.
 */
export const summaryRow = (scenario: string, seed: number) => {
  const totals = { runs: 0, frames: 0, missing: 0, duplicates: 0 }
  afterAll(() => record({ scenario, ...totals, seed }))
  const add = (file: TriplesFile, counted: Tally) => {
    totals.runs++
    totals.frames += file.frames
    totals.missing += counted.missingFrames
    totals.duplicates += counted.duplicateFrames
  }
  return { scenario, add }
}
export type ScenarioRow = ReturnType<typeof summaryRow>

/** A run's count of `frames` found `where`, printed after what the fault was and added to the row. */
const countRun = (
  row: ScenarioRow,
  run: number,
  fault: string,
  file: TriplesFile,
  frames: ReadonlyArray<string>,
  where: string
) => {
  const counted = tally(file, frames)
  console.log(
    `${row.scenario}, run ${run + 1}: ${fault}; ${counted.frames} ${where}, ` +
      `${counted.missingFrames} missing, ${counted.duplicateFrames} duplicated`
  )
  row.add(file, counted)
  return counted
}

/** A run's count of what `topic` holds, read straight from Pulsar: printed after `fault` and added to the row. */
export const countOnTopic = async (
  row: ScenarioRow,
  run: number,
  fault: string,
  file: TriplesFile,
  where: { readonly httpUrl: string; readonly topic: string }
) => countRun(row, run, fault, file, await framesOnTopic(where.httpUrl, where.topic), "on the topic")

/** A run's count of what an export wrote to `output`: printed after `fault` and added to the row. */
export const countInOutput = (row: ScenarioRow, run: number, fault: string, file: TriplesFile, output: string) =>
  countRun(row, run, fault, file, linesIn(output), "in the output in the end")

/** Every frame and every triple of `file` exactly once: what an import under a fault must leave. */
export const assertExactlyOnce = (counted: Tally, file: TriplesFile) =>
  assert.deepStrictEqual(counted, {
    frames: file.frames,
    missingFrames: 0,
    duplicateFrames: 0,
    missingTriples: 0,
    duplicateTriples: 0
  })

/**
 * An export under a fault finished by itself or run again (`finished`, from `finishExport`), and
 * every frame and every triple in its output at least once.
 */
export const assertFinishedAtLeastOnce = (
  finished: { readonly code: number | null; readonly text: string; readonly waited: string | undefined },
  counted: Tally
) => {
  assert.isUndefined(finished.waited, finished.text)
  assert.strictEqual(finished.code, 0, finished.text)
  assert.strictEqual(counted.missingFrames, 0, "every frame at least once")
  assert.strictEqual(counted.missingTriples, 0, "every triple at least once")
}

/** `tg-gateway import` of a file into a flow, given enough reconnection attempts to outlast a restart. */
export const importArgs = (urls: ReadonlyArray<string>, flow: string, file: string, retries = 10) => [
  "import",
  "--lang",
  "en",
  "--url",
  urls.join(","),
  "--flow",
  flow,
  "--batch",
  String(triplesPerFrame),
  "--window",
  "8",
  "--retries",
  String(retries),
  file
]

/** `tg-gateway export` of a flow's triples with a durable subscription, from its start, into a file. */
export const exportArgs = (url: string, flow: string, subscription: string, output: string) => [
  "export",
  "--lang",
  "en",
  "--url",
  url,
  "--flow",
  flow,
  "--subscription",
  subscription,
  "--from",
  "earliest",
  "--output",
  output
]

/**
 * Consumers the broker has on a topic's subscription, from its admin API: an export's, once it is
 * connected. Undefined while the admin API does not answer (a broker just restarted loads the
 * topic first).
 */
export const consumersOn = async (httpUrl: string, topic: string, subscription: string) => {
  const answer = await adminRequest(httpUrl, `/admin/v2/${topic.replace("://", "/")}/stats`).catch(() => undefined)
  if (answer === undefined || !answer.ok) return undefined
  const stats = JSON.parse(answer.text) as {
    subscriptions?: Record<string, { consumers?: ReadonlyArray<unknown> }>
  }
  return stats.subscriptions?.[subscription]?.consumers?.length ?? 0
}

/**
 * `tg-gateway export` with `args` (reading `subscription` of `topic`) until the broker shows it
 * connected and its output holds every frame of `file` — or it ends by itself, or `timeoutMillis`
 * passes: then what is missing is counted, not waited for — and then stopped with Ctrl-C as a
 * user would. A consumer left from an earlier export is waited out first, so that the one seen is
 * this export's.
 */
export const exportUntilComplete = async (
  options: { readonly httpUrl: string; readonly topic: string; readonly subscription: string },
  args: ReadonlyArray<string>,
  file: TriplesFile,
  output: string,
  timeoutMillis = 120_000
) => {
  const { httpUrl, topic, subscription } = options
  await until(
    `the earlier export's consumer gone from ${subscription}`,
    async () => (await consumersOn(httpUrl, topic, subscription)) === 0
  )
  const exporter = start(args)
  const complete = async () =>
    tally(file, linesIn(output)).missingFrames === 0 && ((await consumersOn(httpUrl, topic, subscription)) ?? 0) > 0
  const waited = await until(
    `every frame of ${file.path} in ${output}`,
    async () => !exporter.running() || (await complete()),
    timeoutMillis
  ).then(
    () => undefined,
    (error: unknown) => String(error)
  )
  if (exporter.running()) exporter.child.kill("SIGINT")
  const code = await exporter.closed
  return { code, text: exporter.text(), waited }
}

/**
 * After a fault under a running export: waits until it ends or, where export reconnects by itself,
 * has written every frame (then stops it with Ctrl-C); an export that ended is run again with the
 * same `args` until complete. The exit code and what was said of the export that finished.
 */
export const finishExport = async (
  first: Proc,
  options: { readonly httpUrl: string; readonly topic: string; readonly subscription: string },
  args: ReadonlyArray<string>,
  file: TriplesFile,
  output: string
): Promise<{ readonly code: number | null; readonly text: string; readonly waited: string | undefined }> => {
  await until(
    "the export to end, or to write every frame",
    () => !first.running() || tally(file, linesIn(output)).missingFrames === 0
  )
  if (first.running()) {
    first.child.kill("SIGINT")
    return { code: await first.closed, text: first.text(), waited: undefined }
  }
  return exportUntilComplete(options, args, file, output)
}

/** Imports a file into a flow through the gateway at `url`, to completion, for an export to read. */
export const importAll = async (url: string, flow: string, file: TriplesFile) => {
  const importer = start(importArgs([url], flow, file.path))
  const code = await importer.closed
  if (code !== 0) throw new Error(`importing ${file.path} into ${flow} ended with ${code}:\n${importer.text()}`)
}

/**
 * `tg-gateway import` with `args`, struck by `strike` once `topic` holds `moment` frames; it must
 * still be running then (else the run proves nothing: "the import ended before `fault`") and exit 0
 * after. What it said, and how many frames were stored when the fault struck.
 */
export const importUnderFault = async (options: {
  readonly httpUrl: string
  readonly topic: string
  readonly args: ReadonlyArray<string>
  readonly moment: number
  readonly fault: string
  readonly strike: () => Promise<unknown>
}) => {
  const { httpUrl, topic, moment } = options
  const importer = start(options.args)
  await until(
    `${moment} frames on ${topic}`,
    async () => !importer.running() || (await storedOn(httpUrl, topic)) >= moment
  )
  assert.isTrue(importer.running(), `the import ended before ${options.fault}:\n${importer.text()}`)
  const storedAtFault = await storedOn(httpUrl, topic)
  await options.strike()
  const code = await importer.closed
  assert.strictEqual(code, 0, importer.text())
  return { text: importer.text(), storedAtFault }
}

/**
 * `file` imported into `flow` through `importUrl`, then an acked export of it with the durable
 * subscription "faults" through `exportUrl` into a file in `directory`, struck by `strike` (given
 * the export) once its output holds `moment` frames, and finished with `finishExport`. The export
 * must still be running when the fault strikes ("the export ended before `fault`"). Where it wrote,
 * how many frames it had written when the fault struck, and how it finished.
 */
export const exportUnderFault = async (options: {
  readonly httpUrl: string
  readonly importUrl: string
  readonly exportUrl: string
  readonly flow: string
  readonly file: TriplesFile
  readonly directory: string
  readonly moment: number
  readonly fault: string
  readonly strike: (exporter: Proc) => Promise<unknown>
}) => {
  const { httpUrl, flow, file, moment } = options
  await importAll(options.importUrl, flow, file)
  const topic = dedupTopic(flow)
  const subscription = "faults"
  const output = join(options.directory, `${flow}.jsonl`)
  const args = exportArgs(options.exportUrl, flow, subscription, output)

  const first = start(args)
  await until(`${moment} frames in ${output}`, () => !first.running() || linesIn(output).length >= moment)
  assert.isTrue(first.running(), `the export ended before ${options.fault}:\n${first.text()}`)
  const writtenAtFault = linesIn(output).length
  await options.strike(first)
  const finished = await finishExport(first, { httpUrl, topic, subscription }, args, file, output)
  return { output, writtenAtFault, finished }
}

const pulsarScript = fileURLToPath(new URL("../../scripts/pulsar.sh", import.meta.url))

/**
 * A Pulsar broker of the suite's own, for the faults that kill the broker: started with
 * scripts/pulsar.sh on free ports with its own state dir, killed with SIGKILL and started again on
 * the data it left (`pulsar.sh kill` and `restart`), and stopped (its data deleted) at the end.
 */
export const ownBroker = async () => {
  const webPort = await freeTcpPort()
  const brokerPort = await freeTcpPort()
  const httpUrl = `http://127.0.0.1:${webPort}`
  const env = {
    ...process.env,
    PULSAR_HTTP_URL: httpUrl,
    PULSAR_BROKER_PORT: String(brokerPort),
    TG_PULSAR_STATE: `${tmpdir()}/tg-faults-broker-${process.pid}`,
    PULSAR_WS_IDLE_TIMEOUT_MS: String(testIdleTimeoutMillis)
  }
  const script = (command: "start" | "kill" | "restart" | "stop") =>
    new Promise<string>((resolve, reject) =>
      execFile(pulsarScript, [command], { env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
        error === null ? resolve(stderr.trim()) : reject(new Error(`scripts/pulsar.sh ${command}: ${stderr}`))
      )
    )
  // A start that failed half way may have left a broker running: it is stopped before the error.
  console.log(await script("start").catch((error: unknown) => script("stop").then(() => Promise.reject(error))))
  return {
    httpUrl,
    serviceUrl: `pulsar://127.0.0.1:${brokerPort}`,
    kill: () => script("kill"),
    restart: () => script("restart"),
    stop: () => script("stop")
  }
}
