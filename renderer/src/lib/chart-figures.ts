// The figures beside the bar and line series (series-figure.ts): donuts of a share, gauges
// against a target and the Sankey of leads through the stages. Colours come from the theme
// (plotly.ts) and only name one where it means something (good, bad, the target).

import type { Funnel } from '../../../shared/api/index.ts'
import type { Figure } from './plotly.ts'
import { baseLayout, emptyNote, type ChartColors } from './plotly.ts'

/** A theme colour made see-through (Plotly reads hex and rgba, not CSS color-mix()). */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour.trim())?.[1]
  if (hex === undefined) return colour
  const [r, g, b] = [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16))
  return `rgba(${r}, ${g}, ${b}, ${alpha})`
}

/** A legend over the plot, left-aligned, for every chart with more than one series. */
export function legendAbove(c: ChartColors): Record<string, unknown> {
  return {
    showlegend: true,
    legend: {
      orientation: 'h',
      x: 0,
      xanchor: 'left',
      y: 1.02,
      yanchor: 'bottom',
      font: { color: c.text, size: 12 },
      bgcolor: 'rgba(0,0,0,0)',
    },
  }
}

export interface DonutSlice {
  readonly label: string
  readonly value: number
}

/**
 * A share of a whole as a donut: the total in the hole, slices largest first (the legend lists
 * them in the same order), each labelled with its share when it is wide enough to read.
 */
export function donutFigure(
  c: ChartColors,
  slices: readonly DonutSlice[],
  options: { readonly noun: string; readonly emptyText: string },
): Figure {
  const shown = slices.filter((s) => s.value > 0).sort((a, b) => b.value - a.value)
  const total = shown.reduce((sum, s) => sum + s.value, 0)
  return {
    data:
      shown.length === 0
        ? []
        : [
            {
              type: 'pie',
              name: options.noun,
              hole: 0.58,
              sort: false,
              direction: 'clockwise',
              labels: shown.map((s) => s.label),
              values: shown.map((s) => s.value),
              marker: { colors: shown.map((_, i) => c.series[i % c.series.length]) },
              textinfo: 'percent',
              textposition: 'inside',
              insidetextorientation: 'horizontal',
              hovertemplate: `<b>%{label}</b><br>%{value:,} ${options.noun} (%{percent})<extra></extra>`,
            },
          ],
    layout: {
      ...baseLayout(c),
      margin: { l: 8, r: 8, t: 8, b: 8 },
      showlegend: shown.length > 1,
      legend: { orientation: 'v', x: 1, xanchor: 'left', y: 0.5, font: { color: c.text } },
      annotations:
        shown.length === 0
          ? emptyNote(c, options.emptyText)
          : [
              {
                text: `<b>${total.toLocaleString('en-US')}</b><br>${options.noun}`,
                showarrow: false,
                x: 0.5,
                y: 0.5,
                xref: 'paper',
                yref: 'paper',
                font: { color: c.text, size: 15, family: c.font },
              },
            ],
    },
  }
}

export interface GaugeSpec {
  readonly title: string
  /** null: no value to show (no leads), the gauge is replaced by the empty note. */
  readonly value: number | null
  readonly max: number
  /** The line the value is judged against. */
  readonly target: number | null
  /** Bands from bad to good, as [from, to, tone]. */
  readonly bands?: readonly (readonly [number, number, 'bad' | 'warn' | 'good'])[]
  /** The bar's tone when the page judges it without bands (the view's own rule). */
  readonly tone?: 'bad' | 'warn' | 'good' | 'neutral'
  readonly suffix?: string
  readonly prefix?: string
  /** d3 format of the number, e.g. '.1f' or ',.0f'. */
  readonly format: string
  readonly emptyText: string
}

