/**
 * The chart of bench/startup.ts: start-up times on the left, memory on the right, one bar per way
 * of running the command; the targets are named in the titles. Two bar charts of bench/svg.ts side
 * by side in one SVG.
 */
import { barChart } from "./svg.ts"

export interface StartupFigures {
  readonly way: string
  readonly helpMs: number
  readonly helpPeakMib: number
  readonly serveListeningMs: number
  readonly serveIdleMib: number
  readonly importFirstFrameMs: number
}

const sizeOf = (svg: string) => {
  const match = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)
  return { width: Number(match?.[1] ?? 0), height: Number(match?.[2] ?? 0) }
}

export const startupChart = (all: ReadonlyArray<StartupFigures>, subtitle: string): string => {
  // bench/svg.ts has seven colours; the minified bundle differs little from the bundle, and the
  // table has it.
  const results = all.length > 7 ? all.filter((r) => r.way !== "bundle-min") : all
  const time = barChart({
    title: "Start-up time (targets: --help 150 ms, first frame 250 ms)",
    subtitle,
    unit: "ms",
    categories: ["--help", "serve: listening", "import: first frame"],
    series: results.map((r) => ({ name: r.way, values: [r.helpMs, r.serveListeningMs, r.importFirstFrameMs] }))
  })
  const memory = barChart({
    title: "Memory (target: 64 MiB)",
    subtitle: "--help: peak RSS; serve: RSS 2 s after listening",
    unit: "MiB",
    categories: ["--help", "serve idle"],
    series: results.map((r) => ({ name: r.way, values: [r.helpPeakMib, r.serveIdleMib] }))
  })
  const left = sizeOf(time)
  const right = sizeOf(memory)
  const width = left.width + right.width
  const height = Math.max(left.height, right.height)
  // An <svg> inside an <svg> is placed by its x and y, so each chart keeps its own coordinates.
  const placed = (svg: string, x: number) => svg.replace(/^<svg /, `<svg x="${x}" y="0" `)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    placed(time, 0).trimEnd(),
    placed(memory, left.width).trimEnd(),
    "</svg>",
    ""
  ].join("\n")
}
