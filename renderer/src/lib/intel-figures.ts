// The charts of customer intelligence (issue 16): the segments on their first two principal
// components, the journey of leads through the stages as a Sankey with each flow's median stay,
// and the lead score's calibration against what happened. Colours come from the theme
// (plotly.ts); a colour is named only where it means something (the slowest flows, won, lost).
import type {
  CalibrationBin,
  JourneyEdge,
  JourneysResult,
  ScoreDriver,
  SegmentsResult,
} from '../../../shared/api/intelligence.ts'
import { INTEL_FEATURE_TEXT, JOURNEYS_REBUILDING_TEXT } from '../../../shared/api/intelligence.ts'
import { legendAbove, withAlpha } from './chart-figures.ts'
import { formatDuration, formatInteger, formatPercent } from './format.ts'
import { axis, baseLayout, emptyNote, type ChartColors, type Figure } from './plotly.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/**
 * How long leads stayed in a stage: the response-time words below two days ("97 s", "5 h 12 min"),
 * then days with one decimal ("3.4 days"), the unit a sales cycle is spoken of in.
 */
export function formatStay(ms: number): string {
  if (ms < 2 * DAY_MS) return formatDuration(ms / 1000)
  return `${(ms / DAY_MS).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} days`
}

/** A flow between two stages, as its arrow ("contacted → qualified"). */
export const edgeLabel = (edge: Pick<JourneyEdge, 'from' | 'to'>): string =>
  `${edge.from} → ${edge.to}`

export const edgeKey = (edge: Pick<JourneyEdge, 'from' | 'to'>): string => `${edge.from}>${edge.to}`

/** A driver of a score in words: "▲ Temperature" raised it, "▼ Response time" lowered it. */
export function driverText(driver: ScoreDriver): string {
  return `${driver.direction === 'up' ? '▲' : '▼'} ${INTEL_FEATURE_TEXT[driver.feature].label}`
}

/** Drivers as one sentence for a tooltip and screen readers. */
export function driversSentence(drivers: readonly ScoreDriver[]): string {
  if (drivers.length === 0) return 'ordered by temperature alone (the baseline)'
  return drivers
    .map(
      (d) =>
        `${INTEL_FEATURE_TEXT[d.feature].label} ${d.direction === 'up' ? 'raised' : 'lowered'} it`,
    )
    .join(', ')
}

/**
 * The segments on PC1 × PC2: one trace per segment in the series colours, named as the table
 * names it, so the legend, the hover and the table read the same. Segment ids are 0..k-1,
 * largest first; their colour is the series colour of their id.
 */
export function segmentScatterFigure(c: ChartColors, result: SegmentsResult): Figure {
  const ready = result.availability === 'ready' && result.points.length > 0
  const byId = new Map(result.segments.map((s) => [s.id, s]))
  const traces = ready
    ? result.segments.map((segment) => {
        const points = result.points.filter((p) => p.segmentId === segment.id)
        return {
          type: 'scatter',
          mode: 'markers',
          name: segment.name,
          x: points.map((p) => p.x),
          y: points.map((p) => p.y),
          customdata: points.map((p) => p.leadId),
          marker: {
            color: c.series[segment.id % c.series.length],
            size: 6,
            opacity: 0.75,
            line: { width: 0 },
          },
          hovertemplate: `<b>${escapeHover(segment.name)}</b><br>lead #%{customdata}<br>PC1 %{x:.2f}, PC2 %{y:.2f}<extra></extra>`,
        }
      })
    : []
  const unknown = result.points.filter((p) => !byId.has(p.segmentId)).length
  const [pc1, pc2] = result.explainedVariance
  const title = (n: number, share: number | undefined) =>
    share === undefined ? `PC${n}` : `PC${n} · ${formatPercent(share)} of variance`
  return {
    data: traces,
    layout: {
      ...baseLayout(c),
      ...legendAbove(c),
      showlegend: ready,
      margin: { l: 56, r: 16, t: 36, b: 48 },
      xaxis: axis(c, { title: { text: title(1, pc1), font: { color: c.muted } }, zeroline: false }),
      yaxis: axis(c, { title: { text: title(2, pc2), font: { color: c.muted } }, zeroline: false }),
      annotations: ready
        ? unknown > 0
          ? emptyNote(c, `${formatInteger(unknown)} points of unknown segments left out`)
          : []
        : emptyNote(c, result.message ?? 'No segments computed yet'),
    },
  }
}

/** Plotly hover templates read %{…} and <…>: a segment's name is text, never a template. */
function escapeHover(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('%', '&#37;')
}

/** What an empty journey says: being inferred, or nothing moved. */
export const journeysEmptyText = (journeys: JourneysResult): string =>
  journeys.rebuilding ? JOURNEYS_REBUILDING_TEXT : 'No lead moved between stages in this range'

/**
 * The journey as a Sankey: a node per stage that leads entered (with how many), a flow per edge
 * sized by its leads, its hover giving the median stay in the stage it leaves. The slowest flows
 * are drawn in the warning colour; flows into won and lost in the good and bad colours.
 */
