// Compiles src/ into dist/ (JavaScript, declarations, source maps), which the package's exports and
// the installed command run: Node does not strip types under node_modules. Plain JavaScript, and
// tsc runs on older Nodes than the sources need, because `npm ci` runs this as `prepare` with
// whatever Node is first on PATH.
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
let tsc
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
} catch {
  // An install without dev dependencies (`npm ci --omit=dev`) still runs `prepare`; the repository's
  // own command runs from src/ and needs no dist/, but a package packed without it would be empty.
  const packing = process.env["npm_command"] === "pack" || process.env["npm_command"] === "publish"
  if (process.env["npm_lifecycle_event"] === "prepare" && !packing) {
    console.warn(
      "build: TypeScript is not installed (no dev dependencies), so dist/ is not built; tg-gateway runs from src/."
    )
    process.exit(0)
  }
  console.error(
    "build: TypeScript is not installed: run 'npm install' (with dev dependencies) first, then build again."
  )
  process.exit(1)
}
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })
process.exit(result.status ?? 1)
