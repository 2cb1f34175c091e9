/**
 * Routing and auth before the upgrade, as a pure function: each request names what it is given
 * and what the gateway answers, a route or a refusal with its status.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { type RouteContext, resolveRoute } from "../../src/domain/SocketRoutes.ts"

const context = (secret?: string): RouteContext => ({
  secret: secret === undefined ? undefined : Redacted.make(secret),
  flows: ["default"],
  topicFor: (flow, workspace, kind) =>
    flow === "default" ? `persistent://tg/flow/${kind}:${workspace}:${flow}` : undefined
})

const resolve = (path: string, options: { readonly secret?: string; readonly authorization?: string } = {}) =>
  resolveRoute({ url: new URL(path, "http://gateway"), authorization: options.authorization }, context(options.secret))

const refusalOf = (path: string, options?: { readonly secret?: string; readonly authorization?: string }) => {
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

  const refusals: ReadonlyArray<
    readonly [string, string, number, RegExp, { secret?: string; authorization?: string }?]
  > = [
    ["an unknown path", "/api/v2/x", 404, /^no such route: \/api\/v2\/x$/],
    ["an unknown kind", "/api/v1/flow/default/import/quads", 404, /unknown kind "quads"; import kinds: triples, /],
    ["a kind that is not exported", "/api/v1/flow/default/export/rows", 404, /unknown kind "rows"; export kinds: /],
    ["an unknown flow", "/api/v1/flow/nope/import/triples", 404, /^unknown flow "nope"; flows: default$/],
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
