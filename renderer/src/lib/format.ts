// The page's words for numbers, dates and KPI values live in shared/format/, one home for the
// page and every export (issue 12: a screen and its export cannot disagree); this module keeps the
// page's imports working and adds what only the charts need (the Plotly axis of a KPI).
import type { KpiFormat } from '../../../shared/format/index.ts'

export * from '../../../shared/format/index.ts'

/** A chart's value axis and hover for a KPI, in the same unit as its card (seriesFigure options). */
export interface KpiAxis {
  /** Multiply each stored value by this before drawing (cents → dollars, fraction → percent). */
  readonly scale: number
  readonly yTickPrefix: string
  readonly yTickSuffix: string
  readonly yTickFormat: string
  /** The hovered value as a Plotly template fragment, e.g. '$%{y:,.0f}', '%{y:,.1f} %'. */
  readonly hoverValue: string
}

export function kpiAxis(kpi: KpiFormat): KpiAxis {
  switch (kpi.display) {
    case 'integer':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: '',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.0f}',
      }
    case 'seconds':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: ' s',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.0f} s',
      }
    case 'percent':
      return {
        scale: kpi.unit === 'percent' ? 1 : 100,
        yTickPrefix: '',
        yTickSuffix: ' %',
        yTickFormat: ',.0f',
        hoverValue: '%{y:,.1f} %',
      }
    case 'money':
      return {
        scale: 0.01,
        yTickPrefix: '$',
        yTickSuffix: '',
        yTickFormat: ',.0f',
        hoverValue: '$%{y:,.0f}',
      }
    case 'ratio':
      return {
        scale: 1,
        yTickPrefix: '',
        yTickSuffix: '×',
        yTickFormat: ',.1f',
        hoverValue: '%{y:,.1f}×',
      }
  }
}
