/**
 * The deploy files agree with the code. The Dockerfile: its runtime stage, assembled here from the
 * files its COPY lines name (dist/, bin/, package.json, production node_modules; no src/), runs
 * its ENTRYPOINT as PID 1 of a new PID namespace, as a container does, and that process answers
 * the probes and the HEALTHCHECK and drains on SIGTERM. The Kubernetes manifests: probe paths,
 * ports, selectors, settings that exist and parse, secrets mounted where the settings point, and
 * a termination grace period above the shutdown bound of the settings they configure. The Grafana
 * dashboard: every metric the gateway exports, and no other.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { get } from "node:http"
import { tmpdir } from "node:os"
import { basename, join, posix } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Duration, Effect, Metric, Result } from "effect"
import { parseAllDocuments } from "yaml"
import { resolveSettings, settings, type SettingValues } from "../src/domain/Settings.ts"
import { decodeTokensFile } from "../src/domain/Tokens.ts"
import { brokerCloseBound } from "../src/layers/broker/PulsarBroker.ts"
import { shutdownBound } from "../src/services/Connections.ts"
import * as Metrics from "../src/services/Metrics.ts"
import { triplesFrame } from "./support/frames.ts"
import { connect } from "./support/gateway.ts"
import { freePort } from "./support/process.ts"

const root = fileURLToPath(new URL("../", import.meta.url))
const read = (path: string) => readFileSync(join(root, path), "utf8")

// ---------------------------------------------------------------------------------------------
// The Dockerfile, read as the builder reads it: one instruction per line, `\` continues a line.

interface Instruction {
  readonly keyword: string
  readonly args: string
}

const instructions = (text: string): ReadonlyArray<Instruction> => {
  const joined = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ")
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const keyword = line.split(/\s+/)[0] ?? ""
      return { keyword: keyword.toUpperCase(), args: line.slice(keyword.length).trim() }
    })
}

/** The stages, each from its FROM to the next. */
const stages = (all: ReadonlyArray<Instruction>): ReadonlyArray<ReadonlyArray<Instruction>> =>
  all.reduce<Array<Array<Instruction>>>((acc, instruction) => {
    if (instruction.keyword === "FROM") acc.push([instruction])
    else acc.at(-1)?.push(instruction)
    return acc
  }, [])

const dockerfile = stages(instructions(read("Dockerfile")))
const runtimeStage = dockerfile.at(-1) ?? []
const one = (stage: ReadonlyArray<Instruction>, keyword: string): string => {
  const found = stage.filter((instruction) => instruction.keyword === keyword)
  assert.lengthOf(found, 1, `one ${keyword} in the runtime stage`)
  return found[0]?.args ?? ""
}
const execForm = (args: string): ReadonlyArray<string> => {
  const parsed: unknown = JSON.parse(args)
  assert.isTrue(Array.isArray(parsed) && parsed.every((word) => typeof word === "string"), `exec form: ${args}`)
  return parsed as ReadonlyArray<string>
}

interface Copy {
  readonly from: string | undefined
  readonly sources: ReadonlyArray<string>
  readonly destination: string
}

const copies = (stage: ReadonlyArray<Instruction>): ReadonlyArray<Copy> =>
  stage
    .filter((instruction) => instruction.keyword === "COPY")
    .map((instruction) => {
      const words = instruction.args.split(/\s+/)
      const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length)
      const paths = words.filter((word) => !word.startsWith("--"))
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" }
    })

const workdir = (stage: ReadonlyArray<Instruction>) =>
  stage.filter((instruction) => instruction.keyword === "WORKDIR").at(-1)?.args ?? "/"

/** ENV lines of the form `ENV NAME=value` (the only form the Dockerfile uses). */
const environment = (stage: ReadonlyArray<Instruction>): Record<string, string> =>
  Object.fromEntries(
    stage
      .filter((instruction) => instruction.keyword === "ENV")
      .flatMap((instruction) => instruction.args.split(/\s+/))
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)])
  )

