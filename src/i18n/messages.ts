/**
 * Message lookup for the command line. The language comes from `--lang`, else LC_ALL, else LANG
 * (`es_ES.UTF-8` → `es`); only the catalog of the language in use is loaded. Missing keys fall
 * back to English.
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

export const fill = (template: string, params: Readonly<Record<string, string | number>> = {}): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))

const isLanguage = (code: string): code is Language => (languages as ReadonlyArray<string>).includes(code)

const load = async (language: Language): Promise<Catalog> =>
  language === "en" ? en : ((await import(`./catalogs/${language}.ts`)) as { readonly catalog: Catalog }).catalog

export const loadMessages = async (
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>
): Promise<Messages> => {
  const requested = languageOf(flag) ?? languageOf(env["LC_ALL"]) ?? languageOf(env["LANG"]) ?? "en"
  const language: Language = isLanguage(requested) ? requested : "en"
  const notice = isLanguage(requested) ? undefined : fill(en["cli.unknownLanguage"], { lang: requested })
  return makeMessages(language, await load(language), notice)
}

export const makeMessages = (language: Language, catalog: Catalog, notice?: string): Messages => ({
  language,
  notice,
  t: (key, params) => fill(catalog[key] ?? en[key], params)
})

/** A refused setting or option value, in the user's language. */
export const describeProblem = (messages: Messages, problem: ValueProblem): string =>
  messages.t(`problem.${problem.key}`, problem.params)
