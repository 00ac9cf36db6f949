// The JSON writer (main/export/json.ts) on reports made by hand: the file
// parses and says what the report says (times with the zone's offset, ids as
// text, numbers as numbers), stays valid for empty datasets and awkward
// strings, and streams with the same abort and backpressure discipline.
import { describe, expect, it } from 'vitest'
import { CHUNK_ROWS } from '../../main/export/csv.ts'
import { writeJson } from '../../main/export/json.ts'
import type { Cell, Column } from '../../main/export/report.ts'
import {
  ID_AND_NAME,
  cancelledAt,
  collector,
  generatedDataset,
  handDataset,
  handReport,
  writeOptions,
} from './export-csv-fixture.ts'

const COLUMNS: readonly Column[] = [
  ...ID_AND_NAME,
  { key: 'created', label: 'Created', kind: 'datetime' },
  { key: 'day', label: 'Day', kind: 'date' },
  { key: 'deal', label: 'Deal value', kind: 'money' },
  { key: 'rate', label: 'Close rate', kind: 'fraction' },
  { key: 'count', label: 'Leads', kind: 'integer' },
  { key: 'response', label: 'First response', kind: 'seconds' },
]

interface ParsedReport {
  format: string
  title: string
  view: string
  generatedAt: string
  dataAsOf: string | null
  timeZone: string
  range: string
  filters: string[]
  sources: {
    name: string
    state: string
    lastGoodSyncAt: string | null
    lastError: string | null
  }[]
  kpis: { id: string; value: number | null; text: string; target: string | null }[]
  datasets: {
    id: string
    title: string
    columns: { key: string; label: string; kind: string }[]
    rows: (string | number | null)[][]
    totals: (string | number | null)[] | null
  }[]
}

async function jsonOf(...args: Parameters<typeof handReport>): Promise<ParsedReport> {
  const out = collector()
  await writeJson(handReport(...args), out, writeOptions())
  return JSON.parse(out.text()) as ParsedReport
}

