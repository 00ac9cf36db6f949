// writeCsv and writeJson on a real report: a cache file filled by the demo
// loader, buildReport (main/export/summary.ts) for a filter set, read back
// with csv-parse and JSON.parse. What the file says equals what the report's
// rows say — every lead of the filters, in order, ids exact (one past 2^53),
// instants the same instants with the zone's offset, money to the cent.
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { writeCsv } from '../../main/export/csv.ts'
import { writeJson } from '../../main/export/json.ts'
import type { Cell, Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { exportStartSchema, type Filters } from '../../shared/api/index.ts'
import { BIG_ID, clock, rowsOf, useDemoCache } from '../support/export-cache.ts'
import { collector, writeOptions } from './export-csv-fixture.ts'

// The awkward lead: an id past 2^53, and a name-like owner that looks like a formula.
const cache = useDemoCache('watchfloor-export-csv-', {
  seed: 21,
  leads: 4000,
  days: 120,
  bigLeadOwner: '=Dana',
})

function reportFor(filters: Filters): Report {
  const request = exportStartSchema.parse({
    view: 'lead-response',
    format: 'csv',
    datasets: ['leads'],
    filters,
  })
  cache.db.exec('BEGIN')
  try {
    return buildReport(cache.db, request, clock, () => [])
  } finally {
    cache.db.exec('COMMIT')
  }
}

const FILTER_SETS: readonly [string, Filters][] = [
  ['last 90 days in Detroit', { range: { preset: 'last90', timeZone: 'America/Detroit' } }],
  [
    'Google LSA, custom range in Europe/London over the October change',
    {
      range: { preset: 'custom', from: '2026-10-01', to: '2026-10-31', timeZone: 'Europe/London' },
      source: ['Google LSA'],
    },
  ],
]

describe.each(FILTER_SETS)('a real leads export: %s', (_name, filters) => {
  it('CSV: one row per lead of the report, read back as the report says', async () => {
    const report = reportFor(filters)
    const dataset = report.datasets[0]!
    const out = collector()
    cache.db.exec('BEGIN')
    try {
      await writeCsv(report, out, writeOptions({ csv: { bom: true } }))
    } finally {
      cache.db.exec('COMMIT')
    }
    const parsed = parse(out.text(), { bom: true })
    const rows = rowsOf(dataset)
    expect(rows.length).toBe(dataset.rowCount)
    expect(rows.length).toBeGreaterThan(50)
    expect(parsed[0]).toEqual(dataset.columns.map((c) => c.label))
    expect(parsed.length).toBe(rows.length + 1)
    const kinds = dataset.columns.map((c) => c.kind)
    rows.forEach((row, r) => {
      const fields = parsed[r + 1]!
      kinds.forEach((kind, i) => {
        const cell = row[i] ?? null
        const field = fields[i]!
        if (cell === null) return expect(field).toBe('')
        switch (kind) {
          case 'id':
            return expect(field).toBe(String(cell))
          case 'datetime':
            expect(field).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?[+-]\d\d:\d\d$/)
            return expect(Date.parse(field)).toBe(cell)
          case 'money':
            return expect(field).toBe((cell as number).toFixed(2))
          case 'text':
            return expect(field).toBe(/^[=+\-@\t\r]/.test(String(cell)) ? `'${cell}` : cell)
          default:
            return expect(Number(field)).toBe(cell)
        }
      })
    })
  })

  it('JSON: the same rows, columns and summary', async () => {
    const report = reportFor(filters)
    const out = collector()
    cache.db.exec('BEGIN')
    try {
      await writeJson(report, out, writeOptions())
    } finally {
      cache.db.exec('COMMIT')
    }
    const json = JSON.parse(out.text()) as {
      range: string
      filters: string[]
      kpis: { id: string; text: string }[]
      datasets: { rows: Cell[][] }[]
    }
    expect(json.range).toBe(report.rangeText)
    expect(json.filters).toEqual(report.filterText)
    expect(json.kpis.map((k) => [k.id, k.text])).toEqual(report.kpis.map((k) => [k.id, k.text]))
    const rows = rowsOf(report.datasets[0]!)
    const kinds = report.datasets[0]!.columns.map((c) => c.kind)
    expect(json.datasets[0]!.rows.length).toBe(rows.length)
    json.datasets[0]!.rows.forEach((row, r) => {
      row.forEach((value, i) => {
        const cell = rows[r]![i] ?? null
        if (kinds[i] === 'datetime' && cell !== null) expect(Date.parse(value as string)).toBe(cell)
        else if (kinds[i] === 'money' && cell !== null)
          expect(value).toBe(Math.round((cell as number) * 100) / 100)
        else expect(value).toEqual(cell)
      })
    })
  })
})

describe('a real leads export: the awkward lead', () => {
  it('keeps the id past 2^53 exact and neutralises the formula-like owner', async () => {
    const report = reportFor({ range: { preset: 'last90', timeZone: 'America/New_York' } })
    const out = collector()
    cache.db.exec('BEGIN')
    try {
      await writeCsv(report, out, writeOptions())
    } finally {
      cache.db.exec('COMMIT')
    }
    const parsed = parse(out.text())
    const header = parsed[0]!
    const row = parsed.find((r) => r[0] === BIG_ID)
    expect(row).toBeDefined()
    const field = (label: string) => row![header.indexOf(label)]
    expect(field('Owner')).toBe("'=Dana")
    expect(field('Created')).toBe('2026-10-15T10:00:00-04:00')
    expect(field('Deal value')).toBe('12345.67')
    expect(field('First response')).toBe('90')
  })
})
