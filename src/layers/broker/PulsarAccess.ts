/**
 * How the Pulsar adapter proves who it is and whom it talks to: the credentials sent on every
 * WebSocket upgrade and admin request, and the TLS options of `https://` / `wss://` connections.
 *
 * Pulsar's WebSocket service authenticates an upgrade with the broker's own authentication
 * providers, reading `Authorization: Bearer <token>` (it falls back to a `?token=` query parameter
 * only for browsers, which cannot set headers); the admin REST API reads the same header. The
 * header is used for both: a query parameter ends up in access logs and proxies' logs, a header
 * does not. An OAuth2 access token is, to the broker, just such a bearer token — the gateway gets
 * it from the issuer with the client-credentials grant, as Pulsar's own `AuthenticationOAuth2`
 * client does, and the broker checks it with whatever provider it is configured with.
 *
 * Files (a token, the OAuth2 credentials, the CA, certificate and key) are read again for every
 * new broker connection and admin request, so a rotated secret is used from the next one on; they
 * are a few hundred bytes each, read when a socket opens, never per message.
 */
import { readFile } from "node:fs/promises"
import { request as httpsRequest } from "node:https"
import { Clock, Duration, Effect, Redacted, Schema, Semaphore } from "effect"
import { BrokerUnavailable, CredentialsRefused } from "../../domain/BrokerErrors.ts"
import { nodeHttp } from "../nodeHttp.ts"

export interface PulsarOAuth2Config {
  /** The issuer; its token endpoint is found at `{issuerUrl}/.well-known/openid-configuration`. */
  readonly issuerUrl?: string
  /** Sent as `audience` with the grant when set (Pulsar's client does the same). */
  readonly audience?: string
  /** A JSON file with `client_id` and `client_secret`: Pulsar's OAuth2 key file. */
  readonly credentialsFile?: string
}

export interface PulsarAuthConfig {
  /** A token sent as it is. */
  readonly token?: Redacted.Redacted<string>
  /** A file holding the token, read again for every new connection (rotated secrets). */
  readonly tokenFile?: string
  /** OAuth2 client credentials: the access token they buy is sent as the bearer token. */
  readonly oauth2?: PulsarOAuth2Config
}

export interface PulsarTlsConfig {
  /** PEM certificates trusted for the broker, instead of the system's. */
  readonly caFile?: string
  /** PEM client certificate and key, for a broker that requires them (mTLS). */
  readonly certFile?: string
  readonly keyFile?: string
  /** Accepts any certificate and host name. For tests only: it is logged as a warning at start-up. */
  readonly insecure?: boolean
}

/** What one connection or request to the broker carries. */
export interface BrokerConnectionOptions {
  readonly headers: Readonly<Record<string, string>>
  readonly tls: {
    readonly ca?: Buffer
    readonly cert?: Buffer
    readonly key?: Buffer
    readonly rejectUnauthorized: boolean
  }
}

/** Broker settings that cannot work together, found before the gateway starts. */
export class BrokerConfigError extends Schema.TaggedError<BrokerConfigError>()("BrokerConfigError", {
  source: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `bad ${this.source}: ${this.problem}`
  }
}

