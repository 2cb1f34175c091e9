// Stack traces of the bundled command name the src/*.ts lines. Node's own source map support
// (--enable-source-maps, process.setSourceMapsEnabled) decodes the whole map of every module it
// loads, and effect reads a stack trace while it loads (to learn how V8 formats one), so that would
// cost every start about 20 MiB and more time (docs/benchmarks.md, "Start-up and idle memory").
// The build writes, beside each map, a table of where each generated line comes from
// (scripts/build.js); a frame is mapped by one look-up in it, read when a trace first names its file.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Maps the frames of files under `directory` (a file: URL ending in /) in every stack trace. */
export const mapStackTraces = (directory) => {
  // Someone who asked Node for its own source maps gets them.
  if (process.sourceMapsEnabled) return
  const tables = new Map()
  const tableOf = (file) => {
    if (!tables.has(file)) {
      let table
      try {
        const { sources, lines } = JSON.parse(readFileSync(fileURLToPath(`${file}.lines.json`), "utf8"))
        const bytes = Buffer.from(lines, "base64")
        table = { sources, lines: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) }
      } catch {
        table = undefined
      }
      tables.set(file, table)
    }
    return tables.get(file)
  }
  const frame = (callSite) => {
    const text = callSite.toString()
    const file = callSite.getFileName()
    const line = callSite.getLineNumber()
    const column = callSite.getColumnNumber()
    if (typeof file !== "string" || !file.startsWith(directory.href) || line === null || column === null) return text
    const table = tableOf(file)
    const at = (line - 1) * 3
    const source = table?.sources[(table.lines[at] ?? 0) - 1]
    if (table === undefined || typeof source !== "string") return text
    const origin = `${fileURLToPath(new URL(source, file))}:${table.lines[at + 1]}:${table.lines[at + 2]}`
    return text.replace(`${file}:${line}:${column}`, origin)
  }
  Error.prepareStackTrace = (error, callSites) => {
    let header
    try {
      header = Error.prototype.toString.call(error)
    } catch {
      header = "Error"
    }
    return [header, ...callSites.map((callSite) => `    at ${frame(callSite)}`)].join("\n")
  }
}
