/**
 * Every setting of `tg-gateway serve`, described once: its environment variable, its flag, its
 * default and how its text is read. The configuration layer, `--help` and the README's table
 * are all driven by this table. Pure: reading the environment and argv happens in the caller.
 */
import { Duration, Redacted } from "effect"
import { backpressureStrategies, type BackpressureStrategy } from "./Backpressure.ts"

/**
 * Why a value was refused, as a message key and its parameters: the command line shows it in the
 * user's language (catalog key `problem.<key>`).
 */
export interface ValueProblem {
  readonly key:
    | "notDuration"
    | "notInteger"
    | "notBytes"
    | "notBoolean"
    | "notChoice"
    | "notHttpUrl"
    | "notPulsarUrl"
    | "notUrl"
    | "topicTemplate"
    | "flowName"
    | "notPositive"
    | "badProducerName"
  readonly params: Readonly<Record<string, string | number>>
}

export type Parsed<A> =
  { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: ValueProblem }

const ok = <A>(value: A): Parsed<A> => ({ ok: true, value })
export const problem = (
  key: ValueProblem["key"],
  params: Readonly<Record<string, string | number>>
): Parsed<never> => ({ ok: false, problem: { key, params } })

/** Seconds as a plain number (the reference's form, e.g. `5.0`), or `500ms`, `5s`, `2m`, `5 seconds`. */
const millisPerUnit: Record<string, number> = {
  ms: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000
}

/** Seconds as a plain number (the reference's form, e.g. `5.0`), or `500ms`, `5s`, `2m`, `5 seconds`. */
export const parseDuration = (text: string): Parsed<Duration.Duration> => {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const factor = match === null ? undefined : match[2] === "" ? 1000 : millisPerUnit[(match[2] ?? "").toLowerCase()]
  return match === null || factor === undefined
    ? problem("notDuration", { text })
    : ok(Duration.millis(Number(match[1]) * factor))
}

const parseInteger =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (text: string): Parsed<number> => {
    const value = Number(text.trim())
    return Number.isInteger(value) && value >= min && value <= max && text.trim() !== ""
      ? ok(value)
      : problem("notInteger", { text, min, max })
  }

/** Bytes, with an optional KiB/MiB/GiB (or K/M/G) suffix. */
export const parseBytes = (text: string): Parsed<number> => {
  const match = /^(\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim())
  if (match === null) return problem("notBytes", { text })
  const factor = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? "").charAt(0).toLowerCase()] ?? 1
  return ok(Number(match[1]) * factor)
}

const parseBoolean = (text: string): Parsed<boolean> => {
  const value = text.trim().toLowerCase()
  if (["true", "1", "yes", "on"].includes(value)) return ok(true)
  if (["false", "0", "no", "off"].includes(value)) return ok(false)
  return problem("notBoolean", { text })
}

export const parseChoice =
  <const C extends string>(choices: ReadonlyArray<C>) =>
  (text: string): Parsed<C> => {
    const value = text.trim()
    return (choices as ReadonlyArray<string>).includes(value)
      ? ok(value as C)
      : problem("notChoice", { text, choices: choices.join(", ") })
  }

const parseUrl = (text: string): Parsed<string> => {
  try {
    const url = new URL(text.trim())
    return url.protocol === "http:" || url.protocol === "https:"
      ? ok(url.toString().replace(/\/+$/, ""))
      : problem("notHttpUrl", { text })
  } catch {
    return problem("notUrl", { text })
  }
}

/** A broker's binary port: `pulsar://host[:port]` or `pulsar+ssl://host[:port]`. */
const parsePulsarUrl = (text: string): Parsed<string> => {
  const trimmed = text.trim().replace(/\/+$/, "")
  return /^pulsar(?:\+ssl)?:\/\/(?:\[[^\]]+\]|[^:/\s]+)(?::\d{1,5})?$/.test(trimmed)
    ? ok(trimmed)
    : problem("notPulsarUrl", { text })
}

const parseText = (text: string): Parsed<string> => ok(text)

/** A secret is wrapped at once so that no log line, error or inspection can print it. */
const parseSecretOf =
  (label: string) =>
  (text: string): Parsed<Redacted.Redacted<string>> =>
    ok(Redacted.make(text, { label }))
const parseSecret = parseSecretOf("GATEWAY_SECRET")

/** Bytes, or `auto` (undefined): a limit learned from elsewhere unless given. */
const parseAutoBytes = (text: string): Parsed<number | undefined> =>
  text.trim().toLowerCase() === "auto" ? ok(undefined) : parseBytes(text)

/** A duration, or `0`/`off` for none: the interval of something that can be turned off. */
const parseInterval = (text: string): Parsed<Duration.Duration> =>
  text.trim().toLowerCase() === "off" ? ok(Duration.zero) : parseDuration(text)

const parseTopicTemplate = (text: string): Parsed<string> =>
  text.includes("{interface}") ? ok(text) : problem("topicTemplate", { text })

