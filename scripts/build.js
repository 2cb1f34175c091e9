// Builds what the package and the command run, from src/:
//   dist/           tsc's output (JavaScript, declarations, source maps): the library's exports.
//   dist/command/   the `tg-gateway` command as one bundle (esbuild), which bin/tg-gateway.js runs.
// Node does not strip types under node_modules, so an installed package needs both. The command is
// bundled because it starts several times sooner than tsc's output, in about two thirds of its
// memory: only the parts of `effect` it uses are loaded, not every module its index names (see "Start-up and idle memory"
// in docs/benchmarks.md). Plain JavaScript, and tsc runs on older Nodes than the sources need,
// because `npm ci` runs this as `prepare` with whatever Node is first on PATH.
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const require = createRequire(import.meta.url)

/** Where the command's bundle goes, relative to the repository; bin/tg-gateway.js runs its main.js. */
export const commandDirectory = "dist/command"

// Packages with native parts stay outside the bundle and are loaded from node_modules.
const external = ["@node-rs/crc32", "bufferutil", "utf-8-validate"]

// The bundle is an ES module, where `require` does not exist; the CommonJS packages inside it (ws,
// n3) call it for Node's own modules.
const requireInModule = `import { createRequire as createRequireForBundle } from "node:module"; const require = createRequireForBundle(import.meta.url);`

/**
 * `import { Effect, Layer } from "effect"` names the index, which re-exports every module of the
 * package; esbuild keeps a namespace re-exported that way whole, with all it imports. Rewritten to
 * `import * as Effect from "effect/Effect"`, each module is shaken down to what the code uses.
 */
const effectModuleImports = () => {
  const index = readFileSync(join(root, "node_modules/effect/dist/index.js"), "utf8")
  const modules = new Map([...index.matchAll(/^export \* as (\w+) from "\.\/(\w+)\.js";?$/gm)].map((m) => [m[1], m[2]]))
  const rewrite = (source) =>
    source.replace(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*"effect"/g, (statement, typeOnly, list) => {
      if (typeOnly !== undefined) return statement
      const names = list
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "")
      // Names that are not a whole module (`pipe`, `flow`) and aliased names stay as they were.
      const kept = names.filter((name) => {
        const bare = name.replace(/^type\s+/, "")
        return !modules.has(bare)
      })
      const lines = names
        .filter((name) => !kept.includes(name))
        .map((name) => {
          const typeOnlyName = name.startsWith("type ")
          const bare = name.replace(/^type\s+/, "")
          return `import ${typeOnlyName ? "type " : ""}* as ${bare} from "effect/${modules.get(bare)}"`
        })
      if (kept.length > 0) lines.push(`import { ${kept.join(", ")} } from "effect"`)
      // On one line, so that the lines after it keep their numbers for the source map.
      return lines.join("; ")
    })
  return {
    name: "effect-module-imports",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => ({
        contents: rewrite(readFileSync(args.path, "utf8")),
        loader: "ts"
      }))
    }
  }
}

// The source maps' mappings: base64 VLQ numbers, `,` between segments, `;` between generated lines.
const base64Digits = new Map(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i])
)

/** Each segment of a map as [generated line, generated column, source, source line, source column]. */
const segmentsOf = (mappings) => {
  const segments = []
  let source = 0
  let sourceLine = 0
  let sourceColumn = 0
  mappings.split(";").forEach((line, generatedLine) => {
    let generatedColumn = 0
    for (const segment of line.split(",")) {
      if (segment === "") continue
      const numbers = []
      let value = 0
      let shift = 0
      for (const c of segment) {
        const digit = base64Digits.get(c) ?? 0
        value += (digit & 31) * 2 ** shift
        shift += 5
        if ((digit & 32) === 0) {
          numbers.push(value & 1 ? -(value - 1) / 2 : value / 2)
          value = 0
          shift = 0
        }
      }
      generatedColumn += numbers[0] ?? 0
      if (numbers.length < 4) continue
      source += numbers[1]
      sourceLine += numbers[2]
      sourceColumn += numbers[3]
      segments.push([generatedLine, generatedColumn, source, sourceLine, sourceColumn])
    }
  })
  return segments
}

/**
 * Beside each bundle file's source map, `<file>.lines.json`: for each generated line, the source,
 * line and column (1-based) its first mapped code comes from, or 0 where nothing maps it. The
 * command's stack traces read this (bin/sourceMaps.js) instead of the map, which Node would decode
 * whole at every start to map a frame or two; the bundle is not minified, so a generated line
 * holds the code of one source line.
 */
const writeLineTables = (outdir) => {
  for (const name of readdirSync(join(root, outdir), { recursive: true })) {
    if (!name.endsWith(".js.map")) continue
    const file = join(root, outdir, name)
    const map = JSON.parse(readFileSync(file, "utf8"))
    const segments = segmentsOf(map.mappings)
    const lineCount = map.mappings.split(";").length
    const lines = new Int32Array(lineCount * 3)
    for (const [generatedLine, , source, sourceLine, sourceColumn] of segments) {
      if (lines[generatedLine * 3] !== 0) continue
      lines.set([source + 1, sourceLine + 1, sourceColumn + 1], generatedLine * 3)
    }
    writeFileSync(
      file.replace(/\.map$/, ".lines.json"),
      JSON.stringify({ sources: map.sources, lines: Buffer.from(lines.buffer).toString("base64") })
    )
  }
}

/**
 * Bundles src/programs/main.ts into `outdir`, which must sit two levels under the repository (the
 * command reads ../../package.json for its version). The commands and the translations stay in
 * chunks of their own, loaded only when they run. `moduleImports: false` and `minify` are there for
 * bench/startup.ts, which compares them.
 */
export const bundleCommand = async ({ outdir = commandDirectory, moduleImports = true, minify = false } = {}) => {
  const esbuild = await import("esbuild")
  rmSync(join(root, outdir), { recursive: true, force: true })
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/programs/main.ts"],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external,
    banner: { js: requireInModule },
    chunkNames: "chunks/[name]-[hash]",
    // Stack traces name the src/ lines (bin/tg-gateway.js turns source maps on); the sources
    // themselves are in the repository, not in the maps.
    sourcemap: "linked",
    sourcesContent: false,
    minify,
    plugins: moduleImports ? [effectModuleImports()] : [],
    logLevel: "warning"
  })
  writeLineTables(outdir)
}

const missingTypeScript = () => {
  try {
    require.resolve("typescript/bin/tsc")
    require.resolve("esbuild")
    return false
  } catch {
    return true
  }
}

const build = async () => {
  if (missingTypeScript()) {
    // An install without dev dependencies (`npm ci --omit=dev`) still runs `prepare`; the
    // repository's own command runs from src/ and needs no dist/, but a package packed without it
    // would be empty.
    const packing = process.env["npm_command"] === "pack" || process.env["npm_command"] === "publish"
    if (process.env["npm_lifecycle_event"] === "prepare" && !packing) {
      console.warn(
        "build: TypeScript or esbuild is not installed (no dev dependencies), so dist/ is not built; tg-gateway runs from src/."
      )
      return 0
    }
    console.error(
      "build: TypeScript or esbuild is not installed: run 'npm install' (with dev dependencies) first, then build again."
    )
    return 1
  }
  const tsc = require.resolve("typescript/bin/tsc")
  const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })
  if (compiled.status !== 0) return compiled.status ?? 1
  await bundleCommand()
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await build()
}
