/**
 * AccessControl: the grants of GATEWAY_TOKENS_FILE in force, re-read whenever the file changes.
 *
 * At start a file that cannot be read or is wrong stops the gateway (`TokensFileError`, exit 2
 * like a bad FLOWS_FILE). Later a bad version is refused with one warning line and the last good
 * grants stay in force, so a half-finished edit never locks everyone out or lets anyone in. No
 * token ever reaches a log line: problems name places in the file (`tokens[2].kinds[0]`).
 */
import { readFile } from "node:fs/promises"
import { Context, Effect, Layer, PubSub, Result, Schema, type Scope } from "effect"
import { decodeTokensFile, type Grants } from "../domain/Tokens.ts"
import { type FileReload, watchFiles } from "../layers/WatchedFiles.ts"
import { GatewaySettings } from "./GatewaySettings.ts"

export class TokensFileError extends Schema.TaggedError<TokensFileError>()("TokensFileError", {
  source: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `bad ${this.source}: ${this.problem}`
  }
}

export interface AccessControlShape {
  /** The grants in force; undefined when GATEWAY_TOKENS_FILE is not set. */
  readonly grants: () => Grants | undefined
  /** Each re-read of a changed file after start, as it is decided: subscribe, then change the file. */
  readonly reloads: PubSub.PubSub<FileReload>
}

export class AccessControl extends Context.Service<AccessControl, AccessControlShape>()("tg-gateway/AccessControl") {}

const plural = (count: number) => (count === 1 ? "1 token" : `${count} tokens`)

const read = (file: string): Effect.Effect<string, string> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      cause instanceof Error && "code" in cause && cause.code === "ENOENT"
        ? "the file does not exist"
        : `cannot be read (${cause instanceof Error ? cause.message : String(cause)})`
  })

const load = (file: string): Effect.Effect<{ readonly text: string; readonly grants: Grants }, string> =>
  Effect.flatMap(read(file), (text) =>
    Result.match(decodeTokensFile(text), {
      onSuccess: (grants) => Effect.succeed({ text, grants }),
      onFailure: (problem) => Effect.fail(problem)
    })
  )

/** The grants of `file` (GATEWAY_TOKENS_FILE), kept current while the scope is open; none when unset. */
export const makeAccessControl = (
  file: string | undefined
): Effect.Effect<AccessControlShape, TokensFileError, Scope.Scope> =>
  Effect.gen(function* () {
    const reloads = yield* PubSub.unbounded<FileReload>()
    if (file === undefined) return AccessControl.of({ grants: () => undefined, reloads })
    const source = `GATEWAY_TOKENS_FILE ${file}`
    const first = yield* load(file).pipe(Effect.mapError((problem) => new TokensFileError({ source, problem })))
    let grants = first.grants
    // The last text read, good or bad: an event that changed nothing is not a reload, and a bad
    // version is warned about once, not at every event until it is fixed.
    let seen = first.text
    yield* Effect.logInfo(`${source}: ${plural(grants.length)}`)
    const reload = Effect.gen(function* () {
      const text = yield* Effect.result(read(file))
      // A file that cannot be read is "seen" as its problem, so that it too is warned about once.
      const current = Result.isSuccess(text) ? text.success : `\u0000${text.failure}`
      if (current === seen) return
      seen = current
      const decoded = Result.isSuccess(text) ? decodeTokensFile(text.success) : Result.fail(text.failure)
      if (Result.isSuccess(decoded)) {
        grants = decoded.success
        yield* Effect.logInfo(`${source} re-read: ${plural(grants.length)}`)
        yield* PubSub.publish(reloads, { _tag: "Applied" })
      } else {
        yield* Effect.logWarning(`${source} refused: ${decoded.failure}; the grants read before stay in force`)
        yield* PubSub.publish(reloads, { _tag: "Kept", problem: decoded.failure })
      }
    })
    yield* watchFiles([file], reload)
    return AccessControl.of({ grants: () => grants, reloads })
  })

/** AccessControl for the GATEWAY_TOKENS_FILE of the settings. */
export const layerAccessControl: Layer.Layer<AccessControl, TokensFileError, GatewaySettings> = Layer.effect(
  AccessControl,
  Effect.gen(function* () {
    return yield* makeAccessControl((yield* GatewaySettings).tokensFile)
  })
)
