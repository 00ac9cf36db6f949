// Customer intelligence in the page (issue 16), in real Chromium against `watchfloor serve` on
// demo data: the Segments tab, the journey Sankey and the "call first" list render with no
// console error, and every number they show is the api's, asked over the same socket the page
// uses; they follow the filters where they say they do; axe finds no serious violation in any
// theme; and they fit a 1920×1080 screen and a 1280×800 laptop without clipping.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import Database from 'better-sqlite3'
import type { Page } from '@playwright/test'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'
import type { JourneysInput } from '../../shared/api/intelligence.ts'
import { IntelligencePage, callApi } from './intelligence-page.ts'

const INTEL_TABS = ['segments', 'journeys', 'scores'] as const
const THEMES = ['light', 'dark', 'contrast'] as const
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Console errors and uncaught exceptions, from the page's first script on. */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  return problems
}

/**
 * The host computes the results off its api thread after it starts; the tests begin once they
 * are stored (asked for once more on demand, in case the start's run has not been scheduled).
 */
async function resultsComputed(url: string): Promise<void> {
  const status = await callApi(url, 'intel.status', {})
  if (status.computedAt === null && status.state !== 'running')
    await callApi(url, 'intel.recompute', {})
  await expect
    .poll(
      async () => {
        const now = await callApi(url, 'intel.status', {})
        if (now.state === 'failed') throw new Error(`the recompute failed: ${now.result ?? ''}`)
        return now.computedAt
      },
      { timeout: 120_000, message: 'the intelligence results are computed' },
    )
    .not.toBeNull()
}

/** Until the host has inferred the leads' stage history, a journey is empty: wait for it. */
async function journeysInferred(url: string, filters: JourneysInput['filters']): Promise<void> {
  // Inferred in chunks: flows show after the first, and are whole once `rebuilding` is off.
  await expect
    .poll(
      async () => {
        const answer = await callApi(url, 'intel.journeys', { filters })
        return !answer.noData && !answer.rebuilding
      },
      { timeout: 120_000, message: 'the leads’ journeys are inferred' },
    )
    .toBe(true)
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Colours ease over 0.2 s when the theme changes; axe waits for the end. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  )
}

test('the Segments tab draws every segment the api has for the shown filters, and follows a filter', async ({
  page,
  host,
}) => {
  await resultsComputed(host.url)
  const problems = recordProblems(page)
  const intel = new IntelligencePage(page)
  await intel.openOn(host.url, 'segments')
  // Segments are fitted on every lead and counted among the filtered ones: the filter bar shows.
  await expect(intel.from).toHaveCount(1)

  /** The shown table and scatter against the api's for the shown days and the ticked dimensions. */
  const check = async (dims: { source?: string[] } = {}) => {
    const filters = { ...(await intel.shownFilters()), ...dims }
    const api = await callApi(host.url, 'intel.segments', { maxPoints: 2_000, filters })
    expect(api.availability).toBe('ready')
    expect(api.segments.length).toBeGreaterThanOrEqual(2)
    await expect
      .poll(() =>
        intel.rows(intel.segmentRows, ['segment-id', 'size', 'revenue-share', 'conversion']),
      )
      .toEqual(
        api.segments.map((s) => ({
          'segment-id': String(s.id),
          size: String(s.size),
          'revenue-share': s.revenueShare === null ? '' : String(s.revenueShare),
          conversion: s.conversion === null ? '' : String(s.conversion),
        })),
      )
    for (const s of api.segments) await expect(page.getByText(s.name).first()).toBeVisible()
    // Every point of the answer is a marker on the scatter, one trace per segment in its legend.
    await expect(intel.segmentsChart.locator('.scatterlayer .point')).toHaveCount(api.points.length)
    await expect(intel.segmentsChart.locator('.legendtext')).toHaveText(
      api.segments.map((s) => s.name),
    )
    return api
  }
  const all = await check()
  const leads = (a: typeof all) => a.segments.reduce((n, s) => n + s.size, 0)
  expect(leads(all)).toBe(all.pointsTotal)

  // One source ticked: each segment counts that source's leads only, and the scatter draws them.
  await intel.toggleFilterValue('source', 'Facebook Ads')
  await intel.readyOn('segments').waitFor()
  const one = await check({ source: ['Facebook Ads'] })
  expect(leads(one)).toBeLessThan(leads(all))
  expect(leads(one)).toBeGreaterThan(0)

  // Another range moves it too.
  await intel.setRange('2026-06-01', '2026-06-30')
  await intel.readyOn('segments').waitFor()
  const june = await check({ source: ['Facebook Ads'] })
  expect(leads(june)).not.toBe(leads(one))
  expect(problems).toEqual([])
})

