/**
 * OAuth2 client credentials against the secured test broker (scripts/pulsar.sh start-secure; this
 * file runs in vitest.secure.config.ts's run). A local issuer hands out JWTs signed with the
 * broker's own token signing key (the HS256 secret key `pulsar tokens create-secret-key` wrote
 * next to its tokens), so the real broker's AuthenticationProviderToken validates what the
 * gateway got from the issuer: its signature, its role (`sub`) and its expiry (`exp`). The
 * gateway is configured as an operator would, through the PULSAR_AUTH_OAUTH2_* and PULSAR_TLS_*
 * settings.
 */
import { createHmac, randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer, type ServerResponse } from "node:http"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { WebSocketServer } from "ws"
import { pulsarConfigOf, pulsarServiceUrlOf } from "../../src/layers/GatewayLayer.ts"
import { binarySecurityProblem, makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { securityProblem } from "../../src/layers/broker/PulsarAccess.ts"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import type { BrokerShape } from "../../src/services/Broker.ts"
import { settingsConfig } from "../../src/services/GatewaySettings.ts"
import { bytes, freshTopic, text } from "../support/brokers.ts"
import { refusal, startGateway } from "../support/gateway.ts"
import { listenLocally } from "../support/localServer.ts"
import { pulsarSecurity, type PulsarSecurityFiles } from "../support/pulsarSecurity.ts"
import { testPulsarPingInterval } from "../support/pulsarScript.ts"

const secured = (): PulsarSecurityFiles => {
  const files = pulsarSecurity()
  if (files === null)
    throw new Error("this file runs against the secured broker: vitest --config vitest.secure.config.ts")
  return files
}

/** The role the broker grants produce and consume on tg/flow (scripts/pulsar.sh). */
const gatewayRole = "tg-gateway"
const clientId = "tg-gateway-client"
const clientSecret = "s3cret-of-the-gateway"
const audience = "urn:tg:pulsar"

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url")

/** An HS256 JWT, as `pulsar tokens create --secret-key` makes them. */
const signedJwt = (key: Buffer, claims: Record<string, unknown>) => {
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`
  return `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`
}

/**
 * The secured broker's token signing key. The script makes an HS256 secret key with `pulsar
 * tokens create-secret-key` in the same directory as the tokens it signs; that the gateway's own
 * token verifies with it shows the key and the algorithm are still what this file assumes.
 */
const brokerSigningKey = (): Buffer => {
  const files = secured()
  const key = readFileSync(join(dirname(files.tokenFile), "secret.key"))
  const [header = "", claims = "", signature = ""] = readFileSync(files.tokenFile, "utf8").trim().split(".")
  if (createHmac("sha256", key).update(`${header}.${claims}`).digest("base64url") !== signature)
    throw new Error(
      `${files.tokenFile} is not an HS256 token signed with ${dirname(files.tokenFile)}/secret.key: ` +
        "scripts/pulsar.sh now signs its tokens otherwise, and this issuer must sign as it does"
    )
  return key
}

interface Grant {
  /** The form the gateway posted to the token endpoint. */
  readonly form: Readonly<Record<string, string>>
  /** The access token answered, when the request was granted. */
  readonly token?: string
}

interface IssuerOptions {
  /** The key the access tokens are signed with. */
  readonly key: Buffer
  /** `expires_in` of each answer, in seconds. */
  readonly lifetime: number
  /** Seconds from now of each token's `exp` claim, by grant (1 for the first); default `lifetime`. */
  readonly expiresIn?: (grant: number) => number
}

/**
 * A local OAuth2 issuer: OpenID metadata naming its token endpoint, and a token endpoint that
 * grants the client-credentials grant, posted as a form, to one client for one audience only
 * (what a real issuer checks), answering a JWT for role `tg-gateway` valid for `lifetime` seconds.
 */
const localIssuer = (options: IssuerOptions) =>
  Effect.gen(function* () {
    const grants: Array<Grant> = []
    const waiting = new Set<() => void>()
    let url = ""
    const json = (response: ServerResponse, status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" })
      response.end(JSON.stringify(body))
    }
    const refuse = (response: ServerResponse, form: Record<string, string>, status: number, error: string) => {
      grants.push({ form })
      json(response, status, { error, error_description: `refused by the test issuer: ${error}` })
    }
    const server = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => (body += chunk.toString()))
      request.on("end", () => {
        if (request.method === "GET" && request.url === "/.well-known/openid-configuration")
          return json(response, 200, { issuer: url, token_endpoint: `${url}/oauth/token` })
        if (request.method !== "POST" || request.url !== "/oauth/token") return json(response, 404, {})
        const form = Object.fromEntries(new URLSearchParams(body))
        if (request.headers["content-type"] !== "application/x-www-form-urlencoded")
          return refuse(response, form, 400, "invalid_request")
        if (form["grant_type"] !== "client_credentials") return refuse(response, form, 400, "unsupported_grant_type")
        if (form["client_id"] !== clientId || form["client_secret"] !== clientSecret)
          return refuse(response, form, 401, "invalid_client")
        if (form["audience"] !== audience) return refuse(response, form, 400, "invalid_request")
        const now = Math.floor(Date.now() / 1000)
        const token = signedJwt(options.key, {
          sub: gatewayRole,
          aud: audience,
          iat: now,
          exp: now + (options.expiresIn?.(grants.length + 1) ?? options.lifetime)
        })
        grants.push({ form, token })
        json(response, 200, { access_token: token, token_type: "Bearer", expires_in: options.lifetime })
        for (const wake of waiting) wake()
      })
    })
    url = yield* listenLocally(server, new WebSocketServer({ noServer: true }))
    /** Waits until the token endpoint has granted `count` tokens. */
    const granted = (count: number) =>
      Effect.callback<void>((resume) => {
        const check = () => {
          if (grants.filter((grant) => grant.token !== undefined).length >= count) {
            waiting.delete(check)
            resume(Effect.void)
          }
        }
        waiting.add(check)
        check()
        return Effect.sync(() => waiting.delete(check))
      })
    return { url, grants, granted }
  })

/** Pulsar's OAuth2 key file, as `AuthenticationOAuth2`'s `privateKey` names it. */
const credentialsFile = (issuerUrl: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "tg-oauth2-")), "credentials.json")
  writeFileSync(
    path,
    JSON.stringify({
      type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      issuer_url: issuerUrl
    })
  )
  return path
}

/** The gateway's environment for the secured broker, with OAuth2 from `issuerUrl`. */
const gatewayEnv = (issuerUrl: string): Record<string, string> => {
  const files = secured()
  return {
    BROKER: "pulsar",
    PULSAR_TRANSPORT: "websocket",
    PULSAR_HTTP_URL: files.httpUrl,
    PULSAR_ADMIN_URL: files.adminUrl,
    PULSAR_PING_INTERVAL: testPulsarPingInterval,
    // The gateway's role may not read the broker's limits (see securedBrokerOptions).
    PULSAR_MAX_MESSAGE_SIZE: String(5 * 1024 * 1024 - 4096),
    PULSAR_AUTH_OAUTH2_ISSUER_URL: issuerUrl,
    PULSAR_AUTH_OAUTH2_AUDIENCE: audience,
    PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE: credentialsFile(issuerUrl),
    PULSAR_TLS_CA_FILE: files.caFile,
    PULSAR_TLS_CERT_FILE: files.certFile,
    PULSAR_TLS_KEY_FILE: files.keyFile
  }
}

/** The Pulsar adapter `tg-gateway serve` would build from `env`. */
const brokerFrom = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const settings = yield* settingsConfig.parse(ConfigProvider.fromUnknown(env)).pipe(Effect.orDie)
    const config = pulsarConfigOf(settings)
    assert.isUndefined(securityProblem(config.httpUrl, config.auth, config.tls))
    return makePulsarBroker(config)
  })

/**
 * The binary adapter `tg-gateway serve` would build from `env` on the secured broker's binary port
 * over TLS (or its plain binary port where an older secure.env does not name the TLS one).
 */
const binaryBrokerFrom = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const files = secured()
    const serviceUrl = files.tlsServiceUrl ?? files.serviceUrl ?? assert.fail("secure.env names no binary port")
    const settings = yield* settingsConfig
      .parse(ConfigProvider.fromUnknown({ ...env, PULSAR_TRANSPORT: "binary", PULSAR_URL: serviceUrl }))
      .pipe(Effect.orDie)
    const config = { ...pulsarConfigOf(settings), serviceUrl: pulsarServiceUrlOf(settings) ?? serviceUrl }
    assert.isUndefined(binarySecurityProblem(config))
    return makePulsarBinaryBroker(config)
  })

/** One message through a fresh topic: a consumer from the earliest, a producer, the message back. */
const roundTrip = (broker: BrokerShape, label: string, payload: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const topic = freshTopic(label)
      const consumer = yield* broker.consumer({ topic, subscription: "s", initialPosition: "Earliest" })
      const producer = yield* broker.producer(topic)
      yield* producer.send({ payload: bytes(payload) })
      const message = yield* consumer.receive
      yield* consumer.ack(message.id)
      return text(message.payload)
    })
  )

describe("OAuth2 client credentials against a secured Pulsar broker", () => {
  it.live(
    "pulsar: the issuer's access token is accepted by the broker: the ping, /readyz, and a message produced and consumed",
    () =>
      Effect.gen(function* () {
        const issuer = yield* localIssuer({ key: brokerSigningKey(), lifetime: 3600 })
        const env = gatewayEnv(issuer.url)
        const broker = yield* brokerFrom(env)
        yield* broker.ping
        const gateway = yield* startGateway(broker, env)
        const ready = yield* Effect.promise(() => fetch(`http://127.0.0.1:${gateway.port}/readyz`))
        assert.strictEqual(ready.status, 200)
        assert.strictEqual(((yield* Effect.promise(() => ready.json())) as { status: string }).status, "ready")
        assert.strictEqual(yield* roundTrip(broker, "oauth2-accepted", "through OAuth2"), "through OAuth2")
        // One grant for the whole run: the admin requests and both sockets shared the token.
        assert.deepStrictEqual(
          issuer.grants.map((grant) => grant.form),
          [{ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, audience }]
        )
      }).pipe(Effect.scoped)
  )

  it.live(
    "pulsar-binary: the issuer's access token is accepted on the binary port over TLS: the ping, /readyz, and a message produced and consumed",
    () =>
      Effect.gen(function* () {
        const issuer = yield* localIssuer({ key: brokerSigningKey(), lifetime: 3600 })
        const env = gatewayEnv(issuer.url)
        const broker = yield* binaryBrokerFrom(env)
        yield* broker.ping
        const gateway = yield* startGateway(broker, env)
        const ready = yield* Effect.promise(() => fetch(`http://127.0.0.1:${gateway.port}/readyz`))
        assert.strictEqual(ready.status, 200)
        assert.strictEqual(
          yield* roundTrip(broker, "oauth2-binary", "through OAuth2 on the binary port"),
          "through OAuth2 on the binary port"
        )
        assert.lengthOf(issuer.grants, 1, "one grant shared by the admin API and the binary connections")
      }).pipe(Effect.scoped)
  )

  it.live(
    "pulsar-binary: a token signed with a key the broker does not know is refused at the binary handshake, naming the credentials",
    () =>
      Effect.gen(function* () {
        const issuer = yield* localIssuer({ key: randomBytes(32), lifetime: 3600 })
        const broker = yield* binaryBrokerFrom(gatewayEnv(issuer.url))
        const producer = yield* Effect.flip(Effect.scoped(broker.producer(freshTopic("oauth2-binary-wrong-key"))))
        assert.strictEqual(producer._tag, "TopicRefused", producer.message)
        assert.include(producer.message, "the broker refused the gateway's credentials")
        assert.include(producer.message, "PULSAR_AUTH_OAUTH2_*")
        assert.lengthOf(issuer.grants, 1)
        assert.isDefined(issuer.grants[0]?.token, "the issuer granted the token")
      }).pipe(Effect.scoped)
  )

  it.live(
    "pulsar: a token signed with a key the broker does not know is refused by the broker: the ping, /readyz and a socket say so",
    () =>
      Effect.gen(function* () {
        const issuer = yield* localIssuer({ key: randomBytes(32), lifetime: 3600 })
        const env = gatewayEnv(issuer.url)
        const broker = yield* brokerFrom(env)
        const ping = yield* Effect.flip(broker.ping)
        assert.strictEqual(ping._tag, "CredentialsRefused")
        assert.strictEqual(ping.url, secured().adminUrl, "the broker refused, not the issuer")
        assert.include(ping.message, "refused the gateway's credentials (HTTP 401")
        assert.include(ping.message, "PULSAR_AUTH_OAUTH2_*")
        assert.lengthOf(issuer.grants, 1)
        assert.isDefined(issuer.grants[0]?.token, "the issuer granted the token")
        const producer = yield* Effect.flip(Effect.scoped(broker.producer(freshTopic("oauth2-wrong-key"))))
        assert.strictEqual(producer._tag, "TopicRefused")
        assert.include(producer.message, "HTTP 401")
        assert.include(producer.message, "the broker refused the gateway's credentials")
        const gateway = yield* startGateway(broker, env)
        const ready = yield* Effect.promise(() => fetch(`http://127.0.0.1:${gateway.port}/readyz`))
        assert.strictEqual(ready.status, 503)
        assert.deepStrictEqual(yield* Effect.promise(() => ready.json()), { status: "broker refused the credentials" })
        const refused = yield* refusal(gateway.url("/api/v1/flow/default/import/triples"))
        assert.strictEqual(refused.status, 502)
        assert.include(refused.body, "the broker refused the gateway's credentials")
      }).pipe(Effect.scoped)
  )

  // The gateway's clock is the TestClock, so its token's `expires_in` passes when the test says;
  // the broker checks `exp` on its own clock. The first token is already past its `exp` for the
  // broker, as a token held past its life is; the second is valid for an hour.
  it.effect(
    "pulsar: an expired token is refused by the broker, and once its expires_in has passed the next connection first gets a new one",
    () =>
      Effect.gen(function* () {
        const issuer = yield* localIssuer({
          key: brokerSigningKey(),
          lifetime: 2,
          expiresIn: (grant) => (grant === 1 ? -60 : 3600)
        })
        const broker = yield* brokerFrom(gatewayEnv(issuer.url))
        const expired = yield* Effect.flip(broker.ping)
        assert.strictEqual(expired._tag, "CredentialsRefused")
        assert.strictEqual(expired.url, secured().adminUrl, "the broker refused, not the issuer")
        assert.include(expired.message, "refused the gateway's credentials (HTTP 401")
        assert.lengthOf(issuer.grants, 1)

        yield* TestClock.adjust("2 seconds")
        const connection = yield* Effect.forkChild(roundTrip(broker, "oauth2-renewed", "after renewal"))
        // The issuer's second grant, or the connection ending without one (refused with the first token).
        yield* Effect.raceFirst(issuer.granted(2), Effect.asVoid(Fiber.await(connection)))
        assert.lengthOf(issuer.grants, 2, "a new token is asked for before the connection")
        assert.strictEqual(yield* Fiber.join(connection), "after renewal")
        // The broker refused the first token above: the sockets carried the second.
        assert.notStrictEqual(issuer.grants[0]?.token, issuer.grants[1]?.token)
      }).pipe(Effect.scoped)
  )
})
