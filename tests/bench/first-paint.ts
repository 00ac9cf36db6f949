// The page as a person meets it, in Chromium against the real `watchfloor serve`:
// - first paint: a fresh browser profile (empty cache) to every chart of Overview drawn, beside
//   an empty page from the same host;
// - filter change: a change in the filter bar to every chart of the view redrawn.
// Times are the page's own (performance.now() and marks, from the navigation or from the
// event that changed the filter), so Playwright's round trips are not in them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { DEFAULT_ORG_TIME_ZONE } from '../../main/metrics/rollups.ts'
import { serveCache } from '../e2e/host-fixture.ts'

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const READY = '[data-testid="app"][data-state="ready"]'

/** Marks `watchfloor:ready` the first time the app says every chart of its view is drawn. */
function markFirstReady(): void {
  const observer = new MutationObserver(() => {
    const app = document.querySelector('[data-testid="app"]')
    if (app?.getAttribute('data-state') !== 'ready') return
    observer.disconnect()
    performance.mark('watchfloor:ready')
    // The frame that shows it.
    requestAnimationFrame(() => performance.mark('watchfloor:painted'))
  })
  observer.observe(document, { subtree: true, childList: true, attributes: true })
}

export interface FirstPaintRun {
  /** Navigation start → every Overview chart drawn and its frame painted, ms. */
  readonly paintedMs: number
  /** Navigation start → the app's data-state="ready", ms. */
  readonly readyMs: number
  /** Navigation start → the page asking for the Plotly chunk, and having all of it, ms. */
  readonly plotlyRequestedMs: number | null
  readonly plotlyMs: number | null
  /** Bytes of the Plotly chunk on the wire, and how it came. */
  readonly plotlyTransferBytes: number | null
  readonly plotlyEncoding: string | null
  /** The empty page's navigation start → its load event end, ms, in the same fresh profile. */
  readonly emptyPageMs: number
}

/**
 * `runs` cold starts of the page in a fresh browser profile each (its own user data folder:
 * nothing cached), against one host already serving `dbPath`. The browser is started before the
 * clock: Watchfloor is timed, not Chromium's start. One unmeasured run first warms the host.
 */
export async function benchFirstPaint(dbPath: string, runs: number): Promise<FirstPaintRun[]> {
  const { url, child } = await serveCache(dbPath, ['--no-demo'])
  const out: FirstPaintRun[] = []
  try {
    for (let i = 0; i <= runs; i += 1) {
      const profile = mkdtempSync(join(tmpdir(), 'watchfloor-profile-'))
      const context = await chromium.launchPersistentContext(profile, {
        executablePath,
        args: chromiumArgs,
        // The organisation's zone: its days are the rollups' (another zone's ranges are
        // measured in benchFilterChanges).
        timezoneId: DEFAULT_ORG_TIME_ZONE,
        viewport: { width: 1920, height: 1080 },
      })
      try {
        const page = context.pages()[0] ?? (await context.newPage())
        // The baseline: the smallest document the host serves, in this same fresh profile.
        await page.goto(new URL('favicon.svg', url).href, { waitUntil: 'load' })
        const emptyPageMs = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          return nav.loadEventEnd
        })
        await page.addInitScript(markFirstReady)
        let plotlyEncoding: string | null = null
        page.on('response', (response) => {
          if (/\/assets\/plotly[^/]*\.js$/.test(response.url())) {
            plotlyEncoding = response.headers()['content-encoding'] ?? 'identity'
          }
        })
        await page.goto(url)
        await page.locator(READY).waitFor({ timeout: 120_000 })
        await page.waitForFunction(
          () => performance.getEntriesByName('watchfloor:painted').length > 0,
        )
        // No helper functions inside: tsx names them with a `__name` the page does not have.
        const timing = await page.evaluate(() => {
          const plotly = performance
            .getEntriesByType('resource')
            .find((entry) => /\/assets\/plotly[^/]*\.js$/.test(entry.name)) as
            PerformanceResourceTiming | undefined
          return {
            readyMs: performance.getEntriesByName('watchfloor:ready')[0]?.startTime ?? NaN,
            paintedMs: performance.getEntriesByName('watchfloor:painted')[0]?.startTime ?? NaN,
            plotlyRequestedMs: plotly ? plotly.startTime : null,
            plotlyMs: plotly ? plotly.responseEnd : null,
            plotlyTransferBytes: plotly ? plotly.encodedBodySize : null,
          }
        })
        if (i > 0) out.push({ ...timing, plotlyEncoding, emptyPageMs })
      } finally {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      }
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  return out
}

/** One filter change and its time to every chart redrawn (and painted), ms. */
export interface FilterChange {
  readonly change: string
  readonly ms: number
}

/**
 * Arms the page for one change: the next click, input or change event starts the clock, and
 * the promise `window.filterChangeDone` resolves with the time to the app's next return to
 * data-state="ready" (after leaving it) and the frame after, or null when the app never left
 * "ready" (the change changed nothing).
 */
