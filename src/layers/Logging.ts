/**
 * How `tg-gateway serve` writes its logs: one line per event, as logfmt text (`LOG_FORMAT=pretty`)
 * or as a JSON object (`LOG_FORMAT=json`, for log collectors), at `LOG_LEVEL` and above. An app
 * that embeds the gateway keeps its own logger instead.
 */
import { Layer, Logger, References } from "effect"
import type { LogFormat, LogLevelName } from "../domain/Settings.ts"

const levels = {
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  error: "Error",
  fatal: "Fatal",
  none: "None"
} as const

export const layerLogging = (format: LogFormat, level: LogLevelName): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([format === "json" ? Logger.consoleJson : Logger.consoleLogFmt]),
    Layer.succeed(References.MinimumLogLevel, levels[level])
  )
