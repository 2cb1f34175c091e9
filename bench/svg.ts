/**
 * A grouped bar chart as plain SVG text, for benchmark results in docs/charts/: one group of bars
 * per category (e.g. import, export), one bar per series in each, its value written above it.
 * No scripts, fonts or styles from elsewhere, so it shows the same on GitHub and in a file viewer.
 */

export interface BarSeries {
  readonly name: string
  /** One value per category, in the order of `categories`; NaN leaves the bar out. */
  readonly values: ReadonlyArray<number>
}

export interface BarChart {
  readonly title: string
  /** Under the title, e.g. the command and the date. */
  readonly subtitle?: string
  readonly unit: string
  readonly categories: ReadonlyArray<string>
  readonly series: ReadonlyArray<BarSeries>
}

// Distinguishable in colour and in grey.
const palette = ["#1f4e79", "#4f81bd", "#9bbb59", "#f79646", "#8064a2", "#c0504d", "#4bacc6"]

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const label = (value: number) =>
  value.toLocaleString("en-US", { maximumFractionDigits: value >= 100 ? 0 : value >= 10 ? 1 : 2 })

/** A round upper bound for the axis at or above `max`, fifths of which are round too. */
const niceCeiling = (max: number) => {
  if (!(max > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(max))
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((step) => step * power >= max) ?? 10) * power
}

/** The drawing's element, its white ground, and the chart's title and subtitle centred on top. */
const opening = (
  width: number,
  height: number,
  chart: { readonly title: string; readonly subtitle?: string | undefined }
): Array<string> => {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(chart.title)}</text>`
  ]
  if (chart.subtitle !== undefined) {
    parts.push(`<text x="${width / 2}" y="44" text-anchor="middle" fill="#555555">${escape(chart.subtitle)}</text>`)
  }
  return parts
}

export const barChart = (chart: BarChart): string => {
  const barWidth = 34
  const barGap = 6
  const groupGap = 40
  const axisRoom = 70
  const top = chart.subtitle === undefined ? 50 : 68
  const plotHeight = 260
  const legendRowHeight = 20
  const groupWidth = chart.series.length * (barWidth + barGap) - barGap
  const plotWidth = chart.categories.length * (groupWidth + groupGap) + groupGap
  // Wide enough for the titles too: about 0.55 em per character in a sans-serif face.
  const titleWidth = Math.max(chart.title.length * 15 * 0.55, (chart.subtitle?.length ?? 0) * 12 * 0.55) + 40
  const width = Math.ceil(Math.max(axisRoom + plotWidth + 20, titleWidth, 420))
  // The plot sits in the middle when the titles make the picture wider than it.
  const left = Math.round(Math.max(axisRoom, (width - plotWidth) / 2))
  const height = top + plotHeight + 36 + chart.series.length * legendRowHeight
  const values = chart.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v))
  const ceiling = niceCeiling(Math.max(0, ...values))
  const y = (value: number) => Math.round((top + plotHeight - (value / ceiling) * plotHeight) * 10) / 10

  const parts = opening(width, height, chart)
  for (let i = 0; i <= 5; i++) {
    const value = (ceiling * i) / 5
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#dddddd"/>`,
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555555">${label(value)}</text>`
    )
  }
  parts.push(
    `<text x="${left - 54}" y="${top + plotHeight / 2}" text-anchor="middle" fill="#555555" ` +
      `transform="rotate(-90 ${left - 54} ${top + plotHeight / 2})">${escape(chart.unit)}</text>`
  )
  chart.categories.forEach((category, c) => {
    const groupLeft = left + groupGap + c * (groupWidth + groupGap)
    chart.series.forEach((series, s) => {
      const value = series.values[c]
      if (value === undefined || !Number.isFinite(value)) return
      const x = groupLeft + s * (barWidth + barGap)
      parts.push(
        `<rect x="${x}" y="${y(value)}" width="${barWidth}" height="${top + plotHeight - y(value)}" ` +
          `fill="${palette[s % palette.length]}"><title>${escape(`${series.name}, ${category}: ${label(value)} ${chart.unit}`)}</title></rect>`,
        `<text x="${x + barWidth / 2}" y="${y(value) - 4}" text-anchor="middle" font-size="10">${label(value)}</text>`
      )
    })
    parts.push(
      `<text x="${groupLeft + groupWidth / 2}" y="${top + plotHeight + 18}" text-anchor="middle" ` +
        `font-weight="bold">${escape(category)}</text>`
    )
  })
  parts.push(
    `<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#555555"/>`
  )
  chart.series.forEach((series, s) => {
    const rowY = top + plotHeight + 44 + s * legendRowHeight
    parts.push(
      `<rect x="${left}" y="${rowY - 10}" width="12" height="12" fill="${palette[s % palette.length]}"/>`,
      `<text x="${left + 18}" y="${rowY}">${escape(series.name)}</text>`
    )
  })
  parts.push("</svg>")
  return parts.join("\n") + "\n"
}

