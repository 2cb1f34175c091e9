/**
 * Publisher vs bare producer, against a real Apache Pulsar broker.
 *
 *   source scripts/node-env.sh && node bench/publisher.ts [--messages 20000] [--rounds 5] [--window 500] [--warmup 1]
 *                                                         [--drain-messages 10000] [--drain-rounds 5] [--occupancy]
 *
 * Every flag has an environment twin (BENCH_MESSAGES, BENCH_ROUNDS, BENCH_WINDOW, BENCH_WARMUP,
 * BENCH_DRAIN_MESSAGES, BENCH_DRAIN_ROUNDS); the broker is PULSAR_HTTP_URL (default http://127.0.0.1:8080).
 *
 * 1. Throughput, 1 KiB payloads, a fresh topic per run, the producer opened before the clock starts:
 *    (a) bare   — `broker.producer(topic)`, `Effect.forEach(messages, send, { concurrency: window })`, flush;
 *    (b) Publisher — `makePublisher({ topic, maxQueueSize: 10, maxInFlight: window })`, `publish` each
 *        message in sequence (as an import connection does), then `shutdown` (drain + flush).
 *    `warmup` rounds (a, b, default 1) not counted, then `rounds` rounds alternating a, b in this one process.
 * 2. Drain on close: a Publisher with maxQueueSize = drain-messages gets that many messages queued with
 *    `publish`, then its scope is closed; the close (drain + flush + producer close) is timed.
 * 3. With --occupancy (BENCH_OCCUPANCY=1), a diagnostic: how full each side keeps the send window. Sends
 *    are counted through a wrapper around the producer and sampled every millisecond (a timer, so
 *    samples fall between event-loop turns); not timed against each other, as the wrapper costs.
 *
 * After every run the topic must hold exactly the number of messages sent (admin API, internalStats),
 * otherwise the benchmark stops with an error.
 */
import { NodeRuntime } from "@effect/platform-node"
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { availableParallelism, cpus, loadavg, totalmem } from "node:os"
import { Duration, Effect, Exit, Scope } from "effect"
import { makePulsarBroker } from "../src/layers/broker/PulsarBroker.ts"
import { Broker, type BrokerShape, type OutgoingMessage } from "../src/services/Broker.ts"
import { makePublisher, type ShutdownReport } from "../src/services/Publisher.ts"
import { ensureNamespace, pulsarAnswers, storedOnTopic } from "../test/support/pulsarAdmin.ts"
import { parseFlags } from "./support/flags.ts"

const flags = parseFlags(import.meta.url, {
  messages: { type: "string" },
  rounds: { type: "string" },
  window: { type: "string" },
  "drain-messages": { type: "string" },
  "drain-rounds": { type: "string" },
  warmup: { type: "string" },
  occupancy: { type: "boolean" }
})

