import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultTopicTemplate, loadFlowRegistry, makeFlowRegistry } from "../../src/services/FlowRegistry.ts"

describe("FlowRegistry", () => {
  it.effect("the default template gives TrustGraph's topics, with the reference's interface names", () =>
    Effect.sync(() => {
      const registry = makeFlowRegistry([{ name: "f1", topics: {} }])
      assert.strictEqual(registry.topicFor("f1", "default", "triples"), "persistent://tg/flow/triples-store:default:f1")
      assert.strictEqual(
        registry.topicFor("f1", "w2", "entity-contexts"),
        "persistent://tg/flow/entity-contexts-load:w2:f1"
      )
      assert.strictEqual(registry.topicFor("f1", "default", "rows"), "persistent://tg/flow/rows-store:default:f1")
      assert.strictEqual(
        registry.topicFor("default", "default", "graph-embeddings"),
        "persistent://tg/flow/graph-embeddings-store:default:default",
        "a default flow is always present"
      )
      assert.isUndefined(registry.topicFor("unknown", "default", "triples"))
    })
  )

  it.effect("a flows file adds flows with per-interface overrides and can replace the template", () =>
    Effect.gen(function* () {
      const directory = mkdtempSync(join(tmpdir(), "tg-flows-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
      const file = join(directory, "flows.json")
      writeFileSync(
        file,
        JSON.stringify({
          topicTemplate: "persistent://tg/flow/{interface}:{flow}",
          flows: { old: { topics: { "triples-store": "persistent://legacy/ns/triples" } } }
        })
      )
      const registry = yield* loadFlowRegistry({
        flows: ["extra"],
        flowsFile: file,
        topicTemplate: defaultTopicTemplate
      })
      assert.deepStrictEqual([...registry.flows].sort(), ["default", "extra", "old"])
      assert.strictEqual(registry.topicFor("old", "default", "triples"), "persistent://legacy/ns/triples")
      assert.strictEqual(registry.topicFor("old", "default", "rows"), "persistent://tg/flow/rows-store:old")
      assert.strictEqual(registry.topicFor("extra", "default", "triples"), "persistent://tg/flow/triples-store:extra")
    })
  )

  it.effect("a malformed flows file is a FlowConfigError naming the file", () =>
    Effect.gen(function* () {
      const directory = mkdtempSync(join(tmpdir(), "tg-flows-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(directory, { recursive: true, force: true })))
      const file = join(directory, "flows.json")
      writeFileSync(file, `{"flows": {"f": {"topics": 3}}}`)
      const error = yield* Effect.flip(
        loadFlowRegistry({ flows: [], flowsFile: file, topicTemplate: defaultTopicTemplate })
      )
      assert.strictEqual(error._tag, "FlowConfigError")
      assert.include(error.message, `FLOWS_FILE ${file}`)
    })
  )
})