test('the journey Sankey and its steps are the api’s for the shown filters, and follow a filter', async ({
  page,
  host,
}) => {
  const problems = recordProblems(page)
  const intel = new IntelligencePage(page)
  // Opened at once: the host infers the leads' stage history off its api thread after it starts,
  // and the open tab draws it when the core says it is there (intel.changed), without a reload.
  await intel.openOn(host.url, 'journeys')
  await journeysInferred(host.url, await intel.shownFilters())
  await expect
    .poll(async () => (await intel.rows(intel.edgeRows, ['count'])).length)
    .toBeGreaterThan(0)
  await intel.readyOn('journeys').waitFor()

  /** The shown journey against the api's for the shown days and the dimensions ticked. */
  const check = async (dims: { source?: string[] } = {}): Promise<void> => {
    const filters = await intel.shownFilters()
    const api = await callApi(host.url, 'intel.journeys', { filters: { ...filters, ...dims } })
    expect(api.noData).toBe(false)
    expect(await intel.rows(intel.edgeRows, ['from', 'to', 'count', 'median-ms'])).toEqual(
      api.edges.map((e) => ({
        from: e.from,
        to: e.to,
        count: String(e.count),
        'median-ms': String(e.medianMs),
      })),
    )
    expect(await intel.rows(intel.slowSteps, ['from', 'to', 'median-ms'])).toEqual(
      api.slowest.map((e) => ({ from: e.from, to: e.to, 'median-ms': String(e.medianMs) })),
    )
    // One drawn flow per step that leads took, and a node per stage those steps join.
    const flows = api.edges.filter((e) => e.count > 0 && e.from !== e.to)
    await expect(intel.sankey.locator('.sankey-link')).toHaveCount(flows.length)
    const stages = new Set(flows.flatMap((e) => [e.from, e.to]))
    await expect(intel.sankey.locator('.sankey-node')).toHaveCount(stages.size)
  }
  await check()
  const before = await intel.rows(intel.edgeRows, ['count'])

  // One source ticked: the journey is that source's leads.
  await intel.toggleFilterValue('source', 'Facebook Ads')
  await intel.readyOn('journeys').waitFor()
  await check({ source: ['Facebook Ads'] })
  const after = await intel.rows(intel.edgeRows, ['count'])
  const total = (rows: { count: string }[]) => rows.reduce((n, r) => n + Number(r.count), 0)
  expect(total(after)).toBeLessThan(total(before))

  // Another range moves it too.
  await intel.setRange('2026-06-01', '2026-06-30')
  await intel.readyOn('journeys').waitFor()
  await check({ source: ['Facebook Ads'] })
  expect(problems).toEqual([])
})

test('the call-first list on Lead response and on Lead scores is the api’s, beside the model card', async ({
  page,
  host,
}) => {
  await resultsComputed(host.url)
  const problems = recordProblems(page)
  const intel = new IntelligencePage(page)
  await intel.openOn(host.url, 'lead-response')

  const compare = async (limit: number): Promise<void> => {
    const api = await callApi(host.url, 'intel.callFirst', {
      filters: await intel.shownFilters(),
      limit,
    })
    expect(api.availability).toBe('ready')
    const shown = await intel.rows(intel.callFirstRows, [
      'lead-id',
      'priority',
      'score',
      'expected-value',
      'drivers',
    ])
    expect(shown).toEqual(
      api.rows.map((r) => ({
        'lead-id': String(r.leadId),
        priority: String(r.priority),
        score: String(r.score),
        'expected-value': String(r.expectedValueCents),
        drivers: r.drivers.map((d) => `${d.feature}:${d.direction}`).join(','),
      })),
    )
    // Ordered to call: priority 1 first, by score × expected value (or by the baseline).
    expect(shown.map((r) => Number(r.priority))).toEqual(shown.map((_, i) => i + 1))
  }
  await compare(10)
  await expect(intel.callFirstRows.first()).toBeVisible()

  await intel.openTab('scores')
  await compare(50)
  const card = await callApi(host.url, 'intel.modelCard', {})
  expect(card.availability).toBe('ready')
  await expect(intel.modelCard).toHaveAttribute(
    'data-beats-baseline',
    card.beatsBaseline ? 'true' : 'false',
  )
  await expect(intel.modelCard).toHaveAttribute('data-training-rows', String(card.trainingRows))
  await expect(intel.modelCard).toHaveAttribute('data-auc-model', String(card.auc.model ?? ''))
  await expect(intel.modelCard).toHaveAttribute(
    'data-auc-baseline',
    String(card.auc.baseline ?? ''),
  )
  await expect(page.getByTestId('model-verdict')).toHaveText(card.verdict)
  // The calibration bins with test leads are drawn: a marker each, beside the diagonal.
  const bins = card.calibration.bins.filter((b) => b.count > 0)
  await expect(
    intel.calibrationChart.locator('.scatterlayer .trace').nth(1).locator('.point'),
  ).toHaveCount(bins.length)
  expect(problems).toEqual([])
})