/** A combination of settings that cannot work, named by the variables that set it; undefined when none. */
export const securityProblem = (
  httpUrl: string,
  auth: PulsarAuthConfig = {},
  tls: PulsarTlsConfig = {}
): string | undefined => {
  const oauth2 = auth.oauth2
  const usesOAuth2 =
    oauth2 !== undefined &&
    (oauth2.issuerUrl !== undefined || oauth2.credentialsFile !== undefined || oauth2.audience !== undefined)
  if (auth.token !== undefined && auth.tokenFile !== undefined)
    return "PULSAR_AUTH_TOKEN and PULSAR_AUTH_TOKEN_FILE are both set: set one of them"
  if (usesOAuth2 && (auth.token !== undefined || auth.tokenFile !== undefined))
    return "a token (PULSAR_AUTH_TOKEN or PULSAR_AUTH_TOKEN_FILE) and OAuth2 (PULSAR_AUTH_OAUTH2_*) are both set: use one of them"
  if (usesOAuth2 && oauth2.issuerUrl === undefined)
    return "PULSAR_AUTH_OAUTH2_ISSUER_URL is not set: OAuth2 needs the issuer and PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE"
  if (usesOAuth2 && oauth2.credentialsFile === undefined)
    return "PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE is not set: OAuth2 needs the file with client_id and client_secret"
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    return tls.certFile === undefined
      ? "PULSAR_TLS_KEY_FILE is set without PULSAR_TLS_CERT_FILE: a client certificate needs both"
      : "PULSAR_TLS_CERT_FILE is set without PULSAR_TLS_KEY_FILE: a client certificate needs both"
  const tlsSet = tls.caFile ?? tls.certFile ?? (tls.insecure === true ? "PULSAR_TLS_INSECURE" : undefined)
  if (tlsSet !== undefined && !httpUrl.startsWith("https:"))
    return `PULSAR_TLS_* settings apply to an https:// broker, and PULSAR_HTTP_URL is ${httpUrl}: use https://`
  return undefined
}

/** Reads a file the settings name; the error says which setting and what is wrong with it. */
const readSetting = (url: string, variable: string, path: string) =>
  Effect.tryPromise({
    try: () => readFile(path),
    catch: (cause) =>
      new BrokerUnavailable({
        url,
        reason: `cannot read ${variable} (${path}): ${cause instanceof Error ? cause.message : String(cause)}`
      })
  })

interface CachedToken {
  readonly token: string
  /** When to fetch the next one: most of its lifetime gone, before it expires. */
  readonly refreshAt: number
  readonly expiresAt: number
}

/** Share of an access token's lifetime after which a new one is fetched. */
const refreshShare = 0.8

const errorText = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/**
 * OAuth2 client credentials (RFC 6749 §4.4), as Pulsar's Java client sends them: the issuer's
 * metadata gives the token endpoint; `grant_type`, `client_id`, `client_secret` and `audience` are
 * posted as a form. The token is kept until most of its lifetime (`expires_in`) is gone; one
 * request at a time, so connections opening together share it. If a refresh fails while the
 * token held is still valid, that one is used and the next connection tries again.
 */
