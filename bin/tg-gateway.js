#!/usr/bin/env node
// The sources are TypeScript run by Node's type stripping (Node >= 22.18).
await import("../src/programs/main.ts")