const parseFlowNames = (text: string): Parsed<ReadonlyArray<string>> => {
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
  const bad = names.find((name) => !/^[A-Za-z0-9._-]+$/.test(name))
  return bad !== undefined ? problem("flowName", { name: bad }) : ok(names)
}

export const logFormats = ["pretty", "json"] as const
export type LogFormat = (typeof logFormats)[number]
export const logLevelNames = ["trace", "debug", "info", "warn", "error", "fatal", "none"] as const
export type LogLevelName = (typeof logLevelNames)[number]

export interface Setting<A, D extends string | undefined = string | undefined> {
  /** Environment variable. */
  readonly env: string
  /** Flag of `tg-gateway serve`, without the leading dashes. */
  readonly flag: string
  /** Default as the user would write it; undefined for "unset". */
  readonly default: D
  readonly parse: (text: string) => Parsed<A>
  /** Value shown as the default in help and docs instead of the real one (secrets). */
  readonly secret?: boolean
  /** Placeholder shown after the flag in help, e.g. DURATION. */
  readonly placeholder: string
}

const setting = <A, const D extends string | undefined>(
  env: string,
  defaultText: D,
  parse: (text: string) => Parsed<A>,
  placeholder: string,
  secret = false
): Setting<A, D> => ({
  env,
  flag: env.toLowerCase().replaceAll("_", "-"),
  default: defaultText,
  parse,
  placeholder,
  secret
})

/** How producers and consumers reach Pulsar: its binary protocol, or its WebSocket API on the web port. */
export const pulsarTransports = ["binary", "websocket"] as const
export type PulsarTransport = (typeof pulsarTransports)[number]

/** How producers compress what they publish; every Pulsar client reads all of these. */
export const pulsarCompressions = ["none", "zstd", "zlib"] as const
export type PulsarCompression = (typeof pulsarCompressions)[number]

