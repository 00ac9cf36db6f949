// A wall's chart text: every font size a figure names is scaled, the layout's own font too (or
// set where the figure names none, so inherited text scales), margins with it; nothing else.
import { describe, expect, it } from 'vitest'
import { scaleChartText } from '../../../renderer/src/lib/chart-text-scale.ts'
import {
  chartTextScale,
  WALL_CHART_TEXT_SHARE,
} from '../../../renderer/src/wall/use-chart-text-scale.ts'

const defaults = { fontPx: 13 }

describe('scaleChartText', () => {
  const figure = {
    data: [
      {
        type: 'indicator',
        number: { font: { size: 34, color: 'red' } },
        marker: { size: 6 },
        gauge: { axis: { tickfont: { size: 11 } } },
      },
    ],
    layout: {
      font: { family: 'x', size: 13 },
      margin: { l: 56, r: 16, t: 12, b: 44 },
      legend: { font: { color: 'blue', size: 12 }, y: 1.02 },
      annotations: [{ text: 'n', font: { size: 16 }, x: 0.5 }],
      xaxis: { tickfont: { color: 'c' }, range: [0, 10] },
    },
  }

  it('scales font sizes and margins, and leaves markers, positions and colours', () => {
    const scaled = scaleChartText(figure, 2, defaults)
    expect(scaled.layout.font).toEqual({ family: 'x', size: 26 })
    expect(scaled.layout.margin).toEqual({ l: 112, r: 32, t: 24, b: 88 })
    expect(scaled.layout.legend).toEqual({ font: { color: 'blue', size: 24 }, y: 1.02 })
    expect(scaled.layout.annotations).toEqual([{ text: 'n', font: { size: 32 }, x: 0.5 }])
    expect(scaled.layout.xaxis).toEqual({ tickfont: { color: 'c' }, range: [0, 10] })
    expect(scaled.data[0]).toEqual({
      type: 'indicator',
      number: { font: { size: 68, color: 'red' } },
      marker: { size: 6 },
      gauge: { axis: { tickfont: { size: 22 } } },
    })
    // The figure it was given is not changed.
    expect(figure.layout.font.size).toBe(13)
  })

  it('gives a figure without a font size of its own the scaled default', () => {
    const scaled = scaleChartText({ data: [], layout: { font: { color: 'c' } } }, 1.5, defaults)
    expect(scaled.layout.font).toEqual({ color: 'c', size: 19.5 })
  })

  it('returns the same figure at scale 1', () => {
    expect(scaleChartText(figure, 1, defaults)).toBe(figure)
  })
})

describe('chartTextScale', () => {
  it('makes chart text the same share of the screen at 1080p and 4K, never below a desk', () => {
    expect(chartTextScale(1080) * 13).toBeCloseTo(1080 * WALL_CHART_TEXT_SHARE)
    expect(chartTextScale(2160)).toBeCloseTo(2 * chartTextScale(1080))
    expect(chartTextScale(600)).toBe(1)
  })
})
