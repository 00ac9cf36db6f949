import Database from 'better-sqlite3'
import { VIEW_IDS } from '../../shared/api/views.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'
import { DEFAULT_TARGETS } from '../../main/metrics/registry.ts'

const RESPONSE_TARGET_SECONDS = DEFAULT_TARGETS.responseSeconds

const DAY = 86_400_000

/** Runs one read-only query on the served cache file. */
function sql<T>(dbPath: string, text: string, ...params: (string | number)[]): T[] {
  const db = new Database(dbPath, { readonly: true })
  try {
    return db.prepare(text).all(...params) as T[]
  } finally {
    db.close()
  }
}

/** Half-open UTC bounds of an inclusive day range (the e2e config runs the page in UTC). */
const bounds = (from: string, to: string): [number, number] => [
  Date.parse(from),
  Date.parse(to) + DAY,
]

/** Leads over the response target in the shown range, optionally of one source or owner: SQL's count. */
function overTarget(
  dbPath: string,
  [from, to]: [number, number],
  only?: { column: 'source' | 'owner'; value: string },
): number {
  const [row] = sql<{ over: number }>(
    dbPath,
    `SELECT count(*) - sum(CASE WHEN first_response_at IS NOT NULL AND first_response_at - created_at <= ${RESPONSE_TARGET_SECONDS * 1000} THEN 1 ELSE 0 END) AS over
       FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?
        ${only ? `AND ${only.column} = ?` : ''}`,
    from,
    to,
    ...(only ? [only.value] : []),
  )
  return row?.over ?? NaN
}

const VIEWS = VIEW_IDS

test('Marketing ROI lists every channel with the lead count SQL gives for the shown range', async ({
  page,
  host,
}) => {
  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  await ops.openTab('marketing')
  await expect(ops.tab('marketing')).toHaveAttribute('aria-selected', 'true')
  const from = await ops.from.inputValue()
  const to = await ops.to.inputValue()

  const expected = sql<{ source: string; n: number }>(
    host.dbPath,
    'SELECT source, count(*) AS n FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ? GROUP BY source',
    ...bounds(from, to),
  )
  expect(expected.length).toBeGreaterThan(2)
  const shown = await ops.channelLeads()
  for (const { source, n } of expected) expect(shown[source], source).toBe(n)
  // A configured channel without leads in the range is listed with 0, never invented.
  for (const [channel, leads] of Object.entries(shown))
    if (!expected.some((e) => e.source === channel)) expect(leads, channel).toBe(0)
  await page.screenshot({ path: test.info().outputPath('dashboard-marketing.png'), fullPage: true })

  // A column header sorts the table and says so; the rows stay those SQL gives.
  const leadsHeader = page.locator('[data-testid="roi-table"] th', { hasText: 'Leads' })
  await page.getByTestId('roi-table-sort-leads').click()
  await expect(leadsHeader).toHaveAttribute('aria-sort', 'descending')
  const order = async (): Promise<number[]> =>
    page
      .getByTestId('roi-row')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-leads'))))
  const descending = await order()
  expect(descending).toEqual([...descending].sort((a, b) => b - a))
  await page.getByTestId('roi-table-sort-leads').click()
  await expect(leadsHeader).toHaveAttribute('aria-sort', 'ascending')
  const ascending = await order()
  expect(ascending).toEqual([...descending].sort((a, b) => a - b))
  expect(await ops.channelLeads()).toEqual(shown)

  // Another range moves every row to that range's SQL.
  await ops.setRange('2026-06-01', '2026-06-14')
  const june = sql<{ source: string; n: number }>(
    host.dbPath,
    'SELECT source, count(*) AS n FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ? GROUP BY source',
    ...bounds('2026-06-01', '2026-06-14'),
  )
  const shownJune = await ops.channelLeads()
  for (const { source, n } of june) expect(shownJune[source], source).toBe(n)
})

test('one source ticked in the filter bar gives that source’s lead-response figures', async ({
  page,
  host,
}) => {
  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  const from = await ops.from.inputValue()
  const to = await ops.to.inputValue()
  const overFor = (source: string | null): number =>
    overTarget(
      host.dbPath,
      bounds(from, to),
      source === null ? undefined : { column: 'source', value: source },
    )
  expect(Number(await ops.overTarget.getAttribute('data-value'))).toBe(overFor(null))

  await ops.toggleFilterValue('source', 'Facebook Ads')
  await expect(ops.filter('source')).toContainText('Facebook Ads')
  const facebook = overFor('Facebook Ads')
  expect(facebook).toBeLessThan(overFor(null))
  expect(Number(await ops.overTarget.getAttribute('data-value'))).toBe(facebook)
  expect(new URL(page.url()).searchParams.get('f')).toContain('source-Facebook*20Ads')

  // Clearing the filters gives the whole set back.
  await page.getByTestId('filters-clear').click()
  await ops.ready.waitFor()
  expect(Number(await ops.overTarget.getAttribute('data-value'))).toBe(overFor(null))
})

