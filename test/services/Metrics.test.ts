import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import * as Metrics from "../../src/services/Metrics.ts"

/** The ids of every metric the module exports, however it lists them itself. */
const exportedIds = Object.values(Metrics as Record<string, unknown>)
  .filter(Metric.isMetric)
  .map((metric) => metric.id)
  .sort()

describe("Metrics", () => {
  it.effect(
    "registerAll puts every metric the module exports into the registry, once each, before anything counts",
    () =>
      Effect.gen(function* () {
        assert.isAbove(exportedIds.length, 20)
        yield* Metrics.registerAll
        const registered = (yield* Metric.snapshot).map((snapshot) => snapshot.id).sort()
        assert.deepStrictEqual(registered, exportedIds)
        assert.strictEqual(Metrics.all.length, exportedIds.length, "a metric listed twice")
      }).pipe(Effect.provideService(Metric.MetricRegistry, new Map()))
  )
})
