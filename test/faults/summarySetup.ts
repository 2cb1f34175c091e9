/**
 * Vitest global setup for the fault-injection suite: gives its files one results file to append
 * their rows to, and prints the table of them — scenario, runs, frames, missing, duplicates — once
 * every file has run, where CI's log shows it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestProject } from "vitest/node"
import type { SummaryRow } from "./support.ts"

export const summaryTable = (rows: ReadonlyArray<SummaryRow>): string => {
  const merged = new Map<string, SummaryRow & { seeds: Array<number> }>()
  for (const row of rows) {
    const seen = merged.get(row.scenario)
    if (seen === undefined) merged.set(row.scenario, { ...row, seeds: [row.seed] })
    else
      merged.set(row.scenario, {
        ...seen,
        runs: seen.runs + row.runs,
        frames: seen.frames + row.frames,
        missing: seen.missing + row.missing,
        duplicates: seen.duplicates + row.duplicates,
        seeds: seen.seeds.includes(row.seed) ? seen.seeds : [...seen.seeds, row.seed]
      })
  }
  const header = ["scenario", "runs", "frames", "missing", "duplicates", "seed"]
  const body = [...merged.values()].map((row) => [
    row.scenario,
    String(row.runs),
    String(row.frames),
    String(row.missing),
    String(row.duplicates),
    row.seeds.join(" ")
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${"-".repeat(width + 1)}` : `${"-".repeat(width + 1)}:`)).join("|")}|`
  return [line(header), rule, ...body.map(line)].join("\n")
}

export default function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), "tg-faults-"))
  const results = join(directory, "results.jsonl")
  writeFileSync(results, "")
  project.provide("faultsResults", results)
  return () => {
    const rows = readFileSync(results, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as SummaryRow)
    rmSync(directory, { recursive: true, force: true })
    if (rows.length === 0) return
    console.log(
      `\nFault injection, test/faults/${process.env["TG_FAULTS_LONG"] === "1" ? " (TG_FAULTS_LONG=1)" : ""}: frames counted on the topic or in the export's output, read from Pulsar, not through the gateway\n${summaryTable(rows)}\n`
    )
  }
}
