import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DashboardPage } from './dashboard-page.ts'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'
import { DEFAULT_TARGETS } from '../../main/metrics/registry.ts'

const RESPONSE_TARGET_SECONDS = DEFAULT_TARGETS.responseSeconds

const DAY = 86_400_000

/** The lead-response figures straight from the SQLite file, for a UTC day range. */
function sqlLeadResponse(dbPath: string, from: string, to: string) {
  const db = new Database(dbPath, { readonly: true })
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS leads,
                sum(CASE WHEN first_response_at IS NOT NULL AND first_response_at - created_at <= ${RESPONSE_TARGET_SECONDS * 1000} THEN 1 ELSE 0 END) AS under,
                avg(CASE WHEN first_response_at IS NOT NULL THEN (first_response_at - created_at) / 1000.0 END) AS average
           FROM leads
          WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?`,
      )
      .get(Date.parse(from), Date.parse(to) + DAY) as {
      leads: number
      under: number | null
      average: number | null
    }
    const under = row.under ?? 0
    return {
      average: row.average,
      share: row.leads ? under / row.leads : null,
      over: row.leads - under,
      leads: row.leads,
    }
  } finally {
    db.close()
  }
}

function sqlLeadsPerDay(dbPath: string, from: string, to: string): number {
  const db = new Database(dbPath, { readonly: true })
  try {
    return (
      db
        .prepare(
          'SELECT count(*) AS n FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?',
        )
        .get(Date.parse(from), Date.parse(to) + DAY) as { n: number }
    ).n
  } finally {
    db.close()
  }
}

test('the first dashboard shows exactly what SQL says, follows the date range and switches theme', async ({
  page,
  host,
}) => {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))

  const dashboard = new DashboardPage(page)
  await dashboard.open(host.url)
  await expect(dashboard.demoBadge).toBeVisible()
  await expect(dashboard.errorBanner).toHaveCount(0)

  // Default range: the 30 days up to today by the page's clock (three hours after the data ends).
  const from = await dashboard.from.inputValue()
  const to = await dashboard.to.inputValue()
  expect(to).toBe('2026-11-01')
  expect((Date.parse(to) - Date.parse(from)) / DAY).toBe(29)

  const expected = sqlLeadResponse(host.dbPath, from, to)
  expect(expected.leads).toBeGreaterThan(100)
  let shown = await dashboard.kpiValues()
  expect(Number(shown.average)).toBe(expected.average)
  expect(Number(shown.share)).toBe(expected.share)
  expect(Number(shown.over)).toBe(expected.over)
  await expect(dashboard.overTarget).toContainText(expected.over.toLocaleString('en-US'))

  const chartTotal = async () =>
    dashboard.chart.evaluate((el) => {
      const plot = el.matches('.js-plotly-plot') ? el : el.querySelector('.js-plotly-plot')
      const traces = (plot as { data?: { y?: number[] }[] } | null)?.data
      return (traces?.[0]?.y ?? []).reduce((a, b) => a + b, 0)
    })
  expect(await chartTotal()).toBe(sqlLeadsPerDay(host.dbPath, from, to))
  await page.screenshot({ path: test.info().outputPath('screenshot-dark.png') })

  // A different range gives the new SQL values, cards and chart alike.
  await dashboard.setRange('2026-06-01', '2026-06-14')
  await expect(dashboard.from).toHaveValue('2026-06-01')
  const june = sqlLeadResponse(host.dbPath, '2026-06-01', '2026-06-14')
  expect(june.leads).not.toBe(expected.leads)
  shown = await dashboard.kpiValues()
  expect(Number(shown.average)).toBe(june.average)
  expect(Number(shown.share)).toBe(june.share)
  expect(Number(shown.over)).toBe(june.over)
  expect(await chartTotal()).toBe(sqlLeadsPerDay(host.dbPath, '2026-06-01', '2026-06-14'))

  // A range with no leads says so rather than showing zeros or NaN.
  await dashboard.setRange('2019-01-01', '2019-01-07')
  await expect(dashboard.averageResponse).toContainText('No leads in this range')
  await expect(dashboard.averageResponse).toHaveAttribute('data-value', '')

  // Theme switch: the page's colours change, and the choice survives a reload.
  await dashboard.setRange('2026-10-03', '2026-11-01')
  const html = page.locator('html')
  const before = await html.getAttribute('data-theme')
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  const bgBefore = await background()
  await dashboard.themePicker.selectOption(before === 'dark' ? 'light' : 'dark')
  const after = await html.getAttribute('data-theme')
  expect(after).not.toBe(before)
  // The colours ease over 0.2 s: wait for the new one rather than read mid-transition.
  await expect.poll(background).not.toBe(bgBefore)
  await page.reload()
  await dashboard.ready.waitFor()
  await expect(html).toHaveAttribute('data-theme', after ?? '')
  if (after !== 'light') {
    await dashboard.themePicker.selectOption('light')
    await expect.poll(background).toBe(bgBefore)
  }
  // A picture for the report: taken once every colour transition has ended.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  )
  await page.screenshot({ path: test.info().outputPath('screenshot.png') })

  expect(problems).toEqual([])
})

test('a from date after the to date pulls the range along instead of asking for nonsense', async ({
  page,
  host,
}) => {
  const dashboard = new DashboardPage(page)
  await dashboard.open(host.url)
  await dashboard.setRange('2026-10-01', '2026-10-10')
  await dashboard.from.fill('2026-10-20')
  await dashboard.ready.waitFor()
  await expect(dashboard.to).toHaveValue('2026-10-20')
  await expect(dashboard.errorBanner).toHaveCount(0)
  const expected = sqlLeadResponse(host.dbPath, '2026-10-20', '2026-10-20')
  expect(Number(await dashboard.overTarget.getAttribute('data-value'))).toBe(expected.over)
})

test('a wall screen keeps its numbers when the host goes away, and recovers when it is back', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-'))
  const dbPath = demoCache(dir, 5_000)
  const first = await serveCache(dbPath, ['--no-demo'])
  const port = new URL(first.url).port
  try {
    const dashboard = new DashboardPage(page)
    await dashboard.open(first.url)
    const before = await dashboard.kpiValues()
    first.child.kill('SIGKILL')
    await new Promise((resolve) => first.child.once('exit', resolve))
    // Asking for new numbers while the host is down: a visible error, the old numbers stay.
    await page.getByTestId('preset-last7').click()
    await expect(dashboard.errorBanner).toBeVisible()
    const second = await serveCache(dbPath, ['--no-demo', '--port', port])
    try {
      await page.getByTestId('preset-last30').click()
      await dashboard.ready.waitFor()
      await expect(dashboard.errorBanner).toHaveCount(0)
      expect(await dashboard.kpiValues()).toEqual(before)
    } finally {
      second.child.kill('SIGTERM')
      await new Promise((resolve) => second.child.once('exit', resolve))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.describe('on a cache 29 days old', () => {
  test.use({ pageNow: '2026-11-30T15:00:00Z' })

  test('presets count back from today by the clock, and the page says how old the data is', async ({
    page,
    host,
  }) => {
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
    // "Last 30 days" is the 30 days up to the clock's today, not up to the newest data.
    await expect(dashboard.to).toHaveValue('2026-11-30')
    await expect(dashboard.from).toHaveValue('2026-11-01')
    await expect(page.getByTestId('data-age')).toContainText('29 days old')
    const expected = sqlLeadResponse(host.dbPath, '2026-11-01', '2026-11-30')
    expect(Number(await dashboard.overTarget.getAttribute('data-value'))).toBe(expected.over)

    // A week back from today holds none of the data: said in words, never as zeros.
    await page.getByTestId('preset-last7').click()
    await expect(dashboard.from).toHaveValue('2026-11-24')
    await dashboard.ready.waitFor()
    expect(sqlLeadResponse(host.dbPath, '2026-11-24', '2026-11-30').leads).toBe(0)
    await expect(dashboard.averageResponse).toContainText('No leads in this range')
  })
})
