// The Excel writer (issue 12) on real reports: a cache file filled by the demo
// loader, buildReport for several filter sets, writeXlsx, and the workbook read
// back with exceljs. Each sheet holds its dataset's rows and totals (the
// metrics api's counts and sums), the Summary carries the filters in words and
// the cards as the page writes them, every datetime reads back as the wall
// clock of the report's zone, and a 16-digit id survives as text.
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { buildReport } from '../../main/export/summary.ts'
import { writeXlsx } from '../../main/export/xlsx.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { exportStartSchema, type Filters, type SourceStatus } from '../../shared/api/index.ts'
import { BIG_ID, clock, rowsOf, useDemoCache } from '../support/export-cache.ts'
import { wallClock } from '../support/wall-clock.ts'
import { collector, writeOptions } from './export-csv-fixture.ts'

const SOURCES: readonly SourceStatus[] = [
  { name: 'demo', state: 'live', since: null, message: null, generated: true },
]

// The lead past 2^53: it must come out as exactly these digits, as text.
const cache = useDemoCache('watchfloor-export-xlsx-', {
  seed: 7,
  leads: 4000,
  days: 400,
  bigLeadOwner: 'Dana',
})

const FILTER_SETS: readonly (readonly [string, Filters])[] = [
  ['the last 90 days in Detroit', { range: { preset: 'last90', timeZone: 'America/Detroit' } }],
  [
    'one source over a custom range in London (across the October DST change)',
    {
      range: {
        preset: 'custom',
        from: '2026-09-01',
        to: '2026-10-31',
        timeZone: 'Europe/London',
      },
      source: ['Google LSA'],
    },
  ],
]

describe.each(FILTER_SETS)('an Excel report for %s', (_name, filters) => {
  it('holds exactly the report: sheets, rows, totals, typed cells, the Summary', async () => {
    const request = exportStartSchema.parse({
      view: 'overview',
      format: 'xlsx',
      filters,
      datasets: ['leads', 'channels', 'segments', 'revenueByMonth', 'funnel'],
    })
    const report = buildReport(cache.db, request, clock, () => SOURCES)
    const out = collector()
    let progress = 0
    await writeXlsx(report, out, writeOptions({ onRows: (n) => (progress = n) }))
    expect(progress).toBe(report.datasets.reduce((n, d) => n + d.rowCount, 0))
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(out.bytes() as unknown as ArrayBuffer)
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      ...report.datasets.map((d) => d.sheet),
    ])

    // The metrics api's own answer for the same filters.
    const data = dashboard(
      cache.db,
      { filters, dashboards: 'all', maxPoints: 10_000, activityLimit: 1 },
      clock,
    )

    for (const dataset of report.datasets) {
      const sheet = workbook.getWorksheet(dataset.sheet)!
      const rows = rowsOf(dataset)
      const extra = dataset.totals ? 1 : 0
      expect(sheet.actualRowCount, dataset.sheet).toBe(rows.length + 1 + extra)
      expect(sheet.getRow(1).values).toEqual([undefined, ...dataset.columns.map((c) => c.label)])
      expect(sheet.autoFilter).toBe(
        `A1:${String.fromCharCode(64 + dataset.columns.length)}${rows.length + 1}`,
      )
      // Every cell reads back as its value: numbers as the same numbers, ids and text as the
      // same strings, datetimes as the report zone's wall clock (to the second), days as days.
      for (const [i, row] of [...rows, ...(dataset.totals ? [dataset.totals] : [])].entries()) {
        for (const [c, column] of dataset.columns.entries()) {
          const value = row[c] ?? null
          const cell = sheet.getRow(i + 2).getCell(c + 1)
          const where = `${dataset.sheet}!${cell.address}`
          if (value === null) expect(cell.value, where).toBeNull()
          else if (column.kind === 'datetime') {
            expect((cell.value as Date).toISOString(), where).toBe(
              wallClock(value as number, report.timeZone),
            )
          } else if (column.kind === 'date') {
            expect((cell.value as Date).toISOString(), where).toBe(
              `${value as string}T00:00:00.000Z`,
            )
          } else expect(cell.value, where).toBe(value)
        }
      }
    }

    const leads = workbook.getWorksheet('Leads')!
    expect(leads.actualRowCount - 1).toBe(data.leadResponse!.leads)
    const moneyColumn =
      report.datasets.find((d) => d.id === 'leads')!.columns.findIndex((c) => c.kind === 'money') +
      1
    let deals = 0
    leads.eachRow((row, r) => {
      const cell = row.getCell(moneyColumn)
      if (r === 1 || cell.value === null) return
      expect(cell.type).toBe(ExcelJS.ValueType.Number)
      expect(cell.numFmt).toBe('"$"#,##0.00')
      deals++
    })
    expect(deals).toBeGreaterThan(0)
    const channels = workbook.getWorksheet('Channel ROI')!
    const totals = channels.getRow(channels.actualRowCount)
    expect(totals.getCell(1).font?.bold).toBe(true)
    expect(totals.getCell(2).value).toBe(data.marketing!.totals.leads)

    const summary = workbook.getWorksheet('Summary')!
    const texts: string[] = []
    summary.eachRow((row) => row.eachCell((cell) => texts.push(cell.text)))
    for (const line of report.filterText) expect(texts).toContain(line)
    for (const kpi of report.kpis) {
      expect(texts).toContain(kpi.label)
      expect(texts).toContain(kpi.text)
      if (kpi.target) expect(texts).toContain(kpi.target)
    }
  })
})

it('keeps a 16-digit id as its exact digits, as text', async () => {
  const request = exportStartSchema.parse({
    view: 'lead-response',
    format: 'xlsx',
    filters: { range: { preset: 'last90', timeZone: 'America/Detroit' } },
  })
  const report = buildReport(cache.db, request, clock, () => SOURCES)
  const out = collector()
  await writeXlsx(report, out, writeOptions())
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(out.bytes() as unknown as ArrayBuffer)
  const ids: ExcelJS.Cell[] = []
  workbook.getWorksheet('Leads')!.eachRow((row) => {
    if (row.getCell(1).value === BIG_ID) ids.push(row.getCell(1))
  })
  expect(ids).toHaveLength(1)
  expect(ids[0]!.type).toBe(ExcelJS.ValueType.String)
})