test('the city and owner filters list what the cache holds, and an owner ticked gives their figures', async ({
  page,
  host,
}) => {
  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  const listed = async (field: string): Promise<string[]> => {
    const options = page.locator(`[data-testid="filter-${field}-option"]`)
    return options.evaluateAll((els) => els.map((el) => el.getAttribute('data-value') ?? ''))
  }
  const distinct = (column: 'city' | 'owner') =>
    sql<{ v: string }>(
      host.dbPath,
      `SELECT DISTINCT ${column} AS v FROM leads WHERE deleted_at IS NULL ORDER BY 1`,
    ).map((r) => r.v)

  // Cities: every one the cache holds; eleven of them, so a search box narrows the list. The lists
  // arrive by a request of their own, which "ready" does not wait for: poll.
  await ops.filter('city').click()
  await expect.poll(() => listed('city')).toEqual(distinct('city'))
  await page.getByTestId('filter-city-search').fill('bloomfield')
  await expect.poll(() => listed('city')).toEqual(['Bloomfield Hills', 'West Bloomfield'])
  await page.keyboard.press('Escape')
  // Reopened, the whole list again.
  await ops.filter('city').click()
  await expect.poll(() => listed('city')).toEqual(distinct('city'))
  await page.keyboard.press('Escape')

  await ops.filter('owner').click()
  const owners = distinct('owner')
  await expect.poll(() => listed('owner')).toEqual(owners)
  await page.keyboard.press('Escape')

  const owner = owners[0] as string
  const from = await ops.from.inputValue()
  const to = await ops.to.inputValue()
  const expected = overTarget(host.dbPath, bounds(from, to), { column: 'owner', value: owner })
  await ops.toggleFilterValue('owner', owner)
  await expect(ops.filter('owner')).toContainText(owner)
  expect(Number(await ops.overTarget.getAttribute('data-value'))).toBe(expected)
})

test('the URL keeps the tab and the filters across a reload, and a bad link says so', async ({
  page,
  host,
}) => {
  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  await ops.openTab('trends')
  await ops.setRange('2026-06-01', '2026-06-14')
  await ops.toggleFilterValue('temperature', 'hot')
  await ops.toggleFilterValue('source', 'Nextdoor')
  const url = page.url()

  await page.reload()
  await ops.readyOn('trends').waitFor()
  expect(page.url()).toBe(url)
  await expect(ops.tab('trends')).toHaveAttribute('aria-selected', 'true')
  await expect(ops.from).toHaveValue('2026-06-01')
  await expect(ops.to).toHaveValue('2026-06-14')
  await expect(ops.filter('temperature')).toContainText('hot')
  await expect(ops.filter('source')).toContainText('Nextdoor')
  await expect(ops.urlNotice).toHaveCount(0)

  // The trend chart shows the filtered set: SQL for hot Nextdoor leads in those days.
  const [expected] = sql<{ n: number }>(
    host.dbPath,
    `SELECT count(*) AS n FROM leads WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ?
        AND temperature = 'hot' AND source = 'Nextdoor'`,
    ...bounds('2026-06-01', '2026-06-14'),
  )
  const total = await page.getByTestId('chart-trend-leads').evaluate((el) => {
    const plot = el.matches('.js-plotly-plot') ? el : el.querySelector('.js-plotly-plot')
    const traces = (plot as { data?: { y?: number[] }[] } | null)?.data
    return (traces?.[0]?.y ?? []).reduce((a, b) => a + b, 0)
  })
  expect(total).toBe(expected?.n)

  // A link whose filters cannot be read: a clear message, and the defaults rather than a guess.
  const bad = new URL(host.url)
  bad.searchParams.set('view', 'marketing')
  bad.searchParams.set('f', 'r-last30.z-UTC.colour-red')
  await page.goto(bad.toString())
  await ops.readyOn('marketing').waitFor()
  await expect(ops.urlNotice).toContainText('colour')
  await expect(ops.to).toHaveValue('2026-11-01')
  await expect(ops.filter('source')).toContainText('all')
})

test('every tab reaches ready without a console error or warning', async ({ page, host }) => {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))

  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  await expect(ops.errorBanner).toHaveCount(0)
  await page.screenshot({ path: test.info().outputPath('dashboard-overview.png'), fullPage: true })
  for (const view of VIEWS) {
    await ops.openTab(view)
    await expect(ops.errorBanner).toHaveCount(0)
    if (view === 'trends')
      await page.screenshot({
        path: test.info().outputPath('dashboard-trends.png'),
        fullPage: true,
      })
  }
  // Back to the first tab with the browser's history.
  await page.goBack()
  await ops.readyOn('activity').waitFor()
  expect(problems).toEqual([])
})
