/**
 * Against the secured test broker (scripts/pulsar.sh start-secure; this file runs in
 * vitest.secure.config.ts's run): token authentication and authorization, and TLS with client
 * certificates on its web port. What the contract suite and the end-to-end tests cannot show
 * with the right credentials: what happens with wrong ones, with a rotated token file, and
 * without the CA or the client certificate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:https"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { makePulsarBroker, type PulsarBrokerConfig } from "../../src/layers/broker/PulsarBroker.ts"
import { freshTopic } from "../support/brokers.ts"
import { refusal, startGateway } from "../support/gateway.ts"
import { pulsarSecurity, type PulsarSecurityFiles } from "../support/pulsarSecurity.ts"
import { testPulsarPingInterval } from "../support/pulsarScript.ts"

const secured = (): PulsarSecurityFiles => {
  const files = pulsarSecurity()
  if (files === null)
    throw new Error("this file runs against the secured broker: vitest --config vitest.secure.config.ts")
  return files
}

/** The adapter as the gateway's role would build it, with `overrides` in place of its settings. */
const brokerWith = (overrides: Partial<PulsarBrokerConfig>) => {
  const files = secured()
  return makePulsarBroker({
    httpUrl: files.httpUrl,
    adminUrl: files.adminUrl,
    pingInterval: testPulsarPingInterval,
    maxMessageSize: 1024 * 1024,
    auth: { tokenFile: files.tokenFile },
    tls: { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile },
    ...overrides
  })
}

const tls = () => {
  const files = secured()
  return { caFile: files.caFile, certFile: files.certFile, keyFile: files.keyFile }
}

const tokenIn = (path: string) => readFileSync(path, "utf8").trim()

describe("a secured Pulsar broker", () => {
  it.live(
    "pulsar: a wrong token is refused: the ping with CredentialsRefused, a producer's upgrade with 401 naming the settings",
    () =>
      Effect.gen(function* () {
        const broker = brokerWith({ auth: { token: Redacted.make("not-a-token") } })
        const ping = yield* Effect.flip(broker.ping)
        assert.strictEqual(ping._tag, "CredentialsRefused")
        assert.include(ping.message, "refused the gateway's credentials (HTTP 401")
        assert.include(ping.message, "PULSAR_AUTH_TOKEN")
        const producer = yield* Effect.flip(Effect.scoped(broker.producer(freshTopic("secure-wrong-token"))))
        assert.strictEqual(producer._tag, "TopicRefused")
        assert.include(producer.message, "HTTP 401")
        assert.include(producer.message, "the broker refused the gateway's credentials")
        assert.include(producer.message, "PULSAR_AUTH_TOKEN_FILE")
      })
  )

  it.live(
    "pulsar: a valid token whose role has no grant passes the ping, and its upgrade gets 403 saying what to grant",
    () =>
      Effect.gen(function* () {
        const broker = brokerWith({ auth: { tokenFile: secured().ungrantedTokenFile } })
        yield* broker.ping
        const consumer = yield* Effect.flip(
          Effect.scoped(broker.consumer({ topic: freshTopic("secure-ungranted"), subscription: "s" }))
        )
        assert.strictEqual(consumer._tag, "TopicRefused")
        assert.include(consumer.message, "HTTP 403")
        assert.include(consumer.message, "grant it produce and consume on the namespace")
      })
  )

  it.live(
    "pulsar: a gateway whose token is refused says so on /readyz, and answers a socket with 502 and the reason",
    () =>
      Effect.gen(function* () {
        const gateway = yield* startGateway(brokerWith({ auth: { token: Redacted.make("not-a-token") } }))
        const ready = yield* Effect.promise(() => fetch(`http://127.0.0.1:${gateway.port}/readyz`))
        assert.strictEqual(ready.status, 503)
        assert.deepStrictEqual(yield* Effect.promise(() => ready.json()), { status: "broker refused the credentials" })
        const refused = yield* refusal(gateway.url("/api/v1/flow/default/import/triples"))
        assert.strictEqual(refused.status, 502)
        assert.include(refused.body, "the broker refused the gateway's credentials")
      })
  )

  it.live("pulsar: a token file rewritten with another token is used from the next request on", () =>
    Effect.gen(function* () {
      const path = join(mkdtempSync(join(tmpdir(), "tg-token-")), "token")
      writeFileSync(path, "not-a-token")
      const broker = brokerWith({ auth: { tokenFile: path } })
      assert.strictEqual((yield* Effect.flip(broker.ping))._tag, "CredentialsRefused")
      writeFileSync(path, `${tokenIn(secured().tokenFile)}\n`)
      yield* broker.ping
      writeFileSync(path, "not-a-token")
      assert.strictEqual((yield* Effect.flip(broker.ping))._tag, "CredentialsRefused")
    })
  )

  it.live("pulsar: without the test CA the broker's certificate is refused; PULSAR_TLS_INSECURE accepts it", () =>
    Effect.gen(function* () {
      const { certFile, keyFile } = tls()
      const untrusted = yield* Effect.flip(brokerWith({ tls: { certFile, keyFile } }).ping)
      assert.strictEqual(untrusted._tag, "BrokerUnavailable")
      assert.match(untrusted.message, /certificate/)
      yield* brokerWith({ tls: { certFile, keyFile, insecure: true } }).ping
    })
  )

  it.live("pulsar: without a client certificate the broker, which requires one, ends the handshake", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(brokerWith({ tls: { caFile: tls().caFile } }).ping)
      assert.strictEqual(error._tag, "BrokerUnavailable")
    })
  )

  it.live("host names are checked: the broker's certificate is refused on an address it does not name", () =>
    Effect.gen(function* () {
      // The broker's own certificate (for 127.0.0.1 and localhost), served on 127.0.0.2 as well.
      const secrets = dirname(tls().caFile)
      const server = createServer(
        { cert: readFileSync(join(secrets, "broker.pem")), key: readFileSync(join(secrets, "broker.key")) },
        (_request, response) => response.end("ok")
      )
      const listen = (host: string) =>
        Effect.callback<number>((resume) => {
          server.listen(0, host, () => {
            const address = server.address()
            resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
          })
        })
      const closeServer = Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
      const port = yield* Effect.acquireRelease(listen("127.0.0.2"), () => closeServer)
      const elsewhere = makePulsarBroker({ httpUrl: `https://127.0.0.2:${port}`, tls: { caFile: tls().caFile } })
      const error = yield* Effect.flip(elsewhere.ping)
      assert.strictEqual(error._tag, "BrokerUnavailable")
      assert.match(error.message, /127\.0\.0\.2/)
      assert.match(error.message, /cert/)
    }).pipe(Effect.scoped)
  )
})