describe('writeJson: the report for scripts', () => {
  it('parses and equals the report: summary, freshness, KPI cards, columns, rows, totals', async () => {
    const rows: Cell[][] = [
      [
        '1234567890123456',
        'Ann "A" \\ O\u2019Neil\n2nd line\u0000',
        Date.parse('2026-03-08T07:01:00Z'),
        '2026-03-08',
        12340.5,
        0.543,
        -7,
        112,
      ],
      [
        '9007199254740993',
        'שלום 🚀',
        Date.parse('2026-03-08T06:59:00.5Z'),
        '2026-03-08',
        0.1 + 0.2,
        null,
        0,
        Number.NaN,
      ],
    ]
    const leads = handDataset(COLUMNS, rows, {
      totals: [null, 'Total', null, null, 12340.8, null, -7, null],
    })
    const channels = handDataset([{ key: 'channel', label: 'Channel', kind: 'text' }], [], {
      id: 'channels',
      title: 'Channel ROI',
    })
    const json = await jsonOf([leads, channels])

    expect(json).toMatchObject({
      format: 'watchfloor-report',
      title: 'Watchfloor — Lead response',
      view: 'lead-response',
      generatedAt: '2026-11-30T09:05:06-05:00',
      dataAsOf: '2026-11-30T08:59:00-05:00',
      timeZone: 'America/New_York',
      range: '1 Sep – 30 Nov 2026 (last 90 days)',
      filters: ['Last 90 days: 1 Sep – 30 Nov 2026', 'Source: Google LSA'],
    })
    expect(json.sources).toEqual([
      {
        name: 'Postgres',
        state: 'live',
        lastGoodSyncAt: '2026-11-30T08:59:00-05:00',
        lastError: null,
      },
      { name: 'Redis', state: 'offline', lastGoodSyncAt: null, lastError: 'connection refused' },
    ])
    expect(json.kpis.map((k) => [k.id, k.value, k.text, k.target])).toEqual([
      ['leads', 1234, '1,234', null],
      ['close-rate', 0.543, '54.3 %', '50.0 %'],
      ['revenue', null, '—', null],
    ])
    const [first, second] = json.datasets
    expect(first?.columns).toEqual(COLUMNS.map(({ key, label, kind }) => ({ key, label, kind })))
    expect(first?.rows).toEqual([
      [
        '1234567890123456',
        'Ann "A" \\ O\u2019Neil\n2nd line\u0000',
        '2026-03-08T03:01:00-04:00',
        '2026-03-08',
        12340.5,
        0.543,
        -7,
        112,
      ],
      [
        '9007199254740993',
        'שלום 🚀',
        '2026-03-08T01:59:00.500-05:00',
        '2026-03-08',
        0.3,
        null,
        0,
        null,
      ],
    ])
    expect(first?.totals).toEqual([null, 'Total', null, null, 12340.8, null, -7, null])
    expect(second).toEqual({
      id: 'channels',
      title: 'Channel ROI',
      columns: [{ key: 'channel', label: 'Channel', kind: 'text' }],
      rows: [],
      totals: null,
    })
  })

  it('keeps a 16-digit id exact, even one a source handed over as a number', async () => {
    const columns: Column[] = [{ key: 'id', label: 'Id', kind: 'id' }]
    const json = await jsonOf([handDataset(columns, [['1234567890123456'], [4503599627370496]])])
    expect(json.datasets[0]?.rows).toEqual([['1234567890123456'], ['4503599627370496']])
  })

  it('is valid JSON with no dataset, and with datasets that have no rows', async () => {
    expect((await jsonOf([])).datasets).toEqual([])
    const empty = await jsonOf([
      handDataset(COLUMNS, []),
      handDataset(COLUMNS, [], { id: 'funnel' }),
    ])
    expect(empty.datasets.map((d) => [d.id, d.rows])).toEqual([
      ['leads', []],
      ['funnel', []],
    ])
  })

  it('writes one row per line, never the whole table as one write', async () => {
    const n = 3 * CHUNK_ROWS + 5
    const out = collector()
    const options = writeOptions()
    const dataset = generatedDataset(n, COLUMNS, (i) => [
      String(i),
      `n${i}`,
      i * 1000,
      '2026-01-01',
      i,
      0.5,
      i,
      1,
    ])
    await writeJson(handReport([dataset]), out, options)
    const parsed = JSON.parse(out.text()) as ParsedReport
    expect(parsed.datasets[0]?.rows.length).toBe(n)
    expect(parsed.datasets[0]?.rows[n - 1]?.[0]).toBe(String(n - 1))
    expect(out.writes()).toBeGreaterThan(4)
    expect(options.progress.at(-1)).toBe(n)
    expect(
      out
        .text()
        .split('\n')
        .filter((l) => l.startsWith('        [')).length,
    ).toBe(n)
  })

  it('counts progress across datasets', async () => {
    const options = writeOptions()
    const idOnly = (i: number): Cell[] => [String(i), ...Array<null>(COLUMNS.length - 1).fill(null)]
    const a = generatedDataset(CHUNK_ROWS + 1, COLUMNS, idOnly)
    const b = generatedDataset(10, COLUMNS, idOnly)
    await writeJson(handReport([a, b]), collector(), options)
    // Chunks may end early (a time budget), but the count runs on across the datasets.
    expect(options.progress).toContain(CHUNK_ROWS + 1)
    expect(options.progress.at(-1)).toBe(CHUNK_ROWS + 11)
    expect(options.progress).toEqual([...options.progress].sort((x, y) => x - y))
  })

  it('rejects with an AbortError when cancelled mid-way, and closes the rows iterator', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i): Cell[] => [
      String(i),
      'x',
      0,
      '2026-01-01',
      1,
      1,
      1,
      1,
    ])
    const dataset = handDataset(COLUMNS, rows)
    const { writing } = cancelledAt(writeJson, dataset, CHUNK_ROWS)
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' })
    expect(dataset.closed()).toBe(1)
  })

  it('gives a slow consumer a complete, valid file', async () => {
    const n = 2 * CHUNK_ROWS + 3
    const out = collector({ highWaterMark: 256, delayMs: 2 })
    const dataset = generatedDataset(n, COLUMNS, (i) => [
      String(i),
      `row ${i}`,
      i,
      '2026-01-01',
      i / 8,
      0.25,
      i,
      3,
    ])
    await writeJson(handReport([dataset]), out, writeOptions())
    const parsed = JSON.parse(out.text()) as ParsedReport
    expect(parsed.datasets[0]?.rows.map((r) => r[0])).toEqual(
      Array.from({ length: n }, (_, i) => String(i)),
    )
  })
})