export interface RoundsPanel {
  /** E.g. import or export. */
  readonly name: string
  /** One value per round, in the order the rounds ran; NaN leaves the point out. */
  readonly series: ReadonlyArray<BarSeries>
}

export interface RoundsChart {
  readonly title: string
  readonly subtitle?: string
  readonly unit: string
  readonly panels: ReadonlyArray<RoundsPanel>
}

/**
 * One line per series over the rounds of a run, a panel per category side by side on one scale,
 * so that the spread of single rounds shows beside the medians a bar chart gives. A series keeps
 * its colour in every panel.
 */
export const roundsChart = (chart: RoundsChart): string => {
  const panelWidth = 340
  const panelGap = 30
  const axisRoom = 70
  // Room for the panels' names under the titles.
  const top = chart.subtitle === undefined ? 70 : 88
  const plotHeight = 240
  const legendRowHeight = 20
  const names = [...new Set(chart.panels.flatMap((panel) => panel.series.map((s) => s.name)))]
  const plotsWidth = chart.panels.length * (panelWidth + panelGap) - panelGap
  const titleWidth = Math.max(chart.title.length * 15 * 0.55, (chart.subtitle?.length ?? 0) * 12 * 0.55) + 40
  const width = Math.ceil(Math.max(axisRoom + plotsWidth + 20, titleWidth))
  const left = Math.round(Math.max(axisRoom, (width - plotsWidth) / 2))
  const height = top + plotHeight + 60 + names.length * legendRowHeight
  const values = chart.panels.flatMap((panel) => panel.series.flatMap((s) => s.values)).filter(Number.isFinite)
  const ceiling = niceCeiling(Math.max(0, ...values))
  const y = (value: number) => Math.round((top + plotHeight - (value / ceiling) * plotHeight) * 10) / 10
  const colourOf = (name: string) => palette[names.indexOf(name) % palette.length]

  const parts = opening(width, height, chart)
  parts.push(
    `<text x="${left - 54}" y="${top + plotHeight / 2}" text-anchor="middle" fill="#555555" ` +
      `transform="rotate(-90 ${left - 54} ${top + plotHeight / 2})">${escape(chart.unit)}</text>`
  )
  chart.panels.forEach((panel, p) => {
    const panelLeft = left + p * (panelWidth + panelGap)
    const rounds = Math.max(1, ...panel.series.map((s) => s.values.length))
    // Rounds sit in the middle of equal slots, so that one round alone is not on the axis.
    const x = (round: number) => Math.round(panelLeft + ((round + 0.5) / rounds) * panelWidth)
    for (let i = 0; i <= 5; i++) {
      const value = (ceiling * i) / 5
      parts.push(
        `<line x1="${panelLeft}" x2="${panelLeft + panelWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#dddddd"/>`
      )
      if (p === 0) {
        parts.push(`<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555555">${label(value)}</text>`)
      }
    }
    for (let round = 0; round < rounds; round++) {
      parts.push(
        `<text x="${x(round)}" y="${top + plotHeight + 16}" text-anchor="middle" fill="#555555">${round + 1}</text>`
      )
    }
    parts.push(
      `<line x1="${panelLeft}" x2="${panelLeft + panelWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#555555"/>`,
      `<text x="${panelLeft + panelWidth / 2}" y="${top - 12}" text-anchor="middle" font-weight="bold">${escape(panel.name)}</text>`,
      `<text x="${panelLeft + panelWidth / 2}" y="${top + plotHeight + 32}" text-anchor="middle" fill="#555555">round</text>`
    )
    for (const series of panel.series) {
      const points = series.values.flatMap((value, round) => (Number.isFinite(value) ? [[x(round), y(value)]] : []))
      const colour = colourOf(series.name)
      if (points.length > 1) {
        parts.push(
          `<polyline points="${points.map(([px, py]) => `${px},${py}`).join(" ")}" fill="none" stroke="${colour}" stroke-width="2"/>`
        )
      }
      series.values.forEach((value, round) => {
        if (!Number.isFinite(value)) return
        parts.push(
          `<circle cx="${x(round)}" cy="${y(value)}" r="3.5" fill="${colour}">` +
            `<title>${escape(`${series.name}, ${panel.name} round ${round + 1}: ${label(value)} ${chart.unit}`)}</title></circle>`
        )
      })
    }
  })
  names.forEach((name, s) => {
    const rowY = top + plotHeight + 60 + s * legendRowHeight
    parts.push(
      `<rect x="${left}" y="${rowY - 10}" width="12" height="12" fill="${colourOf(name)}"/>`,
      `<text x="${left + 18}" y="${rowY}">${escape(name)}</text>`
    )
  })
  parts.push("</svg>")
  return parts.join("\n") + "\n"
}
