/**
 * Which connection a socket request asks for, or why it is refused before the upgrade: the
 * path names the flow, the direction and the kind; the query the options; the token the right
 * to connect at all (GATEWAY_SECRET) and what it may reach (a grant of GATEWAY_TOKENS_FILE).
 * Pure: the grants in force are passed in, and the server answers a refusal with its status and
 * `{"error": …}`.
 */
import { timingSafeEqual } from "node:crypto"
import { Redacted, Result } from "effect"
import { type ExportableKindName, isExportable, type KindName, kindNames, parseKindName } from "./Kinds.ts"
import { admits, type Grant, grantOf, type Grants, outsideGrant, tokenDigest } from "./Tokens.ts"

export type Route =
  | {
      readonly direction: "import"
      readonly kind: KindName
      readonly topic: string
      /** `?ack=true`: answer each frame once persisted. */
      readonly ack: boolean
      /**
       * `?producer=NAME&first=K` (with `?ack=true`): frame n of the connection is sent from the
       * producer NAME with sequence id K+n-1, so the broker drops a resend of one it holds.
       */
      readonly producer?: ImportProducer
    }
  | {
      readonly direction: "export"
      readonly kind: ExportableKindName
      readonly topic: string
      /** `?subscription=name`: a durable subscription kept on close; otherwise a private live tap. */
      readonly subscription: string | undefined
      /** `?from=earliest`: a new subscription starts at the topic's first message instead of now. */
      readonly from: "Latest" | "Earliest"
      /** `?ack=true`: a message is acknowledged to the broker only once the client acks its frame. */
      readonly ack: boolean
    }

export interface ImportProducer {
  readonly name: string
  /** The sequence id of the connection's first frame. */
  readonly first: number
}

/** An HTTP answer instead of the upgrade. */
export interface Refusal {
  readonly status: number
  readonly error: string
}

/** What resolving needs to know of the running gateway. */
export interface RouteContext {
  /** GATEWAY_SECRET: its holder may use everything. */
  readonly secret: Redacted.Redacted<string> | undefined
  /**
   * The grants of GATEWAY_TOKENS_FILE as last read; undefined when it is not set. With neither
   * this nor the secret, every request is let in.
   */
  readonly grants: Grants | undefined
  readonly flows: ReadonlyArray<string>
  readonly topicFor: (flow: string, workspace: string, kind: KindName) => string | undefined
}

/** The request as far as routing is concerned. */
export interface SocketRequest {
  readonly url: URL
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined
}

/** Every socket route lives under this prefix: TrustGraph's clients use exactly these paths. */
export const socketRoutePrefix = "/api/v1/flow/"

const routePattern = /^\/api\/v1\/flow\/([^/]+)\/(import|export)\/([^/]+)\/?$/
const subscriptionPattern = /^[A-Za-z0-9._-]{1,128}$/

export const isSocketPath = (path: string): boolean => routePattern.test(path)

/** Compares in constant time, whatever the lengths. */
export const tokenMatches = (given: string, secret: Redacted.Redacted<string>): boolean =>
  timingSafeEqual(tokenDigest(given), tokenDigest(Redacted.value(secret)))

const bearer = /^Bearer +(\S+) *$/i

/** `?token=` first (TrustGraph's clients), then `Authorization: Bearer` (its scheme in any case, RFC 9110 §11.1). */
const tokenOf = ({ url, authorization }: SocketRequest): string | undefined =>
  url.searchParams.get("token") ?? (authorization === undefined ? undefined : bearer.exec(authorization)?.[1])

/** Who is asking: anyone (no access control), the secret's holder, a token's grant, or nobody known. */
type Caller = "anyone" | "secret" | Grant | undefined

/** The secret is tried first: its holder may use everything, whatever the tokens file says. */
const callerOf = (request: SocketRequest, { secret, grants }: RouteContext): Caller => {
  if (secret === undefined && grants === undefined) return "anyone"
  const token = tokenOf(request)
  if (token === undefined) return undefined
  if (secret !== undefined && tokenMatches(token, secret)) return "secret"
  return grants === undefined ? undefined : grantOf(token, grants)
}

/** A path segment decoded, or undefined when its percent-encoding is malformed. */
const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const isTrue = (value: string | null) => value !== null && ["true", "1", "yes"].includes(value.toLowerCase())

const refuse = (status: number, error: string): Result.Result<Route, Refusal> => Result.fail({ status, error })

