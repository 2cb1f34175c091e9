/**
 * Reads a V8 `.heapsnapshot` file and sums the objects' own (shallow) sizes by what they are: an
 * object or closure by its constructor's name, everything else (strings, arrays, code, hidden
 * V8 structures) by its node type — enough to see whether the heap is mostly code, strings,
 * buffers or queued messages, without a dominator tree.
 */
import { readFile } from "node:fs/promises"

interface SnapshotFile {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: ReadonlyArray<string>
      readonly node_types: readonly [ReadonlyArray<string>, ...ReadonlyArray<unknown>]
    }
    readonly node_count: number
  }
  readonly nodes: ReadonlyArray<number>
  readonly strings: ReadonlyArray<string>
}

export interface HeapGroup {
  readonly label: string
  readonly count: number
  readonly bytes: number
}

export interface HeapSummary {
  readonly totalBytes: number
  readonly nodeCount: number
  /** Largest groups first. */
  readonly groups: ReadonlyArray<HeapGroup>
  /** The largest single objects. */
  readonly largest: ReadonlyArray<HeapGroup>
}

/** Node types whose name is the constructor (or function) that made them. */
const namedTypes = new Set(["object", "closure", "native", "regexp"])

export const summarizeHeapSnapshot = async (path: string, top = 20): Promise<HeapSummary> => {
  const file = JSON.parse(await readFile(path, "utf8")) as SnapshotFile
  const fields = file.snapshot.meta.node_fields
  const types = file.snapshot.meta.node_types[0]
  const stride = fields.length
  const typeAt = fields.indexOf("type")
  const nameAt = fields.indexOf("name")
  const sizeAt = fields.indexOf("self_size")
  const groups = new Map<string, { count: number; bytes: number }>()
  const largest: Array<HeapGroup> = []
  let totalBytes = 0
  for (let at = 0; at < file.nodes.length; at += stride) {
    const type = types[file.nodes[at + typeAt]!] ?? "?"
    const name = file.strings[file.nodes[at + nameAt]!] ?? "?"
    const bytes = file.nodes[at + sizeAt]!
    totalBytes += bytes
    const label = namedTypes.has(type) ? `${name} (${type})` : `(${type})`
    const group = groups.get(label) ?? { count: 0, bytes: 0 }
    group.count++
    group.bytes += bytes
    groups.set(label, group)
    if (bytes >= 64 * 1024) largest.push({ label: `${name.slice(0, 60)} (${type})`, count: 1, bytes })
  }
  return {
    totalBytes,
    nodeCount: file.nodes.length / stride,
    groups: [...groups]
      .map(([label, { count, bytes }]) => ({ label, count, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top),
    largest: largest.sort((a, b) => b.bytes - a.bytes).slice(0, 10)
  }
}
