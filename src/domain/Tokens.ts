/**
 * Per-tenant access (GATEWAY_TOKENS_FILE): the file's shape, its text decoded into grants, and
 * whether a grant covers what a socket request asks for. Pure: reading and watching the file is
 * `AccessControl`'s (src/services/AccessControl.ts).
 *
 * ```json
 * { "tokens": [
 *   { "token": "…", "workspaces": ["acme"], "flows": "*", "kinds": "*", "directions": ["import"] }
 * ] }
 * ```
 *
 * The file is a list rather than an object keyed by token so that a problem can be named by its
 * place (`tokens[2].kinds[0]`) and never by the token itself. Only each token's SHA-256 digest is
 * kept once the file is read.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { Result, Schema, SchemaIssue } from "effect"
import { formatPath } from "./errors.ts"
import { type KindName, kindNames } from "./Kinds.ts"

export const directions = ["import", "export"] as const
export type Direction = (typeof directions)[number]

/** SHA-256 of a token: what is kept and compared, so that comparisons take the same time whatever the lengths. */
export const tokenDigest = (token: string): Buffer => createHash("sha256").update(token).digest()

/** `"*"` for any, or a list of names (a `"*"` among them also means any). */
const allowed = <S extends Schema.Top>(name: S, what: string) => {
  const message = `expected "*" or a non-empty list of ${what}`
  return Schema.Union([Schema.Literal("*"), Schema.Array(name).check(Schema.isMinLength(1, { message }))]).annotate({
    message
  })
}

const Name = Schema.String.check(Schema.isNonEmpty())

const GrantEntry = Schema.Struct({
  token: Schema.String.check(Schema.isNonEmpty({ message: "a token cannot be empty" })),
  workspaces: allowed(Name, "workspace names"),
  flows: allowed(Name, "flow names"),
  kinds: allowed(Schema.Literals([...kindNames, "*"]), `kinds (${kindNames.join(", ")})`),
  directions: allowed(Schema.Literals([...directions, "*"]), "directions (import, export)")
})

/** The whole file. Keys other than these (a `name` or a comment for people) are ignored. */
export const TokensFile = Schema.Struct({ tokens: Schema.Array(GrantEntry) })
export type TokensFile = typeof TokensFile.Type

/** Any, or exactly these. */
export type Allowed<A extends string> = "*" | ReadonlySet<A>

/** What one token may do. */
export interface Grant {
  /** Where it is in the file, e.g. `tokens[2]`: names it without showing the token. */
  readonly at: string
  readonly digest: Uint8Array
  readonly workspaces: Allowed<string>
  readonly flows: Allowed<string>
  readonly kinds: Allowed<KindName>
  readonly directions: Allowed<Direction>
}

export type Grants = ReadonlyArray<Grant>

const toAllowed = <A extends string>(given: "*" | ReadonlyArray<A | "*">): Allowed<A> =>
  given === "*" || given.includes("*") ? "*" : new Set(given.filter((name): name is A => name !== "*"))

/**
 * A problem message without the value that caused it: the value may be a token (a list of bare
 * tokens instead of objects, say), and problems are logged.
 */
const withoutInput = (message: string): string => {
  const text = message.replace(/, got [\s\S]*$/, "").replace(/^Invalid data [\s\S]*$/, "invalid value")
  return text === "Missing key" ? "required field is missing" : text.replace(/^Expected /, "expected ")
}

const describe = (issue: SchemaIssue.Issue): string => {
  const first = SchemaIssue.makeFormatterStandardSchemaV1()(issue).issues[0]
  const path = formatPath(
    (first?.path ?? []).map((key) => (typeof key === "object" && key !== null && "key" in key ? key.key : key))
  )
  const message = withoutInput(first?.message ?? "invalid value")
  return path === "" ? message : `at ${path}: ${message}`
}

/**
 * JSON.parse's message quotes the start of the text, which may hold a token: only where the
 * problem is, when it says, is kept.
 */
const jsonProblem = (error: unknown): string => {
  const where = /line \d+ column \d+/.exec(error instanceof Error ? error.message : "")
  return where === null ? "not valid JSON" : `not valid JSON (${where[0]})`
}

/** The grants in a GATEWAY_TOKENS_FILE's text, or what is wrong with it and where. */
export const decodeTokensFile = (text: string): Result.Result<Grants, string> => {
  if (text.trim() === "") return Result.fail("the file is empty")
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Result.fail(jsonProblem(error))
  }
  const decoded = Schema.decodeUnknownResult(TokensFile)(json)
  if (Result.isFailure(decoded)) return Result.fail(describe(decoded.failure.issue))
  const grants: Array<Grant> = []
  for (const [index, entry] of decoded.success.tokens.entries()) {
    const digest = tokenDigest(entry.token)
    const same = grants.find((grant) => timingSafeEqual(grant.digest, digest))
    if (same !== undefined) return Result.fail(`at tokens[${index}].token: the same token as ${same.at}`)
    grants.push({
      at: `tokens[${index}]`,
      digest,
      workspaces: toAllowed(entry.workspaces),
      flows: toAllowed(entry.flows),
      kinds: toAllowed(entry.kinds),
      directions: toAllowed(entry.directions)
    })
  }
  return Result.succeed(grants)
}

/**
 * The grant of a token, if any. Every grant is compared, each in constant time, so that the time
 * taken says nothing about which one matched or how much of a token was right.
 */
export const grantOf = (token: string, grants: Grants): Grant | undefined => {
  const digest = tokenDigest(token)
  let found: Grant | undefined
  for (const grant of grants) {
    if (timingSafeEqual(grant.digest, digest) && found === undefined) found = grant
  }
  return found
}

export const admits = <A extends string>(allowed: Allowed<A>, name: A): boolean => allowed === "*" || allowed.has(name)

/** What a socket request asks for, as far as a grant is concerned. */
export interface Access {
  readonly workspace: string
  readonly flow: string
  readonly kind: KindName
  readonly direction: Direction
}

const fields = [
  ["workspace", "workspaces"],
  ["flow", "flows"],
  ["kind", "kinds"],
  ["direction", "directions"]
] as const

/**
 * Undefined when the grant covers the request; otherwise what it asks for outside the grant and
 * what the grant allows, for the 403's message.
 */
export const outsideGrant = (grant: Grant, access: Access): string | undefined => {
  const outside = fields.filter(([one, many]) => !admits<string>(grant[many], access[one]))
  if (outside.length === 0) return undefined
  const asked = outside.map(([one]) => `${one} "${access[one]}"`).join(", ")
  const granted = outside.map(([, many]) => `${many}: ${[...grant[many]].join(", ")}`).join("; ")
  return `forbidden: ${asked} ${outside.length === 1 ? "is" : "are"} outside this token's grant (${granted})`
}