export const resolveRoute = (request: SocketRequest, context: RouteContext): Result.Result<Route, Refusal> => {
  const { url } = request
  const match = routePattern.exec(url.pathname)
  if (match === null) return refuse(404, `no such route: ${url.pathname}`)
  const caller = callerOf(request, context)
  if (caller === undefined) {
    return refuse(401, "unauthorized: a valid token is required (?token= or Authorization: Bearer)")
  }
  const [, flowSegment = "", direction, kindSegment = ""] = match
  const flow = decodeSegment(flowSegment)
  const kindName = decodeSegment(kindSegment)
  if (flow === undefined || kindName === undefined) {
    return refuse(400, `malformed percent-encoding in ${url.pathname}`)
  }
  const kind = parseKindName(kindName)
  if (kind === undefined || (direction === "export" && !isExportable(kind))) {
    const offered = direction === "export" ? kindNames.filter(isExportable) : kindNames
    return refuse(404, `unknown kind "${kindSegment}"; ${direction} kinds: ${offered.join(", ")}`)
  }
  const workspace = url.searchParams.get("workspace") ?? "default"
  // Before the flow is looked up: a token is not told of flows outside its grant.
  const grant = typeof caller === "string" ? undefined : caller
  const forbidden =
    grant === undefined
      ? undefined
      : outsideGrant(grant, { workspace, flow, kind, direction: direction === "export" ? "export" : "import" })
  if (forbidden !== undefined) return refuse(403, forbidden)
  const topic = context.topicFor(flow, workspace, kind)
  if (topic === undefined) {
    const flows = grant === undefined ? context.flows : context.flows.filter((name) => admits(grant.flows, name))
    return refuse(404, `unknown flow "${flow}"; flows: ${flows.join(", ")}`)
  }
  if (direction === "import") {
    const ack = isTrue(url.searchParams.get("ack"))
    const producer = importProducerOf(url.searchParams, ack)
    if (Result.isFailure(producer)) return Result.fail(producer.failure)
    return Result.succeed({
      direction,
      kind,
      topic,
      ack,
      ...(producer.success === undefined ? {} : { producer: producer.success })
    })
  }
  if (!isExportable(kind)) return refuse(404, `unknown kind "${kind}"`)
  const subscription = url.searchParams.get("subscription") ?? undefined
  if (subscription !== undefined && !subscriptionPattern.test(subscription)) {
    return refuse(400, "subscription names use 1 to 128 letters, digits, '.', '_' or '-'")
  }
  const from = url.searchParams.get("from")?.toLowerCase() ?? "latest"
  if (from !== "latest" && from !== "earliest") return refuse(400, `from=${from}: expected latest or earliest`)
  return Result.succeed({
    direction: "export",
    kind,
    topic,
    subscription,
    from: from === "earliest" ? "Earliest" : "Latest",
    ack: isTrue(url.searchParams.get("ack"))
  })
}

/** Sequence ids are Pulsar's signed 64-bit longs; JavaScript numbers hold integers exactly up to 2^53 - 1. */
const firstPattern = /^[1-9][0-9]{0,15}$/

/** `?producer=` and `?first=` of an import, checked; undefined without `?producer=`. */
const importProducerOf = (
  params: URLSearchParams,
  ack: boolean
): Result.Result<ImportProducer | undefined, Refusal> => {
  const name = params.get("producer")
  const first = params.get("first")
  if (name === null) {
    return first === null
      ? Result.succeed(undefined)
      : Result.fail({ status: 400, error: "first= numbers the frames of a named producer: add ?producer=NAME" })
  }
  if (!subscriptionPattern.test(name)) {
    return Result.fail({ status: 400, error: "producer names use 1 to 128 letters, digits, '.', '_' or '-'" })
  }
  if (!ack) {
    return Result.fail({
      status: 400,
      error: "producer= needs ack=true: a client resends from its first unacknowledged frame, so it must be told which"
    })
  }
  if (first !== null && (!firstPattern.test(first) || !Number.isSafeInteger(Number(first)))) {
    return Result.fail({ status: 400, error: `first=${first}: expected a whole number from 1 to 9007199254740991` })
  }
  return Result.succeed({ name, first: first === null ? 1 : Number(first) })
}

/** What a connection serves, in the words of the shutdown log. */
export const subjectOf = (route: Route): string =>
  route.direction === "import" ? `import to ${route.topic}` : `export from ${route.topic}`