test('filter changes one after another without waiting: the Sankey ends on the last one’s answer', async ({
  page,
  host,
}) => {
  const problems = recordProblems(page)
  const intel = new IntelligencePage(page)
  await intel.openOn(host.url, 'journeys')
  await journeysInferred(host.url, await intel.shownFilters())
  // Three presets clicked faster than the answers come: the page may show only the last.
  for (const preset of ['Last 7 days', 'Last 90 days', 'Today', 'Last 90 days'])
    await page.getByRole('button', { name: preset, exact: true }).click()
  await intel.readyOn('journeys').waitFor()
  const api = await callApi(host.url, 'intel.journeys', { filters: await intel.shownFilters() })
  expect(await intel.rows(intel.edgeRows, ['from', 'to', 'count'])).toEqual(
    api.edges.map((e) => ({ from: e.from, to: e.to, count: String(e.count) })),
  )
  const flows = api.edges.filter((e) => e.count > 0 && e.from !== e.to)
  await expect(intel.sankey.locator('.sankey-link')).toHaveCount(flows.length)
  expect(problems).toEqual([])
})

test('a cache where no lead has closed yet: the tabs say why, the list follows temperature, nothing breaks', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-intel-open-'))
  const dbPath = demoCache(dir, 1_000)
  // Every lead still open: nothing to train a score on (the core must say so, not guess).
  const db = new Database(dbPath)
  db.prepare(`UPDATE leads SET status = 'new', converted_at = NULL`).run()
  db.close()
  const { url, child } = await serveCache(dbPath, ['--no-demo'])
  try {
    await resultsComputed(url)
    const problems = recordProblems(page)
    const intel = new IntelligencePage(page)
    const card = await callApi(url, 'intel.modelCard', {})
    expect(card.availability).not.toBe('ready')
    expect(card.message).not.toBeNull()
    await intel.openOn(url, 'scores')
    await expect(page.getByTestId('model-card-panel')).toContainText(card.message ?? '')
    const list = await callApi(url, 'intel.callFirst', { filters: await intel.shownFilters() })
    expect(list.scoreSource).toBe('baseline')
    expect((await intel.rows(intel.callFirstRows, ['lead-id'])).length).toBe(list.rows.length)
    if (list.rows.length > 0)
      await expect(page.getByTestId('call-first-panel')).toContainText('by temperature alone')
    const segments = await callApi(url, 'intel.segments', {})
    await intel.openTab('segments')
    if (segments.availability === 'ready')
      await expect(intel.segmentRows).toHaveCount(segments.segments.length)
    else await expect(page.getByTestId('intel-unavailable')).toBeVisible()
    await intel.openTab('journeys')
    expect(problems).toEqual([])
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
})

for (const theme of THEMES) {
  test(`the intelligence tabs in the ${theme} theme: no console error, no serious axe violation`, async ({
    page,
    host,
  }) => {
    test.setTimeout(240_000)
    await resultsComputed(host.url)
    const problems = recordProblems(page)
    const intel = new IntelligencePage(page)
    await intel.openOn(host.url, 'lead-response')
    await page.getByLabel('Theme').selectOption(theme)
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    const found: string[] = []
    for (const view of ['lead-response', ...INTEL_TABS]) {
      await intel.openTab(view)
      await settled(page)
      found.push(...(await seriousViolations(page)).map((v) => `${view}: ${v}`))
    }
    expect(found).toEqual([])
    expect(problems).toEqual([])
  })
}

test('keyboard: the tabs are reached with the arrow keys and a table sorts from its header', async ({
  page,
  host,
}) => {
  await resultsComputed(host.url)
  const intel = new IntelligencePage(page)
  await intel.openOn(host.url, 'trends')
  await intel.tab('trends').focus()
  await page.keyboard.press('ArrowRight')
  await intel.readyOn('segments').waitFor()
  await expect(intel.tab('segments')).toBeFocused()
  await page.getByTestId('segments-table-sort-size').focus()
  await page.keyboard.press('Enter')
  const sizes = (await intel.rows(intel.segmentRows, ['size'])).map((r) => Number(r.size))
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a))
  await page.keyboard.press('Shift+Tab')
  await intel.tab('segments').focus()
  await page.keyboard.press('ArrowRight')
  await intel.readyOn('journeys').waitFor()
  await page.keyboard.press('ArrowRight')
  await intel.readyOn('scores').waitFor()
  await expect(intel.tab('scores')).toBeFocused()
})

