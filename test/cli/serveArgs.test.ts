/**
 * `tg-gateway serve` refuses what it does not understand instead of running with defaults:
 * `--brokr pulsar` must not quietly start the in-memory broker.
 */
import { execFile, spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))

/** Runs the command; it must exit by itself (a started gateway would not), with what it printed. */
const tgGateway = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.callback<{ readonly code: number; readonly output: string }>((resume) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env["PATH"] ?? "", GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", ...env } },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : Number(error.code ?? 1), output: stdout + stderr }))
    )
  })

describe("tg-gateway serve: usage errors", () => {
  it.live("an unknown option is a usage error, exit 2, and no gateway starts", () =>
    Effect.gen(function* () {
      const misspelt = yield* tgGateway(["serve", "--brokr", "pulsar"])
      assert.strictEqual(misspelt.code, 2)
      assert.include(misspelt.output, "unknown option --brokr for 'serve'")
      assert.notInclude(misspelt.output, "listening")
      const short = yield* tgGateway(["serve", "-p", "8888"])
      assert.strictEqual(short.code, 2)
      assert.include(short.output, "unknown option -p for 'serve'")
      const asSwitch = yield* tgGateway(["serve", "--force"])
      assert.strictEqual(asSwitch.code, 2)
      assert.include(asSwitch.output, "unknown option --force for 'serve'")
    })
  )

  it.live("a stray argument is a usage error, exit 2", () =>
    Effect.gen(function* () {
      const stray = yield* tgGateway(["serve", "pulsar"])
      assert.strictEqual(stray.code, 2)
      assert.include(stray.output, "serve takes no arguments (extra: pulsar)")
    })
  )

  it.live("a FLOWS_FILE that is missing or not JSON is a configuration error, exit 2, as documented", () =>
    Effect.gen(function* () {
      const missing = yield* tgGateway(["serve"], { FLOWS_FILE: join(tmpdir(), `no-flows-${process.pid}.json`) })
      assert.strictEqual(missing.code, 2, missing.output)
      assert.include(missing.output, "configuration error in FLOWS_FILE")
      assert.include(missing.output, "'tg-gateway serve --help' lists every setting")
      const broken = join(tmpdir(), `broken-flows-${process.pid}.json`)
      writeFileSync(broken, "{not json")
      const bad = yield* tgGateway(["serve", "--flows-file", broken])
      assert.strictEqual(bad.code, 2, bad.output)
      assert.include(bad.output, `configuration error in FLOWS_FILE ${broken}`)
    })
  )

  it.live("help import is import --help", () =>
    Effect.gen(function* () {
      const help = yield* tgGateway(["help", "import"])
      assert.strictEqual(help.code, 0)
      assert.include(help.output, "Usage: tg-gateway import [options] <file>... | -")
      assert.include(help.output, "-u, --url, --api-url URL")
      assert.include(help.output, "env TG_GATEWAY_TOKEN, TRUSTGRAPH_TOKEN")
    })
  )
})

/** Starts `tg-gateway serve` on the in-memory broker; once it listens, the command line its pid runs. */
const servingCommandLine = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      spawn(process.execPath, [bin, "serve", "--lang", "en"], {
        env: { PATH: process.env["PATH"] ?? "", BROKER: "memory", GATEWAY_PORT: "0", ...env },
        stdio: "pipe"
      })
    ),
    (child) => Effect.sync(() => child.kill("SIGKILL"))
  ).pipe(
    Effect.flatMap((child) =>
      Effect.callback<ReadonlyArray<string>, Error>((resume) => {
        let output = ""
        const collect = (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes("tg-gateway listening")) {
            resume(Effect.succeed(readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0")))
          }
        }
        child.stdout.on("data", collect)
        child.stderr.on("data", collect)
        child.once("exit", (code) => resume(Effect.fail(new Error(`serve exited with ${code}: ${output}`))))
      })
    )
  )

describe("tg-gateway serve: the young generation", () => {
  it.live("runs with 8 MiB semi-spaces, as the same process; a size given in NODE_OPTIONS is kept", () =>
    Effect.gen(function* () {
      const capped = yield* servingCommandLine({})
      assert.include(capped, "--max-semi-space-size=8", capped.join(" "))
      const given = yield* servingCommandLine({ NODE_OPTIONS: "--max-semi-space-size=2" })
      assert.notInclude(given, "--max-semi-space-size=8", given.join(" "))
    }).pipe(Effect.scoped)
  )
})
