/**
 * The Pulsar adapter's credentials and TLS settings, against small local servers that stand in
 * for the broker and for an OAuth2 issuer (no Pulsar here: the secured broker's own tests are in
 * pulsarSecurity.test.ts). What each request carried is recorded and checked.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { WebSocketServer } from "ws"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { securityProblem } from "../../src/layers/broker/PulsarAccess.ts"
import { startGateway } from "../support/gateway.ts"
import { listenLocally } from "../support/localServer.ts"

interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: string
}

/**
 * A local HTTP server answering with `answer`, which records every request and accepts every
 * WebSocket upgrade (recording it too): a broker, or an issuer, that the test controls.
 */
const stubServer = (answer: (request: Seen, response: ServerResponse) => void) =>
  Effect.gen(function* () {
    const seen: Array<Seen> = []
    const record = (request: IncomingMessage, body: string): Seen => {
      const entry = {
        method: request.method ?? "",
        path: request.url ?? "",
        authorization: request.headers.authorization,
        body
      }
      seen.push(entry)
      return entry
    }
    const server = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => (body += chunk.toString()))
      request.on("end", () => answer(record(request, body), response))
    })
    const sockets = new WebSocketServer({ noServer: true })
    server.on("upgrade", (request, socket, head) => {
      record(request, "")
      sockets.handleUpgrade(request, socket, head, () => {})
    })
    return { url: yield* listenLocally(server, sockets), seen }
  })

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { "content-type": "application/json" })
  response.end(JSON.stringify(body))
}

/** A broker that answers every admin request with 200, or with `status` when it is given. */
const stubBroker = (status = 200) =>
  stubServer((_request, response) =>
    json(response, status, status === 200 ? {} : { reason: "Authentication required" })
  )

const tempFile = (name: string, content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "tg-access-")), name)
  writeFileSync(path, content)
  return path
}

const authorizations = (seen: ReadonlyArray<Seen>) => seen.map((request) => request.authorization)

