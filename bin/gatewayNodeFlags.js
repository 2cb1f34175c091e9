// The Node flags `tg-gateway serve` runs with (bin/tg-gateway.js), in one place for the launcher
// and the benchmarks that start the gateway from its sources.
//
// The young generation: left to itself, V8 grows it to 64 MiB and more under load, most of it
// empty between collections. With 8 MiB semi-spaces the gateway's peak RSS fell by about a quarter
// for one importing connection and for a hundred, at the same throughput (docs/benchmarks.md,
// "The young generation").
export const semiSpaceFlag = "--max-semi-space-size"
export const gatewayNodeFlags = [`${semiSpaceFlag}=8`]

/** Whether `flags` (Node's command line and NODE_OPTIONS) set the size already: then it is kept. */
export const setsSemiSpace = (flags) => flags.some((flag) => flag.startsWith(semiSpaceFlag))
