/**
 * TLS on the gateway's own listener (GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE), with a
 * throwaway CA and certificates made by `openssl` for each run: `/healthz` over HTTPS and an
 * import over WSS checked against the CA; a renewed certificate seen by the next connection; a
 * bad new pair refused while the old one keeps serving; a bad pair or half a pair at start-up.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { request } from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TLSSocket } from "node:tls"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, type PubSub, Scope } from "effect"
import WebSocket from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { makeMemoryBroker } from "../../src/layers/broker/MemoryBroker.ts"
import { GatewayServer, layerGateway } from "../../src/layers/GatewayLayer.ts"
import { loadTlsPair, watchTlsPair } from "../../src/layers/ListenerTls.ts"
import type { FileReload } from "../../src/layers/WatchedFiles.ts"
import { Broker } from "../../src/services/Broker.ts"
import { makeLifecycle } from "../../src/services/Lifecycle.ts"
import { triplesFrame } from "../support/frames.ts"
import { reloadAfter as reloadAfterChange } from "../support/reloads.ts"

const openssl = (directory: string, ...args: ReadonlyArray<string>) =>
  execFileSync("openssl", args, { cwd: directory, stdio: "pipe" })

/** A CA, and a way to make certificates for 127.0.0.1 signed by it: name.pem and name.key. */
const throwawayCa = Effect.acquireRelease(
  Effect.sync(() => {
    const directory = mkdtempSync(join(tmpdir(), "tg-tls-"))
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl(
      directory,
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "1",
      "-subj",
      "/CN=tg test CA"
    )
    writeFileSync(join(directory, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    const issue = (name: string) => {
      openssl(directory, "req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`)
      openssl(
        directory,
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "san.ext",
        "-out",
        `${name}.pem`
      )
      return { cert: join(directory, `${name}.pem`), key: join(directory, `${name}.key`) }
    }
    return { directory, ca: readFileSync(join(directory, "ca.pem")), issue }
  }),
  ({ directory }) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
)

/** The gateway over the in-memory broker with `env`, in a scope of its own. */
const gateway = (env: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const { values, problems } = resolveSettings(
      { GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", WS_PING_INTERVAL: "off", ...env },
      {}
    )
    assert.deepStrictEqual(problems, [])
    const broker = Layer.succeed(Broker, yield* makeMemoryBroker)
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    return yield* Layer.buildWithScope(layerGateway(values, yield* makeLifecycle, broker), scope).pipe(
      Effect.map((context) => Context.get(context, GatewayServer))
    )
  })

/** GET over HTTPS trusting only `ca`, on a new connection: the status, the body and the certificate's CN. */
const httpsGet = (port: number, path: string, ca: Buffer) =>
  Effect.callback<{ readonly status: number; readonly body: string; readonly servedTo: string }, Error>((resume) => {
    const outgoing = request({ host: "127.0.0.1", port, path, ca, agent: false }, (response) => {
      const socket = response.socket as TLSSocket
      const servedTo = String(socket.getPeerCertificate().subject.CN)
      let body = ""
      response.on("data", (chunk: Buffer) => (body += chunk.toString()))
      response.on("end", () => resume(Effect.succeed({ status: response.statusCode ?? 0, body, servedTo })))
    })
    outgoing.on("error", (error) => resume(Effect.fail(error)))
    outgoing.end()
  })

const isHalfReplaced = (reload: FileReload) => reload._tag === "Kept" && /key values mismatch/.test(reload.problem)

type ServerWithTls = { readonly certificateReloads: PubSub.PubSub<FileReload> | undefined }

/** Runs `change` and waits for the certificate re-read it causes, past those `passOver` says are not the outcome yet. */
const reloadAfter = (server: ServerWithTls, change: () => void, passOver?: (reload: FileReload) => boolean) =>
  server.certificateReloads === undefined
    ? Effect.die("the gateway has no TLS")
    : reloadAfterChange(server.certificateReloads, change, passOver)

/**
 * The outcome of replacing a whole pair, file by file: the watcher may read the new key next to
 * the old certificate between the two renames, and keeps the old pair then (as it should); what
 * counts is what it does once both files are in place.
 */
const pairReloadAfter = (server: ServerWithTls, change: () => void) => reloadAfter(server, change, isHalfReplaced)

/** Puts `from`'s certificate and key in place of the served ones, each by a rename (as a secret is updated). */
const replacePair = (served: { cert: string; key: string }, from: { cert: string; key: string }) => () => {
  writeFileSync(`${served.cert}.new`, readFileSync(from.cert))
  writeFileSync(`${served.key}.new`, readFileSync(from.key))
  renameSync(`${served.key}.new`, served.key)
  renameSync(`${served.cert}.new`, served.cert)
}

describe("TLS on the gateway's listener", () => {
  it.live("serves /healthz over HTTPS and an import over WSS, checked against the CA", () =>
    Effect.gen(function* () {
      const { ca, issue } = yield* throwawayCa
      const pair = issue("first")
      const server = yield* gateway({ GATEWAY_TLS_CERT_FILE: pair.cert, GATEWAY_TLS_KEY_FILE: pair.key })
      assert.isTrue(server.secure)
      assert.deepStrictEqual(yield* httpsGet(server.port, "/healthz", ca), {
        status: 200,
        body: `{"status":"ok"}`,
        servedTo: "first"
      })

      const acked = yield* Effect.callback<unknown, Error>((resume) => {
        const socket = new WebSocket(`wss://127.0.0.1:${server.port}/api/v1/flow/default/import/triples?ack=true`, {
          ca
        })
        socket.once("error", (error) => resume(Effect.fail(error)))
        socket.once("open", () => socket.send(JSON.stringify(triplesFrame("over-tls"))))
        socket.once("message", (data) => {
          socket.close()
          resume(Effect.succeed(JSON.parse(data.toString())))
        })
      })
      assert.deepStrictEqual(acked, { ack: 1 })

      // Without the CA the certificate is refused: it is the throwaway CA's, not a public one.
      const untrusted = yield* Effect.flip(
        Effect.callback<void, Error>((resume) => {
          const socket = new WebSocket(`wss://127.0.0.1:${server.port}/api/v1/flow/default/import/triples`)
          socket.once("error", (error) => resume(Effect.fail(error)))
          socket.once("open", () => {
            socket.close()
            resume(Effect.void)
          })
        })
      )
      assert.match(untrusted.message, /unable to verify the first certificate/)
    })
  )

  it.live(
    "a renewed certificate is served to the next connection; a bad new pair is refused and the one in use kept",
    () =>
      Effect.gen(function* () {
        const { ca, issue } = yield* throwawayCa
        const served = issue("served")
        const renewed = issue("renewed")
        const other = issue("other")
        const server = yield* gateway({ GATEWAY_TLS_CERT_FILE: served.cert, GATEWAY_TLS_KEY_FILE: served.key })
        assert.strictEqual((yield* httpsGet(server.port, "/healthz", ca)).servedTo, "served")

        const applied = yield* pairReloadAfter(server, replacePair(served, renewed))
        assert.deepStrictEqual(applied, { _tag: "Applied" } satisfies FileReload)
        assert.strictEqual((yield* httpsGet(server.port, "/healthz", ca)).servedTo, "renewed")

        // A key that is not the certificate's: refused, and the renewed pair keeps serving.
        const kept = yield* reloadAfter(server, () => {
          writeFileSync(`${served.key}.new`, readFileSync(other.key))
          renameSync(`${served.key}.new`, served.key)
        })
        assert.strictEqual(kept._tag, "Kept")
        assert.match(
          kept._tag === "Kept" ? kept.problem : "",
          /^the key is not the certificate's \(.*key values mismatch\)$/
        )
        assert.strictEqual((yield* httpsGet(server.port, "/healthz", ca)).servedTo, "renewed")

        // Its certificate following makes a good pair again.
        const completed = yield* reloadAfter(server, () => {
          writeFileSync(`${served.cert}.new`, readFileSync(other.cert))
          renameSync(`${served.cert}.new`, served.cert)
        })
        assert.deepStrictEqual(completed, { _tag: "Applied" })
        assert.strictEqual((yield* httpsGet(server.port, "/healthz", ca)).servedTo, "other")
      })
  )

  it.live("a pair the server does not take is refused like a bad one, and the watch goes on", () =>
    Effect.gen(function* () {
      const { issue } = yield* throwawayCa
      const served = issue("served")
      const files = { certFile: served.cert, keyFile: served.key }
      const taken: Array<string> = []
      let refuseNext = true
      const reloads = yield* watchTlsPair(files, yield* loadTlsPair(files), (pair) => {
        if (refuseNext) {
          refuseNext = false
          throw new Error("not now")
        }
        taken.push(pair.cert.toString())
      })
      const server = { certificateReloads: reloads }
      const renewed = issue("renewed")
      assert.deepStrictEqual(yield* pairReloadAfter(server, replacePair(served, renewed)), {
        _tag: "Kept",
        problem: "the server did not take it (not now)"
      })
      const other = issue("other")
      assert.deepStrictEqual(yield* pairReloadAfter(server, replacePair(served, other)), { _tag: "Applied" })
      assert.deepStrictEqual(taken, [readFileSync(other.cert).toString()])
    })
  )

  it.live("at start-up a key that is not the certificate's, or half a pair, is a TlsConfigError naming the files", () =>
    Effect.gen(function* () {
      const { issue } = yield* throwawayCa
      const one = issue("one")
      const two = issue("two")
      const failure = (env: Readonly<Record<string, string>>) =>
        Effect.map(Effect.flip(Effect.scoped(gateway(env))), (error) => ({ tag: error._tag, message: error.message }))
      assert.deepStrictEqual(yield* failure({ GATEWAY_TLS_CERT_FILE: one.cert, GATEWAY_TLS_KEY_FILE: two.key }), {
        tag: "TlsConfigError",
        message: `bad GATEWAY_TLS_CERT_FILE ${one.cert} with GATEWAY_TLS_KEY_FILE ${two.key}: the key is not the certificate's (error:05800074:x509 certificate routines::key values mismatch)`
      })
      assert.deepStrictEqual(yield* failure({ GATEWAY_TLS_CERT_FILE: one.cert }), {
        tag: "TlsConfigError",
        message: "bad GATEWAY_TLS_CERT_FILE: it is set without GATEWAY_TLS_KEY_FILE; set both for TLS, or neither"
      })
      assert.deepStrictEqual(yield* failure({ GATEWAY_TLS_CERT_FILE: one.cert, GATEWAY_TLS_KEY_FILE: one.cert }), {
        tag: "TlsConfigError",
        message: `bad GATEWAY_TLS_CERT_FILE ${one.cert} with GATEWAY_TLS_KEY_FILE ${one.cert}: error:1E08010C:DECODER routines::unsupported`
      })
    })
  )
})
