/**
 * Routing and auth before the upgrade, as a pure function: each request names what it is given
 * and what the gateway answers, a route or a refusal with its status.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { type RouteContext, resolveRoute } from "../../src/domain/SocketRoutes.ts"
import { decodeTokensFile, type Grants } from "../../src/domain/Tokens.ts"

interface Given {
  readonly secret?: string
  readonly authorization?: string
  /** The tokens file's `tokens` list, as JSON would give it. */
  readonly tokens?: ReadonlyArray<unknown>
}

const grantsOf = (tokens: ReadonlyArray<unknown>): Grants => {
  const decoded = decodeTokensFile(JSON.stringify({ tokens }))
  if (Result.isFailure(decoded)) throw new Error(decoded.failure)
  return decoded.success
}

const context = ({ secret, tokens }: Given): RouteContext => ({
  secret: secret === undefined ? undefined : Redacted.make(secret),
  grants: tokens === undefined ? undefined : grantsOf(tokens),
  flows: ["default", "alpha", "beta"],
  topicFor: (flow, workspace, kind) =>
    ["default", "alpha", "beta"].includes(flow) ? `persistent://tg/flow/${kind}:${workspace}:${flow}` : undefined
})

const resolve = (path: string, options: Given = {}) =>
  resolveRoute({ url: new URL(path, "http://gateway"), authorization: options.authorization }, context(options))

const refusalOf = (path: string, options?: Given) => {
  const resolved = resolve(path, options)
  return Result.isFailure(resolved) ? resolved.failure : undefined
}