/** Whether `.dockerignore` sends a path to the builder: the last pattern matching it or a parent wins. */
const dockerignore = read(".dockerignore")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/\/+$/, "")
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*/g, "\u0000")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")
      .replace(/\u0000/g, ".*")}$`
  )
const sentToBuilder = (path: string): boolean => {
  const segments = path.replace(/\/+$/, "").split("/")
  const prefixes = segments.map((_, n) => segments.slice(0, n + 1).join("/"))
  let included = true
  for (const pattern of dockerignore) {
    const negated = pattern.startsWith("!")
    const regexp = globToRegExp(negated ? pattern.slice(1) : pattern)
    if (prefixes.some((prefix) => regexp.test(prefix))) included = negated
  }
  return included
}

// ---------------------------------------------------------------------------------------------
// The Kubernetes manifests.

interface Manifest {
  readonly file: string
  readonly kind: string
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> }
  readonly [field: string]: unknown
}

const yamlFiles = (directory: string): ReadonlyArray<string> =>
  readdirSync(join(root, directory)).flatMap((entry) => {
    const path = posix.join(directory, entry)
    return statSync(join(root, path)).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry) ? [path] : []
  })

const manifests: ReadonlyArray<Manifest> = yamlFiles("deploy/kubernetes").flatMap((file) =>
  parseAllDocuments(read(file)).map((document) => {
    assert.deepStrictEqual(document.errors, [], file)
    return { ...(document.toJS() as Manifest), file }
  })
)
const applied = manifests.filter((manifest) => !manifest.file.includes("/examples/"))

const only = (kind: string, among: ReadonlyArray<Manifest> = applied): Manifest => {
  const found = among.filter((manifest) => manifest.kind === kind)
  assert.lengthOf(found, 1, `one ${kind} in deploy/kubernetes`)
  return found[0] as Manifest
}

interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string | number; readonly scheme?: string }
}
interface Container {
  readonly name: string
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly containerPort: number }>
  readonly env?: ReadonlyArray<{ readonly name: string; readonly value?: string; readonly valueFrom?: unknown }>
  readonly envFrom?: ReadonlyArray<{ readonly configMapRef?: { readonly name: string } }>
  readonly livenessProbe: Probe
  readonly readinessProbe: Probe
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>
}
interface PodSpec {
  readonly terminationGracePeriodSeconds: number
  readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number }
  readonly containers: ReadonlyArray<Container>
  readonly volumes?: ReadonlyArray<{
    readonly name: string
    readonly secret?: { readonly secretName: string }
    readonly configMap?: { readonly name: string }
  }>
}
interface DeploymentSpec {
  readonly selector: { readonly matchLabels: Record<string, string> }
  readonly template: { readonly metadata: { readonly labels: Record<string, string> }; readonly spec: PodSpec }
}

const deployment = only("Deployment").spec as DeploymentSpec
const pod = deployment.template.spec
const container = ((): Container => {
  assert.lengthOf(pod.containers, 1, "one container in the pod")
  return pod.containers[0] as Container
})()

/** The environment the container gets: its ConfigMaps (envFrom), then its own env, which wins. */
const containerEnvironment = (): Record<string, string | undefined> => {
  const env: Record<string, string | undefined> = {}
  for (const source of container.envFrom ?? []) {
    assert.isDefined(source.configMapRef, "envFrom is a ConfigMap")
    const configMap = applied.find(
      (manifest) => manifest.kind === "ConfigMap" && manifest.metadata.name === source.configMapRef?.name
    )
    assert.isDefined(configMap, `ConfigMap ${source.configMapRef?.name} is in deploy/kubernetes`)
    Object.assign(env, configMap?.["data"] as Record<string, string>)
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value
  return env
}

/** The settings the gateway runs with in the pod: the manifests' values over the defaults. */
const podSettings = (): SettingValues => {
  const env = Object.fromEntries(
    Object.entries(containerEnvironment()).filter((entry): entry is [string, string] => entry[1] !== undefined)
  )
  const { values, problems } = resolveSettings(env, {})
  assert.deepStrictEqual(problems, [], "every value in the manifests is one the gateway accepts")
  return values
}

const containerPort = (port: string | number): number | undefined =>
  typeof port === "number" ? port : container.ports.find((candidate) => candidate.name === port)?.containerPort

// ---------------------------------------------------------------------------------------------
// The runtime stage, run.

/** An HTTP GET's status, or the error's code. */
const status = (port: number, path: string) =>
  Effect.callback<number | string>((resume) => {
    get({ host: "127.0.0.1", port, path }, (response) => {
      response.resume()
      resume(Effect.succeed(response.statusCode ?? 0))
    }).on("error", (error: NodeJS.ErrnoException) => resume(Effect.succeed(error.code ?? error.message)))
  })

interface Pid1 {
  /** `unshare`, which waits for the namespace's PID 1 and exits with its status. */
  readonly child: ChildProcess
  /** The PID 1 process, as this namespace sees it (where signals are sent from, as `docker stop` does). */
  readonly pid: number
  readonly output: () => string
}

/**
 * Runs `command` as PID 1 of a new PID namespace (`unshare --pid --fork`), in `cwd`, and returns
 * once it has printed `readyWhen`. Killed with the scope: `--kill-child` takes PID 1 with unshare.
 */
const asPid1 = (
  command: ReadonlyArray<string>,
  cwd: string,
  env: Record<string, string>,
  readyWhen: (output: string) => boolean
) =>
  Effect.acquireRelease(
    Effect.callback<Pid1, Error>((resume) => {
      const child = spawn("unshare", ["--pid", "--fork", "--kill-child", ...command], {
        cwd,
        env,
        stdio: ["pipe", "pipe", "pipe"]
      })
      let output = ""
      let ready = false
      const collect = (chunk: Buffer) => {
        output += chunk.toString()
        if (ready || !readyWhen(output)) return
        ready = true
        // Once it has printed, PID 1 exists: unshare's only child.
        const unshare = child.pid ?? 0
        const pid = Number(readFileSync(`/proc/${unshare}/task/${unshare}/children`, "utf8").trim())
        resume(Effect.succeed({ child, pid, output: () => output }))
      }
      child.stdout.on("data", collect)
      child.stderr.on("data", collect)
      child.once("error", (error) => resume(Effect.fail(error)))
      child.once("exit", (code) =>
        resume(Effect.fail(new Error(`${command.join(" ")} exited with ${code}: ${output}`)))
      )
    }),
    ({ child }) => Effect.sync(() => child.kill("SIGKILL"))
  )

const exitOf = (child: ChildProcess) =>
  Effect.callback<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resume(Effect.succeed({ code: child.exitCode, signal: child.signalCode }))
    child.once("exit", (code, signal) => resume(Effect.succeed({ code, signal })))
  })

/** The process's pid in each PID namespace it is in, outermost first (`NSpid` of its status). */
const namespacePids = (pid: number): ReadonlyArray<number> =>
  (/^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "").split(/\s+/).map(Number)

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ readonly code: number | null; readonly output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, output }))
  })

const directory = mkdtempSync(join(tmpdir(), "tg-gateway-image-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe("the Dockerfile", () => {
  it.effect("builds in one stage and runs in another, from node:24-slim by tag, without src/", () =>
    Effect.sync(() => {
      assert.isAtLeast(dockerfile.length, 2, "multi-stage")
      for (const stage of dockerfile) assert.match(stage[0]?.args ?? "", /^node:24-slim\b(?!.*@sha256)/)
      const runtime = copies(runtimeStage)
      assert.isNotEmpty(runtime)
      for (const copy of runtime) for (const source of copy.sources) assert.notMatch(source, /(^|\/)src\/?$/, source)
    })
  )

  it.effect("runs as a numeric user that is not root, stops with SIGTERM, and is the gateway itself", () =>
    Effect.sync(() => {
      const [user = "", group] = one(runtimeStage, "USER").split(":")
      assert.match(user, /^\d+$/, "numeric, so that Kubernetes' runAsNonRoot can check it")
      assert.notStrictEqual(Number(user), 0)
      if (group !== undefined) assert.notStrictEqual(Number(group), 0)
      assert.strictEqual(one(runtimeStage, "STOPSIGNAL"), "SIGTERM")
      // Exec form: no shell in between, so the gateway is PID 1 and receives the signal itself.
      assert.deepStrictEqual(execForm(one(runtimeStage, "ENTRYPOINT")), ["node", "bin/tg-gateway.js", "serve"])
      assert.deepStrictEqual(
        runtimeStage.filter((instruction) => instruction.keyword === "CMD"),
        [],
        "no CMD after the ENTRYPOINT"
      )
      assert.strictEqual(one(runtimeStage, "EXPOSE"), settings.port.default)
      const healthcheck = one(runtimeStage, "HEALTHCHECK")
      assert.match(healthcheck, /\bCMD \[/, "exec form")
      assert.include(healthcheck, "/healthz")
      // The pod's user is the image's, so the same checks hold in the cluster.
      assert.strictEqual(pod.securityContext?.runAsNonRoot, true)
      assert.strictEqual(pod.securityContext?.runAsUser, Number(user))
    })
  )

  it.effect(".dockerignore sends what the build stage copies and keeps out local builds and modules", () =>
    Effect.sync(() => {
      const sources = dockerfile.flatMap((stage) =>
        copies(stage)
          .filter((copy) => copy.from === undefined)
          .flatMap((copy) => copy.sources)
      )
      assert.isNotEmpty(sources)
      for (const source of sources) {
        assert.isTrue(existsSync(join(root, source)), `${source} exists`)
        assert.isTrue(sentToBuilder(source), `${source} is sent to the builder`)
      }
      for (const kept of ["node_modules", "node_modules/ws/index.js", "dist", "dist/index.js", ".git", "test"])
        assert.isFalse(sentToBuilder(kept), `${kept} is not sent`)
    })
  )

  describe("its runtime stage, run as PID 1 outside Docker", () => {
    const build = join(directory, "build")
    const image = join(directory, "image")
    let port = 0

    beforeAll(async () => {
      if (
        !existsSync(join(root, "dist", "programs", "main.js")) ||
        !existsSync(join(root, "dist", "command", "main.js"))
      )
        throw new Error("dist/ is not built: run 'npm run build' first (npm test does)")
      // The build stage's result: dist/ built from src/ (npm test has just built it) and the
      // production dependencies of the lock file, installed without scripts as the Dockerfile does.
      mkdirSync(build)
      for (const file of ["package.json", "package-lock.json"]) cpSync(join(root, file), join(build, file))
      cpSync(join(root, "dist"), join(build, "dist"), { recursive: true })
      const install = await run(
        "npm",
        ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"],
        build
      )
      if (install.code !== 0) throw new Error(`npm ci --omit=dev failed:\n${install.output}`)
      // The runtime stage: exactly what its COPY lines name, from the build stage or the context.
      const from = workdir(dockerfile.find((stage) => / AS build$/i.test(stage[0]?.args ?? "")) ?? [])
      const to = workdir(runtimeStage)
      mkdirSync(image)
      for (const copy of copies(runtimeStage)) {
        for (const source of copy.sources) {
          const origin = copy.from === undefined ? join(root, source) : join(build, posix.relative(from, source))
          const destination = posix.isAbsolute(copy.destination) ? copy.destination : posix.join(to, copy.destination)
          const target = join(image, posix.relative(to, destination))
          cpSync(origin, statSync(origin).isDirectory() ? target : join(target, basename(origin)), { recursive: true })
        }
      }
      port = await Effect.runPromise(freePort)
    })

    it.effect("holds dist/, bin/, package.json and production dependencies only", () =>
      Effect.sync(() => {
        assert.deepStrictEqual(readdirSync(image).sort(), ["bin", "dist", "node_modules", "package.json"])
        assert.isTrue(existsSync(join(image, "node_modules", "effect")))
        assert.isFalse(existsSync(join(image, "node_modules", "vitest")), "no development dependencies")
        assert.isTrue(existsSync(join(image, "dist", "command", "main.js")), "the command's bundle, which bin/ runs")
      })
    )

    it.live("the ENTRYPOINT runs dist/ as PID 1, answers the probes and the HEALTHCHECK, and drains on SIGTERM", () =>
      Effect.gen(function* () {
        const env = {
          PATH: process.env["PATH"] ?? "",
          ...environment(runtimeStage),
          LANGUAGE: "en",
          GATEWAY_PORT: String(port),
          GATEWAY_HOST: "127.0.0.1"
        }
        const [node, ...args] = execForm(one(runtimeStage, "ENTRYPOINT"))
        assert.strictEqual(node, "node")
        const gateway = yield* asPid1([process.execPath, ...args], image, env, (output) =>
          output.includes("tg-gateway listening")
        )
        assert.strictEqual(namespacePids(gateway.pid).at(-1), 1, "PID 1 of its namespace")
        assert.isFalse(existsSync(join(image, "src")))

        assert.strictEqual(yield* status(port, container.livenessProbe.httpGet.path), 200)
        assert.strictEqual(yield* status(port, container.readinessProbe.httpGet.path), 200)
        const healthcheck = execForm(/\bCMD (\[.*\])$/.exec(one(runtimeStage, "HEALTHCHECK"))?.[1] ?? "[]")
        assert.strictEqual(healthcheck[0], "node")
        const checked = yield* Effect.promise(() =>
          run(process.execPath, healthcheck.slice(1), image, { ...process.env, ...env })
        )
        assert.strictEqual(checked.code, 0, checked.output)

        // An import with a frame persisted and the socket open when `docker stop` signals.
        const client = yield* connect(`ws://127.0.0.1:${port}/api/v1/flow/default/import/triples?ack=true`)
        client.send(triplesFrame("before-the-signal"))
        yield* client.until((received) => received.length >= 1)
        assert.deepStrictEqual(client.received, [{ ack: 1 }])

        process.kill(gateway.pid, "SIGTERM")
        assert.deepStrictEqual(yield* exitOf(gateway.child), { code: 0, signal: null }, gateway.output())
        assert.deepStrictEqual(yield* client.closed, { code: 1001, reason: "server shutting down" })
        assert.include(gateway.output(), "every connection drained")
      })
    )

    it.live("the harness is PID 1's: a Node process with no handler of its own ignores SIGTERM there", () =>
      Effect.gen(function* () {
        // Echoes standard input. Were SIGTERM's default action taken, the process would end before
        // it could read the next line; its echo proves the signal was dropped.
        const echo = yield* asPid1(
          [process.execPath, "-e", "console.log('up'); process.stdin.on('data', (d) => process.stdout.write(d))"],
          directory,
          { PATH: process.env["PATH"] ?? "" },
          (output) => output.includes("up")
        )
        assert.strictEqual(namespacePids(echo.pid).at(-1), 1)
        process.kill(echo.pid, "SIGTERM")
        echo.child.stdin?.write("still here\n")
        yield* Effect.callback<void>((resume) => {
          const check = () => {
            if (echo.output().includes("still here")) resume(Effect.void)
          }
          echo.child.stdout?.on("data", check)
          echo.child.once("exit", () => resume(Effect.void))
          check()
        })
        assert.include(echo.output(), "still here", "PID 1 without a handler survived SIGTERM")
        assert.isNull(echo.child.exitCode)
      })
    )
  })
})

