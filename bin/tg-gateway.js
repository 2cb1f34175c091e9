#!/usr/bin/env node
// The sources are TypeScript run by Node's type stripping, so an older Node is stopped first.
await import("./require-node.js")
await import("../src/programs/main.ts")
