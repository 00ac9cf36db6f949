// The customer-intelligence views (issue 16): the figures drawn from the api's answers (PCA
// scatter, journey Sankey, calibration), and the tabs rendered with React for hand-built answers:
// every row and number the answer holds is on the page, a result that is not ready says why,
// the model card says loudly when the model does not beat the baseline, and a hostile segment
// name stays text.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ApiProvider, type ApiClient } from '../../../renderer/src/api/client.ts'
import { ChartContext } from '../../../renderer/src/components/plotly-chart.tsx'
import { intelWorkEnded, type IntelData } from '../../../renderer/src/hooks/use-intelligence.ts'
import { createChartReadiness } from '../../../renderer/src/lib/chart-readiness.ts'
import { figureTable } from '../../../renderer/src/lib/chart-export.ts'
import {
  calibrationFigure,
  driversSentence,
  formatStay,
  journeySankeyFigure,
  segmentScatterFigure,
} from '../../../renderer/src/lib/intel-figures.ts'
import type { ChartColors } from '../../../renderer/src/lib/plotly.ts'
import { VIEW_COMPONENTS } from '../../../renderer/src/views/index.ts'
import { VIEW_CONTENT, VIEW_IDS, type ViewId } from '../../../shared/api/index.ts'
import {
  JOURNEYS_REBUILDING_TEXT,
  type CallFirstResult,
  type IntelResultBase,
  type JourneysResult,
  type ModelCard,
  type SegmentsResult,
} from '../../../shared/api/intelligence.ts'

