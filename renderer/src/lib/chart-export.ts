// A chart leaves the page only as a file the viewer saves (PNG or SVG, drawn here by Plotly) or
// as a table read on the page: never through Plotly's cloud ("edit in Chart Studio"), which would
// upload the figure's data to another origin (issue 11).

import type { PlotData, PlotlyStatic } from 'plotly.js-strict-dist-min'
import { createContext } from 'react'
import { FILTER_FIELDS, type DateRange } from '../../../shared/api/index.ts'
import type { Figure } from './plotly.ts'
import { formatDateTime, formatDay } from './format.ts'
import type { ChartColors } from './plotly.ts'
import type { Dimensions } from './url-state.ts'

/** What an exported image says beside the chart: which data it shows. */
export interface ChartExportInfo {
  /** The active filters in words ("Oct 3 – Nov 1, 2026 · source: Google, Yelp"). */
  readonly filters: string
  /** The newest data's time (ISO), null for an empty cache or while unknown. */
  readonly dataAsOf: string | null
}

/** Given by the app: the filters and data time an exported chart carries. */
export const ChartExportContext = createContext<ChartExportInfo>({ filters: '', dataAsOf: null })

/** The shown days and every set dimension, in words, in the filters' own order. */
export function describeFilters(range: DateRange | null, dimensions: Dimensions): string {
  const parts: string[] = []
  if (range !== null)
    parts.push(
      range.from === range.to
        ? formatDay(range.from)
        : `${formatDay(range.from)} – ${formatDay(range.to)}`,
    )
  for (const field of FILTER_FIELDS) {
    const values = dimensions[field]
    if (values !== undefined && values.length > 0) parts.push(`${field}: ${values.join(', ')}`)
  }
  return parts.length === 0 ? 'all leads' : parts.join(' · ')
}

/** The line under an exported chart: its filters and the data's time. */
export function exportCaption(info: ChartExportInfo): string {
  const asOf =
    info.dataAsOf === null ? 'no data yet' : `data as of ${formatDateTime(info.dataAsOf)}`
  return `${info.filters === '' ? 'all leads' : info.filters} · ${asOf}`
}

export const EXPORT_SIZE = { width: 1200, height: 700 } as const

const escapeText = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/**
 * A copy of the figure for a file: the title on top and the filters and data time at the foot,
 * drawn into the image, on the panel's colour (a transparent PNG reads badly in a document).
 * The figure on screen is left as it is.
 */
export function exportFigure(
  figure: Figure,
  title: string,
  info: ChartExportInfo,
  c: ChartColors,
): Figure {
  const layout = figure.layout as Record<string, unknown>
  const margin = (layout.margin ?? {}) as Record<string, number>
  const annotations = (layout.annotations ?? []) as readonly Record<string, unknown>[]
  return {
    data: figure.data,
    layout: {
      ...layout,
      width: EXPORT_SIZE.width,
      height: EXPORT_SIZE.height,
      autosize: false,
      paper_bgcolor: c.surface,
      plot_bgcolor: c.surface,
      title: {
        text: `<b>${escapeText(title)}</b>`,
        x: 0.02,
        xanchor: 'left',
        y: 0.97,
        font: { size: 20, color: c.text, family: c.font },
      },
      margin: {
        ...margin,
        t: Math.max(margin.t ?? 0, 24) + 56,
        b: Math.max(margin.b ?? 0, 24) + 44,
      },
      annotations: [
        ...annotations,
        {
          text: escapeText(exportCaption(info)),
          showarrow: false,
          xref: 'paper',
          yref: 'paper',
          x: 0,
          xanchor: 'left',
          y: 0,
          yanchor: 'top',
          yshift: -((margin.b ?? 24) + 8),
          font: { size: 13, color: c.muted, family: c.font },
        },
      ],
    },
  }
}

/** A file name from the chart's title: "leads-per-day.png". */
export function exportFileName(title: string, format: 'png' | 'svg'): string {
  const stem = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return `${stem || 'chart'}.${format}`
}

/** A `data:` URL as bytes, so the download is a same-origin `blob:` link (no `data:` anchor). */
function dataUrlBlob(url: string): Blob {
  const comma = url.indexOf(',')
  const head = url.slice(0, comma)
  const body = url.slice(comma + 1)
  const type = /^data:([^;,]+)/.exec(head)?.[1] ?? 'application/octet-stream'
  if (head.endsWith(';base64')) {
    const binary = atob(body)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return new Blob([bytes], { type })
  }
  return new Blob([decodeURIComponent(body)], { type })
}

/** Draws the export figure off screen: the image as a `data:` URL. */
function figureImage(plotly: PlotlyStatic, figure: Figure, format: 'png' | 'svg'): Promise<string> {
  return plotly.toImage(
    { data: figure.data, layout: figure.layout },
    { format, ...EXPORT_SIZE, scale: format === 'png' ? 2 : 1 },
  )
}