const makeOAuth2 = (brokerUrl: string, config: PulsarOAuth2Config) => {
  const issuer = (config.issuerUrl ?? "").replace(/\/+$/, "")
  let cached: CachedToken | undefined
  const lock = Semaphore.makeUnsafe(1)

  const unavailable = (reason: string) =>
    new BrokerUnavailable({ url: brokerUrl, reason: `no OAuth2 access token from ${issuer}: ${reason}` })

  const getJson = (url: string, init: RequestInit) =>
    Effect.tryPromise({
      try: async (signal) => {
        const response = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) })
        const text = await response.text()
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(text) as Record<string, unknown>
        } catch {
          // An error page: the status says enough.
        }
        return { status: response.status, body }
      },
      catch: (cause) => unavailable(`${url}: ${errorText(cause)}`)
    })

  const fetchToken = Effect.gen(function* () {
    const credentialsText = yield* readSetting(
      brokerUrl,
      "PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE",
      config.credentialsFile ?? ""
    )
    let credentials: { client_id?: unknown; client_secret?: unknown }
    try {
      credentials = JSON.parse(credentialsText.toString("utf8")) as typeof credentials
    } catch (cause) {
      return yield* unavailable(`PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE is not JSON: ${errorText(cause)}`)
    }
    if (typeof credentials.client_id !== "string" || typeof credentials.client_secret !== "string") {
      return yield* unavailable(
        "PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE must hold a JSON object with client_id and client_secret"
      )
    }
    const metadata = yield* getJson(`${issuer}/.well-known/openid-configuration`, {
      headers: { accept: "application/json" }
    })
    const endpoint = metadata.body["token_endpoint"]
    if (metadata.status !== 200 || typeof endpoint !== "string") {
      return yield* unavailable(
        `its metadata (/.well-known/openid-configuration) answered HTTP ${metadata.status} without a token_endpoint`
      )
    }
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: credentials.client_id,
      client_secret: credentials.client_secret
    })
    if (config.audience !== undefined && config.audience !== "") form.set("audience", config.audience)
    const started = yield* Clock.currentTimeMillis
    const answer = yield* getJson(endpoint, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: form.toString()
    })
    const token = answer.body["access_token"]
    if (answer.status === 400 || answer.status === 401) {
      const detail = [answer.body["error"], answer.body["error_description"]].filter((part) => typeof part === "string")
      return yield* new CredentialsRefused({
        url: endpoint,
        status: answer.status,
        reason: `the issuer refused the client credentials${detail.length > 0 ? ` (${detail.join(": ")})` : ""}`
      })
    }
    if (answer.status !== 200 || typeof token !== "string" || token === "") {
      return yield* unavailable(`its token endpoint answered HTTP ${answer.status} without an access_token`)
    }
    const lifetime = Number(answer.body["expires_in"])
    // Without expires_in the token is taken for an hour, and fetched again after most of it.
    const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600
    return {
      token,
      refreshAt: started + seconds * 1000 * refreshShare,
      expiresAt: started + seconds * 1000
    } satisfies CachedToken
  })

  return lock.withPermit(
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (cached !== undefined && now < cached.refreshAt) return cached.token
      const held = cached
      return yield* fetchToken.pipe(
        Effect.tap((fresh) =>
          Effect.sync(() => {
            cached = fresh
          })
        ),
        Effect.map((fresh) => fresh.token),
        Effect.catch((error) =>
          held !== undefined && now < held.expiresAt ? Effect.succeed(held.token) : Effect.fail(error)
        )
      )
    })
  )
}

export interface BrokerAccess {
  /** The token presented (PULSAR_AUTH_TOKEN, its file, or an OAuth2 access token), or undefined. */
  readonly token: Effect.Effect<string | undefined, BrokerUnavailable | CredentialsRefused>
  /** The headers and TLS options of the next connection or request, files read afresh. */
  readonly options: Effect.Effect<BrokerConnectionOptions, BrokerUnavailable | CredentialsRefused>
  /** GET on the admin REST API with those options: its status and body, whatever the status. */
  readonly get: (
    path: string,
    timeout: Duration.Input
  ) => Effect.Effect<{ readonly status: number; readonly body: string }, BrokerUnavailable | CredentialsRefused>
  /** POST of a JSON body on the admin REST API, likewise. */
  readonly post: (
    path: string,
    body: string,
    timeout: Duration.Input
  ) => Effect.Effect<{ readonly status: number; readonly body: string }, BrokerUnavailable | CredentialsRefused>
}

/**
 * `sharedToken`: another access's token, for a second way into the same broker (the binary port
 * beside the admin API), so that an OAuth2 token is granted and renewed once for both.
 */
