/**
 * A plain SVG line chart for the memory benchmark: time in seconds across, MiB up, one line per
 * series, an optional dashed line for a target and shaded bands naming the phases of a run.
 */

export interface ChartSeries {
  readonly name: string
  readonly color: string
  /** [seconds, MiB] */
  readonly points: ReadonlyArray<readonly [number, number]>
}

export interface ChartPhase {
  readonly name: string
  readonly from: number
  readonly to: number
}

export interface LineChart {
  readonly title: string
  readonly series: ReadonlyArray<ChartSeries>
  readonly phases?: ReadonlyArray<ChartPhase>
  readonly target?: { readonly name: string; readonly mib: number }
}

const width = 760
const height = 360
const left = 56
const right = 16
const top = 36
const bottom = 64

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** A round step for axis ticks: 1, 2 or 5 times a power of ten, about `count` ticks over `span`. */
const niceStep = (span: number, count: number) => {
  const raw = span / count
  const power = 10 ** Math.floor(Math.log10(raw))
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
}

export const renderLineChart = (chart: LineChart): string => {
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x))
  const ys = chart.series.flatMap((s) => s.points.map(([, y]) => y))
  const xMax = Math.max(1, ...xs)
  const yStep = niceStep(Math.max(...ys, chart.target?.mib ?? 0) * 1.1, 6)
  const yMax = Math.ceil((Math.max(...ys, chart.target?.mib ?? 0) * 1.05) / yStep) * yStep
  const xStep = niceStep(xMax, 8)
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const px = (x: number) => left + (x / xMax) * plotWidth
  const py = (y: number) => top + plotHeight - (y / yMax) * plotHeight
  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escape(chart.title)}</text>`
  )
  ;(chart.phases ?? []).forEach((phase, i) => {
    const x0 = px(phase.from)
    const x1 = px(Math.min(phase.to, xMax))
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${top}" width="${Math.max(0, x1 - x0).toFixed(1)}" height="${plotHeight}" ` +
        `fill="${i % 2 === 0 ? "#f0f4fa" : "#faf6ee"}"/>`,
      // Short phases sit side by side: their names go on three staggered lines.
      `<text x="${(x0 + 3).toFixed(1)}" y="${top + 12 + (i % 3) * 12}" fill="#555">${escape(phase.name)}</text>`
    )
  })
  for (let y = 0; y <= yMax; y += yStep) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${y}</text>`
    )
  }
  for (let x = 0; x <= xMax; x += xStep) {
    parts.push(
      `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${top + plotHeight}" y2="${top + plotHeight + 4}" stroke="#888"/>`,
      `<text x="${px(x).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${Number(x.toPrecision(6))}</text>`
    )
  }
  parts.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" stroke="#888"/>`,
    `<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#888"/>`,
    `<text x="${left + plotWidth / 2}" y="${top + plotHeight + 32}" text-anchor="middle">seconds</text>`,
    `<text transform="translate(14 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">MiB</text>`
  )
  if (chart.target !== undefined) {
    const y = py(chart.target.mib).toFixed(1)
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y}" y2="${y}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${width - right - 4}" y="${Number(y) - 4}" text-anchor="end" fill="#c00">${escape(chart.target.name)}</text>`
    )
  }
  for (const series of chart.series) {
    if (series.points.length === 0) continue
    const path = series.points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
    parts.push(`<path d="${path.join(" ")}" fill="none" stroke="${series.color}" stroke-width="1.5"/>`)
  }
  chart.series.forEach((series, i) => {
    const x = left + i * 180
    const y = height - 12
    parts.push(
      `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${series.color}" stroke-width="2"/>`,
      `<text x="${x + 22}" y="${y}">${escape(series.name)}</text>`
    )
  })
  parts.push("</svg>")
  return `${parts.join("\n")}\n`
}