const positive = (name: string, flag: string | undefined, env: string, fallback: number): number => {
  const raw = flag ?? process.env[env]
  if (raw === undefined || raw === "") return fallback
  const value = Number(raw.replace(/[_,]/g, ""))
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

const httpUrl = (process.env["PULSAR_HTTP_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "")
const total = positive("--messages", flags.messages, "BENCH_MESSAGES", 20_000)
const rounds = positive("--rounds", flags.rounds, "BENCH_ROUNDS", 5)
const window = positive("--window", flags.window, "BENCH_WINDOW", 500)
const drainTotal = positive("--drain-messages", flags["drain-messages"], "BENCH_DRAIN_MESSAGES", 10_000)
const warmup = positive("--warmup", flags.warmup, "BENCH_WARMUP", 1)
const drainRounds = positive("--drain-rounds", flags["drain-rounds"], "BENCH_DRAIN_ROUNDS", 5)
const occupancy = flags.occupancy === true || process.env["BENCH_OCCUPANCY"] === "1"
const payloadSize = 1024

const runId = `${process.pid}-${Date.now().toString(36)}`
let topicCounter = 0
const freshTopic = (label: string) => `persistent://tg/flow/bench-${label}-${runId}-${topicCounter++}`

/** 1 KiB payloads, each distinct (its index in the first bytes), built once before any clock starts. */
const makeMessages = (count: number): ReadonlyArray<OutgoingMessage> =>
  Array.from({ length: count }, (_, i) => {
    const payload = Buffer.alloc(payloadSize, 0x61 + (i % 26))
    payload.write(`${i}:`, 0, "latin1")
    return { payload }
  })

const now = Effect.sync(() => performance.now())
/** CPU time this process used (user + system), milliseconds. */
const cpuNow = Effect.sync(() => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
})

/** Wall-clock and CPU milliseconds of one timed section. */
interface Timing {
  readonly wall: number
  readonly cpu: number
}
const timed = <A, E, R>(body: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, Timing], E, R> =>
  Effect.gen(function* () {
    const cpu0 = yield* cpuNow
    const wall0 = yield* now
    const result = yield* body
    const wall = (yield* now) - wall0
    const cpu = (yield* cpuNow) - cpu0
    return [result, { wall, cpu }] as const
  })

const verify = (topic: string, expected: number, what: string) =>
  Effect.promise(async () => {
    // Confirmed sends are persisted; a short retry only covers stats that lag behind the ledger.
    let stored = await storedOnTopic(httpUrl, topic)
    for (let attempt = 0; stored !== expected && attempt < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      stored = await storedOnTopic(httpUrl, topic)
    }
    return stored
  }).pipe(
    Effect.flatMap((stored) =>
      stored === expected
        ? Effect.void
        : Effect.die(new Error(`${what}: ${topic} holds ${stored} messages, expected ${expected}`))
    )
  )

const checkReport = (report: ShutdownReport, what: string) =>
  report.drained && report.dropped === 0 && report.unconfirmed === 0 && report.failed === 0
    ? Effect.void
    : Effect.die(new Error(`${what}: shutdown report ${JSON.stringify(report)}`))

/** (a) The bare pipelined producer: from the first send to the end of the flush. */
const runBare = (broker: BrokerShape, messages: ReadonlyArray<OutgoingMessage>) =>
  Effect.gen(function* () {
    const topic = freshTopic("bare")
    const elapsed = yield* Effect.scoped(
      Effect.gen(function* () {
        const producer = yield* broker.producer(topic)
        const [, timing] = yield* timed(
          Effect.gen(function* () {
            yield* Effect.forEach(messages, producer.send, { concurrency: window, discard: true })
            yield* producer.flush
          })
        )
        return timing
      })
    )
    yield* verify(topic, messages.length, "bare producer")
    return elapsed
  })

/** (b) The Publisher: from the first `publish` to the end of `shutdown` (drain + flush). */
const runPublisher = (broker: BrokerShape, messages: ReadonlyArray<OutgoingMessage>) =>
  Effect.gen(function* () {
    const topic = freshTopic("publisher")
    const elapsed = yield* Effect.scoped(
      Effect.gen(function* () {
        const publisher = yield* makePublisher({ topic, maxQueueSize: 10, maxInFlight: window }).pipe(
          Effect.provideService(Broker, broker)
        )
        const [report, timing] = yield* timed(
          Effect.gen(function* () {
            for (const message of messages) yield* publisher.publish(message)
            return yield* publisher.shutdown
          })
        )
        yield* checkReport(report, "publisher")
        return timing
      })
    )
    yield* verify(topic, messages.length, "publisher")
    return elapsed
  })

interface DrainRun {
  readonly queuedAtClose: number
  readonly closeMillis: number
  readonly shutdownMillis: number
  readonly publishMillis: number
}

/** Queue everything with `publish`, then close the scope: the close is timed. */
const runDrain = (broker: BrokerShape, messages: ReadonlyArray<OutgoingMessage>) =>
  Effect.gen(function* () {
    const topic = freshTopic("drain")
    const scope = yield* Scope.make()
    const publisher = yield* makePublisher({
      topic,
      maxQueueSize: messages.length,
      maxInFlight: window,
      drainTimeout: "120 seconds",
      flushTimeout: "60 seconds"
    }).pipe(Effect.provideService(Broker, broker), Scope.provide(scope))
    const publishStarted = yield* now
    for (const message of messages) yield* publisher.publish(message)
    const queuedAtClose = yield* publisher.queueDepth
    const closeStarted = yield* now
    yield* Scope.close(scope, Exit.void)
    const closed = yield* now
    // Cached: the report of the shutdown the close ran.
    const report = yield* publisher.shutdown
    yield* checkReport(report, "drain")
    yield* verify(topic, messages.length, "drain")
    return {
      queuedAtClose,
      closeMillis: closed - closeStarted,
      shutdownMillis: Duration.toMillis(report.duration),
      publishMillis: closeStarted - publishStarted
    } satisfies DrainRun
  })

/** A broker whose producers count the sends issued and not yet answered. */
const counting = (inner: BrokerShape) => {
  let live = 0
  const broker: BrokerShape = {
    ...inner,
    producer: (topic) =>
      Effect.map(inner.producer(topic), (producer) => ({
        ...producer,
        send: (message: OutgoingMessage) =>
          Effect.suspend(() => {
            live++
            return producer.send(message)
          }).pipe(Effect.ensuring(Effect.sync(() => void live--)))
      }))
  }
  return { broker, live: () => live }
}

/** Mean sends in flight, and the share of samples with the window (nearly) full, while `body` runs. */
const sampled = <A, E, R>(live: () => number, body: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const samples: Array<number> = []
    const timer = yield* Effect.acquireRelease(
      Effect.sync(() => setInterval(() => samples.push(live()), 1)),
      (handle) => Effect.sync(() => clearInterval(handle))
    )
    yield* body
    clearInterval(timer)
    const mean = samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length)
    const full = samples.filter((x) => x >= window * 0.98).length / Math.max(1, samples.length)
    return { mean, full, samples: samples.length }
  }).pipe(Effect.scoped)

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const rate = (count: number, millis: number) => (count * 1000) / millis
const int = (x: number) => Math.round(x).toLocaleString("en-US")
const ms = (x: number) => `${x.toFixed(0)} ms`
const pad = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")

