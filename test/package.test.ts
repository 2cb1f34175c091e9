/**
 * The package as a program that depends on it gets it: the repository packed by `npm pack` (whose
 * `prepare` compiles src/ into dist/), the tarball installed into a new project, and that project
 * importing the library, running the `tg-gateway` command and type-checking against the
 * declarations. Node does not strip types under node_modules, so every case here fails for a
 * package that points its exports or its command at TypeScript sources.
 */
import { spawn } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { en } from "../src/i18n/catalogs/en.ts"
import { catalog as spanish } from "../src/i18n/catalogs/es.ts"

const root = fileURLToPath(new URL("../", import.meta.url))
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string }
const versionOf = (dependency: string) =>
  (JSON.parse(readFileSync(join(root, "node_modules", dependency, "package.json"), "utf8")) as { version: string })
    .version

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

/** Runs a command that must succeed, and says what it printed when it does not. */
const succeed = async (command: string, args: ReadonlyArray<string>, cwd: string) => {
  const ran = await run(command, args, cwd)
  if (ran.code !== 0) {
    throw new Error(`'${command} ${args.join(" ")}' in ${cwd} exited with ${ran.code}:\n${ran.stdout}${ran.stderr}`)
  }
  return ran
}

const directory = mkdtempSync(join(tmpdir(), "tg-gateway-package-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

// Packed from a copy of the work tree, so that `prepare` writes its dist/ there and never under a
// test that runs the repository's own dist/ at the same time (examples/embed.ts).
const notCopied = new Set(["node_modules", ".git", "dist", "tmp", "scratch", "coverage"])

describe("the packed package", () => {
  const app = join(directory, "app")
  // The work tree's copy, where `npm pack` ran `prepare`: dist/ is built there.
  const copy = join(directory, "repo")
  let packed: ReadonlyArray<string> = []

  beforeAll(async () => {
    cpSync(root, copy, {
      recursive: true,
      filter: (source) => !notCopied.has(relative(root, source).split(sep)[0] ?? "")
    })
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"))
    const pack = await succeed("npm", ["pack", "--json", "--pack-destination", directory], copy)
    const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as Array<{
      filename: string
      files: Array<{ path: string }>
    }>
    assert.isDefined(result, pack.stdout)
    packed = (result?.files ?? []).map((file) => file.path)

    mkdirSync(app)
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "uses-tg-gateway",
        private: true,
        type: "module",
        dependencies: { [manifest.name]: `file:${join(directory, result?.filename ?? "")}` },
        // The versions this repository has installed, so that npm finds them in its cache.
        devDependencies: { typescript: versionOf("typescript"), "@types/node": versionOf("@types/node") }
      })
    )
    await succeed("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app)
  }, 600_000)

  it("holds the compiled JavaScript, its declarations and the command, and no TypeScript sources", () => {
    for (const file of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/command/main.js",
      "dist/command/main.js.lines.json",
      "bin/tg-gateway.js",
      "bin/sourceMaps.js",
      "bin/require-node.js",
      "scripts/node-env.sh",
      "README.md"
    ]) {
      assert.include(packed, file)
    }
    assert.deepStrictEqual(
      packed.filter((file) => /^(?:src|test|examples|bench)\/|\.tsbuildinfo$|(?<!\.d)\.ts$/.test(file)),
      [],
      "sources, tests and build state stay out of the package"
    )
  })

  it("imports TgGateway from node_modules and serves /healthz over the in-memory broker", async () => {
    writeFileSync(
      join(app, "healthz.mjs"),
      [
        `import { ConfigProvider, Effect, Layer } from "effect"`,
        `import { TgGateway } from "tg-gateway"`,
        `const gateway = TgGateway.layer.pipe(`,
        `  Layer.provide(TgGateway.layerMemoryBroker),`,
        `  Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: 0 })))`,
        `)`,
        `const healthz = Effect.gen(function* () {`,
        `  const { host, port } = yield* TgGateway.GatewayServer`,
        `  const response = yield* Effect.promise(() => fetch("http://" + host + ":" + port + "/healthz"))`,
        `  const body = yield* Effect.promise(() => response.text())`,
        `  console.log("healthz: " + response.status + " " + body)`,
        `})`,
        `await Effect.runPromise(healthz.pipe(Effect.provide(gateway)))`
      ].join("\n")
    )
    const ran = await run(process.execPath, ["healthz.mjs"], app, { PATH: process.env["PATH"] ?? "" })
    assert.strictEqual(ran.code, 0, ran.stdout + ran.stderr)
    assert.include(ran.stdout.split("\n"), `healthz: 200 {"status":"ok"}`, ran.stdout + ran.stderr)
  })

  it("runs the tg-gateway command from node_modules, its translations included", async () => {
    const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", LC_ALL: "C" }
    const exec = (...args: Array<string>) => run("npm", ["exec", "--no", "--", "tg-gateway", ...args], app, env)

    const help = await exec("--help")
    assert.strictEqual(help.code, 0, help.stdout + help.stderr)
    assert.include(help.stdout, en["cli.usage"])

    const version = await exec("--version")
    assert.strictEqual(version.stdout.trim(), manifest.version, version.stdout + version.stderr)

    // A catalog other than English is loaded by a computed import, which the build must rewrite too.
    const spanishHelp = await exec("serve", "--help", "--lang", "es")
    assert.strictEqual(spanishHelp.code, 0, spanishHelp.stdout + spanishHelp.stderr)
    assert.include(spanishHelp.stdout, spanish["serve.usage"] ?? "serve.usage")
  }, 120_000)

  // The command reads its package.json with JSON.parse at the top of src/programs/main.ts; made to
  // throw there, the frame under it shows which file ran and what the stack trace names.
  const throwOnPackageJson = `data:text/javascript,${encodeURIComponent(
    [
      "const parse = JSON.parse",
      "JSON.parse = (text, ...rest) => {",
      `  if (String(text).includes('"bin"')) throw new Error("thrown for the stack trace")`,
      "  return parse(text, ...rest)",
      "}"
    ].join("\n")
  )}`
  const mainFrame = /^ {4}at (.*[/\\]src[/\\]programs[/\\]main\.ts):\d+:\d+$/m
  const stackOf = async (command: string, cwd: string) => {
    const ran = await run(process.execPath, ["--import", throwOnPackageJson, command, "--version"], cwd)
    assert.notStrictEqual(ran.code, 0, ran.stdout + ran.stderr)
    assert.include(ran.stderr, "thrown for the stack trace")
    return ran.stderr
  }

  it("names the src/*.ts line in a stack trace from the installed command, which runs the bundle", async () => {
    const stack = await stackOf(join(app, "node_modules", manifest.name, "bin", "tg-gateway.js"), app)
    assert.match(stack, mainFrame, stack)
    assert.notMatch(stack, /dist[/\\]command/, stack)
  }, 60_000)

  it("runs the bundle in a repository until a source is newer than it, then the sources", async () => {
    const command = join(copy, "bin", "tg-gateway.js")
    // From the bundle, the frame is mapped to a path; run by type stripping, it is the file's URL.
    const built = mainFrame.exec(await stackOf(command, copy))?.[1] ?? ""
    assert.notMatch(built, /^file:/, built)
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(copy, "src", "programs", "serve.ts"), later, later)
    const edited = mainFrame.exec(await stackOf(command, copy))?.[1] ?? ""
    assert.match(edited, /^file:/, edited)
  }, 60_000)

  it("type-checks a program against the package's declarations, which are precise enough to refuse a misuse", async () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          // Checked too, so that a declaration of ours that needs types the package does not
          // bring (a devDependency's @types) is an error here rather than a silent `any`.
          skipLibCheck: false,
          types: ["node"]
        },
        include: ["uses.ts", "misuse.ts"]
      })
    )
    writeFileSync(
      join(app, "uses.ts"),
      [
        `import { Effect, Layer } from "effect"`,
        `import { TgGateway } from "tg-gateway"`,
        `export const gateway: Layer.Layer<TgGateway.GatewayServer, TgGateway.StartError> = TgGateway.layer.pipe(`,
        `  Layer.provide(TgGateway.layerMemoryBroker)`,
        `)`,
        `export const port: Effect.Effect<number, never, TgGateway.GatewayServer> = Effect.gen(function* () {`,
        `  return (yield* TgGateway.GatewayServer).port`,
        `})`,
        `export const kinds: ReadonlyArray<TgGateway.KindName> = TgGateway.kindNames`
      ].join("\n")
    )
    // Declarations that said `any` would let this through.
    writeFileSync(
      join(app, "misuse.ts"),
      [
        `import { Effect } from "effect"`,
        `import { TgGateway } from "tg-gateway"`,
        `export const port: Effect.Effect<string, never, TgGateway.GatewayServer> = Effect.gen(function* () {`,
        `  return (yield* TgGateway.GatewayServer).port`,
        `})`
      ].join("\n")
    )
    // Checking effect's declarations takes most of the time: up to a minute on two busy cores.
    const ran = await run(process.execPath, [join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app)
    const errors = ran.stdout.split("\n").filter((line) => / error TS\d+:/.test(line))
    assert.deepStrictEqual(
      errors.map((line) => line.replace(/\(.*/, "") + " " + (/error TS\d+/.exec(line)?.[0] ?? "")),
      ["misuse.ts error TS2322"],
      ran.stdout + ran.stderr
    )
  }, 240_000)
})

describe("prepare", () => {
  const script = join(directory, "without-typescript", "scripts", "build.js")
  const prepare = (env: Record<string, string>) =>
    run(process.execPath, [script], directory, { PATH: process.env["PATH"] ?? "", ...env })

  beforeAll(() => {
    // The build script where no node_modules above it holds TypeScript, as after `npm ci --omit=dev`.
    mkdirSync(join(directory, "without-typescript", "scripts"), { recursive: true })
    cpSync(join(root, "scripts", "build.js"), script)
  })

  it("without dev dependencies, an install goes on (the command runs from src/) but a pack stops", async () => {
    const install = await prepare({ npm_lifecycle_event: "prepare", npm_command: "ci" })
    assert.strictEqual(install.code, 0, install.stderr)
    assert.include(install.stderr, "dist/ is not built")

    for (const npmCommand of ["pack", "publish"]) {
      const pack = await prepare({ npm_lifecycle_event: "prepare", npm_command: npmCommand })
      assert.strictEqual(pack.code, 1, npmCommand)
      assert.include(pack.stderr, "TypeScript or esbuild is not installed", npmCommand)
    }
    const build = await prepare({ npm_lifecycle_event: "build", npm_command: "run" })
    assert.strictEqual(build.code, 1)
  })
})
