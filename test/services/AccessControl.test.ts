/**
 * GATEWAY_TOKENS_FILE on disk: read at start (a bad file stops the gateway), re-read when it is
 * rewritten in place, replaced by an editor's rename, or swapped the way Kubernetes updates a
 * mounted secret, and a bad new version refused with one warning while the last good grants stay.
 * Each test waits on the re-read's own announcement (`reloads`), not on time.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Logger, Scope } from "effect"
import { grantOf } from "../../src/domain/Tokens.ts"
import type { FileReload } from "../../src/layers/WatchedFiles.ts"
import { type AccessControlShape, makeAccessControl } from "../../src/services/AccessControl.ts"
import { isHalfWritten, isHalfWrittenWarning, reloadAfter as reloadAfterChange } from "../support/reloads.ts"

const grant = (token: string, workspaces: ReadonlyArray<string> | "*") => ({
  token,
  workspaces,
  flows: "*",
  kinds: "*",
  directions: "*"
})

const fileOf = (...grants: ReadonlyArray<ReturnType<typeof grant>>) => JSON.stringify({ tokens: grants })

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "tg-tokens-"))),
  (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
)

interface Logged {
  readonly level: string
  readonly message: string
}

/** AccessControl on `file`, with what it logs. */
const accessControl = (file: string | undefined) =>
  Effect.gen(function* () {
    const logged: Array<Logged> = []
    const collector = Logger.make((options) => {
      const message = Array.isArray(options.message) ? options.message.map(String).join(" ") : String(options.message)
      logged.push({ level: options.logLevel, message })
    })
    const access = yield* makeAccessControl(file).pipe(Effect.provide(Logger.layer([collector])))
    return { access, logged }
  })

/** Runs `change` and waits for the re-read it causes, past any read of a half-written file. */
const reloadAfter = (access: AccessControlShape, change: () => void) =>
  reloadAfterChange(access.reloads, change, isHalfWritten)

const workspacesOf = (access: AccessControlShape, token: string) => {
  const found = grantOf(token, access.grants() ?? [])
  return found === undefined ? undefined : found.workspaces === "*" ? "*" : [...found.workspaces]
}

const applied: FileReload = { _tag: "Applied" }

