/**
 * Message lookup for the command line. The language comes from `--lang`, else the first language
 * of LANGUAGE this tool has, else LC_ALL, LC_MESSAGES, LANG (`es_ES.UTF-8` → `es`), as gettext
 * programs choose it; only the catalog of the language in use is loaded. Missing keys fall back to
 * English. Numbers are written the language's way (1,234,567 / 1.234.567), and a message can agree
 * with a count: `{frames, plural, one {# frame} other {# frames}}`.
 */
import type { ValueProblem } from "../domain/Settings.ts"
import { en, type MessageKey } from "./catalogs/en.ts"

export const languages = ["en", "es", "sw", "pt", "tr", "hi", "he", "ar", "zh", "ru"] as const
export type Language = (typeof languages)[number]

export type Catalog = Partial<Record<MessageKey, string>>

export interface Messages {
  readonly language: Language
  readonly t: (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string
  /** Set when the requested language is unknown: the one-line notice to print. */
  readonly notice: string | undefined
}

/** `es_ES.UTF-8` → `es`, `zh_CN` → `zh`, `C`/`POSIX`/empty → undefined. */
export const languageOf = (locale: string | undefined): string | undefined => {
  if (locale === undefined) return undefined
  const base = locale.split(/[.@]/)[0]?.split(/[_-]/)[0]?.toLowerCase()
  return base === undefined || base === "" || base === "c" || base === "posix" ? undefined : base
}

/** Fills `{name}` and `{name, plural, one {…} other {…}}` (with `#` for the number) from params. */
// Made once per language, and only when a message needs one: creating them (ICU's data for the
// locale) costs far more than formatting with them, and `--help` alone fills dozens of messages.
const numberFormats = new Map<Language, Intl.NumberFormat>()
const pluralRules = new Map<Language, Intl.PluralRules>()
const cached = <A>(made: Map<Language, A>, language: Language, make: () => A): A => {
  let value = made.get(language)
  if (value === undefined) made.set(language, (value = make()))
  return value
}
const numbersOf = (language: Language) =>
  cached(numberFormats, language, () => new Intl.NumberFormat(locale(language), { maximumFractionDigits: 1 }))
const pluralsOf = (language: Language) => cached(pluralRules, language, () => new Intl.PluralRules(locale(language)))

export const fill = (
  template: string,
  params: Readonly<Record<string, string | number>> = {},
  language: Language = "en"
): string => {
  const shown = (value: string | number) => (typeof value === "number" ? numbersOf(language).format(value) : value)
  let out = ""
  let at = 0
  while (at < template.length) {
    const open = template.indexOf("{", at)
    if (open < 0) break
    out += template.slice(at, open)
    const simple = /^\{(\w+)\}/.exec(template.slice(open))
    if (simple !== null) {
      const name = simple[1] ?? ""
      out += name in params ? shown(params[name] ?? "") : simple[0]
      at = open + simple[0].length
      continue
    }
    const plural = /^\{(\w+), plural,/.exec(template.slice(open))
    const end = plural === null ? -1 : matching(template, open)
    if (plural === null || end < 0) {
      out += "{"
      at = open + 1
      continue
    }
    const name = plural[1] ?? ""
    const value = params[name]
    const forms = pluralForms(template.slice(open + plural[0].length, end))
    if (typeof value !== "number" || forms.other === undefined) {
      out += template.slice(open, end + 1)
    } else {
      const form = (value === 0 ? forms["=0"] : undefined) ?? forms[pluralsOf(language).select(value)] ?? forms.other
      out += fill(form.replaceAll("#", numbersOf(language).format(value)), params, language)
    }
    at = end + 1
  }
  return out + template.slice(at)
}

/** The index of the `}` that closes the `{` at `open`, or -1. */
const matching = (text: string, open: number): number => {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++
    else if (text[i] === "}" && --depth === 0) return i
  }
  return -1
}

/** ` one {# frame} other {# frames}` → { one: "# frame", other: "# frames" }. */
export const pluralForms = (body: string): Record<string, string> => {
  const forms: Record<string, string> = {}
  let at = 0
  for (;;) {
    const head = /^\s*(=0|zero|one|two|few|many|other)\s*\{/.exec(body.slice(at))
    if (head === null) return forms
    const open = at + head[0].length - 1
    const end = matching(body, open)
    if (end < 0) return forms
    forms[head[1] ?? "other"] = body.slice(open + 1, end)
    at = end + 1
  }
}

const locale = (language: Language) => (language === "zh" ? "zh-CN" : language)

const isLanguage = (code: string): code is Language => (languages as ReadonlyArray<string>).includes(code)

const load = async (language: Language): Promise<Catalog> =>
  language === "en" ? en : ((await import(`./catalogs/${language}.ts`)) as { readonly catalog: Catalog }).catalog

export const loadMessages = async (
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>
): Promise<Messages> => {
  // As gettext: LC_ALL, else LC_MESSAGES, else LANG names the locale; LANGUAGE, a list such as
  // "pt_BR:es", goes before it unless the locale is C. An explicit --lang that this tool does not
  // have gets a notice; a locale it does not have (fr_FR.UTF-8) quietly means English.
  const locale = [env["LC_ALL"], env["LC_MESSAGES"], env["LANG"]].find((value) => value !== undefined && value !== "")
  const plainC = locale !== undefined && languageOf(locale) === undefined
  const fromList = plainC
    ? undefined
    : (env["LANGUAGE"] ?? "")
        .split(":")
        .map(languageOf)
        .find((code) => code !== undefined && isLanguage(code))
  const fromLocale = languageOf(locale)
  const requested =
    languageOf(flag) ?? fromList ?? (fromLocale !== undefined && isLanguage(fromLocale) ? fromLocale : "en")
  const language: Language = isLanguage(requested) ? requested : "en"
  const notice = isLanguage(requested) ? undefined : fill(en["cli.unknownLanguage"], { lang: requested })
  return makeMessages(language, await load(language), notice)
}

export const makeMessages = (language: Language, catalog: Catalog, notice?: string): Messages => ({
  language,
  notice,
  t: (key, params) => fill(catalog[key] ?? en[key], params, language)
})

/** A refused setting or option value, in the user's language. */
export const describeProblem = (messages: Messages, problem: ValueProblem): string =>
  messages.t(`problem.${problem.key}`, problem.params)
