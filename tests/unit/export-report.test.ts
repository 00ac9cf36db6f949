// buildReport (main/export/summary.ts): a report holds exactly what the tab shows for the same
// filters. On a real cache file filled by the demo loader, for several filter sets, every
// dataset's row count and totals equal the metrics api's answer, and the cards' text is what the
// page's formatter writes for the api's values (shared/format, which renderer/src/lib/format.ts
// re-exports: the node project cannot import the page's module itself). The export reads on
// a read-only connection inside the caller's BEGIN: it writes nothing, sees one snapshot, and
// hands out a fresh iterator on each rows() call.
import { describe, expect, it } from 'vitest'
import type { Cell, Dataset, Report } from '../../main/export/report.ts'
import { buildReport } from '../../main/export/summary.ts'
import { dashboard } from '../../main/metrics/dashboard.ts'
import { openStore } from '../../main/store/index.ts'
import {
  basisLabel,
  formatInteger,
  formatKpiValue,
  formatMoneyShort,
} from '../../shared/format/index.ts'
import {
  exportStartSchema,
  type DashboardData,
  type ExportDataset,
  type ExportRequest,
  type ExportStart,
  type Filters,
  type SourceStatus,
  type ViewId,
} from '../../shared/api/index.ts'
import { BIG_ID, NOW, clock, rowsOf, useDemoCache } from '../support/export-cache.ts'

const DETROIT = 'America/Detroit'

const SOURCES: readonly SourceStatus[] = [
  {
    name: 'postgres',
    state: 'stale',
    since: '2026-11-01T14:00:00.000Z',
    message: 'connection refused',
    lastError: 'connection refused',
    lastGoodSyncAt: '2026-11-01T14:00:00.000Z',
  },
  { name: 'demo', state: 'live', since: null, message: null, generated: true },
]
const sources = () => SOURCES

// The lead past 2^53 is in the last 90 days: it must come out as exactly these digits.
const cache = useDemoCache('watchfloor-export-report-', {
  seed: 12,
  leads: 6000,
  days: 400,
  bigLeadOwner: 'Dana',
})

const request = (start: Omit<ExportStart, 'format'> & { format?: ExportStart['format'] }) =>
  exportStartSchema.parse({ format: 'xlsx', ...start })

const FILTER_SETS: readonly (readonly [string, Filters])[] = [
  ['last 90 days (a preset)', { range: { preset: 'last90', timeZone: DETROIT } }],
  [
    'a custom range',
    { range: { preset: 'custom', from: '2026-03-01', to: '2026-06-30', timeZone: DETROIT } },
  ],
  ['year to date in London', { range: { preset: 'ytd', timeZone: 'Europe/London' } }],
  [
    'one source and a city, month to date',
    { range: { preset: 'mtd', timeZone: DETROIT }, source: ['Google LSA'] },
  ],
  [
    'an owner (the raw path) in Kolkata',
    { range: { preset: 'last30', timeZone: 'Asia/Kolkata' }, owner: ['Dana', 'Marcus'] },
  ],
  [
    'an empty range',
    { range: { preset: 'custom', from: '2003-01-01', to: '2003-01-31', timeZone: DETROIT } },
  ],
]

function answer(filters: Filters): DashboardData {
  return dashboard(
    cache.db,
    { filters, dashboards: 'all', maxPoints: 10_000, activityLimit: 1 },
    clock,
  )
}

function dataset(report: Report, id: ExportDataset): Dataset {
  const found = report.datasets.find((d) => d.id === id)
  if (!found) throw new Error(`no ${id} dataset`)
  return found
}

const col = (d: Dataset, key: string): number => {
  const i = d.columns.findIndex((c) => c.key === key)
  if (i < 0) throw new Error(`no column ${key}`)
  return i
}
const num = (cell: Cell | undefined): number => (typeof cell === 'number' ? cell : 0)
const sum = (ys: readonly (number | null)[]) => ys.reduce<number>((a, y) => a + (y ?? 0), 0)
const cents = (dollars: number) => Math.round(dollars * 100)