/** What the page would scroll or cut: the document's overflow and any table cell past its frame. */
async function overflow(page: Page): Promise<{ scrollY: number; scrollX: number }> {
  return page.evaluate(() => ({
    scrollY: document.documentElement.scrollHeight - window.innerHeight,
    scrollX: document.documentElement.scrollWidth - window.innerWidth,
  }))
}

/** Marks and labels of a chart that lie outside its own box. */
async function outsideChart(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluate((root) => {
    const frame = root.getBoundingClientRect()
    return [...root.querySelectorAll('.xtick text, .ytick text, .sankey-node text, .legendtext')]
      .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }))
      .filter(
        ({ box }) =>
          box.width > 0 &&
          (box.left < frame.left - 1 ||
            box.right > frame.right + 1 ||
            box.top < frame.top - 1 ||
            box.bottom > frame.bottom + 1),
      )
      .map(({ text }) => text)
  })
}

const CHARTS: Readonly<Record<(typeof INTEL_TABS)[number], string>> = {
  segments: 'chart-segments',
  journeys: 'chart-journey-sankey',
  scores: 'chart-calibration',
}

test.describe('at 1920×1080', () => {
  test.use({ viewport: { width: 1920, height: 1080 } })

  test('each intelligence tab, and Lead response with its call-first list, fits the screen', async ({
    page,
    host,
  }) => {
    await resultsComputed(host.url)
    const intel = new IntelligencePage(page)
    await intel.openOn(host.url, 'lead-response')
    expect(await overflow(page)).toEqual({ scrollY: 0, scrollX: 0 })
    for (const view of INTEL_TABS) {
      await intel.openTab(view)
      expect(await overflow(page), view).toEqual({ scrollY: 0, scrollX: 0 })
      expect(await outsideChart(page, CHARTS[view]), view).toEqual([])
    }
    // Every segment's row is whole on screen, none behind its panel's scroll or another line.
    await intel.openTab('segments')
    const rows = page.getByTestId('segment-row')
    await expect(rows.first()).toBeVisible()
    expect(await rows.count()).toBeGreaterThanOrEqual(2)
    const hidden = await rows.evaluateAll((els) =>
      els.flatMap((row) => {
        const r = row.getBoundingClientRect()
        for (let el = row.parentElement; el; el = el.parentElement) {
          const style = getComputedStyle(el)
          if (style.overflowY === 'visible' && style.overflowX === 'visible') continue
          const box = el.getBoundingClientRect()
          if (r.top < box.top - 1 || r.bottom > box.bottom + 1) return [row.textContent ?? '']
        }
        const rule = row.closest('.panel')?.querySelector('p.rule')?.getBoundingClientRect()
        return rule && rule.top < r.bottom - 1 ? [row.textContent ?? ''] : []
      }),
    )
    expect(hidden).toEqual([])
  })
})

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } })

  test('nothing is cut off sideways and the charts hold their labels', async ({ page, host }) => {
    await resultsComputed(host.url)
    const intel = new IntelligencePage(page)
    await intel.openOn(host.url, 'lead-response')
    expect((await overflow(page)).scrollX).toBeLessThanOrEqual(0)
    for (const view of INTEL_TABS) {
      await intel.openTab(view)
      expect((await overflow(page)).scrollX, view).toBeLessThanOrEqual(0)
      expect(await outsideChart(page, CHARTS[view]), view).toEqual([])
      // A wide table scrolls inside its panel, never past the page's edge.
      const past = await page
        .locator('.panel')
        .evaluateAll(
          (panels) =>
            panels.filter((p) => p.getBoundingClientRect().right > window.innerWidth + 1).length,
        )
      expect(past, view).toBe(0)
    }
  })
})

/**
 * The README's pictures of customer intelligence (docs/screenshots/), at 1920×1080. Taken on
 * request only — WATCHFLOOR_README_SCREENSHOTS=1 — so a test run does not rewrite committed files.
 */
test('README screenshots: Segments, Journeys and Lead scores', async ({ page, host }) => {
  test.skip(!process.env.WATCHFLOOR_README_SCREENSHOTS, 'set WATCHFLOOR_README_SCREENSHOTS=1')
  await resultsComputed(host.url)
  const docs = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  mkdirSync(docs, { recursive: true })
  await page.setViewportSize({ width: 1920, height: 1080 })
  const intel = new IntelligencePage(page)
  await intel.openOn(host.url, 'segments')
  for (const view of INTEL_TABS) {
    await intel.openTab(view)
    await page.mouse.move(4, 1076)
    await settled(page)
    await page.screenshot({ path: join(docs, `intelligence-${view}.png`) })
  }
})
