/** The language of every command's messages follows --lang, then LANGUAGE, LC_ALL, LC_MESSAGES, LANG. */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en, type MessageKey } from "../../src/i18n/catalogs/en.ts"
import { catalog as esCatalog } from "../../src/i18n/catalogs/es.ts"
import { catalog as ruCatalog } from "../../src/i18n/catalogs/ru.ts"
import type { Catalog } from "../../src/i18n/messages.ts"

/** A catalog's text for a key; the catalog test guarantees every key is there. */
const textOf =
  (catalog: Catalog) =>
  (key: MessageKey): string =>
    catalog[key] ?? `missing ${key}`
const es = textOf(esCatalog)
const ru = textOf(ruCatalog)

const bin = fileURLToPath(new URL("../../bin/tg-gateway.js", import.meta.url))
const run = promisify(execFile)

/** Runs the command and returns everything it printed, whatever its exit code. */
const tgGateway = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.promise(() =>
    run(process.execPath, [bin, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env } }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`
    )
  )

describe("--lang and LANG", () => {
  it.live("--lang es gives Spanish help and errors for every command", () =>
    Effect.gen(function* () {
      const help = yield* tgGateway(["--help", "--lang", "es"])
      assert.include(help, es("cli.usage"))
      assert.include(help, es("cli.command.import"))
      const importHelp = yield* tgGateway(["import", "--help", "--lang", "es"])
      assert.include(importHelp, es("import.usage"))
      assert.include(importHelp, es("option.batch"))
      assert.notInclude(importHelp, en["option.batch"])
      const serveHelp = yield* tgGateway(["serve", "--help", "--lang", "es"])
      assert.include(serveHelp, es("setting.PUBLISHER_DRAIN_TIMEOUT"))
      const error = yield* tgGateway(["import", "--lang", "es"])
      assert.include(error, es("import.noInput"))
    })
  )

  it.live("LANG=ru_RU.UTF-8 gives Russian; --lang wins over it; LC_ALL wins over LANG", () =>
    Effect.gen(function* () {
      const exportHelp = yield* tgGateway(["export", "--help"], { LANG: "ru_RU.UTF-8" })
      assert.include(exportHelp, ru("export.title"))
      assert.include(
        yield* tgGateway(["export", "--help", "--lang", "es"], { LANG: "ru_RU.UTF-8" }),
        es("export.title")
      )
      assert.include(
        yield* tgGateway(["export", "--help"], { LANG: "ru_RU.UTF-8", LC_ALL: "es_ES.UTF-8" }),
        es("export.title")
      )
      const config = yield* tgGateway(["serve"], { LANG: "ru_RU.UTF-8", PUBLISHER_DRAIN_TIMEOUT: "soon" })
      assert.include(config, "PUBLISHER_DRAIN_TIMEOUT")
      assert.include(config, ru("config.fix"))
    })
  )

  it.live("an unknown language falls back to English with a one-line notice", () =>
    Effect.gen(function* () {
      const output = yield* tgGateway(["import", "--help", "--lang", "xx"])
      assert.include(output, `unknown language "xx"; using English`)
      assert.include(output, en["import.usage"])
    })
  )

  it.live("LANGUAGE goes before the locale; a locale this tool does not have is English without a notice", () =>
    Effect.gen(function* () {
      assert.include(
        yield* tgGateway(["export", "--help"], { LANGUAGE: "fr:es", LANG: "ru_RU.UTF-8" }),
        es("export.title")
      )
      assert.include(yield* tgGateway(["export", "--help"], { LC_MESSAGES: "ru_RU.UTF-8" }), ru("export.title"))
      const french = yield* tgGateway(["import", "--help"], { LANG: "fr_FR.UTF-8" })
      assert.include(french, en["import.usage"])
      assert.notInclude(french, "unknown language")
    })
  )
})