describe("resolveRoute", () => {
  it("an import names its topic from flow, workspace and kind, and takes ?ack", () => {
    assert.deepStrictEqual(
      resolve("/api/v1/flow/default/import/triples?workspace=w&ack=true"),
      Result.succeed({
        direction: "import",
        kind: "triples",
        topic: "persistent://tg/flow/triples:w:default",
        ack: true
      })
    )
  })

  it("an import takes ?producer with ?ack=true, its frames numbered from ?first (1 when absent)", () => {
    const base = "/api/v1/flow/default/import/triples?ack=true&producer=load.1"
    const route = (path: string) => {
      const resolved = resolve(path)
      return Result.isSuccess(resolved) && resolved.success.direction === "import"
        ? resolved.success.producer
        : undefined
    }
    assert.deepStrictEqual(route(base), { name: "load.1", first: 1 })
    assert.deepStrictEqual(route(`${base}&first=11`), { name: "load.1", first: 11 })
    assert.deepStrictEqual(route(`${base}&first=9007199254740991`), { name: "load.1", first: 9007199254740991 })
  })

  it("an import's ?producer without ?ack=true, a bad name or a bad ?first is refused with 400 saying which", () => {
    const at = "/api/v1/flow/default/import/triples"
    assert.match(refusalOf(`${at}?producer=p`)?.error ?? "", /producer= needs ack=true/)
    assert.match(refusalOf(`${at}?ack=true&producer=a%20b`)?.error ?? "", /producer names use/)
    for (const first of ["0", "-1", "1.5", "x", "9007199254740992", ""]) {
      const refusal = refusalOf(`${at}?ack=true&producer=p&first=${first}`)
      assert.strictEqual(refusal?.status, 400, `first=${first}`)
      assert.include(refusal?.error, `first=${first}:`)
    }
    assert.match(refusalOf(`${at}?ack=true&first=3`)?.error ?? "", /add \?producer=NAME/)
  })

  it("an export takes ?subscription and ?from, and a trailing slash", () => {
    assert.deepStrictEqual(
      resolve("/api/v1/flow/default/export/graph-embeddings/?subscription=s-1.x&from=EARLIEST"),
      Result.succeed({
        direction: "export",
        kind: "graph-embeddings",
        topic: "persistent://tg/flow/graph-embeddings:default:default",
        subscription: "s-1.x",
        from: "Earliest",
        ack: false
      })
    )
  })

  it("an export takes ?ack=true: the client acknowledges its frames", () => {
    const resolved = resolve("/api/v1/flow/default/export/triples?subscription=s&ack=true")
    assert.isTrue(Result.isSuccess(resolved) && resolved.success.direction === "export" && resolved.success.ack)
  })

  const refusals: ReadonlyArray<readonly [string, string, number, RegExp, Given?]> = [
    ["an unknown path", "/api/v2/x", 404, /^no such route: \/api\/v2\/x$/],
    ["an unknown kind", "/api/v1/flow/default/import/quads", 404, /unknown kind "quads"; import kinds: triples, /],
    ["a kind that is not exported", "/api/v1/flow/default/export/rows", 404, /unknown kind "rows"; export kinds: /],
    ["an unknown flow", "/api/v1/flow/nope/import/triples", 404, /^unknown flow "nope"; flows: default, alpha, beta$/],
    ["malformed percent-encoding", "/api/v1/flow/%E0%A4%A/import/triples", 400, /malformed percent-encoding/],
    [
      "a subscription name with a space",
      "/api/v1/flow/default/export/triples?subscription=a%20b",
      400,
      /subscription names/
    ],
    [
      "an unknown ?from",
      "/api/v1/flow/default/export/triples?from=middle",
      400,
      /^from=middle: expected latest or earliest$/
    ],
    ["no token where one is needed", "/api/v1/flow/default/import/triples", 401, /unauthorized/, { secret: "s" }],
    ["a wrong token", "/api/v1/flow/default/import/triples?token=t", 401, /unauthorized/, { secret: "s" }],
    [
      "a wrong bearer",
      "/api/v1/flow/default/import/triples",
      401,
      /unauthorized/,
      { secret: "s", authorization: "Bearer t" }
    ],
    ["no token before a malformed path", "/api/v1/flow/%E0%A4%A/import/triples", 401, /unauthorized/, { secret: "s" }]
  ]
  for (const [what, path, status, error, options] of refusals) {
    it(`${what} is refused with ${status}`, () => {
      const refusal = refusalOf(path, options)
      assert.strictEqual(refusal?.status, status)
      assert.match(refusal?.error ?? "", error)
    })
  }

  it("the token is taken from ?token= or from Authorization: Bearer", () => {
    assert.isTrue(Result.isSuccess(resolve("/api/v1/flow/default/import/triples?token=s", { secret: "s" })))
    assert.isTrue(
      Result.isSuccess(resolve("/api/v1/flow/default/import/triples", { secret: "s", authorization: "Bearer s" }))
    )
  })
})

