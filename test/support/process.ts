/** Helpers for tests that start real processes. */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer, type Socket } from "node:net"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const main = fileURLToPath(new URL("../../src/programs/main.ts", import.meta.url))

/**
 * Starts `tg-gateway serve` (in English) with `env` added to the test's environment, waits for it
 * to say `readyWhen` (by default, that it is listening), and kills it when the scope closes if it
 * is still running.
 */
export const serveProcess = (env: Record<string, string>, readyWhen = "tg-gateway listening") =>
  Effect.acquireRelease(
    Effect.callback<{ readonly child: ChildProcess; readonly output: Array<string> }, Error>((resume) => {
      const child = spawn(process.execPath, [main, "serve", "--lang", "en"], {
        env: { ...process.env, ...env },
        stdio: "pipe"
      })
      const output: Array<string> = []
      const collect = (chunk: Buffer) => {
        output.push(chunk.toString())
        if (output.join("").includes(readyWhen)) resume(Effect.succeed({ child, output }))
      }
      child.stdout.on("data", collect)
      child.stderr.on("data", collect)
      child.once("exit", (code) => resume(Effect.fail(new Error(`serve exited with ${code}: ${output.join("")}`))))
    }),
    ({ child }) => Effect.sync(() => child.kill("SIGKILL"))
  )

/**
 * Runs `tg-gateway serve` (in English) with `env` added to the test's environment until it exits by
 * itself (a start-up error): its exit code and everything it wrote, read to the end.
 */
export const serveUntilExit = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      spawn(process.execPath, [main, "serve", "--lang", "en"], { env: { ...process.env, ...env }, stdio: "pipe" })
    ),
    (child) => Effect.sync(() => child.kill("SIGKILL"))
  ).pipe(
    Effect.flatMap((child) =>
      Effect.callback<{ readonly code: number | null; readonly text: string }>((resume) => {
        const output: Array<string> = []
        child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()))
        child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()))
        // "close" rather than "exit": by then everything it wrote has been read.
        child.once("close", (code) => resume(Effect.succeed({ code, text: output.join("") })))
      })
    )
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

/**
 * A TCP server that accepts connections and never answers them — a peer that is frozen, or a
 * gateway whose upgrade never completes — calling `onConnection` for each; closed with the scope.
 */
export const silentServer = (onConnection: () => void = () => {}) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly port: number; readonly close: () => void }>((resume) => {
      const sockets: Array<Socket> = []
      const server = createServer((socket) => {
        sockets.push(socket)
        onConnection()
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        resume(
          Effect.succeed({
            port: typeof address === "object" && address !== null ? address.port : 0,
            close: () => {
              for (const socket of sockets) socket.destroy()
              server.close()
            }
          })
        )
      })
    }),
    (server) => Effect.sync(server.close)
  )