export const makeBrokerAccess = (
  httpUrl: string,
  auth: PulsarAuthConfig = {},
  tls: PulsarTlsConfig = {},
  sharedToken?: BrokerAccess["token"]
): BrokerAccess => {
  const problem = securityProblem(httpUrl, auth, tls)
  const oauth2 =
    sharedToken === undefined && auth.oauth2?.issuerUrl !== undefined && auth.oauth2.credentialsFile !== undefined
      ? makeOAuth2(httpUrl, auth.oauth2)
      : undefined

  const token: Effect.Effect<string | undefined, BrokerUnavailable | CredentialsRefused> =
    sharedToken !== undefined
      ? sharedToken
      : auth.token !== undefined
        ? Effect.succeed(Redacted.value(auth.token))
        : auth.tokenFile !== undefined
          ? readSetting(httpUrl, "PULSAR_AUTH_TOKEN_FILE", auth.tokenFile).pipe(
              Effect.flatMap((bytes) => {
                const text = bytes.toString("utf8").trim()
                return text === ""
                  ? Effect.fail(
                      new BrokerUnavailable({
                        url: httpUrl,
                        reason: `PULSAR_AUTH_TOKEN_FILE (${auth.tokenFile}) is empty`
                      })
                    )
                  : Effect.succeed(text)
              })
            )
          : (oauth2 ?? Effect.succeed(undefined))

  const optional = (variable: string, path: string | undefined) =>
    path === undefined ? Effect.succeed(undefined) : readSetting(httpUrl, variable, path)

  const options = Effect.suspend(() =>
    problem !== undefined
      ? Effect.fail(new BrokerUnavailable({ url: httpUrl, reason: problem }))
      : Effect.all({
          token,
          ca: optional("PULSAR_TLS_CA_FILE", tls.caFile),
          cert: optional("PULSAR_TLS_CERT_FILE", tls.certFile),
          key: optional("PULSAR_TLS_KEY_FILE", tls.keyFile)
        })
  ).pipe(
    Effect.map(({ token, ca, cert, key }): BrokerConnectionOptions => ({
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      tls: {
        ...(ca === undefined ? {} : { ca }),
        ...(cert === undefined ? {} : { cert }),
        ...(key === undefined ? {} : { key }),
        rejectUnauthorized: tls.insecure !== true
      }
    }))
  )

  const get = (path: string, timeout: Duration.Input) => adminRequest("GET", path, undefined, timeout)
  const post = (path: string, body: string, timeout: Duration.Input) => adminRequest("POST", path, body, timeout)

  const adminRequest = (method: string, path: string, body: string | undefined, timeout: Duration.Input) =>
    options.pipe(
      Effect.flatMap((connection) =>
        Effect.callback<{ readonly status: number; readonly body: string }, BrokerUnavailable>((resume) => {
          const url = new URL(`${httpUrl}${path}`)
          const request = (url.protocol === "https:" ? httpsRequest : nodeHttp.request)(url, {
            method,
            headers: {
              accept: "application/json",
              ...(body === undefined ? {} : { "content-type": "application/json" }),
              ...connection.headers
            },
            ...connection.tls
          })
          request.once("response", (response) => {
            const chunks: Array<Buffer> = []
            response.on("data", (chunk: Buffer) => chunks.push(chunk))
            response.once("end", () =>
              resume(Effect.succeed({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
            )
            response.once("error", (error) =>
              resume(Effect.fail(new BrokerUnavailable({ url: httpUrl, reason: error.message })))
            )
          })
          request.once("error", (error) =>
            resume(Effect.fail(new BrokerUnavailable({ url: httpUrl, reason: error.message || String(error) })))
          )
          request.end(body)
          return Effect.sync(() => request.destroy())
        }).pipe(
          Effect.timeoutOrElse({
            duration: timeout,
            orElse: () =>
              Effect.fail(
                new BrokerUnavailable({
                  url: httpUrl,
                  reason: `no answer within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
                })
              )
          })
        )
      )
    )

  return { token, options, get, post }
}

/** The warning a broker reached with `PULSAR_TLS_INSECURE` logs at start-up, or undefined. */
export const insecureWarning = (httpUrl: string, tls: PulsarTlsConfig = {}): string | undefined =>
  tls.insecure === true && httpUrl.startsWith("https:")
    ? `PULSAR_TLS_INSECURE is set: the broker's certificate and host name at ${httpUrl} are NOT checked, ` +
      "so anyone on the path can read and change the traffic and take the broker's credentials. Use it for tests only; " +
      "set PULSAR_TLS_CA_FILE instead"
    : undefined
