/** The shipped Prometheus alert rules parse and refer only to metrics the gateway exports. */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import { parse } from "yaml"
import * as Metrics from "../src/services/Metrics.ts"

interface Rule {
  readonly alert: string
  readonly expr: string
  readonly labels?: { readonly severity?: string }
  readonly annotations?: { readonly summary?: string }
}

const rules = (): ReadonlyArray<Rule> => {
  const file = parse(readFileSync(new URL("../deploy/prometheus/tg-gateway-alerts.yml", import.meta.url), "utf8")) as {
    groups: Array<{ rules: Array<Rule> }>
  }
  return file.groups.flatMap((group) => group.rules)
}

/** Metric names as Prometheus sees them: histograms add _bucket, _sum and _count. */
const exported = (): ReadonlySet<string> => {
  const names = new Set<string>()
  for (const value of Object.values(Metrics as Record<string, unknown>)) {
    if (!Metric.isMetric(value)) continue
    names.add(value.id)
    if (value.type === "Histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(value.id + suffix)
  }
  return names
}

const promqlWords = new Set(["sum", "rate", "increase", "and", "or", "by", "without", "max", "min", "avg"])

describe("Prometheus alert rules", () => {
  it.effect("the rules file has the spec's four alerts, each with a severity and a summary", () =>
    Effect.sync(() => {
      const all = rules()
      assert.deepStrictEqual(
        all.map((rule) => rule.alert),
        [
          "TgGatewayPublisherQueueNearlyFull",
          "TgGatewayMessagesLostInShutdown",
          "TgGatewaySubscriberNackRateHigh",
          "TgGatewayShutdownTimeoutExceeded"
        ]
      )
      for (const rule of all) {
        assert.isString(rule.labels?.severity, rule.alert)
        assert.isString(rule.annotations?.summary, rule.alert)
      }
    })
  )

  it.effect("every metric an alert refers to is exported by the gateway", () =>
    Effect.sync(() => {
      const names = exported()
      for (const rule of rules()) {
        const words = rule.expr.replace(/\[[^\]]*\]/g, " ").match(/[a-z_][a-z0-9_]*/g) ?? []
        const metrics = words.filter((word) => !promqlWords.has(word))
        assert.isNotEmpty(metrics, rule.alert)
        for (const metric of metrics) assert.isTrue(names.has(metric), `${rule.alert} refers to ${metric}`)
      }
    })
  )
})
