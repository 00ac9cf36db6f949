import type { SegmentRow, SegmentsResult } from '../../../shared/api/intelligence.ts'
import { INTEL_FEATURE_TEXT, INTEL_K_RANGE } from '../../../shared/api/intelligence.ts'
import { IntelUnavailable } from '../components/intel-parts.tsx'
import { DataTable, type Column } from '../components/data-table.tsx'
import { IntelStatusBar } from '../components/intel-status.tsx'
import { Panel } from '../components/panel.tsx'
import { PlotlyChart } from '../components/plotly-chart.tsx'
import { segmentScatterFigure } from '../lib/intel-figures.ts'
import { formatDateTime, formatInteger, formatMoney, formatPercent } from '../lib/format.ts'
import type { ViewProps } from './view-props.ts'

/** How many series colours the theme has (lib/plotly.ts): a segment's swatch is its colour. */
const SWATCHES = 6

const dash = <span className="muted">—</span>

/** The centroid's features furthest from the average lead, with which way: what sets it apart. */
function standsOut(segment: SegmentRow): string {
  return [...segment.centroid]
    .filter((f) => Math.abs(f.z) >= 0.5)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 3)
    .map((f) => `${f.z > 0 ? '▲' : '▼'} ${INTEL_FEATURE_TEXT[f.feature].label}`)
    .join('  ')
}

const SEGMENT_COLUMNS: readonly Column<SegmentRow>[] = [
  {
    id: 'name',
    header: 'Segment',
    cell: (s) => (
      <>
        <span className={`swatch swatch-${(s.id % SWATCHES) + 1}`} aria-hidden="true" />
        {s.name}
      </>
    ),
    sortValue: (s) => s.name,
  },
  {
    id: 'size',
    header: 'Leads',
    numeric: true,
    cell: (s) => formatInteger(s.size),
    sortValue: (s) => s.size,
  },
  {
    id: 'share',
    header: 'Share of leads',
    numeric: true,
    cell: (s) => formatPercent(s.share),
    sortValue: (s) => s.share,
  },
  {
    id: 'revenue',
    header: 'Revenue',
    numeric: true,
    cell: (s) => formatMoney(s.revenueCents),
    sortValue: (s) => s.revenueCents,
  },
  {
    id: 'revenue-share',
    header: 'Revenue share',
    numeric: true,
    cell: (s) => (s.revenueShare === null ? dash : formatPercent(s.revenueShare)),
    sortValue: (s) => s.revenueShare,
  },
  {
    id: 'conversion',
    header: 'Conversion',
    numeric: true,
    cell: (s) => (s.conversion === null ? dash : formatPercent(s.conversion)),
    sortValue: (s) => s.conversion,
  },
  {
    id: 'stands-out',
    header: 'Stands out by',
    cell: (s) => {
      const text = standsOut(s)
      return text === '' ? <span className="muted">close to the average lead</span> : text
    },
  },
]

/** The line under the table: how k was chosen and how much the two components explain. */
function methodText(r: SegmentsResult): string {
  const parts = [
    `${formatInteger(r.rows)} leads, standardised, reduced with PCA and clustered with k-means`,
  ]
  if (r.filters !== null) parts.push(`${formatInteger(r.pointsTotal)} of them match the filters`)
  if (r.k !== null)
    parts.push(
      `k = ${r.k} chosen by silhouette among ${INTEL_K_RANGE.min}–${INTEL_K_RANGE.max}${r.silhouette === null ? '' : ` (${r.silhouette.toFixed(2)})`}`,
    )
  parts.push(`seed ${r.seed}`)
  if (r.dataAsOf !== null) parts.push(`data as of ${formatDateTime(r.dataAsOf)}`)
  return parts.join(' · ')
}

/** Customers and leads that look alike (issue 16): PCA scatter coloured by segment, and the table. */
export function SegmentsView({ intel }: ViewProps) {
  const segments = intel?.segments ?? null
  const ready = segments !== null && segments.availability === 'ready'
  const sampled =
    ready && segments.points.length < segments.pointsTotal
      ? `a sample of ${formatInteger(segments.points.length)} of the ${formatInteger(segments.pointsTotal)} leads shown`
      : undefined
  return (
    <>
      <Panel
        title="Leads by behaviour"
        subtitle={sampled ?? 'every lead shown on its first two principal components'}
        className="chart-panel"
        testId="segments-chart-panel"
      >
        <PlotlyChart
          testId="chart-segments"
          label="Leads on their first two principal components, coloured by segment"
          tableCategory="PC1"
          version={segments}
          figure={segmentScatterFigure}
        />
      </Panel>
      <Panel
        title="Segments"
        subtitle="fitted on every lead by recency, appointments, value, response, channel, city tier and temperature · counted among the filtered leads"
        className="table-panel segments-table-panel"
        testId="segments-table-panel"
      >
        {segments !== null && !ready ? (
          <IntelUnavailable result={segments} what="Segments" />
        ) : (
          <DataTable
            caption="Customer segments: size, revenue share, conversion and what sets each apart"
            captionHidden
            columns={SEGMENT_COLUMNS}
            rows={segments?.segments ?? []}
            rowKey={(s) => String(s.id)}
            rowAttributes={(s) => ({
              'data-testid': 'segment-row',
              'data-segment-id': s.id,
              'data-size': s.size,
              'data-revenue-share': s.revenueShare ?? '',
              'data-conversion': s.conversion ?? '',
            })}
            testId="segments-table"
          />
        )}
        {ready && <p className="rule">{methodText(segments)}</p>}
        <IntelStatusBar />
      </Panel>
    </>
  )
}
