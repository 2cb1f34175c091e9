/**
 * What the serving gateway loads of Node: not Node's own fetch implementation (undici, with http2,
 * worker threads and performance hooks, about 13 MiB), which a static import of `node:http` used to
 * pull in although the gateway never calls it — not at start, and not while it answers health
 * checks and metrics scrapes, as a deployment's probes make it do all day.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { freePort, serveProcess } from "../support/process.ts"

/** A preload that writes the process's list of loaded built-in modules when sent SIGUSR2. */
const moduleListPreload = () => {
  const file = join(mkdtempSync(join(tmpdir(), "tg-modules-")), "modules.mjs")
  writeFileSync(
    file,
    'process.on("SIGUSR2", () => process.stderr.write(`MODULES ${JSON.stringify(process.moduleLoadList)}\\n`))\n'
  )
  return file
}

describe("the gateway's share of Node", () => {
  it.live("serving and answering probes, it never loads Node's fetch implementation", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const { child, output } = yield* serveProcess({
        BROKER: "memory",
        GATEWAY_PORT: String(port),
        NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import=${moduleListPreload()}`
      })
      for (const path of ["/healthz", "/readyz", "/metrics"]) {
        const status = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.status))
        assert.strictEqual(status, 200, path)
      }
      child.kill("SIGUSR2")
      const line = yield* Effect.promise(async () => {
        for (;;) {
          const found = output
            .join("")
            .split("\n")
            .find((text) => text.startsWith("MODULES "))
          if (found !== undefined) return found
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }).pipe(Effect.timeout("10 seconds"))
      const modules = JSON.parse(line.slice("MODULES ".length)) as Array<string>
      assert.include(modules, "NativeModule http", "the list is the serving process's")
      assert.notInclude(modules, "NativeModule internal/deps/undici/undici")
      assert.notInclude(modules, "NativeModule http2")
    })
  )
})