describe("the Kubernetes manifests", () => {
  it.effect("have a Deployment, a Service, a PodDisruptionBudget and a ConfigMap, and an example Secret", () =>
    Effect.sync(() => {
      assert.deepStrictEqual(applied.map((manifest) => manifest.kind).sort(), [
        "ConfigMap",
        "Deployment",
        "PodDisruptionBudget",
        "Service"
      ])
      only("Secret", manifests)
    })
  )

  it.effect("probe /healthz for liveness and /readyz for readiness, on the port the gateway listens on", () =>
    Effect.sync(() => {
      const listening = podSettings().port
      assert.strictEqual(container.livenessProbe.httpGet.path, "/healthz")
      assert.strictEqual(container.readinessProbe.httpGet.path, "/readyz")
      for (const probe of [container.livenessProbe, container.readinessProbe]) {
        assert.strictEqual(containerPort(probe.httpGet.port), listening, probe.httpGet.path)
        // The listener speaks HTTPS when it has a certificate, and the probes must too.
        const tls = "GATEWAY_TLS_CERT_FILE" in containerEnvironment()
        assert.strictEqual(probe.httpGet.scheme ?? "HTTP", tls ? "HTTPS" : "HTTP", probe.httpGet.path)
      }
      assert.deepStrictEqual(
        container.ports.map((port) => port.containerPort),
        [Number(settings.port.default)]
      )
      assert.strictEqual(listening, Number(settings.port.default))
      const template = only("Deployment").spec as { template: { metadata: { annotations?: Record<string, string> } } }
      const annotations = template.template.metadata.annotations ?? {}
      if ("prometheus.io/port" in annotations) assert.strictEqual(annotations["prometheus.io/port"], String(listening))
    })
  )

  it.effect("name only real settings, with values the gateway accepts", () =>
    Effect.sync(() => {
      const known = new Set(Object.values(settings).map((spec) => spec.env))
      const named = Object.keys(containerEnvironment())
      assert.isNotEmpty(named)
      for (const name of named) assert.isTrue(known.has(name), `${name} is a setting of tg-gateway serve`)
      podSettings()
    })
  )

  it.effect("give the pod longer to stop than the gateway's shutdown bound with its settings", () =>
    Effect.sync(() => {
      // docs/design.md, "The process": the drains and the grace period, then at most the broker
      // sockets' close bound; beyond it, room for the process to begin and end its exit.
      const margin = Duration.seconds(5)
      const values = podSettings()
      const bound = Duration.sum(shutdownBound(values), Duration.fromInputUnsafe(brokerCloseBound))
      const grace = Duration.seconds(pod.terminationGracePeriodSeconds)
      assert.isTrue(
        Duration.isGreaterThanOrEqualTo(grace, Duration.sum(bound, margin)),
        `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} s, shutdown bound ${Duration.format(bound)}`
      )
      // The defaults alone give the README's figure: 8 s, plus 1 s for the broker's sockets.
      const defaults = resolveSettings({}, {}).values
      assert.strictEqual(Duration.toSeconds(shutdownBound(defaults)), 8)
      assert.isTrue(Duration.isGreaterThan(grace, Duration.sum(shutdownBound(defaults), Duration.seconds(1))))
    })
  )

  it.effect("mount every file a setting names from a Secret or ConfigMap volume that holds it", () =>
    Effect.sync(() => {
      const env = containerEnvironment()
      const files = Object.entries(env).filter(([name]) => name.endsWith("_FILE"))
      assert.isNotEmpty(files, "secrets are given as files")
      for (const [name, path] of files) {
        const mount = (container.volumeMounts ?? []).find((candidate) =>
          (path ?? "").startsWith(candidate.mountPath.replace(/\/?$/, "/"))
        )
        assert.isDefined(mount, `${name}=${path} is under a volume mount`)
        const volume = (pod.volumes ?? []).find((candidate) => candidate.name === mount?.name)
        assert.isDefined(volume, `volume ${mount?.name}`)
        const key = posix.relative(mount?.mountPath ?? "", path ?? "")
        const holder =
          volume?.secret !== undefined
            ? manifests.find((m) => m.kind === "Secret" && m.metadata.name === volume.secret?.secretName)
            : manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === volume?.configMap?.name)
        assert.isDefined(holder, `the Secret or ConfigMap of volume ${volume?.name} (deploy/kubernetes/examples/)`)
        const keys = Object.keys({ ...(holder?.["data"] as object), ...(holder?.["stringData"] as object) })
        assert.include(keys, key, `${name}: ${holder?.metadata.name} has ${key}`)
      }
    })
  )

  it.effect("show in the example Secret a tokens file the gateway accepts", () =>
    Effect.sync(() => {
      const tokensFile = containerEnvironment()["GATEWAY_TOKENS_FILE"]
      assert.isDefined(tokensFile)
      const secret = only("Secret", manifests)
      const text = (secret["stringData"] as Record<string, string>)[posix.basename(tokensFile ?? "")]
      const decoded = decodeTokensFile(text ?? "")
      assert.isTrue(Result.isSuccess(decoded), Result.isFailure(decoded) ? decoded.failure : "")
    })
  )

  it.effect("select the Deployment's pods by their labels: the Deployment, the Service and the budget", () =>
    Effect.sync(() => {
      const labels = deployment.template.metadata.labels
      const matches = (selector: Record<string, string>) =>
        Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)
      assert.isTrue(matches(deployment.selector.matchLabels), "Deployment")
      const service = only("Service").spec as {
        selector: Record<string, string>
        ports: ReadonlyArray<{ targetPort: string | number }>
      }
      assert.isTrue(matches(service.selector), "Service")
      for (const port of service.ports)
        assert.strictEqual(containerPort(port.targetPort), podSettings().port, "the Service reaches the gateway's port")
      const budget = only("PodDisruptionBudget").spec as { selector: { matchLabels: Record<string, string> } }
      assert.isTrue(matches(budget.selector.matchLabels), "PodDisruptionBudget")
    })
  )
})

