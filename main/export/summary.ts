// buildReport: the Report of a tab for a filter set (main/export/report.ts), read from one
// snapshot of the cache. The KPI cards are the tab's own (shared/format/view-cards.ts), with the
// words the page writes for them; the datasets are datasets.ts's. Everything is read under one
// clock reading, so the range, the cards, the tables and "generated at" agree.
//
// The caller owns the transaction: the export job opens a read-only connection, runs BEGIN, calls
// this, streams the datasets' rows and COMMITs, so the cards and every row come from one snapshot
// while the api's own connection keeps serving and a sync keeps writing (WAL). `dashboard()`'s
// own transaction nests as a savepoint inside it; nothing here writes.
import {
  EXPORT_DATASETS,
  VIEW_CONTENT,
  VIEW_EXPORT_DATASETS,
  type DashboardName,
  type ExportDataset,
  type ExportRequest,
  type Filters,
  type SourceStatus,
} from '../../shared/api/index.ts'
import { filterWords, rangeWords, viewCards, type ViewCard } from '../../shared/format/index.ts'
import { journeys } from '../intelligence/journeys.ts'
import { callFirst, segmentsResult } from '../intelligence/read.ts'
import { dashboard } from '../metrics/dashboard.ts'
import type { Store } from '../store/index.ts'
import {
  DATASET_DASHBOARDS,
  callFirstDataset,
  channelsDataset,
  customerSegmentsDataset,
  journeyStepsDataset,
  funnelDataset,
  kpiKind,
  leadsDataset,
  revenueByMonthDataset,
  segmentsDataset,
} from './datasets.ts'
import type { Dataset, KpiCard, Report, SourceFreshness } from './report.ts'

/** Points of a series in the answer the report reads (its charts come from the page as drawn). */
const MAX_POINTS = 500

/**
 * Most open leads a report's call-first list holds: the list is read whole into memory (it is
 * ordered by expected value), and past this many a person is not calling down it.
 */
export const CALL_FIRST_EXPORT_ROWS = 10_000

/** A card as a report carries it: its value in the unit of its kind (dollars, a fraction). */
export function reportCard(card: ViewCard): KpiCard {
  const f = card.format
  const kind = f === null ? 'text' : kpiKind(f)
  const value =
    f === null || card.value === null
      ? null
      : f.display === 'money'
        ? card.value / 100
        : f.display === 'percent' && f.unit === 'percent'
          ? card.value / 100
          : card.value
  const notes = [card.maturing === null ? null : `maturing: ${card.maturing}`, card.context]
  const note = notes.filter((n): n is string => n !== null && n !== '').join(' · ')
  return {
    id: card.id,
    label: card.label,
    value,
    kind,
    text: card.text,
    target: card.target,
    basis: card.basis,
    note: note === '' ? null : note,
  }
}

/** A source's freshness as the report states it. */
export function sourceFreshness(s: SourceStatus): SourceFreshness {
  return {
    name: s.name,
    state: s.generated ? 'generated' : s.state,
    lastGoodSyncAt: s.lastGoodSyncAt ?? null,
    // A failing source's message is its error; a recovered one keeps its last error apart.
    lastError: s.lastError ?? (s.state === 'error' || s.state === 'offline' ? s.message : null),
  }
}

/** The datasets asked for, in the vocabulary's order, each once; by default the tab's. */
export function reportDatasets(request: Pick<ExportRequest, 'view' | 'datasets'>): ExportDataset[] {
  const asked = new Set(request.datasets ?? VIEW_EXPORT_DATASETS[request.view])
  // The tab's own order first (its main table before the leads), then any other asked for.
  const tab = VIEW_EXPORT_DATASETS[request.view].filter((d) => asked.has(d))
  return [...tab, ...EXPORT_DATASETS.filter((d) => asked.has(d) && !tab.includes(d))]
}

/**
 * The report of `request.view` for `request.filters`, read from `db` (which may be a read-only
 * connection inside the caller's BEGIN … COMMIT). Each dataset's `rows()` reads `db` lazily and
 * afresh on each call, so the caller keeps the transaction open until the last row is written.
 */
export function buildReport(
  db: Store,
  request: ExportRequest,
  clock: () => Date,
  sources: () => readonly SourceStatus[],
): Report {
  const generatedAt = clock()
  // One reading of the clock for everything: a preset resolved at 23:59:59.9 and a card at
  // midnight would disagree on "today".
  const at = () => generatedAt
  const view = VIEW_CONTENT[request.view]
  const wanted = reportDatasets(request)
  const dashboards = new Set<DashboardName>(view.dashboards)
  for (const d of wanted) for (const name of DATASET_DASHBOARDS[d]) dashboards.add(name)
  const { filters } = request
  const data = dashboard(
    db,
    {
      filters,
      dashboards: [...dashboards],
      maxPoints: MAX_POINTS,
      activityLimit: 1,
      ...(request.compareWith === undefined ? {} : { compareWith: request.compareWith }),
    },
    at,
    sources,
  )
  const range = data.range
  const datasets = wanted.map((id): Dataset => {
    switch (id) {
      case 'leads':
        return leadsDataset(db, filters, range)
      case 'channels':
        if (!data.marketing) throw new Error('the marketing answer is missing')
        return channelsDataset(data.marketing, data.kpis)
      case 'segments':
        if (!data.markets) throw new Error('the premium markets answer is missing')
        return segmentsDataset(data.markets, data.kpis)
      case 'revenueByMonth':
        return revenueByMonthDataset(db, filters, range, data.kpis)
      case 'funnel':
        if (!data.funnel) throw new Error('the funnel answer is missing')
        return funnelDataset(data.funnel, data.kpis)
      // Segments hold no points in a report: the table is the segments' own numbers, counted
      // among the filtered leads as the tab shows them.
      case 'customerSegments':
        return customerSegmentsDataset(segmentsResult(db, 100, filters, generatedAt))
      case 'journeySteps':
        return journeyStepsDataset(journeys(db, filters, generatedAt))
      case 'callFirst':
        return callFirstDataset(callFirst(db, filters, CALL_FIRST_EXPORT_ROWS, generatedAt))
    }
  })
  // The page sends the days it shows as custom days; the preset it read them from names them.
  const named: Filters =
    request.shownAs !== undefined && filters.range.preset === 'custom'
      ? { ...filters, range: { preset: request.shownAs, timeZone: filters.range.timeZone } }
      : filters
  return {
    title: `Watchfloor — ${view.label}`,
    view: request.view,
    generatedAt,
    dataAsOf: data.asOf,
    timeZone: filters.range.timeZone,
    rangeText: rangeWords(named.range, range),
    filterText: filterWords(named, range),
    sources: sources().map(sourceFreshness),
    kpis: viewCards(request.view, data).map(reportCard),
    datasets,
    charts: request.format === 'pdf' && request.charts ? request.chartImages : [],
  }
}
