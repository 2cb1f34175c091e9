/** The command line's message catalogs: complete, consistent, and chosen the way users expect. */
import { readdirSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en, type MessageKey } from "../src/i18n/catalogs/en.ts"
import { type Catalog, languageOf, languages, loadMessages, makeMessages } from "../src/i18n/messages.ts"

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const keys = Object.keys(en) as Array<MessageKey>

const catalogOf = (language: string) =>
  Effect.promise(async () => ((await import(`../src/i18n/catalogs/${language}.ts`)) as { catalog: Catalog }).catalog)

describe("message catalogs", () => {
  it.effect("there is a catalog for each of the ten languages, and no other", () =>
    Effect.sync(() => {
      const files = readdirSync(new URL("../src/i18n/catalogs/", import.meta.url)).map((f) => f.replace(/\.ts$/, ""))
      assert.deepStrictEqual([...files].sort(), [...languages].sort())
    })
  )

  for (const language of languages.filter((l) => l !== "en")) {
    it.effect(`${language}: every key of the English catalog, with the same placeholders, and nothing else`, () =>
      Effect.gen(function* () {
        const catalog = yield* catalogOf(language)
        const missing = keys.filter((key) => catalog[key] === undefined)
        assert.deepStrictEqual(missing, [], "missing keys")
        const extra = Object.keys(catalog).filter((key) => !(key in en))
        assert.deepStrictEqual(extra, [], "keys English does not have")
        for (const key of keys) {
          const text = catalog[key] ?? ""
          assert.deepStrictEqual(placeholders(text), placeholders(en[key]), `${language} ${key}`)
          assert.notStrictEqual(text.trim(), "", `${language} ${key} is empty`)
        }
      })
    )
  }

  it.effect("the language comes from --lang, else LC_ALL, else LANG; es_ES.UTF-8 means es", () =>
    Effect.gen(function* () {
      assert.strictEqual(languageOf("es_ES.UTF-8"), "es")
      assert.strictEqual(languageOf("zh_CN"), "zh")
      assert.strictEqual(languageOf("pt-BR"), "pt")
      assert.isUndefined(languageOf("C"))
      assert.isUndefined(languageOf("POSIX.UTF-8"))
      const flagWins = yield* Effect.promise(() => loadMessages("ru", { LC_ALL: "es_ES.UTF-8", LANG: "tr_TR.UTF-8" }))
      assert.strictEqual(flagWins.language, "ru")
      const lcAll = yield* Effect.promise(() => loadMessages(undefined, { LC_ALL: "es_ES.UTF-8", LANG: "tr_TR.UTF-8" }))
      assert.strictEqual(lcAll.language, "es")
      const lang = yield* Effect.promise(() => loadMessages(undefined, { LANG: "ru_RU.UTF-8" }))
      assert.strictEqual(lang.language, "ru")
      assert.notStrictEqual(lang.t("cli.usage"), en["cli.usage"], "Russian text, not English")
      const none = yield* Effect.promise(() => loadMessages(undefined, {}))
      assert.strictEqual(none.language, "en")
    })
  )

  it.effect("an unknown language falls back to English with a one-line notice", () =>
    Effect.gen(function* () {
      const messages = yield* Effect.promise(() => loadMessages("xx", {}))
      assert.strictEqual(messages.language, "en")
      assert.strictEqual(messages.notice, `unknown language "xx"; using English`)
      assert.strictEqual(messages.t("import.allLanded"), en["import.allLanded"])
    })
  )

  it.effect("a key missing from a catalog falls back to English, placeholders filled", () =>
    Effect.sync(() => {
      const messages = makeMessages("es", { "import.allLanded": "todo llegó" })
      assert.strictEqual(messages.t("import.allLanded"), "todo llegó")
      assert.strictEqual(messages.t("import.gaveUp", { attempts: 3 }), "gave up after 3 reconnection attempts")
    })
  )
})
