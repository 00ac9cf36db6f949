import { describe, expect, it } from 'vitest'
import type { Funnel } from '../../../shared/api/index.ts'
import {
  describeFilters,
  exportFigure,
  exportFileName,
  figureTable,
} from '../../../renderer/src/lib/chart-export.ts'
import { sankeyFigure } from '../../../renderer/src/lib/chart-figures.ts'
import type { ChartColors } from '../../../renderer/src/lib/plotly.ts'

const colors: ChartColors = {
  text: '#111111',
  muted: '#555555',
  grid: '#eeeeee',
  axis: '#777777',
  bar: '#2255dd',
  surface: '#ffffff',
  border: '#dddddd',
  font: 'sans-serif',
  good: '#118844',
  warn: '#885500',
  bad: '#bb2222',
  series: ['#2255dd', '#118866'],
  scale: [
    [0, '#6688cc'],
    [1, '#113388'],
  ],
}

describe('chart export', () => {
  it('names the days and every set filter in the filters’ order', () => {
    expect(
      describeFilters(
        { from: '2026-10-03', to: '2026-11-01', timeZone: 'UTC' },
        { temperature: ['hot'], source: ['Google LSA', 'Yelp'], city: [] },
      ),
    ).toBe('Oct 3, 2026 – Nov 1, 2026 · source: Google LSA, Yelp · temperature: hot')
    expect(describeFilters(null, {})).toBe('all leads')
  })

  it('draws the title and the caption into a copy, leaving the shown figure alone', () => {
    const shown = {
      data: [{ type: 'bar', x: ['a'], y: [1] }],
      layout: { margin: { t: 12, b: 44 } },
    }
    const file = exportFigure(
      shown,
      'Leads <per> day',
      { filters: 'Oct 3, 2026', dataAsOf: null },
      colors,
    )
    expect(file.layout.title).toMatchObject({ text: '<b>Leads &lt;per&gt; day</b>' })
    expect(JSON.stringify(file.layout.annotations)).toContain('Oct 3, 2026 · no data yet')
    expect(shown.layout).toEqual({ margin: { t: 12, b: 44 } })
    expect(exportFileName('Conversion by source', 'svg')).toBe('conversion-by-source.svg')
  })

  it('tabulates a horizontal bar chart with its target series by category', () => {
    const table = figureTable(
      {
        data: [
          { type: 'bar', name: 'Rate', orientation: 'h', y: ['A', 'B'], x: [0.1, 0.2] },
          { type: 'scatter', name: 'Target', y: ['B'], x: [0.3] },
        ],
        layout: {},
      },
      'Source',
      (v) => `${Math.round(v * 100)} %`,
    )
    expect(table.columns).toEqual(['Source', 'Rate', 'Target'])
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['A', '10 %', '—'],
      ['B', '20 %', '30 %'],
    ])
  })

  it('makes the Sankey’s flows from the funnel’s reach, lost leads out of "new"', () => {
    const funnel: Funnel = {
      asOf: null,
      noData: false,
      lost: 4,
      rule: '',
      stages: [
        { stage: 'new', current: 2, reached: 20, fromPrevious: null },
        { stage: 'contacted', current: 5, reached: 14, fromPrevious: 0.7 },
        { stage: 'qualified', current: 3, reached: 9, fromPrevious: null },
        { stage: 'proposal', current: 2, reached: 6, fromPrevious: null },
        { stage: 'won', current: 4, reached: 4, fromPrevious: null },
      ],
    }
    const table = figureTable(sankeyFigure(colors, funnel), 'Flow')
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['new', 'contacted', '14'],
      ['contacted', 'qualified', '9'],
      ['qualified', 'proposal', '6'],
      ['proposal', 'won', '4'],
      ['new', 'lost', '4'],
    ])
    // Every lead leaves "new" exactly once: on to contacted, or lost.
    expect(14 + 4 + funnel.stages[0]!.current).toBe(funnel.stages[0]!.reached)
  })
})
