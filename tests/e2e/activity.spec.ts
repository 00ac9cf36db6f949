// The Activity feed on demo data, and a panel that throws while the rest of
// the page works. The render error is provoked from outside the app, without
// a test hook in what users get: Playwright routes the page's api WebSocket
// and hands the page one malformed dashboard answer.
import AxeBuilder from '@axe-core/playwright'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'
import { LivePage } from './live-page.ts'

test('the Activity feed reads as sentences, newest first, with age and date, and pages on', async ({
  page,
  host,
}) => {
  const dashboards = new DashboardsPage(page)
  const live = new LivePage(page)
  // The feed's first pages as they reach the page (the Activity tab's dashboard answers).
  let firstPages = 0
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"activity":{')) firstPages++
    }),
  )
  await page.goto(`${host.url}?view=activity`)
  await dashboards.readyOn('activity').waitFor()

  // `demo fill` wrote the demo's last days as events: the feed is not empty.
  await expect(live.feedEvents).toHaveCount(50)
  const texts = await live.feedTexts.allInnerTexts()
  for (const text of texts) {
    expect(text.length).toBeGreaterThan(5)
    // A sentence, never a payload.
    expect(text).not.toMatch(/[{}[\]"]/)
  }
  expect(texts.some((t) => /^Lead L-\d+ from .+ answered in \d/.test(t))).toBe(true)
  expect(texts.some((t) => /^New lead L-\d+ from /.test(t))).toBe(true)
  // Each entry has when both ways: its age against the page's clock and the date.
  const first = live.feedEvents.first()
  await expect(first.locator('.activity-age')).toHaveText(/ago|just now/)
  await expect(first.locator('.activity-at')).toContainText('2026')

  const times = () =>
    page
      .locator('[data-testid="activity-event"] time')
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime') ?? '')))
  await live.olderButton.click()
  await expect(live.feedEvents).toHaveCount(100)
  const shown = await times()
  expect(shown).toEqual([...shown].sort((a, b) => b - a))
  const ids = await live.feedEvents.evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-event-id')),
  )
  expect(new Set(ids).size).toBe(100)
  // A fresh first page (a live update, here Refresh) keeps the older pages loaded.
  const before = firstPages
  await live.refreshNow.click()
  await expect.poll(() => firstPages, { timeout: 20_000 }).toBeGreaterThan(before)
  await expect(live.feedEvents).toHaveCount(100)
  expect(
    await live.feedEvents.evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id'))),
  ).toEqual(ids)
  // Deals are won in these days too: "Deal won: $12,400 with L-…".
  for (let page = 0; page < 10; page++) {
    const all = await live.feedTexts.allInnerTexts()
    if (all.some((t) => /^Deal won: (\$[\d,]+|value not recorded) with L-\d+/.test(t))) break
    await live.olderButton.click()
    await expect(live.feedEvents).toHaveCount(100 + (page + 1) * 50)
  }
  expect(
    (await live.feedTexts.allInnerTexts()).some((t) =>
      /^Deal won: (\$[\d,]+|value not recorded) with L-\d+/.test(t),
    ),
  ).toBe(true)
  // The controls paused, their marker showing: axe-core finds nothing serious in them or the feed.
  await live.liveSwitch.click()
  await expect(live.waiting).toHaveText('Paused — 0 updates waiting')
  const { violations } = await new AxeBuilder({ page })
    .include('[data-testid="live-controls"]')
    .include('[data-testid="activity-panel"]')
    .analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])
})

test('a panel that throws says so with a retry while the rest of the page works', async ({
  page,
  host,
}) => {
  // The first dashboard answer reaches the page with its leads-per-day series missing. Until
  // Retry is clicked the page hears of no data change (a recompute finishing as the page opens
  // would bring a whole answer, and the panel heals by itself, as it should on a wall).
  let spoil = true
  let quiet = true
  await page.routeWebSocket(/\/api(\?|$)/, (socket) => {
    const server = socket.connectToServer()
    socket.onMessage((message) => server.send(message))
    server.onMessage((message) => {
      if (quiet && typeof message === 'string' && message.includes('"data.changed"')) return
      if (spoil && typeof message === 'string' && message.includes('"previousRange"')) {
        const frame = JSON.parse(message) as { r?: { value?: { trends?: { leads?: unknown } } } }
        if (frame.r?.value?.trends !== undefined) {
          frame.r.value.trends.leads = null
          spoil = false
          socket.send(JSON.stringify(frame))
          return
        }
      }
      socket.send(message)
    })
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const dashboards = new DashboardsPage(page)
  const live = new LivePage(page)
  await page.goto(host.url)

  await expect(live.failedPanel).toHaveCount(1)
  await expect(live.failedPanel).toContainText('This panel failed:')
  await expect(live.failedPanel.getByRole('button', { name: 'Retry' })).toBeVisible()
  // The rest of the page works: the cards have their numbers, tabs still switch.
  await expect(page.getByTestId('kpi-leads')).not.toHaveAttribute('data-value', '')
  await expect(page.getByTestId('app')).toBeVisible()

  // Retry asks again; the fresh answer is whole, and the chart draws.
  quiet = false
  await live.failedPanel.getByRole('button', { name: 'Retry' }).click()
  await expect(live.failedPanel).toHaveCount(0)
  await expect(dashboards.chart).toBeVisible()
  await dashboards.readyOn('overview').waitFor()
  await dashboards.openTab('marketing')
  // Nothing escaped the panel's boundary to the window.
  expect(errors).toEqual([])
})
