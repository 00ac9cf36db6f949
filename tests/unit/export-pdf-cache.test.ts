// writePdf on a real report: a cache file filled by the demo loader, buildReport
// (main/export/summary.ts) for the Overview and a filter set, read back with poppler as a reader
// would: the title, the filters in words and every KPI card's value are text; each table says
// its row count and repeats its header on every page it spans; the page count follows the rows;
// every page renders (PNGs kept under test-results/export-pdf/).
import { execFileSync } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writePdf } from '../../main/export/pdf.ts'
import type { Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { exportStartSchema, type ExportStart } from '../../shared/api/index.ts'
import { clock, useDemoCache } from '../support/export-cache.ts'

const ARTEFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'export-pdf')
const PLOTLY_SVG = readFileSync(join(import.meta.dirname, 'export-pdf-plotly-chart.svg'), 'utf8')

const cache = useDemoCache('watchfloor-export-pdf-cache-', { seed: 12, leads: 3000, days: 120 })

async function exported(
  start: Omit<ExportStart, 'format'>,
  name: string,
): Promise<{ report: Report; pages: string[]; file: string }> {
  const request = exportStartSchema.parse({ ...start, format: 'pdf' })
  const file = join(cache.dir, `${name}.pdf`)
  cache.db.exec('BEGIN')
  let report: Report
  try {
    report = buildReport(cache.db, request, clock, () => [])
    await writePdf(
      { ...report, charts: request.charts ? request.chartImages : [] },
      createWriteStream(file),
      {
        signal: new AbortController().signal,
        onRows: () => {},
        csv: request.csv,
        paper: request.paper,
        orientation: request.orientation,
      },
    )
  } finally {
    cache.db.exec('COMMIT')
  }
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const folder = join(ARTEFACTS, name)
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  execFileSync('pdftoppm', ['-r', '60', '-png', '-l', '4', file, join(folder, 'page')])
  const pages = text.split('\f')
  return { report, pages: pages.slice(0, pages.length - 1), file }
}

const flat = (text: string): string => text.replace(/\s+/g, ' ')
const has = (text: string, part: string): void => {
  expect(flat(text).includes(flat(part)), `missing: ${part}`).toBe(true)
}

describe('the PDF of a real report', () => {
  it('Overview, last 90 days: title, filters, every card, each table with its header on every page', async () => {
    const { report, pages } = await exported(
      {
        view: 'overview',
        filters: { range: { preset: 'last90', timeZone: 'America/Detroit' } },
        chartImages: [{ title: 'Leads per day', svg: PLOTLY_SVG }],
      },
      'cache-overview',
    )
    const all = pages.join('\n')
    has(all, report.title)
    for (const filter of report.filterText) has(all, filter)
    expect(report.kpis.length).toBeGreaterThan(0)
    for (const card of report.kpis) {
      has(all, card.label)
      has(all, card.text)
    }
    has(all, 'Nov 15') // the chart's tick labels are text
    expect(report.datasets.map((d) => d.id)).toEqual(['leads', 'channels', 'funnel'])
    for (const dataset of report.datasets) {
      const count = `${dataset.title} ${dataset.rowCount.toLocaleString('en-US')} ${dataset.rowCount === 1 ? 'row' : 'rows'}`
      has(all, count)
      const first = pages.findIndex((p) => flat(p).includes(count))
      const continued = pages.filter((p) => p.includes(`${dataset.title} (continued)`))
      for (const page of [pages[first] ?? '', ...continued]) {
        for (const column of dataset.columns) {
          for (const word of column.label.split(/\s+/)) has(page, word)
        }
      }
      // Pages follow the rows: 40 to 60 rows a portrait page.
      if (dataset.rowCount > 200) {
        expect(continued.length).toBeGreaterThan(dataset.rowCount / 60 - 2)
        expect(continued.length).toBeLessThan(dataset.rowCount / 40 + 1)
      }
    }
    pages.forEach((page, i) => has(page, `Page ${i + 1} of ${pages.length}`))
  })

  it('a filtered Letter landscape report says its filters and counts only their rows', async () => {
    const all = await exported(
      {
        view: 'overview',
        filters: {
          range: { preset: 'last30', timeZone: 'America/Detroit' },
          source: ['Google LSA'],
        },
        paper: 'Letter',
        orientation: 'landscape',
      },
      'cache-filtered-letter',
    )
    const text = all.pages.join('\n')
    for (const filter of all.report.filterText) has(text, filter)
    expect(all.report.filterText.join(' ')).toContain('Google LSA')
    const leads = all.report.datasets.find((d) => d.id === 'leads')
    expect(leads).toBeDefined()
    has(text, `Leads ${leads?.rowCount.toLocaleString('en-US')} rows`)
    expect(execFileSync('pdfinfo', [all.file], { encoding: 'utf8' })).toMatch(
      /Page size:\s+792 x 612 pts/,
    )
  })
})
