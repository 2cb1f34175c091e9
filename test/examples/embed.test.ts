/**
 * examples/embed.ts run as a user would run it: an Effect program of its own that mounts the
 * gateway's routes on its own server, next to a route of its own. That route says where the
 * sockets are, `/readyz` answers on the same port, a frame imported there comes back out of an
 * export socket, every line on its standard output is its own logger's (JSON), the gateway's
 * included, and SIGTERM drains the gateway and ends the program as `NodeRuntime.runMain` ends any
 * interrupted program (130), with nothing on standard error.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { sampleFrames } from "../support/frames.ts"
import { connect } from "../support/gateway.ts"

const example = fileURLToPath(new URL("../../examples/embed.ts", import.meta.url))

/** The message of one line of the example's JSON logger, or undefined when the line is not one. */
const messageOf = (line: string): string | undefined => {
  try {
    const entry: unknown = JSON.parse(line)
    return typeof entry === "object" && entry !== null && "message" in entry ? String(entry.message) : undefined
  } catch {
    return undefined
  }
}

/** The exit code once the process has exited and its output has been read to the end. */
const closedWith = (child: ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null && child.stdout?.readableEnded === true) return resume(Effect.succeed(child.exitCode))
    child.once("close", (code) => resume(Effect.succeed(code)))
  })

interface Running {
  readonly child: ChildProcess
  readonly stdout: Array<string>
  readonly stderr: Array<string>
  readonly port: number
}

/** Starts the example on a free port and waits until its server has said where it listens. */
const startExample = Effect.acquireRelease(
  Effect.callback<Running, Error>((resume) => {
    // Only what Node needs: none of the gateway's settings leaks in from the test's environment.
    const child = spawn(process.execPath, [example], {
      env: { PATH: process.env["PATH"] ?? "", APP_PORT: "0" },
      stdio: "pipe"
    })
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    let pending = ""
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split("\n")
      pending = lines.pop() ?? ""
      for (const line of lines) {
        stdout.push(line)
        const listening = /^Listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(messageOf(line) ?? "")
        if (listening !== null) resume(Effect.succeed({ child, stdout, stderr, port: Number(listening[1]) }))
      }
    })
    child.stdout.on("end", () => {
      if (pending !== "") stdout.push(pending)
    })
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString()))
    child.once("exit", (code) =>
      resume(Effect.fail(new Error(`the example exited with ${code}: ${stdout.join("\n")}${stderr.join("")}`)))
    )
  }),
  ({ child }) =>
    Effect.sync(() => {
      if (child.exitCode === null) child.kill("SIGKILL")
    })
)

describe("examples/embed.ts", () => {
  it.live("serves its own route and the gateway's on one port, logs through its own logger, drains on SIGTERM", () =>
    Effect.gen(function* () {
      const running = yield* startExample

      const answer = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${running.port}/gateway`).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { import: string; export: string }
        }))
      )
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.body.import, `ws://127.0.0.1:${running.port}/api/v1/flow/{flow}/import/{kind}`)
      const ready = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${running.port}/readyz`).then(async (r) => ({ status: r.status, body: await r.text() }))
      )
      assert.deepStrictEqual([ready.status, (JSON.parse(ready.body) as { status: string }).status], [200, "ready"])

      // The flow "demo" exists only because the example's own ConfigProvider says FLOWS=default,demo.
      const base = `ws://127.0.0.1:${running.port}/api/v1/flow/demo`
      const exporter = yield* connect(`${base}/export/triples`)
      const importer = yield* connect(`${base}/import/triples?ack=true`)
      const frame = sampleFrames.triples("embedded")
      importer.send(frame)
      yield* importer.until((got) => got.length >= 1)
      assert.deepStrictEqual(importer.received, [{ ack: 1 }])
      yield* exporter.until((got) => got.length >= 1)
      assert.deepStrictEqual(exporter.received, [frame])
      yield* importer.close()

      running.child.kill("SIGTERM")
      const closed = yield* exporter.closed
      assert.strictEqual(closed.code, 1001, "the gateway drained the export socket and said it is going away")
      assert.strictEqual(yield* closedWith(running.child), 130)
      assert.deepStrictEqual(running.stderr, [])
      const messages = running.stdout.map(messageOf)
      assert.deepStrictEqual(
        running.stdout.filter((_, i) => messages[i] === undefined),
        [],
        "every line is the example's JSON logger's"
      )
      assert.isTrue(
        messages.some((message) => message?.startsWith("shutting down: draining") === true),
        `the gateway's shutdown is logged through the example's logger:\n${messages.join("\n")}`
      )
    })
  )
})