describe.each(FILTER_SETS)('a report for %s', (_name, filters) => {
  const all: ExportDataset[] = ['leads', 'channels', 'segments', 'revenueByMonth', 'funnel']

  it('has the metrics api’s row counts and totals in every dataset', () => {
    const data = answer(filters)
    const report = buildReport(
      cache.db,
      request({ view: 'overview', filters, datasets: all }),
      clock,
      sources,
    )
    expect(report.datasets.map((d) => d.id)).toEqual([
      'leads',
      'channels',
      'funnel',
      'segments',
      'revenueByMonth',
    ])
    for (const d of report.datasets) expect(rowsOf(d)).toHaveLength(d.rowCount)

    const leads = dataset(report, 'leads')
    const lr = data.leadResponse!
    expect(leads.rowCount).toBe(lr.leads)
    const rows = rowsOf(leads)
    const response = col(leads, 'firstResponseSeconds')
    const answered = rows.filter((r) => r[response] !== null)
    expect(answered).toHaveLength(lr.responded)
    expect(answered.filter((r) => num(r[response]) <= lr.targetSeconds)).toHaveLength(
      lr.underTarget,
    )
    const status = col(leads, 'status')
    const deal = col(leads, 'dealValue')
    const won = rows.filter((r) => r[status] === 'won')
    expect(won).toHaveLength(data.conversion!.conversions)
    expect(cents(sum(won.map((r) => num(r[deal]))))).toBe(data.trends!.deltas.revenueCents.current)

    const channels = dataset(report, 'channels')
    const roi = data.marketing!
    expect(channels.rowCount).toBe(roi.channels.length)
    const t = channels.totals!
    expect(t[col(channels, 'leads')]).toBe(roi.totals.leads)
    expect(t[col(channels, 'won')]).toBe(roi.totals.conversions)
    expect(cents(num(t[col(channels, 'revenue')]))).toBe(roi.totals.revenueCents)
    expect(cents(num(t[col(channels, 'cost')]))).toBe(roi.totals.costCents)
    expect(sum(rowsOf(channels).map((r) => num(r[col(channels, 'leads')])))).toBe(roi.totals.leads)

    const segments = dataset(report, 'segments')
    expect(segments.rowCount).toBe(data.markets!.segments.length)
    expect(sum(rowsOf(segments).map((r) => num(r[col(segments, 'leads')])))).toBe(lr.leads)

    const funnel = dataset(report, 'funnel')
    expect(rowsOf(funnel).map((r) => r[col(funnel, 'reached')])).toEqual(
      data.funnel!.stages.map((s) => s.reached),
    )

    const months = dataset(report, 'revenueByMonth')
    const mt = months.totals!
    expect(mt[col(months, 'deals')]).toBe(sum(data.trends!.conversions.y))
    expect(cents(num(mt[col(months, 'revenue')]))).toBe(sum(data.trends!.revenueCents.y))
    expect(sum(rowsOf(months).map((r) => num(r[col(months, 'daysInRange')])))).toBe(
      mt[col(months, 'daysInRange')],
    )
  })

  it('writes the cards as the page writes them, and the filters in words', () => {
    const data = answer(filters)
    const report = buildReport(cache.db, request({ view: 'overview', filters }), clock, sources)
    const card = (id: string) => {
      const found = report.kpis.find((k) => k.id === id)
      if (!found) throw new Error(`no card ${id}`)
      return found
    }
    const { kpis } = data
    const d = data.trends!.deltas
    expect(report.kpis.map((k) => k.id)).toEqual([
      'average-response',
      'share-under-target',
      'over-target',
      'leads',
      'conversion-rate',
      'conversions',
      'revenue',
    ])
    expect(card('leads').text).toBe(formatKpiValue(kpis.leads, d.leads.current!))
    expect(card('leads').label).toBe(kpis.leads.label)
    expect(card('conversions').text).toBe(formatKpiValue(kpis.conversions, d.conversions.current!))
    expect(card('revenue').text).toBe(formatMoneyShort(d.revenueCents.current!))
    expect(card('revenue').value).toBe(d.revenueCents.current! / 100)
    expect(card('revenue').kind).toBe('money')
    const rate = d.conversionRate.current
    expect(card('conversion-rate').text).toBe(
      rate === null ? 'No leads in this range' : formatKpiValue(kpis.conversionRate, rate),
    )
    expect(card('conversion-rate').target).toBe('25.0 %–35.0 %')
    const lr = data.leadResponse!
    expect(card('average-response').text).toBe(
      lr.averageSeconds === null
        ? lr.leads === 0
          ? 'No leads in this range'
          : 'No lead answered yet'
        : formatKpiValue(kpis.averageResponseSeconds, lr.averageSeconds),
    )
    expect(card('average-response').target).toBe('120 s')
    expect(card('share-under-target').label).toBe(`Answered within ${lr.targetSeconds} s`)
    expect(card('over-target').text).toBe(
      lr.leads === 0 ? 'No leads in this range' : formatInteger(lr.overTarget),
    )
    for (const k of report.kpis) expect(k.basis).toMatch(/^(lead|close) date$/)
    expect(basisLabel(card('leads'))).toBe('by lead date')

    expect(report.title).toBe('Watchfloor — Overview')
    expect(report.generatedAt).toEqual(NOW)
    expect(report.timeZone).toBe(filters.range.timeZone)
    expect(report.filterText[0]).toContain(': ')
    expect(report.rangeText).toContain(report.filterText[0]!.split(': ')[1]!)
    expect(report.filterText).toContain(`Time zone: ${filters.range.timeZone}`)
    if (filters.source) expect(report.filterText).toContain(`Source: ${filters.source.join(', ')}`)
    if (filters.owner) expect(report.filterText).toContain(`Owner: ${filters.owner.join(', ')}`)
  })
})