describe("resolveRoute with GATEWAY_TOKENS_FILE's grants", () => {
  const acme = { token: "acme-t0ken", workspaces: ["acme"], flows: "*", kinds: "*", directions: "*" }
  const loader = {
    token: "l0ader-t0ken",
    workspaces: "*",
    flows: ["alpha", "gamma"],
    kinds: ["triples"],
    directions: ["import"]
  }
  const tokens = [acme, loader]
  const as = (token: string, extra: Given = {}): Given => ({ tokens, authorization: `Bearer ${token}`, ...extra })
  const path = "/api/v1/flow/default/import/triples"

  it("a token limited to one workspace gets its workspace, on import and export", () => {
    assert.deepStrictEqual(
      resolve(`${path}?workspace=acme`, as(acme.token)),
      Result.succeed({
        direction: "import",
        kind: "triples",
        topic: "persistent://tg/flow/triples:acme:default",
        ack: false
      })
    )
    assert.isTrue(Result.isSuccess(resolve("/api/v1/flow/beta/export/triples?workspace=acme", as(acme.token))))
  })

  const refusals: ReadonlyArray<readonly [string, string, Given, number, string]> = [
    [
      "a token limited to one workspace, on another",
      `${path}?workspace=beta`,
      as(acme.token),
      403,
      `forbidden: workspace "beta" is outside this token's grant (workspaces: acme)`
    ],
    [
      "a token limited to one workspace, on the default one",
      path,
      as(acme.token),
      403,
      `forbidden: workspace "default" is outside this token's grant (workspaces: acme)`
    ],
    [
      "an import-only token exporting",
      "/api/v1/flow/alpha/export/triples",
      as(loader.token),
      403,
      `forbidden: direction "export" is outside this token's grant (directions: import)`
    ],
    [
      "a token outside its flows and kinds at once",
      "/api/v1/flow/beta/import/rows",
      as(loader.token),
      403,
      `forbidden: flow "beta", kind "rows" are outside this token's grant (flows: alpha, gamma; kinds: triples)`
    ],
    [
      "a token asking for an unknown flow outside its grant: not told which flows exist",
      "/api/v1/flow/nope/import/triples",
      as(loader.token),
      403,
      `forbidden: flow "nope" is outside this token's grant (flows: alpha, gamma)`
    ],
    [
      "a token asking for an unknown flow inside its grant: told only of its own",
      "/api/v1/flow/gamma/import/triples",
      as(loader.token),
      404,
      `unknown flow "gamma"; flows: alpha`
    ],
    ["no token", path, { tokens }, 401, "unauthorized: a valid token is required (?token= or Authorization: Bearer)"],
    [
      "an unknown token",
      `${path}?token=nobody`,
      { tokens },
      401,
      "unauthorized: a valid token is required (?token= or Authorization: Bearer)"
    ],
    [
      "a token of the file before a malformed path",
      "/api/v1/flow/%E0%A4%A/import/triples",
      { tokens },
      401,
      "unauthorized: a valid token is required (?token= or Authorization: Bearer)"
    ],
    [
      "any token when the file lists none",
      `${path}?token=x`,
      { tokens: [] },
      401,
      "unauthorized: a valid token is required (?token= or Authorization: Bearer)"
    ],
    [
      "a token of the file that the secret does not replace",
      `${path}?workspace=beta`,
      as(acme.token, { secret: "s3cret" }),
      403,
      `forbidden: workspace "beta" is outside this token's grant (workspaces: acme)`
    ]
  ]
  for (const [what, url, given, status, error] of refusals) {
    it(`${what}: ${status}, naming what is refused and never the token`, () => {
      const refusal = refusalOf(url, given)
      assert.deepStrictEqual(refusal, { status, error })
      for (const token of [acme.token, loader.token]) assert.notInclude(refusal?.error ?? "", token)
    })
  }

  it("a token is taken from ?token= or Authorization: Bearer, the scheme in any case", () => {
    const url = "/api/v1/flow/alpha/import/triples"
    assert.isTrue(Result.isSuccess(resolve(`${url}?token=${loader.token}`, { tokens })))
    assert.isTrue(Result.isSuccess(resolve(url, { tokens, authorization: `bearer ${loader.token}` })))
    assert.strictEqual(refusalOf(url, { tokens, authorization: `Basic ${loader.token}` })?.status, 401)
  })

  it("with GATEWAY_SECRET as well, either admits, and the secret's holder may use everything", () => {
    const url = "/api/v1/flow/beta/export/triples?workspace=anything"
    assert.isTrue(Result.isSuccess(resolve(url, { tokens, secret: "s3cret", authorization: "Bearer s3cret" })))
    assert.isTrue(Result.isSuccess(resolve(`${path}?workspace=acme`, as(acme.token, { secret: "s3cret" }))))
    assert.strictEqual(refusalOf(url, { tokens, secret: "s3cret", authorization: "Bearer wrong" })?.status, 401)
  })

  it('"*" in a list means any; with neither a file nor a secret, anyone is let in', () => {
    const everything = [{ token: "all", workspaces: "*", flows: ["*"], kinds: "*", directions: ["*", "import"] }]
    assert.isTrue(
      Result.isSuccess(resolve("/api/v1/flow/beta/export/triples?workspace=w&token=all", { tokens: everything }))
    )
    assert.isTrue(Result.isSuccess(resolve(path)))
  })
})
