#!/usr/bin/env node
// The repository runs its TypeScript sources by Node's type stripping, so an older Node is stopped
// first. An installed package has no src/ (Node would not strip types under node_modules anyway)
// and runs the JavaScript compiled into dist/ when it was packed.
import { existsSync } from "node:fs"

await import("./require-node.js")
const sources = new URL("../src/programs/main.ts", import.meta.url)
await import(existsSync(sources) ? sources.href : "../dist/programs/main.js")