const machine = Effect.promise(async () => {
  const response = await fetch(`${httpUrl}/admin/v2/brokers/version`)
  const pulsar = response.ok
    ? (await response.text()).trim().replace(/^"|"$/g, "")
    : `unknown (HTTP ${response.status})`
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU"
  return {
    source: sourceState(),
    cores: availableParallelism(),
    cpu,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    pulsar
  }
})

/** The commit measured, and whether the code under test differs from it in the working tree. */
const sourceState = (): string => {
  try {
    const git = (...args: Array<string>) =>
      execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    const head = git("rev-parse", "--short", "HEAD")
    const changed = git("status", "--porcelain", "--", "src")
      .split("\n")
      .filter((line) => line.length > 0).length
    return changed === 0 ? `commit ${head}` : `commit ${head} + ${changed} uncommitted change(s) under src/`
  } catch {
    return "not a git checkout"
  }
}

/** Load on the machine: the broker shares it, so other work running at the same time skews every figure. */
const load = (): string => {
  const [one, five] = loadavg()
  let pressure = ""
  try {
    const some = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"))
    if (some !== null) pressure = `, CPU pressure (some) avg10 ${some[1]}% avg60 ${some[2]}%`
  } catch {
    // Not Linux, or no PSI: the load average has to do.
  }
  return `load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min)${pressure}`
}

