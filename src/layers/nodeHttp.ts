/**
 * Node's `http` module, taken the way CommonJS code takes it. A static `import … from "node:http"`
 * also loads Node's own fetch implementation (undici, with http2, worker threads and
 * performance hooks) while the module's exports are bound: about 13 MiB of memory, a sixth of an
 * idle gateway's, for code it never runs (docs/benchmarks.md, "The idle gateway and Node's fetch").
 * Types come from `node:http` as usual; only values come from here.
 */
export const nodeHttp = process.getBuiltinModule("node:http")