describe("the Grafana dashboard", () => {
  interface Panel {
    readonly type: string
    readonly title: string
    readonly id: number
    readonly targets?: ReadonlyArray<{ readonly expr: string }>
  }
  const dashboard = JSON.parse(read("deploy/grafana/tg-gateway-dashboard.json")) as {
    readonly panels: ReadonlyArray<Panel>
  }
  const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))

  /** Metric names as Prometheus sees them: a histogram is its _bucket, _sum and _count series. */
  const exported = Metrics.all.map((metric) =>
    metric.type === "Histogram" ? [`${metric.id}_bucket`, `${metric.id}_sum`, `${metric.id}_count`] : [metric.id]
  )

  /** Names in PromQL that are metrics: not functions, keywords, labels, variables or strings. */
  const promql = new Set(["sum", "rate", "increase", "histogram_quantile", "by", "le", "instance", "and", "or"])
  const metricsIn = (expr: string) =>
    (
      expr
        .replace(/\{[^}]*\}/g, " ")
        .replace(/\[[^\]]*\]/g, " ")
        .replace(/"[^"]*"/g, " ")
        .match(/[a-z_][a-z0-9_]*/g) ?? []
    ).filter((word) => !promql.has(word))

  it.effect("charts every metric the gateway exports", () =>
    Effect.sync(() => {
      assert.strictEqual(Metrics.all.length, Object.values(Metrics).filter(Metric.isMetric).length)
      const charted = new Set(expressions.flatMap(metricsIn))
      for (const names of exported)
        assert.isTrue(
          names.some((name) => charted.has(name)),
          `${names[0]} is on the dashboard`
        )
    })
  )

  it.effect("refers to no metric the gateway does not export, with unique panel ids", () =>
    Effect.sync(() => {
      const known = new Set(exported.flat())
      for (const expr of expressions) {
        const metrics = metricsIn(expr)
        assert.isNotEmpty(metrics, expr)
        for (const metric of metrics) assert.isTrue(known.has(metric), `${metric} in ${expr}`)
      }
      const ids = dashboard.panels.map((panel) => panel.id)
      assert.strictEqual(new Set(ids).size, ids.length)
    })
  )
})