/** The export figure as SVG text: what a PDF report draws as vector (issue 12). */
export async function figureSvg(plotly: PlotlyStatic, figure: Figure): Promise<string> {
  return dataUrlBlob(await figureImage(plotly, figure, 'svg')).text()
}

/** Draws the export figure off screen and hands it to the browser as a download. */
export async function downloadFigure(
  plotly: PlotlyStatic,
  figure: Figure,
  format: 'png' | 'svg',
  fileName: string,
): Promise<void> {
  const url = await figureImage(plotly, figure, format)
  const link = document.createElement('a')
  link.href = URL.createObjectURL(dataUrlBlob(url))
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // The browser has taken the file once click() returns; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(link.href), 0)
}

// ---- "View as table": the figure's own numbers ------------------------------------------------

export interface ChartTable {
  /** The first column's header (what the categories are), then one per series. */
  readonly columns: readonly string[]
  readonly rows: readonly { readonly key: string; readonly cells: readonly string[] }[]
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 })

/** How a chart's values read in its table: as its axis and tooltips say them. */
export type ValueFormat = (value: number) => string

const plain: ValueFormat = (value) => number.format(value)

const cellText = (value: unknown, format: ValueFormat = plain): string =>
  value === null || value === undefined || value === ''
    ? '—'
    : typeof value === 'number'
      ? format(value)
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)

const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : [])

/** Whether the figure's categories run along y: its first series says (a target's markers follow). */
const isHorizontal = (trace: PlotData): boolean =>
  trace.orientation === 'h' || (trace.type === 'funnel' && trace.orientation !== 'v')

/** The trace's category and value arrays, by how the figure lays them out. */
function categoriesAndValues(
  trace: PlotData,
  horizontal: boolean,
): {
  keys: readonly unknown[]
  values: readonly unknown[]
} {
  if (trace.type === 'pie') return { keys: list(trace.labels), values: list(trace.values) }
  return horizontal
    ? { keys: list(trace.y), values: list(trace.x) }
    : { keys: list(trace.x), values: list(trace.y) }
}

/**
 * Exactly the numbers the figure draws, as rows: one row per category (a day, a source, a stage)
 * and one column per series, by the series' legend name; a heat map as its grid, a Sankey as its
 * flows, a gauge as its value. `categoryHeader` names the first column.
 */
export function figureTable(
  figure: Figure,
  categoryHeader: string,
  format: ValueFormat = plain,
): ChartTable {
  const traces = figure.data.filter((t) => t.type !== undefined)
  const first = traces[0]
  if (first === undefined) return { columns: [categoryHeader], rows: [] }
  if (first.type === 'heatmap') {
    const x = list(first.x).map((v) => cellText(v))
    return {
      columns: [categoryHeader, ...x],
      rows: list(first.y).map((y, i) => ({
        key: cellText(y),
        cells: list(list(first.z)[i]).map((z) => cellText(z, format)),
      })),
    }
  }
  if (first.type === 'sankey') {
    const node = (first.node ?? {}) as Record<string, unknown>
    const link = (first.link ?? {}) as Record<string, unknown>
    const labels = list(node.label).map((v) => cellText(v))
    const targets = list(link.target)
    const values = list(link.value)
    return {
      columns: ['From', 'To', 'Leads'],
      rows: list(link.source).map((s, i) => {
        const from = labels[Number(s)] ?? '—'
        const to = labels[Number(targets[i])] ?? '—'
        return { key: `${from}→${to}`, cells: [from, to, cellText(values[i], format)] }
      }),
    }
  }
  if (first.type === 'indicator') {
    return {
      columns: [categoryHeader, 'Value'],
      rows: traces.map((t, i) => {
        const title = (t.title ?? {}) as Record<string, unknown>
        const name = cellText(t.name ?? title.text ?? `value ${i + 1}`)
        return { key: name, cells: [name, cellText(t.value, format)] }
      }),
    }
  }
  const keys: string[] = []
  const byKey = new Map<string, Map<number, unknown>>()
  traces.forEach((trace, column) => {
    const { keys: k, values } = categoriesAndValues(trace, isHorizontal(first))
    k.forEach((key, i) => {
      const text = cellText(key)
      if (!byKey.has(text)) {
        keys.push(text)
        byKey.set(text, new Map())
      }
      byKey.get(text)?.set(column, values[i])
    })
  })
  return {
    columns: [
      categoryHeader,
      ...traces.map((t, i) => cellText(t.name ?? (i === 0 ? 'Value' : `Series ${i + 1}`))),
    ],
    rows: keys.map((key) => ({
      key,
      cells: [key, ...traces.map((_, column) => cellText(byKey.get(key)?.get(column), format))],
    })),
  }
}
