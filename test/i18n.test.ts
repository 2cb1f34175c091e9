/** The command line's message catalogs: complete, consistent, and chosen the way users expect. */
import { readdirSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { en, type MessageKey } from "../src/i18n/catalogs/en.ts"
import {
  type Catalog,
  fill,
  languageOf,
  languages,
  loadMessages,
  makeMessages,
  pluralForms
} from "../src/i18n/messages.ts"

/** The names a text fills in: `{name}` and `{name, plural, …}`, each once. */
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]))].sort()

/** The bodies of a text's plural blocks: ` one {# frame} other {# frames}`. */
const pluralBlocks = (text: string): Array<string> => {
  const blocks: Array<string> = []
  for (const match of text.matchAll(/\{\w+, plural,/g)) {
    let depth = 0
    for (let i = match.index; i < text.length; i++) {
      if (text[i] === "{") depth++
      else if (text[i] === "}" && --depth === 0) {
        blocks.push(text.slice(match.index + match[0].length, i))
        break
      }
    }
  }
  return blocks
}
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

  for (const language of languages) {
    it.effect(`${language}: every plural has an "other" form and only the forms the language has`, () =>
      Effect.gen(function* () {
        const catalog: Catalog = language === "en" ? en : yield* catalogOf(language)
        const categories = new Set<string>(["=0", ...new Intl.PluralRules(language).resolvedOptions().pluralCategories])
        for (const key of keys) {
          for (const block of pluralBlocks(catalog[key] ?? "")) {
            const forms = Object.keys(pluralForms(block))
            assert.include(forms, "other", `${language} ${key}`)
            for (const form of forms) assert.isTrue(categories.has(form), `${language} ${key}: no "${form}" form`)
          }
        }
      })
    )
  }

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

  it.effect("the language comes from --lang, else LANGUAGE, else LC_ALL, LC_MESSAGES, LANG; es_ES.UTF-8 means es", () =>
    Effect.gen(function* () {
      assert.strictEqual(languageOf("es_ES.UTF-8"), "es")
      assert.strictEqual(languageOf("zh_CN"), "zh")
      assert.strictEqual(languageOf("pt-BR"), "pt")
      assert.isUndefined(languageOf("C"))
      assert.isUndefined(languageOf("POSIX.UTF-8"))
      const language = (flag: string | undefined, env: Record<string, string>) =>
        Effect.promise(() => loadMessages(flag, env)).pipe(Effect.map((m) => [m.language, m.notice]))
      const all = { LANGUAGE: "fr:sw", LC_ALL: "es_ES.UTF-8", LC_MESSAGES: "tr_TR.UTF-8", LANG: "ru_RU.UTF-8" }
      assert.deepStrictEqual(yield* language("he", all), ["he", undefined])
      assert.deepStrictEqual(yield* language(undefined, all), ["sw", undefined], "the first of LANGUAGE this tool has")
      const { LANGUAGE: _, ...locales } = all
      assert.deepStrictEqual(yield* language(undefined, locales), ["es", undefined])
      const { LC_ALL: __, ...messagesAndLang } = locales
      assert.deepStrictEqual(yield* language(undefined, messagesAndLang), ["tr", undefined])
      assert.deepStrictEqual(yield* language(undefined, { LANG: "ru_RU.UTF-8" }), ["ru", undefined])
      assert.deepStrictEqual(yield* language(undefined, { LANGUAGE: "zh", LC_ALL: "C" }), ["en", undefined])
      assert.deepStrictEqual(yield* language(undefined, {}), ["en", undefined])
      const lang = yield* Effect.promise(() => loadMessages(undefined, { LANG: "ru_RU.UTF-8" }))
      assert.notStrictEqual(lang.t("cli.usage"), en["cli.usage"], "Russian text, not English")
    })
  )

  it.effect("a locale this tool does not have (fr_FR.UTF-8) quietly means English: no notice on every run", () =>
    Effect.gen(function* () {
      const messages = yield* Effect.promise(() => loadMessages(undefined, { LANG: "fr_FR.UTF-8" }))
      assert.strictEqual(messages.language, "en")
      assert.isUndefined(messages.notice)
      const french = yield* Effect.promise(() => loadMessages(undefined, { LC_ALL: "fr_FR.UTF-8", LANG: "es_ES" }))
      assert.strictEqual(french.language, "en", "LC_ALL names the locale even when LANG is another one")
    })
  )

  it.effect("numbers get the language's thousands separators; counts agree with their nouns", () =>
    Effect.sync(() => {
      const english = makeMessages("en", en)
      assert.strictEqual(
        english.t("export.summary", { frames: 1, items: 1, output: "x", format: "nt" }),
        "wrote 1 frame (1 item) to x as nt"
      )
      assert.strictEqual(
        english.t("export.summary", { frames: 12345, items: 1234567, output: "x", format: "nt" }),
        "wrote 12,345 frames (1,234,567 items) to x as nt"
      )
      assert.strictEqual(english.t("import.gaveUp", { attempts: 1 }), "gave up after 1 reconnection attempt")
      assert.strictEqual(english.t("export.idle", { seconds: 2.5 }), "stopped: no frame for 2.5 s")
      assert.strictEqual(
        fill("{n, plural, one {# Rahmen} other {# Rahmen}} / {x}", { n: 1000000, x: 1000 }, "es"),
        "1.000.000 Rahmen / 1000"
      )
      assert.strictEqual(fill("{n, plural, one {#a} few {#b} many {#c} other {#d}}", { n: 3 }, "ru"), "3b")
      assert.strictEqual(fill("{n, plural, one {#a} few {#b} many {#c} other {#d}}", { n: 11 }, "ru"), "11c")
    })
  )

  it.effect("no English is left inside a translated line: the words filled in are translated too", () =>
    Effect.gen(function* () {
      for (const language of languages.filter((l) => l !== "en")) {
        const catalog = yield* catalogOf(language)
        const messages = makeMessages(language, catalog)
        const summary = messages.t("export.summary", {
          frames: 2,
          items: 2,
          output: messages.t("cli.stdout"),
          format: "jsonl"
        })
        assert.notInclude(summary, "stdout", language)
        assert.notInclude(summary, en["cli.stdout"], language)
        assert.notInclude(summary, "{", `${language}: a placeholder left unfilled`)
      }
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
      assert.strictEqual(messages.t("import.gaveUp", { attempts: 12345 }), "gave up after 12.345 reconnection attempts")
    })
  )
})
