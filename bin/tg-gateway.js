#!/usr/bin/env node
// Runs the command from the bundle that `npm ci` and `npm run build` write into dist/command/: it
// starts several times sooner, in about half the memory, than the TypeScript sources, whose types
// Node strips at every start (docs/benchmarks.md, "Start-up and idle memory"). In a repository, a source edited
// after the last build must not be silently ignored, so the sources run instead whenever a file
// under src/ is newer than the bundle; `npm run build` makes the bundle current again. An installed
// package has no src/ (Node would not strip types under node_modules anyway) and always runs the
// bundle. Plain JavaScript, so that an older Node gets require-node.js's message, not a stack trace.
import { existsSync, readdirSync, statSync } from "node:fs"
import module from "node:module"

await import("./require-node.js")

// V8 takes the young generation's size only at start, so `serve` starts again with the gateway's
// flags, as the same process (same pid, for signals), unless the size is given already, on the
// command line or in NODE_OPTIONS.
const { gatewayNodeFlags, setsSemiSpace } = await import("./gatewayNodeFlags.js")
const flagGiven = setsSemiSpace([...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)])
if (process.argv.slice(2).includes("serve") && !flagGiven && typeof process.execve === "function") {
  process.execve(
    process.execPath,
    [process.execPath, ...gatewayNodeFlags, ...process.execArgv, ...process.argv.slice(1)],
    process.env
  )
}

const bundleDirectory = new URL("../dist/command/", import.meta.url)
const bundle = new URL("main.js", bundleDirectory)
const sourceDirectory = new URL("../src/", import.meta.url)

const newestSourceChange = () => {
  let newest = 0
  for (const entry of readdirSync(sourceDirectory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs)
  }
  return newest
}

const bundleIsCurrent = () => {
  if (!existsSync(bundle)) return false
  if (!existsSync(sourceDirectory)) return true
  return statSync(bundle).mtimeMs >= newestSourceChange()
}

if (bundleIsCurrent()) {
  // Keeps V8's compiled code of the bundle between runs (under the system's temporary directory),
  // which saves part of the parsing at every later start; it does nothing where it cannot write.
  module.enableCompileCache?.()
  const { mapStackTraces } = await import("./sourceMaps.js")
  mapStackTraces(bundleDirectory)
  await import(bundle.href)
} else {
  await import("../src/programs/main.ts")
}
