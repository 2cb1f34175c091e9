/**
 * FlowRegistry: which flows exist and which Pulsar topic carries each flow's interfaces. Flows
 * come from configuration (the FLOWS list and/or a FLOWS_FILE); a `default` flow is always
 * present. A topic is the flow's own override for that interface, or the topic template with
 * `{interface}`, `{workspace}` and `{flow}` filled in — TrustGraph's
 * `persistent://tg/flow/{interface}:{workspace}:{flow}` unless configured otherwise.
 */
import { Context, Effect, Layer, Schema } from "effect"
import { readFile } from "node:fs/promises"
import { kinds, type KindName } from "../domain/Kinds.ts"

export const defaultTopicTemplate = "persistent://tg/flow/{interface}:{workspace}:{flow}"

/** A FLOWS_FILE: `{"topicTemplate"?: …, "flows": {"name": {"topics"?: {"triples-store": "persistent://…"}}}}`. */
export const FlowsFile = Schema.Struct({
  topicTemplate: Schema.optional(Schema.String),
  flows: Schema.Record(
    Schema.String,
    Schema.Struct({ topics: Schema.optional(Schema.Record(Schema.String, Schema.String)) })
  )
})
export type FlowsFile = typeof FlowsFile.Type

export interface FlowDefinition {
  readonly name: string
  /** Per-interface topic overrides; may use `{workspace}`. */
  readonly topics: Readonly<Record<string, string>>
}

export interface FlowRegistryShape {
  readonly flows: ReadonlyArray<string>
  /** The topic for a kind of a flow in a workspace, or undefined when the flow is not known. */
  readonly topicFor: (flow: string, workspace: string, kind: KindName) => string | undefined
}

export class FlowRegistry extends Context.Service<FlowRegistry, FlowRegistryShape>()("tg-gateway/FlowRegistry") {}

export class FlowConfigError extends Schema.TaggedError<FlowConfigError>()("FlowConfigError", {
  source: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `bad flow configuration in ${this.source}: ${this.problem}`
  }
}

const fill = (template: string, values: Readonly<Record<string, string>>): string =>
  template.replace(/\{(interface|workspace|flow)\}/g, (_, key: string) => values[key] ?? "")

export const makeFlowRegistry = (
  definitions: ReadonlyArray<FlowDefinition>,
  topicTemplate: string = defaultTopicTemplate
): FlowRegistryShape => {
  const byName = new Map<string, FlowDefinition>([["default", { name: "default", topics: {} }]])
  for (const definition of definitions) byName.set(definition.name, definition)
  return {
    flows: [...byName.keys()],
    topicFor: (flow, workspace, kind) => {
      const definition = byName.get(flow)
      if (definition === undefined) return undefined
      const topicInterface = kinds[kind].topicInterface
      const template = definition.topics[topicInterface] ?? topicTemplate
      return fill(template, { interface: topicInterface, workspace, flow })
    }
  }
}

export interface FlowSources {
  readonly flows: ReadonlyArray<string>
  readonly flowsFile: string | undefined
  readonly topicTemplate: string
}

/** Reads FLOWS_FILE when set; the names in FLOWS are flows with no overrides. */
export const loadFlowRegistry = (sources: FlowSources): Effect.Effect<FlowRegistryShape, FlowConfigError> =>
  Effect.gen(function* () {
    const named: Array<FlowDefinition> = sources.flows.map((name) => ({ name, topics: {} }))
    if (sources.flowsFile === undefined) return makeFlowRegistry(named, sources.topicTemplate)
    const file = sources.flowsFile
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (cause) => new FlowConfigError({ source: `FLOWS_FILE ${file}`, problem: String(cause) })
    })
    const parsed = yield* Schema.decodeUnknownEffect(Schema.fromJsonString(FlowsFile))(text).pipe(
      Effect.mapError((error) => new FlowConfigError({ source: `FLOWS_FILE ${file}`, problem: error.message }))
    )
    const fromFile = Object.entries(parsed.flows).map(([name, flow]) => ({ name, topics: flow.topics ?? {} }))
    return makeFlowRegistry([...named, ...fromFile], parsed.topicTemplate ?? sources.topicTemplate)
  })

export const layerFlowRegistry = (sources: FlowSources): Layer.Layer<FlowRegistry, FlowConfigError> =>
  Layer.effect(FlowRegistry, loadFlowRegistry(sources))
