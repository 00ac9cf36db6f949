import type { Series, Trends } from '../../../shared/api/index.ts'
import type { Figure } from './plotly.ts'
import { axis, baseLayout, emptyNote, type ChartColors } from './plotly.ts'

type Bucket = Trends['bucket']

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const bucketMs: Record<Bucket, number> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
}

export const bucketNoun: Record<Bucket, string> = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
}

/** The contract's bucket labels (`YYYY-MM-DD`, `YYYY-MM-DDTHH`) as Plotly date strings. */
export function plotlyDates(x: readonly string[]): string[] {
  return x.map((label) => (label.length === 13 ? `${label.replace('T', ' ')}:00` : label))
}

const shift = (date: string, ms: number): string =>
  new Date(Date.parse(`${date.replace(' ', 'T')}${date.length === 10 ? 'T00:00' : ''}Z`) + ms)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')

const hoverFormat: Record<Bucket, string> = {
  hour: '%a, %b %d, %H:00',
  day: '%a, %b %d, %Y',
  week: 'week of %b %d, %Y',
  month: '%B %Y',
}

export interface SeriesFigureOptions {
  readonly kind: 'bar' | 'line'
  readonly color?: string
  /** Plotly hover template of the value, e.g. '<b>%{y:,}</b> leads'. */
  readonly hover: string
  readonly yTickFormat?: string
  readonly yTickPrefix?: string
  readonly yTickSuffix?: string
  readonly emptyText: string
  /** Scale applied to every y before drawing (cents → dollars). */
  readonly scale?: number
}

/**
 * One series over time. The x axis spans exactly the buckets received, half a bucket either side:
 * left to itself Plotly sizes bars by the closest pair of points, so a series with gaps (or one
 * thinned by LTTB) would get bars weeks wide.
 */
export function seriesFigure(
  c: ChartColors,
  series: Series,
  bucket: Bucket,
  options: SeriesFigureOptions,
): Figure {
  const x = plotlyDates(series.x)
  const scale = options.scale ?? 1
  const y = scale === 1 ? series.y : series.y.map((v) => (v === null ? null : v * scale))
  const empty = series.y.every((v) => v === null || v === 0)
  const first = x[0]
  const last = x[x.length - 1]
  const half = bucketMs[bucket] / 2
  const range =
    first === undefined || last === undefined ? undefined : [shift(first, -half), shift(last, half)]
  const color = options.color ?? c.bar
  const trace =
    options.kind === 'bar'
      ? {
          type: 'bar',
          x,
          y,
          marker: { color },
          width: bucketMs[bucket] * 0.8,
          hovertemplate: `${options.hover}<extra></extra>`,
        }
      : {
          type: 'scatter',
          mode: x.length > 60 ? 'lines' : 'lines+markers',
          x,
          y,
          line: { color, width: 2.5, shape: 'linear' },
          marker: { color, size: 6 },
          connectgaps: false,
          hovertemplate: `${options.hover}<extra></extra>`,
        }
  return {
    data: [trace],
    layout: {
      ...baseLayout(c),
      bargap: 0.2,
      hovermode: 'x',
      xaxis: axis(c, {
        type: 'date',
        visible: range !== undefined,
        ...(range === undefined ? {} : { range, autorange: false }),
        tickformat: bucket === 'hour' ? '%H:00\n%b %d' : bucket === 'month' ? '%b %Y' : '%b %d',
        hoverformat: hoverFormat[bucket],
        showspikes: false,
      }),
      yaxis: axis(c, {
        rangemode: 'tozero',
        automargin: true,
        tickformat: options.yTickFormat ?? ',d',
        tickprefix: options.yTickPrefix ?? '',
        ticksuffix: options.yTickSuffix ?? '',
        fixedrange: true,
        visible: !empty,
      }),
      annotations: empty ? emptyNote(c, options.emptyText) : [],
    },
  }
}
