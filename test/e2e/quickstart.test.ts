/**
 * The README's quickstart, run as a new user would: the commands are read from the README itself,
 * a real `npm start` serves on the embedded broker, and the exported triples are compared with
 * the sample file's. Only the port differs (GATEWAY_PORT and TG_GATEWAY_URL), so nothing else
 * on the machine is disturbed.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Parser } from "n3"
import { type RdfQuad, tripleFromRdf, tripleToNTriples } from "../../src/domain/Rdf.ts"
import { freePort } from "../support/process.ts"

const root = fileURLToPath(new URL("../../", import.meta.url))

const quickstartCommands = (): Array<string> => {
  const readme = readFileSync(`${root}README.md`, "utf8")
  const section = readme.split("\n## Quickstart\n")[1] ?? ""
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? ""
  return block.split("\n").filter((line) => line.trim() !== "")
}

/** The triples of an RDF file, as sorted N-Triples lines with blank node labels made uniform. */
const triplesOf = (path: string, format: string) =>
  (new Parser({ format }).parse(readFileSync(path, "utf8")) as unknown as Array<RdfQuad>)
    .map((quad) => tripleToNTriples(tripleFromRdf(quad)).replace(/_:\S+/g, "_:b"))
    .sort()

const shell = (command: string, env: NodeJS.ProcessEnv, detached = false): ChildProcess =>
  spawn("sh", ["-c", command], { cwd: root, env, stdio: "pipe", detached })

const finished = (child: ChildProcess) =>
  Effect.callback<{ readonly code: number | null; readonly output: string }>((resume) => {
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, output })))
  })

describe("README quickstart", () => {
  it.live("serve on the embedded broker, import the sample Turtle file, export it back: the same triples", () =>
    Effect.gen(function* () {
      const commands = quickstartCommands()
      assert.deepStrictEqual(commands[0], "npm start &", "the quickstart starts the gateway first")
      const port = yield* freePort
      const env = { ...process.env, GATEWAY_PORT: String(port), TG_GATEWAY_URL: `ws://127.0.0.1:${port}` }
      rmSync(`${root}sample-out.nt`, { force: true })

      const server = yield* Effect.acquireRelease(
        Effect.callback<ChildProcess, Error>((resume) => {
          const child = shell(commands[0]?.replace(/ &$/, "") ?? "", env, true)
          let output = ""
          const collect = (chunk: Buffer) => {
            output += chunk.toString()
            if (output.includes("tg-gateway listening")) resume(Effect.succeed(child))
          }
          child.stdout?.on("data", collect)
          child.stderr?.on("data", collect)
          child.once("exit", (code) => resume(Effect.fail(new Error(`npm start exited with ${code}: ${output}`))))
        }),
        (child) =>
          Effect.sync(() => {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM")
          })
      )
      void server

      for (const command of commands.slice(1)) {
        const { code, output } = yield* finished(shell(command, env))
        assert.strictEqual(code, 0, `${command}\n${output}`)
      }
      assert.deepStrictEqual(
        triplesOf(`${root}sample-out.nt`, "N-Quads*"),
        triplesOf(`${root}examples/sample.ttl`, "Turtle*")
      )
      rmSync(`${root}sample-out.nt`, { force: true })
    })
  )
})