describe("AccessControl", () => {
  it.live("with no GATEWAY_TOKENS_FILE there are no grants (everyone is let in, or GATEWAY_SECRET decides)", () =>
    Effect.gen(function* () {
      const { access } = yield* accessControl(undefined)
      assert.isUndefined(access.grants())
    })
  )

  it.live("a file rewritten in place is re-read, and its new grants apply", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      writeFileSync(file, fileOf(grant("alpha-token", ["acme"])))
      const { access, logged } = yield* accessControl(file)
      assert.deepStrictEqual(workspacesOf(access, "alpha-token"), ["acme"])

      const reload = yield* reloadAfter(access, () =>
        writeFileSync(file, fileOf(grant("alpha-token", ["acme", "beta"]), grant("new-token", "*")))
      )
      assert.deepStrictEqual(reload, applied)
      assert.deepStrictEqual(workspacesOf(access, "alpha-token"), ["acme", "beta"])
      assert.strictEqual(workspacesOf(access, "new-token"), "*")
      assert.deepStrictEqual(
        logged.map((line) => line.message).filter((message) => !isHalfWrittenWarning(message)),
        [`GATEWAY_TOKENS_FILE ${file}: 1 token`, `GATEWAY_TOKENS_FILE ${file} re-read: 2 tokens`]
      )
    })
  )

  it.live("a file replaced by renaming a new one over it (as editors save) is re-read, every time", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      writeFileSync(file, fileOf(grant("token-0", ["acme"])))
      const { access } = yield* accessControl(file)
      // Three times: a watch on the file itself sees the first replacement and then sits on the
      // file that was replaced; the re-read left pending by the first one's events may still
      // catch the second, never the third.
      for (const n of [1, 2, 3]) {
        const reload = yield* reloadAfter(access, () => {
          writeFileSync(join(directory, ".tokens.json.swp"), fileOf(grant(`token-${n}`, [`w${n}`])))
          renameSync(join(directory, ".tokens.json.swp"), file)
        })
        assert.deepStrictEqual(reload, applied)
        assert.isUndefined(workspacesOf(access, `token-${n - 1}`), "the old token is gone")
        assert.deepStrictEqual(workspacesOf(access, `token-${n}`), [`w${n}`])
      }
    })
  )

  it.live("a Kubernetes secret updated by swapping its ..data symlink is re-read, every time", () =>
    Effect.gen(function* () {
      // What the kubelet does: each version in a directory of its own, `..data` pointing at the
      // current one, the file a symlink through `..data`; an update re-points `..data` atomically.
      const mount = yield* temporaryDirectory
      const version = (name: string, text: string) => {
        mkdirSync(join(mount, name))
        writeFileSync(join(mount, name, "tokens.json"), text)
      }
      version("..v0", fileOf(grant("token-0", ["acme"])))
      symlinkSync("..v0", join(mount, "..data"))
      symlinkSync("..data/tokens.json", join(mount, "tokens.json"))
      const { access } = yield* accessControl(join(mount, "tokens.json"))
      assert.deepStrictEqual(workspacesOf(access, "token-0"), ["acme"])

      for (const n of [1, 2, 3]) {
        const reload = yield* reloadAfter(access, () => {
          version(`..v${n}`, fileOf(grant(`token-${n}`, [`w${n}`])))
          symlinkSync(`..v${n}`, join(mount, "..data_tmp"))
          renameSync(join(mount, "..data_tmp"), join(mount, "..data"))
          rmSync(join(mount, `..v${n - 1}`), { recursive: true })
        })
        assert.deepStrictEqual(reload, applied)
        assert.isUndefined(workspacesOf(access, `token-${n - 1}`))
        assert.deepStrictEqual(workspacesOf(access, `token-${n}`), [`w${n}`])
      }
    })
  )

  it.live(
    "a bad new version is refused with one warning naming the file and the place, the last good grants stay, and a fixed one is taken",
    () =>
      Effect.gen(function* () {
        const directory = yield* temporaryDirectory
        const file = join(directory, "tokens.json")
        writeFileSync(file, fileOf(grant("alpha-token", ["acme"])))
        const { access, logged } = yield* accessControl(file)
        const bad = JSON.stringify({ tokens: [{ ...grant("beta-token", ["beta"]), kinds: ["quads"] }] })

        const refused = yield* reloadAfter(access, () => writeFileSync(file, bad))
        assert.strictEqual(refused._tag, "Kept")
        assert.match(refused._tag === "Kept" ? refused.problem : "", /^at tokens\[0\]\.kinds\[0\]: expected "triples"/)
        assert.deepStrictEqual(workspacesOf(access, "alpha-token"), ["acme"], "the last good grants")
        assert.isUndefined(workspacesOf(access, "beta-token"))

        // The same bad text again is not a second warning; the next announcement is the fix.
        const fixed = yield* reloadAfter(access, () => {
          writeFileSync(file, bad)
          writeFileSync(file, fileOf(grant("beta-token", ["beta"])))
        })
        assert.deepStrictEqual(fixed, applied)
        assert.deepStrictEqual(workspacesOf(access, "beta-token"), ["beta"])

        const warnings = logged
          .filter((line) => line.level === "Warn" && !isHalfWrittenWarning(line.message))
          .map((line) => line.message)
        assert.deepStrictEqual(warnings, [
          `GATEWAY_TOKENS_FILE ${file} refused: at tokens[0].kinds[0]: expected "triples" | "graph-embeddings" | "document-embeddings" | "entity-contexts" | "rows" | "*"; the grants read before stay in force`
        ])
        for (const line of logged) {
          for (const token of ["alpha-token", "beta-token"]) assert.notInclude(line.message, token)
        }
      })
  )

  it.live("a file deleted is refused once and the grants stay; written again, it is taken", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      writeFileSync(file, fileOf(grant("alpha-token", ["acme"])))
      const { access } = yield* accessControl(file)
      const gone = yield* reloadAfter(access, () => rmSync(file))
      assert.deepStrictEqual(gone, { _tag: "Kept", problem: "the file does not exist" })
      assert.deepStrictEqual(workspacesOf(access, "alpha-token"), ["acme"])
      const back = yield* reloadAfter(access, () => writeFileSync(file, fileOf(grant("alpha-token", ["beta"]))))
      assert.deepStrictEqual(back, applied)
      assert.deepStrictEqual(workspacesOf(access, "alpha-token"), ["beta"])
    })
  )

  it.live("at start a bad file is a TokensFileError naming the file and the place, never the token", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const file = join(directory, "tokens.json")
      const startWith = (text: string | undefined) =>
        Effect.gen(function* () {
          if (text !== undefined) writeFileSync(file, text)
          else rmSync(file, { force: true })
          const scope = yield* Scope.make()
          const exit = yield* Effect.exit(makeAccessControl(file).pipe(Scope.provide(scope)))
          yield* Scope.close(scope, Exit.void)
          return Exit.isFailure(exit) ? String(exit.cause) : "started"
        })
      const source = `GATEWAY_TOKENS_FILE ${file}`
      assert.include(yield* startWith(undefined), `bad ${source}: the file does not exist`)
      assert.include(yield* startWith(""), `bad ${source}: the file is empty`)
      assert.include(yield* startWith('{"tokens": [{"token": "s3cret-t0ken",'), `bad ${source}: not valid JSON`)
      assert.include(
        yield* startWith(JSON.stringify({ tokens: ["s3cret-t0ken"] })),
        `bad ${source}: at tokens[0]: expected object`
      )
      assert.include(
        yield* startWith(fileOf(grant("s3cret-t0ken", "*"), grant("other", []))),
        `bad ${source}: at tokens[1].workspaces: expected "*" or a non-empty list of workspace names`
      )
      assert.include(
        yield* startWith(fileOf(grant("s3cret-t0ken", "*"), grant("s3cret-t0ken", ["acme"]))),
        `bad ${source}: at tokens[1].token: the same token as tokens[0]`
      )
      for (const text of [
        undefined,
        '{"tokens": [{"token": "s3cret-t0ken",',
        JSON.stringify({ tokens: ["s3cret-t0ken"] })
      ]) {
        assert.notInclude(yield* startWith(text), "s3cret-t0ken")
      }
    })
  )
})