function armChange(): void {
  const app = document.querySelector('[data-testid="app"]')
  if (!app) throw new Error('no app')
  let started = 0
  // Inline arrows only: tsx names a function held in a const with a `__name` the page lacks.
  for (const type of ['click', 'input', 'change']) {
    document.addEventListener(
      type,
      () => {
        if (started === 0) started = performance.now()
      },
      { capture: true, once: true },
    )
  }
  const done = new Promise<number | null>((resolve) => {
    let left = false
    const noChange = setTimeout(() => {
      observer.disconnect()
      resolve(null)
    }, 5_000)
    const observer = new MutationObserver(() => {
      const state = app.getAttribute('data-state')
      if (state !== 'ready') {
        left = true
        clearTimeout(noChange)
        return
      }
      if (!left) return
      observer.disconnect()
      requestAnimationFrame(() => resolve(performance.now() - started))
    })
    observer.observe(app, { attributes: true, attributeFilter: ['data-state'] })
  })
  Object.assign(window, { filterChangeDone: done })
}

async function measure(
  page: Page,
  change: string,
  act: () => Promise<void>,
): Promise<FilterChange | null> {
  await page.evaluate(armChange)
  await act()
  const ms = await page.evaluate(
    () => (window as unknown as { filterChangeDone: Promise<number | null> }).filterChangeDone,
  )
  if (ms === null) return null
  await page.locator(READY).waitFor({ timeout: 120_000 })
  return { change, ms }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * About 30 filter changes on Overview (its three dashboards: the most charts of any view) on a
 * host serving `dbPath`, whose data ends now, with the viewer in the organisation's zone: every
 * preset, a source picked and dropped, a segment, custom days, a custom range with no leads;
 * then, with the viewer in Europe/London, year and month to date and the last 90 days.
 */
export async function benchFilterChanges(dbPath: string): Promise<FilterChange[]> {
  const { url, child } = await serveCache(dbPath, ['--no-demo'])
  const browser = await chromium.launch({ executablePath, args: chromiumArgs })
  const results: FilterChange[] = []
  const record = (result: FilterChange | null) => {
    if (!result) return
    results.push(result)
    process.stderr.write(`  ${result.change}: ${Math.round(result.ms)} ms\n`)
  }
  try {
    // First a viewer in the organisation's zone (the rollups' days), then one in London, whose
    // local days are not the rollups' days.
    for (const timezoneId of [DEFAULT_ORG_TIME_ZONE, 'Europe/London']) {
      const context = await browser.newContext({
        timezoneId,
        viewport: { width: 1920, height: 1080 },
      })
      const page = await context.newPage()
      await page.goto(url)
      await page.locator(READY).waitFor({ timeout: 120_000 })
      const zone = timezoneId === DEFAULT_ORG_TIME_ZONE ? '' : `, viewer in ${timezoneId}`
      const preset = (name: string) =>
        measure(page, `preset ${name}${zone}`, () => page.getByTestId(`preset-${name}`).click())
      const menu = (name: string) =>
        measure(page, `preset ${name}${zone}`, () =>
          page
            .getByTestId('preset-more')
            .selectOption(name)
            .then(() => undefined),
        )
      const day = (end: 'from' | 'to', value: string, what: string) =>
        measure(page, `${what}${zone}`, () => page.getByTestId(`range-${end}`).fill(value))
      const dimension = async (field: string, what: string) => {
        await page.getByTestId(`filter-${field}`).click()
        const option = page.getByTestId(`filter-${field}-option`).first()
        record(await measure(page, `${what}${zone}`, () => option.click()))
        await page.keyboard.press('Escape')
        await page.locator(READY).waitFor({ timeout: 120_000 })
      }
      if (timezoneId === DEFAULT_ORG_TIME_ZONE) {
        for (const name of ['last7', 'today', 'last90', 'last30']) record(await preset(name))
        for (const name of ['yesterday', 'mtd', 'qtd', 'ytd']) record(await menu(name))
        record(await preset('last30'))
        await dimension('source', 'a source picked')
        await dimension('source', 'the source dropped')
        await dimension('segment', 'a segment picked')
        await dimension('segment', 'the segment dropped')
        const now = Date.now()
        record(await day('from', isoDay(now - 75 * 86_400_000), 'custom range, from moved'))
        record(await day('to', isoDay(now - 40 * 86_400_000), 'custom range, to moved'))
        // Years before the data: a range with no lead in it.
        record(await day('from', '2001-01-01', 'empty custom range, from moved'))
        record(await day('to', '2001-01-31', 'empty custom range, to moved'))
        record(await day('to', '2001-03-31', 'empty custom range, to moved'))
        record(await preset('last90'))
        record(await menu('ytd'))
        record(await preset('last7'))
        record(await menu('qtd'))
        record(await preset('last30'))
      } else {
        // last90 between: on some days month to date and last 30 days are the same days.
        for (let i = 0; i < 3; i += 1) {
          record(await menu('ytd'))
          record(await menu('mtd'))
          record(await preset('last90'))
        }
      }
      await context.close()
    }
  } finally {
    await browser.close()
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  return results
}