const colors: ChartColors = {
  text: '#111111',
  muted: '#555555',
  grid: '#eeeeee',
  axis: '#777777',
  bar: '#2563d9',
  surface: '#ffffff',
  border: '#dddddd',
  font: 'sans-serif',
  good: '#0a7350',
  warn: '#8a4f00',
  bad: '#b3222a',
  series: ['#000001', '#000002', '#000003', '#000004', '#000005', '#000006'],
  scale: [
    [0, '#6a8fcc'],
    [1, '#0d3b8c'],
  ],
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

const ready: IntelResultBase = {
  availability: 'ready',
  message: null,
  computedAt: '2026-11-01T12:30:00.000Z',
  inputsHash: 'abc123',
  dataAsOf: '2026-11-01T12:00:00.000Z',
}

const notComputed: IntelResultBase = {
  availability: 'not computed',
  message: null,
  computedAt: null,
  inputsHash: null,
  dataAsOf: null,
}

const segments: SegmentsResult = {
  ...ready,
  rows: 1_000,
  k: 3,
  silhouette: 0.47,
  silhouetteByK: [
    { k: 2, silhouette: 0.4 },
    { k: 3, silhouette: 0.47 },
  ],
  seed: 16,
  filters: null,
  explainedVariance: [0.41, 0.22],
  segments: [
    {
      id: 0,
      name: 'Cold, slow answers',
      size: 600,
      share: 0.6,
      revenueCents: 1_000_000,
      revenueShare: 0.1,
      conversion: 0.12,
      centroid: [
        { feature: 'temperature', value: 0.2, z: -1.1 },
        { feature: 'responseSeconds', value: 900, z: 0.9 },
        { feature: 'cityTier', value: 1, z: 0.1 },
      ],
    },
    {
      id: 1,
      name: 'High-value repeat, premium cities',
      size: 300,
      share: 0.3,
      revenueCents: 8_000_000,
      revenueShare: 0.8,
      conversion: 0.51,
      centroid: [{ feature: 'valueCents', value: 4_000_000, z: 2.2 }],
    },
    {
      id: 2,
      name: '<img src=x onerror=alert(1)> %{x}',
      size: 100,
      share: 0.1,
      revenueCents: 1_000_000,
      revenueShare: 0.1,
      conversion: null,
      centroid: [],
    },
  ],
  points: [
    { leadId: 1, x: 0.1, y: 0.2, segmentId: 0 },
    { leadId: 2, x: 0.3, y: -0.2, segmentId: 0 },
    { leadId: 3, x: 2.1, y: 1.2, segmentId: 1 },
    { leadId: 4, x: -1, y: 3, segmentId: 2 },
  ],
  pointsTotal: 1_000,
}

const journeys: JourneysResult = {
  filters: { range: { preset: 'custom', from: '2026-10-01', to: '2026-10-31', timeZone: 'UTC' } },
  leads: 100,
  nodes: [
    { stage: 'new', leads: 100 },
    { stage: 'contacted', leads: 80 },
    { stage: 'qualified', leads: 40 },
    { stage: 'won', leads: 20 },
    { stage: 'lost', leads: 30 },
  ],
  edges: [
    { from: 'new', to: 'contacted', count: 80, medianMs: 95_000 },
    { from: 'new', to: 'lost', count: 10, medianMs: 3 * DAY },
    { from: 'contacted', to: 'qualified', count: 40, medianMs: 5 * HOUR },
    { from: 'contacted', to: 'lost', count: 20, medianMs: 9.25 * DAY },
    { from: 'qualified', to: 'won', count: 20, medianMs: 12 * DAY },
  ],
  slowest: [
    { from: 'qualified', to: 'won', count: 20, medianMs: 12 * DAY },
    { from: 'contacted', to: 'lost', count: 20, medianMs: 9.25 * DAY },
  ],
  inferredLeads: 100,
  rebuilding: false,
  asOf: '2026-11-01T12:00:00.000Z',
  noData: false,
}

const callFirst: CallFirstResult = {
  ...ready,
  scoreSource: 'model',
  openLeads: 120,
  rows: [
    {
      leadId: 9_001,
      score: 0.62,
      expectedValueCents: 1_240_000,
      priority: 1,
      status: 'contacted',
      temperature: 'hot',
      source: 'Google Ads',
      city: 'London',
      segment: 'premium',
      owner: 'ana',
      createdAt: '2026-10-30T09:00:00.000Z',
      drivers: [
        { feature: 'temperature', contribution: 0.8, direction: 'up' },
        { feature: 'responseSeconds', contribution: -0.3, direction: 'down' },
      ],
    },
    {
      leadId: 9_002,
      score: 0.31,
      expectedValueCents: 400_000,
      priority: 2,
      status: 'new',
      temperature: 'cold',
      source: 'Yelp',
      city: 'Leeds',
      segment: 'standard',
      owner: '',
      createdAt: '2026-10-29T09:00:00.000Z',
      drivers: [{ feature: 'channelQuality', contribution: 0.2, direction: 'up' }],
    },
  ],
}

const modelCard = (beats: boolean): ModelCard => ({
  ...ready,
  model: 'Logistic regression, Platt-calibrated',
  baseline: 'Temperature alone',
  features: ['responseSeconds', 'answeredInTarget', 'channelQuality', 'cityTier', 'temperature'],
  trainingRows: 6_400,
  calibrationRows: 1_600,
  testRows: 2_000,
  split: {
    description: 'trained on leads created before Aug 3, 2026; tested on the newest 20 %',
    trainFrom: '2025-11-01T00:00:00.000Z',
    trainTo: '2026-08-03T00:00:00.000Z',
    testFrom: '2026-08-03T00:00:00.000Z',
    testTo: '2026-11-01T00:00:00.000Z',
  },
  auc: beats
    ? { model: 0.781, baseline: 0.702, differenceSe: 0.012 }
    : { model: 0.655, baseline: 0.66, differenceSe: 0.02 },
  calibration: {
    method: 'Platt scaling on a held-out 20 % of the training period',
    error: 0.021,
    baselineError: 0.034,
    bound: 0.05,
    bins: [
      { low: 0, high: 0.1, count: 500, predicted: 0.05, observed: 0.06 },
      { low: 0.1, high: 0.2, count: 0, predicted: 0, observed: 0 },
      { low: 0.2, high: 0.3, count: 300, predicted: 0.25, observed: 0.22 },
    ],
  },
  beatsBaseline: beats,
  verdict: beats
    ? 'The model beats the temperature-only baseline on the newest 20 % of leads.'
    : 'The model does not beat the temperature-only baseline: the call-first list follows temperature.',
  scoreSource: beats ? 'model' : 'baseline',
  coefficients: [
    { feature: 'intercept', weight: -1.2 },
    { feature: 'temperature', weight: 0.9 },
    { feature: 'responseSeconds', weight: -0.4 },
  ],
})

describe('the intelligence figures', () => {
  it('write stays in seconds, minutes and hours below two days, then in days', () => {
    expect(formatStay(95_000)).toBe('95 s')
    expect(formatStay(5 * HOUR)).toBe('5 h')
    expect(formatStay(47 * HOUR)).toBe('47 h')
    expect(formatStay(2 * DAY)).toBe('2.0 days')
    expect(formatStay(9.25 * DAY)).toBe('9.3 days')
    expect(formatStay(0)).toBe('0 s')
  })

  it('draw one scatter trace per segment, in its series colour, with every point', () => {
    const figure = segmentScatterFigure(colors, segments)
    expect(figure.data.map((t) => t.name)).toEqual(segments.segments.map((s) => s.name))
    expect(figure.data.map((t) => (t.marker as { color: string }).color)).toEqual([
      '#000001',
      '#000002',
      '#000003',
    ])
    expect(figure.data.flatMap((t) => t.customdata as number[]).sort()).toEqual([1, 2, 3, 4])
    // A segment's name is text in a hover template: no markup, no template of Plotly's.
    const hostile = String(figure.data[2]?.hovertemplate)
    expect(hostile).not.toContain('<img')
    expect(hostile).not.toContain('%{x}</b>')
    expect(hostile).toContain('&lt;img')
    const axisTitle = (figure.layout.xaxis as { title: { text: string } }).title.text
    expect(axisTitle).toBe('PC1 · 41.0 % of variance')
  })

  it('say why there is no scatter when the segments are not computed', () => {
    const figure = segmentScatterFigure(colors, {
      ...segments,
      ...notComputed,
      message: 'No leads to segment yet',
      segments: [],
      points: [],
    })
    expect(figure.data).toEqual([])
    expect(JSON.stringify(figure.layout.annotations)).toContain('No leads to segment yet')
  })

  it('draw the journey as flows between stages with counts, medians and the slowest in amber', () => {
    const figure = journeySankeyFigure(colors, journeys)
    const trace = figure.data[0] as {
      node: { label: string[] }
      link: {
        source: number[]
        target: number[]
        value: number[]
        color: string[]
        customdata: string[]
      }
    }
    expect(trace.node.label).toEqual(['new', 'contacted', 'qualified', 'won', 'lost'])
    const flows = trace.link.source.map(
      (s, i) => `${trace.node.label[s]}>${trace.node.label[trace.link.target[i] ?? -1]}`,
    )
    expect(flows).toEqual(journeys.edges.map((e) => `${e.from}>${e.to}`))
    expect(trace.link.value).toEqual(journeys.edges.map((e) => e.count))
    expect(trace.link.customdata[0]).toBe('median 95 s in new')
    expect(trace.link.customdata[4]).toBe('median 12.0 days in qualified · among the slowest')
    // The slowest two are drawn in the warning colour, the rest not.
    const amber = 'rgba(138, 79, 0, 0.6)'
    expect(trace.link.color.map((c) => c === amber)).toEqual([false, false, false, true, true])
    // "View as table" lists exactly the flows drawn.
    expect(figureTable(figure, 'Stage').rows.map((r) => r.cells)).toEqual(
      journeys.edges.map((e) => [e.from, e.to, String(e.count)]),
    )
  })

  it('leave out a stage that no flow touches, as Plotly would', () => {
    const figure = journeySankeyFigure(colors, {
      ...journeys,
      nodes: [...journeys.nodes, { stage: 'proposal', leads: 3 }],
    })
    const trace = figure.data[0] as { node: { label: string[]; customdata: string[] } }
    expect(trace.node.label).toEqual(['new', 'contacted', 'qualified', 'won', 'lost'])
    expect(trace.node.customdata).toEqual(['100', '80', '40', '20', '30'])
  })

  it('draw no flow for an empty journey, and say so', () => {
    const figure = journeySankeyFigure(colors, { ...journeys, edges: [], slowest: [], leads: 0 })
    expect(figure.data).toEqual([])
    expect(JSON.stringify(figure.layout.annotations)).toContain('No lead moved between stages')
    // No default grid where the flows would be.
    expect(figure.layout.xaxis).toEqual({ visible: false })
    expect(figure.layout.yaxis).toEqual({ visible: false })
  })

  it('draw calibration bins that hold test leads against the diagonal', () => {
    const figure = calibrationFigure(colors, modelCard(true).calibration.bins)
    const bins = figure.data[1] as { x: number[]; y: number[] }
    expect(bins.x).toEqual([5, 25])
    expect(bins.y.map((y) => Math.round(y))).toEqual([6, 22])
    expect(calibrationFigure(colors, []).data).toEqual([])
  })

  it('say in words what drove a score', () => {
    expect(driversSentence(callFirst.rows[0]?.drivers ?? [])).toBe(
      'Temperature raised it, Response time lowered it',
    )
    expect(driversSentence([])).toBe('ordered by temperature alone (the baseline)')
  })
})

/** Rendering to a string runs no effect: the page never calls its api here. */
const inertClient = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('the api is not used while a view renders to a string')
    },
  },
) as ApiClient

