/** Helpers for tests that start real processes. */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const main = fileURLToPath(new URL("../../src/programs/main.ts", import.meta.url))

/**
 * Starts `tg-gateway serve` (in English) with `env` added to the test's environment, waits for it
 * to say it is listening, and kills it when the scope closes if it is still running.
 */
export const serveProcess = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly child: ChildProcess; readonly output: Array<string> }, Error>((resume) => {
      const child = spawn(process.execPath, [main, "serve", "--lang", "en"], {
        env: { ...process.env, ...env },
        stdio: "pipe"
      })
      const output: Array<string> = []
      const collect = (chunk: Buffer) => {
        output.push(chunk.toString())
        if (chunk.toString().includes("tg-gateway listening")) resume(Effect.succeed({ child, output }))
      }
      child.stdout.on("data", collect)
      child.stderr.on("data", collect)
      child.once("exit", (code) => resume(Effect.fail(new Error(`serve exited with ${code}: ${output.join("")}`))))
    }),
    ({ child }) => Effect.sync(() => child.kill("SIGKILL"))
  )

/** The process's exit code, once it has exited. */
export const exitOf = (child: ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

/** A TCP port nothing listens on right now, for a process the test starts. */
export const freePort = Effect.promise(
  () =>
    new Promise<number>((resolve) => {
      const probe = createServer()
      probe.listen(0, "127.0.0.1", () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
      })
    })
)
