/**
 * Per-tenant access through the running gateway (GATEWAY_TOKENS_FILE): a real listener and real
 * WebSocket clients. A token limited to one workspace gets its own and 403 on another, before the
 * upgrade; an unknown token 401; a changed file applies to the next request; `tg-gateway serve`
 * refuses to start on a bad file (exit 2), naming the file and the place but not the token.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import WebSocket from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { layerServices } from "../../src/layers/GatewayLayer.ts"
import { GatewayServer, layerGatewayServer } from "../../src/layers/GatewayServer.ts"
import { AccessControl } from "../../src/services/AccessControl.ts"
import { Broker } from "../../src/services/Broker.ts"
import { GatewaySettings } from "../../src/services/GatewaySettings.ts"
import { Lifecycle, makeLifecycle } from "../../src/services/Lifecycle.ts"
import { connect, refusal } from "../support/gateway.ts"
import { serveUntilExit } from "../support/process.ts"
import { isHalfWritten, reloadAfter } from "../support/reloads.ts"

const acme = { token: "acme-5ecret-t0ken", workspaces: ["acme"], flows: "*", kinds: "*", directions: "*" }
const reader = { token: "reader-5ecret-t0ken", workspaces: "*", flows: "*", kinds: ["triples"], directions: ["export"] }

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "tg-access-"))),
  (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
)

/** The gateway on a free port with GATEWAY_TOKENS_FILE = `file`, and its AccessControl. */
const gatewayWithTokens = (file: string, env: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const { values, problems } = resolveSettings(
      { GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", WS_PING_INTERVAL: "off", GATEWAY_TOKENS_FILE: file, ...env },
      {}
    )
    assert.deepStrictEqual(problems, [])
    const layer = layerGatewayServer.pipe(
      Layer.provideMerge(layerServices),
      Layer.provide(Layer.succeed(Broker, yield* makeMemoryBroker)),
      Layer.provide(Layer.succeed(Lifecycle, yield* makeLifecycle)),
      Layer.provide(Layer.succeed(GatewaySettings, values))
    )
    const context = yield* Layer.build(layer)
    const { port } = Context.get(context, GatewayServer)
    return { url: (path: string) => `ws://127.0.0.1:${port}${path}`, access: Context.get(context, AccessControl) }
  })

/** Whether the upgrade is accepted with this `Authorization` header; closes the socket at once. */
const upgradesWith = (url: string, authorization: string) =>
  Effect.callback<number>((resume) => {
    const socket = new WebSocket(url, { headers: { authorization } })
    socket.on("error", () => {})
    socket.once("open", () => {
      socket.close()
      resume(Effect.succeed(101))
    })
    socket.once("unexpected-response", (_request, response) => resume(Effect.succeed(response.statusCode ?? 0)))
  })

const importPath = "/api/v1/flow/default/import/triples"

describe("GATEWAY_TOKENS_FILE on the running gateway", () => {
  it.live(
    "a token limited to one workspace is let into it and gets 403 on another, naming the workspace and not the token",
    () =>
      Effect.gen(function* () {
        const directory = yield* temporaryDirectory
        const file = join(directory, "tokens.json")
        writeFileSync(file, JSON.stringify({ tokens: [acme, reader] }))
        const gateway = yield* gatewayWithTokens(file)

        const client = yield* connect(gateway.url(`${importPath}?workspace=acme&token=${acme.token}`))
        yield* client.close()
        assert.strictEqual(
          yield* upgradesWith(gateway.url(`${importPath}?workspace=acme`), `Bearer ${acme.token}`),
          101
        )

        const forbidden = yield* refusal(gateway.url(`${importPath}?workspace=beta&token=${acme.token}`))
        assert.deepStrictEqual(forbidden, {
          status: 403,
          body: JSON.stringify({
            error: `forbidden: workspace "beta" is outside this token's grant (workspaces: acme)`
          })
        })
        assert.strictEqual(
          yield* upgradesWith(gateway.url(`${importPath}?workspace=beta`), `Bearer ${acme.token}`),
          403
        )
        assert.deepStrictEqual(yield* refusal(gateway.url(`${importPath}?workspace=acme&token=${reader.token}`)), {
          status: 403,
          body: JSON.stringify({
            error: `forbidden: direction "import" is outside this token's grant (directions: export)`
          })
        })
        for (const url of [`${importPath}?workspace=acme`, `${importPath}?workspace=acme&token=nobody`]) {
          const unknown = yield* refusal(gateway.url(url))
          assert.strictEqual(unknown.status, 401)
          assert.notInclude(unknown.body, acme.token)
        }
        // A path the router cannot decode is refused the same way, after the token.
        assert.strictEqual((yield* refusal(gateway.url("/api/v1/flow/%E0%A4%A/import/triples"))).status, 401)
      })
  )

  it.live("a changed file applies to the next request, and GATEWAY_SECRET still admits everywhere", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      writeFileSync(file, JSON.stringify({ tokens: [acme] }))
      const gateway = yield* gatewayWithTokens(file, { GATEWAY_SECRET: "the-5ecret" })
      assert.strictEqual((yield* refusal(gateway.url(`${importPath}?workspace=beta&token=${acme.token}`))).status, 403)

      const reload = yield* reloadAfter(
        gateway.access.reloads,
        () => writeFileSync(file, JSON.stringify({ tokens: [{ ...acme, workspaces: ["acme", "beta"] }] })),
        isHalfWritten
      )
      assert.deepStrictEqual(reload, { _tag: "Applied" })
      assert.strictEqual(yield* upgradesWith(gateway.url(`${importPath}?workspace=beta`), `Bearer ${acme.token}`), 101)
      assert.strictEqual(yield* upgradesWith(gateway.url(`${importPath}?workspace=any`), "Bearer the-5ecret"), 101)
    })
  )

  it.live("tg-gateway serve stops at start-up on a bad file: exit 2, the file and the place named, not the token", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      writeFileSync(file, JSON.stringify({ tokens: [{ ...acme, directions: ["upload"] }] }))
      const { code, text } = yield* serveUntilExit({
        GATEWAY_PORT: "0",
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_TOKENS_FILE: file
      })
      assert.strictEqual(code, 2, text)
      assert.include(
        text,
        `configuration error in GATEWAY_TOKENS_FILE ${file}: at tokens[0].directions[0]: expected "import" | "export" | "*"`
      )
      assert.notInclude(text, acme.token)
    })
  )
})