const main = Effect.gen(function* () {
  if (!(yield* Effect.promise(() => pulsarAnswers(httpUrl)))) {
    return yield* Effect.die(new Error(`no Pulsar broker answers at ${httpUrl} (scripts/pulsar.sh start)`))
  }
  yield* Effect.promise(() => ensureNamespace(httpUrl, "tg/flow"))
  const host = yield* machine
  console.log(
    `machine: ${host.cores} cores (${host.cpu}), ${host.memory}, Node ${host.node}, Pulsar ${host.pulsar} at ${httpUrl}`
  )
  console.log(`code: ${host.source}`)
  console.log(`before: ${load()}`)
  console.log(
    `throughput: ${int(total)} messages × ${payloadSize} B per run, window (concurrency / maxInFlight) ${window}, ` +
      `Publisher maxQueueSize 10; ${warmup} warm-up round(s) + ${rounds} rounds, alternating bare, Publisher`
  )

  const broker = makePulsarBroker({ httpUrl })
  const messages = makeMessages(total)

  for (let round = 1; round <= warmup; round++) {
    const a = yield* runBare(broker, messages)
    const b = yield* runPublisher(broker, messages)
    console.log(
      `warm-up ${round}: bare ${int(rate(total, a.wall))} msg/s, Publisher ${int(rate(total, b.wall))} msg/s (not counted)`
    )
  }

  const bare: Array<Timing> = []
  const published: Array<Timing> = []
  const ratios: Array<number> = []
  const widths = [7, 12, 16, 8, 14, 14]
  console.log()
  console.log(pad(["round", "bare msg/s", "Publisher msg/s", "ratio", "bare CPU", "Publisher CPU"], widths))
  const cpu = (t: number) => `${t.toFixed(0)} ms`
  for (let round = 1; round <= rounds; round++) {
    const a = yield* runBare(broker, messages)
    const b = yield* runPublisher(broker, messages)
    bare.push(a)
    published.push(b)
    ratios.push(a.wall / b.wall)
    console.log(
      pad(
        [
          `${round}`,
          int(rate(total, a.wall)),
          int(rate(total, b.wall)),
          (a.wall / b.wall).toFixed(2),
          cpu(a.cpu),
          cpu(b.cpu)
        ],
        widths
      )
    )
  }
  const bareRate = median(bare.map((t) => rate(total, t.wall)))
  const publisherRate = median(published.map((t) => rate(total, t.wall)))
  const ratio = publisherRate / bareRate
  const bareCpu = median(bare.map((t) => t.cpu))
  const publisherCpu = median(published.map((t) => t.cpu))
  console.log(
    pad(["median", int(bareRate), int(publisherRate), ratio.toFixed(2), cpu(bareCpu), cpu(publisherCpu)], widths)
  )
  // Each round's two runs are back to back, so the per-round ratio cancels most drift in the load
  // on the machine; the ratio of medians pairs runs from different moments.
  const paired = median(ratios)
  const verdict =
    ratio >= 0.9 && paired >= 0.9
      ? "met"
      : ratio < 0.9 && paired < 0.9
        ? "NOT met"
        : `met by one estimate only (${ratio >= 0.9 ? "ratio of medians" : "per-round ratios"})`
  console.log(
    `Publisher / bare: ratio of medians ${ratio.toFixed(2)}, median of per-round ratios ${paired.toFixed(2)} ` +
      `— target ≥ 0.90: ${verdict}`
  )
  console.log(
    `client CPU (this process, user + system) per 1,000 messages: bare ${((bareCpu * 1000) / total).toFixed(1)} ms, ` +
      `Publisher ${((publisherCpu * 1000) / total).toFixed(1)} ms (× ${(publisherCpu / bareCpu).toFixed(2)})`
  )
  console.log(`every run verified: each topic holds exactly ${int(total)} messages`)

  console.log()
  console.log(
    `drain on close: Publisher maxQueueSize ${int(drainTotal)}, maxInFlight ${window}; ${int(drainTotal)} messages ` +
      `queued with publish, then the scope closed; ${drainRounds} rounds`
  )
  const drainMessages = drainTotal === total ? messages : makeMessages(drainTotal)
  const drainWidths = [7, 16, 12, 16, 14]
  console.log(pad(["round", "queued at close", "close", "drain + flush", "publish loop"], drainWidths))
  const drains: Array<DrainRun> = []
  for (let round = 1; round <= drainRounds; round++) {
    const run = yield* runDrain(broker, drainMessages)
    drains.push(run)
    console.log(
      pad(
        [`${round}`, int(run.queuedAtClose), ms(run.closeMillis), ms(run.shutdownMillis), ms(run.publishMillis)],
        drainWidths
      )
    )
  }
  console.log(
    pad(
      [
        "median",
        int(median(drains.map((d) => d.queuedAtClose))),
        ms(median(drains.map((d) => d.closeMillis))),
        ms(median(drains.map((d) => d.shutdownMillis))),
        ms(median(drains.map((d) => d.publishMillis)))
      ],
      drainWidths
    )
  )
  console.log(`every run verified: each topic holds exactly ${int(drainTotal)} messages`)

  if (occupancy) {
    console.log()
    console.log(`window occupancy (diagnostic, sends counted through a wrapper, sampled every 1 ms): ${rounds} rounds`)
    const { broker: countingBroker, live } = counting(broker)
    const occWidths = [7, 14, 14, 18, 18]
    console.log(pad(["round", "bare mean", "bare full", "Publisher mean", "Publisher full"], occWidths))
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`
    const bareOcc: Array<{ mean: number; full: number }> = []
    const publisherOcc: Array<{ mean: number; full: number }> = []
    for (let round = 1; round <= rounds; round++) {
      const a = yield* sampled(live, runBare(countingBroker, messages))
      const b = yield* sampled(live, runPublisher(countingBroker, messages))
      bareOcc.push(a)
      publisherOcc.push(b)
      console.log(pad([`${round}`, a.mean.toFixed(0), pct(a.full), b.mean.toFixed(0), pct(b.full)], occWidths))
    }
    console.log(
      pad(
        [
          "median",
          median(bareOcc.map((o) => o.mean)).toFixed(0),
          pct(median(bareOcc.map((o) => o.full))),
          median(publisherOcc.map((o) => o.mean)).toFixed(0),
          pct(median(publisherOcc.map((o) => o.full)))
        ],
        occWidths
      )
    )
    console.log(
      `mean: sends in flight on average (window ${window}); full: share of samples with ≥ 98% of the window in flight`
    )
  }
  console.log()
  console.log(`after: ${load()}`)
})

NodeRuntime.runMain(main)