export const settings = {
  port: setting("GATEWAY_PORT", "8888", parseInteger(0, 65535), "PORT"),
  host: setting("GATEWAY_HOST", "0.0.0.0", parseText, "HOST"),
  secret: setting("GATEWAY_SECRET", undefined, parseSecret, "SECRET", true),
  tokensFile: setting("GATEWAY_TOKENS_FILE", undefined, parseText, "FILE"),
  tlsCertFile: setting("GATEWAY_TLS_CERT_FILE", undefined, parseText, "FILE"),
  tlsKeyFile: setting("GATEWAY_TLS_KEY_FILE", undefined, parseText, "FILE"),
  broker: setting("BROKER", "memory", parseChoice(["memory", "pulsar"] as const), "memory|pulsar"),
  pulsarHttpUrl: setting("PULSAR_HTTP_URL", "http://127.0.0.1:8080", parseUrl, "URL"),
  pulsarAdminUrl: setting("PULSAR_ADMIN_URL", undefined, parseUrl, "URL"),
  pulsarTransport: setting("PULSAR_TRANSPORT", "binary", parseChoice(pulsarTransports), "binary|websocket"),
  pulsarUrl: setting("PULSAR_URL", undefined, parsePulsarUrl, "URL"),
  pulsarCompression: setting("PULSAR_COMPRESSION", "none", parseChoice(pulsarCompressions), "none|zstd|zlib"),
  pulsarPingInterval: setting("PULSAR_PING_INTERVAL", "30s", parseInterval, "DURATION|off"),
  pulsarMaxMessageSize: setting("PULSAR_MAX_MESSAGE_SIZE", "auto", parseAutoBytes, "BYTES|auto"),
  pulsarAuthToken: setting("PULSAR_AUTH_TOKEN", undefined, parseSecretOf("PULSAR_AUTH_TOKEN"), "TOKEN", true),
  pulsarAuthTokenFile: setting("PULSAR_AUTH_TOKEN_FILE", undefined, parseText, "FILE"),
  pulsarAuthOauth2IssuerUrl: setting("PULSAR_AUTH_OAUTH2_ISSUER_URL", undefined, parseUrl, "URL"),
  pulsarAuthOauth2Audience: setting("PULSAR_AUTH_OAUTH2_AUDIENCE", undefined, parseText, "AUDIENCE"),
  pulsarAuthOauth2CredentialsFile: setting("PULSAR_AUTH_OAUTH2_CREDENTIALS_FILE", undefined, parseText, "FILE"),
  pulsarTlsCaFile: setting("PULSAR_TLS_CA_FILE", undefined, parseText, "FILE"),
  pulsarTlsCertFile: setting("PULSAR_TLS_CERT_FILE", undefined, parseText, "FILE"),
  pulsarTlsKeyFile: setting("PULSAR_TLS_KEY_FILE", undefined, parseText, "FILE"),
  pulsarTlsInsecure: setting("PULSAR_TLS_INSECURE", "false", parseBoolean, "BOOL"),
  pulsarEnableDeduplication: setting("PULSAR_ENABLE_DEDUPLICATION", "false", parseBoolean, "BOOL"),
  flows: setting("FLOWS", "default", parseFlowNames, "NAMES"),
  flowsFile: setting("FLOWS_FILE", undefined, parseText, "FILE"),
  topicTemplate: setting(
    "TOPIC_TEMPLATE",
    "persistent://tg/flow/{interface}:{workspace}:{flow}",
    parseTopicTemplate,
    "TEMPLATE"
  ),
  maxFrameSize: setting("MAX_FRAME_SIZE", "50MiB", parseBytes, "BYTES"),
  wsPingInterval: setting("WS_PING_INTERVAL", "30s", parseInterval, "DURATION|off"),
  wsReadBufferSize: setting("WS_READ_BUFFER_SIZE", "4MiB", parseBytes, "BYTES"),
  publisherMaxQueueSize: setting("PUBLISHER_MAX_QUEUE_SIZE", "10", parseInteger(1), "N"),
  publisherMaxInFlight: setting("PUBLISHER_MAX_IN_FLIGHT", "500", parseInteger(1, 1000), "N"),
  publisherMaxQueueBytes: setting("PUBLISHER_MAX_QUEUE_BYTES", "8MiB", parseBytes, "BYTES"),
  publisherMaxInFlightBytes: setting("PUBLISHER_MAX_IN_FLIGHT_BYTES", "16MiB", parseBytes, "BYTES"),
  publisherDrainTimeout: setting("PUBLISHER_DRAIN_TIMEOUT", "5s", parseDuration, "DURATION"),
  publisherFlushTimeout: setting("PUBLISHER_FLUSH_TIMEOUT", "2s", parseDuration, "DURATION"),
  subscriberMaxQueueSize: setting("SUBSCRIBER_MAX_QUEUE_SIZE", "100", parseInteger(1), "N"),
  subscriberPrefetch: setting("SUBSCRIBER_PREFETCH", "1000", parseInteger(1, 1000), "N"),
  subscriberDrainTimeout: setting("SUBSCRIBER_DRAIN_TIMEOUT", "5s", parseDuration, "DURATION"),
  subscriberNackDelay: setting("SUBSCRIBER_NACK_DELAY", "5s", parseDuration, "DURATION"),
  backpressureStrategy: setting<BackpressureStrategy, "block">(
    "BACKPRESSURE_STRATEGY",
    "block",
    parseChoice(backpressureStrategies),
    "block|drop_oldest|drop_new"
  ),
  shutdownGracePeriod: setting("SHUTDOWN_GRACE_PERIOD", "1s", parseDuration, "DURATION"),
  maxConsecutiveErrors: setting("MAX_CONSECUTIVE_ERRORS", "5", parseInteger(1), "N"),
  exportDeadLetterTopic: setting("EXPORT_DEAD_LETTER_TOPIC", undefined, parseText, "TOPIC"),
  exportMaxUnacked: setting("EXPORT_MAX_UNACKED", "500", parseInteger(1, 100000), "N"),
  logQueueStats: setting("LOG_QUEUE_STATS", "true", parseBoolean, "BOOL"),
  logFormat: setting<LogFormat, "pretty">("LOG_FORMAT", "pretty", parseChoice(logFormats), "pretty|json"),
  logLevel: setting<LogLevelName, "info">("LOG_LEVEL", "info", parseChoice(logLevelNames), "LEVEL"),
  metricsEnabled: setting("METRICS_ENABLED", "true", parseBoolean, "BOOL")
} as const

export type Settings = typeof settings
export type SettingName = keyof Settings
export type SettingValues = {
  readonly [K in SettingName]: Settings[K] extends Setting<infer A, infer D>
    ? D extends undefined
      ? A | undefined
      : A
    : never
}

/** A setting that could not be read: names the variable or flag and says what was wrong. */
export interface SettingProblem {
  readonly name: SettingName
  readonly source: string
  readonly problem: ValueProblem
}

/**
 * Resolves every setting: a flag wins over the environment, which wins over the default.
 * Returns the values, or every problem at once so a user can fix them in one go.
 */
export const resolveSettings = (
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, string | undefined>>
): { readonly values: SettingValues; readonly problems: ReadonlyArray<SettingProblem> } => {
  const values: Record<string, unknown> = {}
  const problems: Array<SettingProblem> = []
  for (const [name, spec] of Object.entries(settings) as Array<[SettingName, Setting<unknown>]>) {
    const fromFlag = flags[spec.flag]
    const fromEnv = env[spec.env]
    const [text, source] =
      fromFlag !== undefined
        ? [fromFlag, `--${spec.flag}`]
        : fromEnv !== undefined && fromEnv !== ""
          ? [fromEnv, spec.env]
          : [spec.default, `default of ${spec.env}`]
    if (text === undefined) {
      values[name] = undefined
      continue
    }
    const parsed = spec.parse(text)
    if (parsed.ok) values[name] = parsed.value
    else problems.push({ name, source, problem: parsed.problem })
  }
  return { values: values as SettingValues, problems }
}