describe("Pulsar credentials and TLS settings", () => {
  it("settings that cannot work together are named by their variables", () => {
    const url = "https://broker:8443"
    const token = Redacted.make("t")
    assert.isUndefined(securityProblem(url, { token }, { caFile: "ca.pem", certFile: "c.pem", keyFile: "k.pem" }))
    assert.include(
      securityProblem(url, { token, tokenFile: "f" }),
      "PULSAR_AUTH_TOKEN and PULSAR_AUTH_TOKEN_FILE are both set"
    )
    assert.include(securityProblem(url, { token, oauth2: { issuerUrl: "https://issuer" } }), "PULSAR_AUTH_OAUTH2_*")
    assert.include(
      securityProblem(url, { oauth2: { issuerUrl: "https://issuer" } }),
      "PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE is not set"
    )
    assert.include(
      securityProblem(url, { oauth2: { credentialsFile: "c.json" } }),
      "PULSAR_AUTH_OAUTH2_ISSUER_URL is not set"
    )
    assert.include(
      securityProblem(url, {}, { certFile: "c.pem" }),
      "PULSAR_TLS_CERT_FILE is set without PULSAR_TLS_KEY_FILE"
    )
    assert.include(
      securityProblem(url, {}, { keyFile: "k.pem" }),
      "PULSAR_TLS_KEY_FILE is set without PULSAR_TLS_CERT_FILE"
    )
    assert.include(securityProblem("http://broker:8080", {}, { caFile: "ca.pem" }), "use https://")
    assert.include(securityProblem("http://broker:8080", {}, { insecure: true }), "use https://")
  })

  it.live("a broker with settings that cannot work fails every request with the problem, before any is sent", () =>
    Effect.gen(function* () {
      const broker = yield* stubBroker()
      const pulsar = makePulsarBroker({ httpUrl: broker.url, tls: { certFile: "client.pem" } })
      const error = yield* Effect.flip(pulsar.ping)
      assert.strictEqual(error._tag, "BrokerUnavailable")
      assert.include(error.message, "PULSAR_TLS_CERT_FILE is set without PULSAR_TLS_KEY_FILE")
      assert.lengthOf(broker.seen, 0)
    }).pipe(Effect.scoped)
  )

  it.live("PULSAR_AUTH_TOKEN goes as a bearer token on admin requests and on the WebSocket upgrade", () =>
    Effect.gen(function* () {
      const broker = yield* stubBroker()
      const pulsar = makePulsarBroker({ httpUrl: broker.url, auth: { token: Redacted.make("secret-1") } })
      yield* pulsar.ping
      yield* Effect.scoped(pulsar.producer("persistent://tg/flow/t"))
      const paths = broker.seen.map((request) => request.path.split("?")[0])
      assert.deepStrictEqual(paths, [
        "/admin/v2/brokers/ready",
        "/admin/v2/brokers/configuration/runtime",
        "/ws/v2/producer/persistent/tg/flow/t"
      ])
      assert.deepStrictEqual(authorizations(broker.seen), ["Bearer secret-1", "Bearer secret-1", "Bearer secret-1"])
      assert.notInclude(broker.seen[2]?.path ?? "", "token", "never in the query, where logs keep it")
    }).pipe(Effect.scoped)
  )

  it.live("PULSAR_AUTH_TOKEN_FILE is read again for every request: a rotated token is used from the next one", () =>
    Effect.gen(function* () {
      const broker = yield* stubBroker()
      const file = tempFile("token", "first\n")
      const pulsar = makePulsarBroker({ httpUrl: broker.url, auth: { tokenFile: file } })
      yield* pulsar.ping
      writeFileSync(file, "second")
      yield* pulsar.ping
      yield* Effect.scoped(pulsar.consumer({ topic: "persistent://tg/flow/t", subscription: "s" }))
      assert.deepStrictEqual(authorizations(broker.seen), ["Bearer first", "Bearer second", "Bearer second"])
      writeFileSync(file, "  \n")
      const empty = yield* Effect.flip(pulsar.ping)
      assert.include(empty.message, `PULSAR_AUTH_TOKEN_FILE (${file}) is empty`)
      const missing = yield* Effect.flip(
        makePulsarBroker({ httpUrl: broker.url, auth: { tokenFile: `${file}.gone` } }).ping
      )
      assert.include(missing.message, `cannot read PULSAR_AUTH_TOKEN_FILE (${file}.gone)`)
    }).pipe(Effect.scoped)
  )

  it.live("a broker answering 401 to the ping is a CredentialsRefused, and /readyz says so", () =>
    Effect.gen(function* () {
      const broker = yield* stubBroker(401)
      const pulsar = makePulsarBroker({ httpUrl: broker.url, auth: { token: Redacted.make("wrong") } })
      const error = yield* Effect.flip(pulsar.ping)
      assert.strictEqual(error._tag, "CredentialsRefused")
      assert.include(error.message, "refused the gateway's credentials (HTTP 401: Authentication required)")
      const gateway = yield* startGateway(pulsar)
      const ready = yield* Effect.promise(() => fetch(`http://127.0.0.1:${gateway.port}/readyz`))
      assert.strictEqual(ready.status, 503)
      assert.deepStrictEqual(yield* Effect.promise(() => ready.json()), { status: "broker refused the credentials" })
    }).pipe(Effect.scoped)
  )

  describe("OAuth2 client credentials", () => {
    /** An issuer whose token endpoint hands out token-1, token-2, … valid for `lifetime` seconds, or refuses. */
    const stubIssuer = (options: { readonly lifetime: number; readonly refuse?: () => boolean }) => {
      let issued = 0
      return stubServer((request, response) => {
        if (request.path === "/.well-known/openid-configuration") {
          return json(response, 200, { token_endpoint: `${issuerUrl.current}/oauth/token` })
        }
        if (request.path === "/oauth/token" && request.method === "POST") {
          if (options.refuse?.() === true)
            return json(response, 401, { error: "invalid_client", error_description: "unknown client" })
          issued++
          return json(response, 200, {
            access_token: `token-${issued}`,
            token_type: "Bearer",
            expires_in: options.lifetime
          })
        }
        json(response, 404, {})
      })
    }
    const issuerUrl = { current: "" }
    const credentials = () =>
      tempFile(
        "credentials.json",
        JSON.stringify({ type: "client_credentials", client_id: "gw", client_secret: "s3cret" })
      )

    it.effect(
      "the access token is fetched with the client-credentials grant, sent as the bearer token, and renewed before it expires",
      () =>
        Effect.gen(function* () {
          const issuer = yield* stubIssuer({ lifetime: 100 })
          issuerUrl.current = issuer.url
          const broker = yield* stubBroker()
          const pulsar = makePulsarBroker({
            httpUrl: broker.url,
            auth: { oauth2: { issuerUrl: issuer.url, audience: "urn:pulsar", credentialsFile: credentials() } }
          })
          yield* pulsar.ping
          yield* pulsar.ping
          const grants = issuer.seen.filter((request) => request.path === "/oauth/token")
          assert.lengthOf(grants, 1, "the token is kept while it is fresh")
          assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(grants[0]?.body ?? "")), {
            grant_type: "client_credentials",
            client_id: "gw",
            client_secret: "s3cret",
            audience: "urn:pulsar"
          })
          // 80 s of its 100 s: renewed, though still valid.
          yield* TestClock.adjust("80 seconds")
          yield* pulsar.ping
          assert.deepStrictEqual(authorizations(broker.seen), ["Bearer token-1", "Bearer token-1", "Bearer token-2"])
        }).pipe(Effect.scoped)
    )

    it.effect(
      "an issuer that refuses the client is a CredentialsRefused naming it; a refused renewal keeps the token while it is valid",
      () =>
        Effect.gen(function* () {
          let refusing = false
          const issuer = yield* stubIssuer({ lifetime: 100, refuse: () => refusing })
          issuerUrl.current = issuer.url
          const broker = yield* stubBroker()
          const pulsar = makePulsarBroker({
            httpUrl: broker.url,
            auth: { oauth2: { issuerUrl: issuer.url, credentialsFile: credentials() } }
          })
          yield* pulsar.ping
          refusing = true
          yield* TestClock.adjust("90 seconds")
          yield* pulsar.ping
          yield* TestClock.adjust("20 seconds")
          const error = yield* Effect.flip(pulsar.ping)
          assert.strictEqual(error._tag, "CredentialsRefused")
          assert.include(error.message, `${issuer.url}/oauth/token refused the gateway's credentials (HTTP 401`)
          assert.include(error.message, "invalid_client: unknown client")
          assert.deepStrictEqual(authorizations(broker.seen), ["Bearer token-1", "Bearer token-1"])
          const socket = yield* Effect.flip(Effect.scoped(pulsar.producer("persistent://tg/flow/t")))
          assert.strictEqual(socket._tag, "TopicRefused")
          assert.include(socket.message, "invalid_client")
        }).pipe(Effect.scoped)
    )
  })
})