describe('a report', () => {
  const last90: Filters = { range: { preset: 'last90', timeZone: DETROIT } }

  it('names custom days by the preset the page read them from, as its filter bar does', () => {
    const days = {
      preset: 'custom' as const,
      from: '2026-10-03',
      to: '2026-11-01',
      timeZone: DETROIT,
    }
    const named = buildReport(
      cache.db,
      request({ view: 'overview', filters: { range: days }, shownAs: 'last30' }),
      clock,
      sources,
    )
    expect(named.filterText[0]).toBe('Last 30 days: Oct 3, 2026 – Nov 1, 2026')
    expect(named.rangeText).toBe('Oct 3, 2026 – Nov 1, 2026 (Last 30 days)')
    const plain = buildReport(
      cache.db,
      request({ view: 'overview', filters: { range: days } }),
      clock,
      sources,
    )
    expect(plain.filterText[0]).toBe('Custom range: Oct 3, 2026 – Nov 1, 2026')
    // The name changes the words only: the same days, the same rows.
    expect(dataset(named, 'leads').rowCount).toBe(dataset(plain, 'leads').rowCount)
  })

  it('keeps a 16-digit id as its exact digits', () => {
    const report = buildReport(
      cache.db,
      request({ view: 'lead-response', filters: last90 }),
      clock,
      sources,
    )
    const leads = dataset(report, 'leads')
    expect(leads.columns[0]).toMatchObject({ key: 'id', kind: 'id' })
    const ids = rowsOf(leads).map((r) => r[0])
    expect(ids).toContain(BIG_ID)
    expect(ids.every((id) => typeof id === 'string' && /^\d+$/.test(id))).toBe(true)
    const big = rowsOf(leads).find((r) => r[0] === BIG_ID)!
    expect(big[col(leads, 'dealValue')]).toBe(12345.67)
    expect(big[col(leads, 'firstResponseSeconds')]).toBe(90)
    expect(big[col(leads, 'createdAt')]).toBe(Date.parse('2026-10-15T14:00:00Z'))
  })

  it('reads on a read-only connection inside the caller’s BEGIN, writes nothing and sees one snapshot', () => {
    const ro = openStore(cache.file, { readonly: true })
    try {
      ro.exec('BEGIN')
      const report = buildReport(ro, request({ view: 'overview', filters: last90 }), clock, sources)
      expect(ro.inTransaction).toBe(true)
      const leads = dataset(report, 'leads')
      const before = leads.rowCount
      // A sync writes a lead into the range on the api's connection meanwhile.
      cache.db
        .prepare(
          `INSERT INTO leads (id, tenant_id, created_at, updated_at, source, city, segment,
           temperature, status, owner) VALUES (99999999, 'acme', ?, ?, 'Nextdoor', 'Troy',
           'standard', 'warm', 'new', 'Dana')`,
        )
        .run(Date.parse('2026-10-30T12:00:00Z'), Date.parse('2026-10-30T12:00:00Z'))
      expect(rowsOf(leads)).toHaveLength(before)
      expect(report.kpis.find((k) => k.id === 'leads')?.value).toBe(before)
      expect(ro.prepare('SELECT total_changes()').pluck().get()).toBe(0)
      ro.exec('COMMIT')
      // After the snapshot, the new lead is there.
      ro.exec('BEGIN')
      expect(
        dataset(
          buildReport(ro, request({ view: 'overview', filters: last90 }), clock, sources),
          'leads',
        ).rowCount,
      ).toBe(before + 1)
      ro.exec('COMMIT')
    } finally {
      ro.close()
      cache.db.prepare('DELETE FROM leads WHERE id = 99999999').run()
    }
  })

  it('hands out a fresh iterator on each rows() call', () => {
    const report = buildReport(
      cache.db,
      request({ view: 'revenue', filters: last90 }),
      clock,
      sources,
    )
    for (const d of report.datasets) {
      const first = d.rows()
      first.next()
      first.return?.()
      expect(rowsOf(d)).toHaveLength(d.rowCount)
      expect(rowsOf(d)).toEqual(rowsOf(d))
    }
  })

  it('holds the tab’s datasets by default, the ones asked for otherwise, and the charts only in a PDF', () => {
    const chartImages = [{ title: 'Revenue', svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' }]
    const views: ViewId[] = ['overview', 'revenue', 'markets', 'activity']
    expect(
      views.map((view) =>
        buildReport(cache.db, request({ view, filters: last90 }), clock, sources).datasets.map(
          (d) => d.id,
        ),
      ),
    ).toEqual([
      ['leads', 'channels', 'funnel'],
      ['revenueByMonth', 'leads'],
      ['segments', 'leads'],
      [],
    ])
    const asked = buildReport(
      cache.db,
      request({ view: 'revenue', filters: last90, datasets: ['funnel'] }),
      clock,
      sources,
    )
    expect(asked.datasets.map((d) => d.id)).toEqual(['funnel'])
    expect(asked.title).toBe('Watchfloor — Revenue growth')
    expect(
      buildReport(
        cache.db,
        request({ view: 'revenue', filters: last90, format: 'pdf', chartImages }),
        clock,
        sources,
      ).charts,
    ).toEqual(chartImages)
    expect(
      buildReport(
        cache.db,
        request({ view: 'revenue', filters: last90, format: 'pdf', charts: false, chartImages }),
        clock,
        sources,
      ).charts,
    ).toEqual([])
    expect(
      buildReport(
        cache.db,
        request({ view: 'revenue', filters: last90, chartImages }),
        clock,
        sources,
      ).charts,
    ).toEqual([])
  })

  it('states each source’s freshness and the data’s age', () => {
    const report = buildReport(
      cache.db,
      request({ view: 'overview', filters: last90 }),
      clock,
      sources,
    )
    expect(report.sources).toEqual([
      {
        name: 'postgres',
        state: 'stale',
        lastGoodSyncAt: '2026-11-01T14:00:00.000Z',
        lastError: 'connection refused',
      },
      { name: 'demo', state: 'generated', lastGoodSyncAt: null, lastError: null },
    ])
    expect(report.dataAsOf).toBe(answer(last90).asOf)
  })

  it('writes each tab’s cards with the page’s words', () => {
    const cardsOf = (view: ViewId) =>
      buildReport(cache.db, request({ view, filters: last90 }), clock, sources).kpis
    const data = answer(last90)
    expect(cardsOf('lead-response').map((k) => k.id)).toEqual([
      'average-response',
      'share-under-target',
      'over-target',
      'median-response',
      'never-answered',
      'conversions-lost',
      'response-status',
    ])
    const verdict = cardsOf('lead-response').at(-1)!
    expect(verdict).toMatchObject({ kind: 'text', value: null, text: data.leadResponse!.status })
    const marketing = cardsOf('marketing')
    expect(marketing.map((k) => k.label)).toEqual([
      'Leads from channels',
      'Revenue',
      'Return on spend',
    ])
    const roi = data.marketing!.totals.roiPercent!
    expect(marketing[2]).toMatchObject({
      kind: 'fraction',
      value: roi / 100,
      text: formatKpiValue(data.kpis.roiPercent, roi),
    })
    const revenue = cardsOf('revenue')
    const r = data.revenue!
    expect(revenue.map((k) => k.id)).toEqual([
      'month-revenue',
      'month-projection',
      'ytd-revenue',
      'annualised',
      'growth-gap',
    ])
    expect(revenue[0]).toMatchObject({
      label: 'November 2026',
      text: formatMoneyShort(r.monthRevenueCents),
      basis: 'close date',
    })
    expect(cardsOf('conversion').map((k) => k.id)).toEqual(['conversion-overall', 'conversion-won'])
    for (const view of ['markets', 'funnel', 'trends', 'activity', 'health'] as const)
      expect(cardsOf(view)).toEqual([])
  })

  it('stays bounded over 20 years and at the end of year 9999', () => {
    const twenty: Filters = {
      range: { preset: 'custom', from: '2006-11-02', to: '2026-11-01', timeZone: DETROIT },
    }
    const report = buildReport(
      cache.db,
      request({ view: 'revenue', filters: twenty }),
      clock,
      sources,
    )
    expect(dataset(report, 'revenueByMonth').rowCount).toBe(241)
    expect(dataset(report, 'leads').rowCount).toBe(answer(twenty).leadResponse!.leads)
    // The contract refuses a range the cache cannot hold; a caller inside the core that skips it
    // still gets an answer, not an endless loop.
    expect(() =>
      request({
        view: 'revenue',
        filters: {
          range: { preset: 'custom', from: '9999-12-01', to: '9999-12-31', timeZone: DETROIT },
        },
      }),
    ).toThrow(/2100/)
    const edge = {
      view: 'revenue',
      filters: {
        range: { preset: 'custom', from: '9999-12-01', to: '9999-12-31', timeZone: DETROIT },
      },
      format: 'csv',
      datasets: ['revenueByMonth', 'leads'],
      charts: false,
      chartImages: [],
      paper: 'A4',
      orientation: 'portrait',
      csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
    } as ExportRequest
    const far = buildReport(cache.db, edge, clock, sources)
    expect(far.datasets.map((d) => d.rowCount)).toEqual([1, 0])
  })
})