function render(view: ViewId, intel: IntelData | undefined): string {
  const host = {
    theme: 'light',
    token: intel,
    readiness: createChartReadiness(),
    failed: () => {},
  } as const
  return renderToStaticMarkup(
    createElement(
      ApiProvider,
      { client: inertClient },
      createElement(
        ChartContext,
        { value: host },
        createElement(VIEW_COMPONENTS[view], { data: null, intel }),
      ),
    ),
  )
}

/** Every `data-<name>` value of the rows carrying `data-testid="<testId>"`. */
function rowData(html: string, testId: string, name: string): string[] {
  const rows = html.match(new RegExp(`<tr[^>]*data-testid="${testId}"[^>]*>`, 'g')) ?? []
  return rows.map((row) => new RegExp(`data-${name}="([^"]*)"`).exec(row)?.[1] ?? '')
}

describe('the intelligence tabs', () => {
  it('are tabs of their own, and Lead response shows the call-first list too', () => {
    expect(VIEW_IDS).toEqual(expect.arrayContaining(['segments', 'journeys', 'scores']))
    expect(VIEW_CONTENT.segments.intelligence).toEqual(['segments'])
    expect(VIEW_CONTENT.journeys.intelligence).toEqual(['journeys'])
    expect(VIEW_CONTENT.scores.intelligence).toEqual(['callFirst', 'modelCard'])
    expect(VIEW_CONTENT['lead-response'].intelligence).toEqual(['callFirst'])
    // All follow the filters; segments are a model of every lead counted among the filtered.
    expect(VIEW_CONTENT.journeys.filtered).toBe(true)
    expect(VIEW_CONTENT.scores.filtered).toBe(true)
    expect(VIEW_CONTENT.segments.filtered).toBe(true)
  })

  it('list every segment with its size, revenue share and conversion', () => {
    const html = render('segments', { segments })
    expect(rowData(html, 'segment-row', 'size')).toEqual(['600', '300', '100'])
    expect(rowData(html, 'segment-row', 'revenue-share')).toEqual(['0.1', '0.8', '0.1'])
    expect(rowData(html, 'segment-row', 'conversion')).toEqual(['0.12', '0.51', ''])
    expect(html).toContain('High-value repeat, premium cities')
    expect(html).toContain('80.0 %')
    // What sets a segment apart, from its centroid's z-scores.
    expect(html).toContain('▼ Temperature  ▲ Response time')
    expect(html).toContain('k = 3 chosen by silhouette among 2–6 (0.47)')
    expect(html).toContain('a sample of 4 of the 1,000 leads shown')
    // A hostile name is escaped text.
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('say why when segments are not computed yet', () => {
    const html = render('segments', {
      segments: { ...segments, ...notComputed, segments: [], points: [], k: null },
    })
    expect(html).toContain('data-testid="intel-unavailable"')
    expect(html).toContain('Segments have not been computed yet')
    expect(rowData(html, 'segment-row', 'size')).toEqual([])
  })

  it('say the journeys are being inferred, not that no lead moved, while they are rebuilt', () => {
    const none = { ...journeys, edges: [], slowest: [], leads: 0, noData: true, rebuilding: true }
    const empty = render('journeys', { journeys: none })
    expect(empty).toContain(JOURNEYS_REBUILDING_TEXT)
    expect(empty).not.toContain('No lead moved between stages')
    expect(JSON.stringify(journeySankeyFigure(colors, none).layout.annotations)).toContain(
      'Inferring the leads’ journeys',
    )
    // Partly filled: the flows so far, and the status line.
    const partial = render('journeys', { journeys: { ...journeys, rebuilding: true } })
    expect(partial).toContain('data-testid="journey-rebuilding"')
    expect(render('journeys', { journeys })).not.toContain('data-testid="journey-rebuilding"')
  })

  it('list every step of the journey with its count and median, the slowest called out', () => {
    const html = render('journeys', { journeys })
    expect(rowData(html, 'journey-edge-row', 'count')).toEqual(['80', '10', '40', '20', '20'])
    expect(rowData(html, 'journey-edge-row', 'median-ms')).toEqual(
      journeys.edges.map((e) => String(e.medianMs)),
    )
    expect(rowData(html, 'journey-edge-row', 'slow')).toEqual([
      'false',
      'false',
      'false',
      'true',
      'true',
    ])
    const slowest = [
      ...html.matchAll(/data-testid="journey-slow-step" data-from="(\w+)" data-to="(\w+)"/g),
    ]
    expect(slowest.map((m) => `${m[1]}→${m[2]}`)).toEqual(['qualified→won', 'contacted→lost'])
    expect(html).toContain('12.0 days')
    // 40 of the 80 contacted leads were qualified.
    expect(html).toContain('50.0 %')
    expect(html).toContain('100 of these leads’ steps are inferred')
  })

  it('show the call-first list with scores and their drivers, on both tabs', () => {
    for (const view of ['scores', 'lead-response'] as const) {
      const html = render(view, { callFirst, modelCard: modelCard(true) })
      expect(rowData(html, 'call-first-row', 'lead-id'), view).toEqual(['9001', '9002'])
      expect(rowData(html, 'call-first-row', 'score'), view).toEqual(['0.62', '0.31'])
      expect(rowData(html, 'call-first-row', 'drivers'), view).toEqual([
        'temperature:up,responseSeconds:down',
        'channelQuality:up',
      ])
      expect(html, view).toContain('62.0 %')
      expect(html, view).toContain('▲ Temperature')
      expect(html, view).toContain('$12,400')
      expect(html, view).toContain('top 2 of 120 open leads, by score × expected deal value')
    }
  })

  it('put the model card beside the list: rows, split, AUC against the baseline, calibration', () => {
    const html = render('scores', { callFirst, modelCard: modelCard(true) })
    expect(html).toContain('data-beats-baseline="true"')
    expect(html).toContain('<strong>0.781</strong> model vs 0.702 temperature')
    expect(html).toContain('6,400 to train, 1,600 to calibrate, 2,000 to test')
    expect(html).toContain('tested on the newest 20 %')
    expect(html).toContain('2.1 pts')
    expect(html).toContain('verdict-good')
    // The intercept is no feature: only the features' weights are listed.
    expect(html).toContain('Temperature <span class="driver-up">+0.90</span>')
    expect(html).not.toContain('intercept')
  })

  it('say plainly when the model does not beat the baseline, and follow the baseline', () => {
    const card = modelCard(false)
    const baseline: CallFirstResult = {
      ...callFirst,
      scoreSource: 'baseline',
      rows: callFirst.rows.map((r) => ({ ...r, drivers: [] })),
    }
    const html = render('scores', { callFirst: baseline, modelCard: card })
    expect(html).toContain('data-beats-baseline="false"')
    expect(html).toContain('verdict-warn')
    expect(html).toContain(card.verdict)
    expect(html).toContain('by temperature alone: the model does not beat this baseline')
    expect(rowData(html, 'call-first-row', 'drivers')).toEqual(['', ''])
    const lead = render('lead-response', { callFirst: baseline })
    expect(lead).toContain('by temperature alone: the model does not beat this baseline')
  })

  it('say why there are no scores, and when no open lead matches', () => {
    const none = render('scores', {
      callFirst: { ...callFirst, ...notComputed, message: 'No closed leads to train on', rows: [] },
      modelCard: { ...modelCard(false), ...notComputed, message: 'No closed leads to train on' },
    })
    expect(none.match(/No closed leads to train on/g)).toHaveLength(2)
    const empty = render('lead-response', { callFirst: { ...callFirst, rows: [], openLeads: 0 } })
    expect(empty).toContain('No open leads match these filters')
  })

  it('render while nothing has arrived, without an error', () => {
    for (const view of ['segments', 'journeys', 'scores', 'lead-response'] as const) {
      expect(() => render(view, undefined), view).not.toThrow()
      expect(() => render(view, {}), view).not.toThrow()
    }
  })
})

describe('what an intel.changed report moves', () => {
  it('nothing while a recompute runs; the answers once any work ended', () => {
    let ended = 0
    for (const state of ['running', 'running', 'running'] as const)
      ended = intelWorkEnded(ended, { state })
    expect(ended).toBe(0)
    // The recompute done, then the journeys inferred (the same results, work ended), then a failure.
    for (const state of ['done', 'idle', 'failed'] as const)
      ended = intelWorkEnded(ended, { state })
    expect(ended).toBe(3)
  })
})