/** A value against its target on a half-circle gauge: the bar in the tone its bands give it. */
export function gaugeFigure(c: ChartColors, spec: GaugeSpec): Figure {
  const soft = { bad: c.bad, warn: c.warn, good: c.good }
  const value = spec.value
  const banded =
    value === null ? undefined : spec.bands?.find(([from, to]) => value >= from && value <= to)?.[2]
  const tone = banded ?? (spec.tone === 'neutral' ? undefined : spec.tone)
  return {
    data:
      spec.value === null
        ? []
        : [
            {
              type: 'indicator',
              mode: 'gauge+number',
              name: spec.title,
              value: spec.value,
              number: {
                valueformat: spec.format,
                suffix: spec.suffix ?? '',
                prefix: spec.prefix ?? '',
                font: { color: c.text, size: 34 },
              },
              gauge: {
                shape: 'angular',
                axis: {
                  range: [0, spec.max],
                  // Money ticks as "$2M", not "$2,000,000"; shares as whole numbers.
                  tickformat: spec.prefix === '$' ? '~s' : spec.format.replace(/\.\d+f$/, '.0f'),
                  ticksuffix: spec.suffix ?? '',
                  tickprefix: spec.prefix ?? '',
                  tickcolor: c.axis,
                  tickfont: { color: c.text, size: 11 },
                },
                bar: { color: tone === undefined ? c.series[0] : soft[tone], thickness: 0.55 },
                bgcolor: c.grid,
                borderwidth: 0,
                steps: (spec.bands ?? []).map(([from, to, band]) => ({
                  range: [from, to],
                  color: withAlpha(soft[band], 0.16),
                })),
                ...(spec.target === null
                  ? {}
                  : {
                      threshold: {
                        line: { color: c.text, width: 3 },
                        thickness: 0.85,
                        value: spec.target,
                      },
                    }),
              },
            },
          ],
    layout: {
      ...baseLayout(c),
      // The end ticks ("0 %", "100 %") stand beside the arc's feet: room for them on both sides.
      margin: { l: 44, r: 44, t: 16, b: 8 },
      annotations: spec.value === null ? emptyNote(c, spec.emptyText) : [],
    },
  }
}

/**
 * Leads through the stages as a Sankey, from what the funnel dashboard knows: each stage's
 * "reached" count is the flow into it (a lead at proposal passed through new, contacted and
 * qualified), and a stage keeps the leads still there. Lost leads flow out of "new" only: the
 * cache keeps a lead's current status, not the stage it was lost at (the funnel's rule).
 */
export function sankeyFigure(c: ChartColors, funnel: Funnel): Figure {
  const stages = funnel.stages.map((s) => s.stage)
  const labels = [...stages, 'lost']
  const source: number[] = []
  const target: number[] = []
  const value: number[] = []
  funnel.stages.forEach((stage, i) => {
    if (i === 0 || stage.reached === 0) return
    source.push(i - 1)
    target.push(i)
    value.push(stage.reached)
  })
  if (funnel.lost > 0) {
    source.push(0)
    target.push(labels.length - 1)
    value.push(funnel.lost)
  }
  const colour = (label: string): string =>
    label === 'won' ? c.good : label === 'lost' ? c.bad : (c.series[0] ?? c.bar)
  return {
    data:
      funnel.noData || value.length === 0
        ? []
        : [
            {
              type: 'sankey',
              arrangement: 'fixed',
              orientation: 'h',
              valueformat: ',d',
              valuesuffix: ' leads',
              node: {
                label: labels,
                pad: 18,
                thickness: 16,
                color: labels.map((label) => colour(label)),
                hovertemplate: '<b>%{label}</b><br>%{value:,} leads<extra></extra>',
              },
              link: {
                source,
                target,
                value,
                color: target.map((t) =>
                  labels[t] === 'lost'
                    ? withAlpha(c.bad, 0.3)
                    : withAlpha(c.series[0] ?? c.bar, 0.3),
                ),
                hovertemplate:
                  '%{source.label} → %{target.label}<br><b>%{value:,}</b> leads<extra></extra>',
              },
            },
          ],
    layout: {
      ...baseLayout(c),
      margin: { l: 8, r: 8, t: 8, b: 8 },
      annotations: funnel.noData ? emptyNote(c, 'No leads in this range') : [],
    },
  }
}