export function journeySankeyFigure(c: ChartColors, journeys: JourneysResult): Figure {
  const known = new Set(journeys.nodes.map((n) => n.stage))
  const slow = new Set(journeys.slowest.map(edgeKey))
  const edges = journeys.edges.filter(
    (e) => e.count > 0 && known.has(e.from) && known.has(e.to) && e.from !== e.to,
  )
  // A stage no flow touches is not drawn (Plotly leaves a node without links out): the nodes
  // are the stages of the flows, in the journey's order.
  const nodes = journeys.nodes.filter((n) =>
    edges.some((e) => e.from === n.stage || e.to === n.stage),
  )
  const stages = nodes.map((n) => n.stage)
  const index = new Map(stages.map((s, i) => [s, i]))
  const main = c.series[0] ?? c.bar
  const nodeColour = (stage: string): string =>
    stage === 'won' ? c.good : stage === 'lost' ? c.bad : main
  const linkColour = (edge: JourneyEdge): string =>
    slow.has(edgeKey(edge))
      ? withAlpha(c.warn, 0.6)
      : edge.to === 'won'
        ? withAlpha(c.good, 0.35)
        : edge.to === 'lost'
          ? withAlpha(c.bad, 0.3)
          : withAlpha(main, 0.3)
  const empty = journeys.noData || edges.length === 0
  return {
    data: empty
      ? []
      : [
          {
            type: 'sankey',
            arrangement: 'fixed',
            orientation: 'h',
            valueformat: ',d',
            valuesuffix: ' leads',
            node: {
              label: stages,
              customdata: nodes.map((n) => formatInteger(n.leads)),
              pad: 18,
              thickness: 16,
              color: stages.map(nodeColour),
              hovertemplate: '<b>%{label}</b><br>%{customdata} leads entered<extra></extra>',
            },
            link: {
              source: edges.map((e) => index.get(e.from) ?? 0),
              target: edges.map((e) => index.get(e.to) ?? 0),
              value: edges.map((e) => e.count),
              customdata: edges.map(
                (e) =>
                  `median ${formatStay(e.medianMs)} in ${e.from}${slow.has(edgeKey(e)) ? ' · among the slowest' : ''}`,
              ),
              color: edges.map(linkColour),
              hovertemplate:
                '%{source.label} → %{target.label}<br><b>%{value:,}</b> leads<br>%{customdata}<extra></extra>',
            },
          },
        ],
    layout: {
      ...baseLayout(c),
      margin: { l: 8, r: 8, t: 8, b: 8 },
      annotations: empty ? emptyNote(c, journeysEmptyText(journeys)) : [],
      // A Sankey has no axes: with no trace, Plotly would draw its default grid (0–6 by -1–4).
      ...(empty ? { xaxis: { visible: false }, yaxis: { visible: false } } : {}),
    },
  }
}

/**
 * The score's calibration on the held-out leads: each bin's mean predicted probability against
 * the share that converted, the diagonal where they would be equal, a marker's size by its leads.
 */
export function calibrationFigure(c: ChartColors, bins: readonly CalibrationBin[]): Figure {
  const shown = bins.filter((b) => b.count > 0)
  const most = Math.max(1, ...shown.map((b) => b.count))
  return {
    data:
      shown.length === 0
        ? []
        : [
            {
              type: 'scatter',
              mode: 'lines',
              name: 'Perfect calibration',
              x: [0, 100],
              y: [0, 100],
              line: { color: c.axis, width: 1, dash: 'dash' },
              hoverinfo: 'skip',
            },
            {
              type: 'scatter',
              mode: 'lines+markers',
              name: 'Test leads',
              x: shown.map((b) => b.predicted * 100),
              y: shown.map((b) => b.observed * 100),
              customdata: shown.map((b) => formatInteger(b.count)),
              line: { color: c.series[0] ?? c.bar, width: 2 },
              marker: {
                color: c.series[0] ?? c.bar,
                size: shown.map((b) => 6 + 10 * Math.sqrt(b.count / most)),
              },
              hovertemplate:
                'predicted %{x:.1f} %<br>converted %{y:.1f} %<br>%{customdata} test leads<extra></extra>',
            },
          ],
    layout: {
      ...baseLayout(c),
      ...legendAbove(c),
      margin: { l: 56, r: 16, t: 36, b: 48 },
      xaxis: axis(c, {
        title: { text: 'Predicted', font: { color: c.muted } },
        range: [0, 100],
        ticksuffix: ' %',
        fixedrange: true,
      }),
      yaxis: axis(c, {
        title: { text: 'Converted', font: { color: c.muted } },
        range: [0, 100],
        ticksuffix: ' %',
        fixedrange: true,
      }),
      annotations: shown.length === 0 ? emptyNote(c, 'No held-out leads to calibrate on') : [],
    },
  }
}
