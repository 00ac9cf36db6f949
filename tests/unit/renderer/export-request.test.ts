// The export dialog's request (issue 12): the tab's filters exactly as it asks kpis.dashboard,
// one table for CSV, charts only for a PDF with charts on, chart images within the request's
// bounds and in page order, and the later of two views of a job.
import { describe, expect, it } from 'vitest'
import {
  MAX_CHART_SVG_CHARS,
  MAX_EXPORT_CHARTS,
  MAX_EXPORT_REQUEST_BYTES,
  exportStartSchema,
  type ExportJob,
} from '../../../shared/api/index.ts'
import {
  choicesProblem,
  collectChartImages,
  defaultChoices,
  exportRequest,
  isExportable,
  laterJob,
  requestedDatasets,
} from '../../../renderer/src/hooks/use-export.ts'
import type { CatalogChart } from '../../../renderer/src/lib/chart-catalog.ts'

const range = { from: '2026-10-03', to: '2026-11-01', timeZone: 'Europe/London' }
const scope = {
  view: 'overview' as const,
  range,
  dimensions: { source: ['Google LSA'] },
  compareWith: 'previous period' as const,
}

const chart = (title: string, svg: string | Error): CatalogChart => ({
  id: title,
  title,
  // Only page order reads the element; these tests list charts in the order given.
  element: {} as HTMLElement,
  svg: () => (svg instanceof Error ? Promise.reject(svg) : Promise.resolve(svg)),
  download: () => Promise.resolve(),
})

describe('export request', () => {
  it("carries the tab's days as custom days, its dimensions and its comparison, and parses", () => {
    const request = exportRequest(scope, defaultChoices('overview'), [])
    expect(request.filters).toEqual({
      range: { preset: 'custom', ...range },
      source: ['Google LSA'],
    })
    expect(request.compareWith).toBe('previous period')
    expect(request.datasets).toEqual(['leads', 'channels', 'funnel'])
    expect(exportStartSchema.safeParse(request).success).toBe(true)
  })

  it('names the preset the shown days were read from; custom days name none', () => {
    const choices = defaultChoices('overview')
    expect(exportRequest({ ...scope, shownAs: 'last30' }, choices, []).shownAs).toBe('last30')
    expect(exportRequest({ ...scope, shownAs: 'custom' }, choices, [])).not.toHaveProperty(
      'shownAs',
    )
  })

  it('sends chart images only for a PDF with charts on', () => {
    const images = [{ title: 'Leads per day', svg: '<svg/>' }]
    const pdf = { ...defaultChoices('overview'), format: 'pdf' as const }
    expect(exportRequest(scope, pdf, images).chartImages).toEqual(images)
    expect(exportRequest(scope, { ...pdf, charts: false }, images).chartImages).toEqual([])
    expect(exportRequest(scope, { ...pdf, format: 'xlsx' }, images).chartImages).toEqual([])
  })

  it('CSV takes one table, the first picked; no table is a sentence, not a request', () => {
    const csv = { ...defaultChoices('revenue'), format: 'csv' as const }
    expect(requestedDatasets(csv)).toEqual(['revenueByMonth'])
    expect(requestedDatasets({ ...csv, datasets: ['funnel', 'leads'] })).toEqual(['funnel'])
    expect(choicesProblem({ ...csv, datasets: [] })).toMatch(/one table/)
    expect(choicesProblem(csv)).toBeNull()
    // Other formats keep the picked tables in the vocabulary's order.
    expect(requestedDatasets({ ...csv, format: 'xlsx', datasets: ['funnel', 'leads'] })).toEqual([
      'leads',
      'funnel',
    ])
  })

  it('the activity feed has nothing to export; system health has its cards', () => {
    expect(isExportable('activity')).toBe(false)
    expect(isExportable('health')).toBe(true)
    expect(isExportable('overview')).toBe(true)
  })
})

describe('chart images for a PDF', () => {
  it('keeps page order and leaves out a chart past the count, too large, or not drawn', async () => {
    const charts = [
      chart('Not drawn', new Error('Not drawn has not been drawn yet')),
      chart('Huge', `<svg>${'x'.repeat(MAX_CHART_SVG_CHARS)}</svg>`),
      ...Array.from({ length: MAX_EXPORT_CHARTS + 1 }, (_, i) => chart(`Chart ${i}`, '<svg/>')),
    ]
    const { images, skipped } = await collectChartImages(charts, new AbortController().signal)
    expect(images.map((i) => i.title)).toEqual(
      Array.from({ length: MAX_EXPORT_CHARTS }, (_, i) => `Chart ${i}`),
    )
    expect(skipped).toEqual([
      'Not drawn (Not drawn has not been drawn yet)',
      'Huge (too large to send)',
      `Chart ${MAX_EXPORT_CHARTS} (a report holds at most ${MAX_EXPORT_CHARTS} charts)`,
    ])
  })

  it('stays under the request limit all together', async () => {
    // Each under its own limit, but together past the request's: the later ones wait out.
    const big = `<svg>${'"'.repeat(MAX_CHART_SVG_CHARS / 2)}</svg>`
    const { images, skipped } = await collectChartImages(
      ['A', 'B', 'C', 'D', 'E'].map((t) => chart(t, big)),
      new AbortController().signal,
    )
    const bytes = new TextEncoder().encode(JSON.stringify(images)).length
    expect(bytes).toBeLessThan(MAX_EXPORT_REQUEST_BYTES)
    expect(images.length).toBeGreaterThan(0)
    expect(skipped.length).toBeGreaterThan(0)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(collectChartImages([chart('A', '<svg/>')], controller.signal)).rejects.toThrow()
  })
})

describe('the later view of a job', () => {
  const job: ExportJob = {
    id: 'job-0001',
    view: 'overview',
    format: 'csv',
    state: 'running',
    phase: 'Writing Leads',
    rowsDone: 100,
    rowsTotal: 1000,
    secondsLeft: 3,
    startedAt: '2026-11-01T12:00:00Z',
    endedAt: null,
    fileName: 'watchfloor-overview.csv',
    bytes: null,
    error: null,
  }
  it('an ended one wins, then the one with more rows done', () => {
    const later = { ...job, rowsDone: 500 }
    const done = { ...job, state: 'done' as const, rowsDone: 1000 }
    expect(laterJob(job, later)).toBe(later)
    expect(laterJob(later, job)).toBe(later)
    expect(laterJob(done, later)).toBe(done)
    expect(laterJob(later, done)).toBe(done)
  })
})
