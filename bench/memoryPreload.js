/**
 * Loaded into the gateway with `node --import ./bench/memoryPreload.js`, so that the gateway's
 * own code stays untouched: every MEMORY_REPORT_INTERVAL ms (default 250) it appends one JSON
 * line to MEMORY_REPORT_FILE with `process.memoryUsage()`, V8's heap spaces and code statistics.
 * RSS from /proc says how much the process holds; these lines say which part of it is the
 * JavaScript heap, which is code, and which is buffers outside the heap.
 *
 * Plain JavaScript on purpose: a TypeScript preload makes Node load its type stripper (its source
 * and its WebAssembly memory, about 13 MiB) into the gateway under measurement, which the gateway
 * run from its bundle never does.
 */
import { appendFileSync } from "node:fs"
import { getHeapCodeStatistics, getHeapSpaceStatistics } from "node:v8"

const reportFile = process.env["MEMORY_REPORT_FILE"]
const intervalMillis = Number(process.env["MEMORY_REPORT_INTERVAL"] ?? "250")

const report = () => {
  const usage = process.memoryUsage()
  /** @type {Record<string, { used: number, size: number, physical: number }>} */
  const spaces = {}
  for (const space of getHeapSpaceStatistics()) {
    spaces[space.space_name] = {
      used: space.space_used_size,
      size: space.space_size,
      physical: space.physical_space_size
    }
  }
  const code = getHeapCodeStatistics()
  const line = {
    at: Date.now(),
    rss: usage.rss,
    heapTotal: usage.heapTotal,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    spaces,
    codeAndMetadata: code.code_and_metadata_size,
    bytecodeAndMetadata: code.bytecode_and_metadata_size,
    scriptSource: code.external_script_source_size
  }
  appendFileSync(/** @type {string} */ (reportFile), `${JSON.stringify(line)}\n`)
}

if (reportFile !== undefined && reportFile !== "") {
  report()
  // A timer of its own must not keep a gateway that is shutting down alive.
  setInterval(report, intervalMillis).unref()
}
