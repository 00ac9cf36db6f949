// Alerts end to end (issue 13): a live demo upstream, `watchfloor serve` synced from it, and a
// rule on the leads of the last 7 days set just above today's count. New leads written upstream
// breach it: the alert shows in the header's panel and on the wall's banner within the sync
// interval plus the rule's `for`; acknowledging it moves it to Acknowledged.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import type { AlertRule, DashboardData } from '../../shared/api/index.ts'
import { HostApi } from '../support/host-client.ts'
import { DashboardPage } from './dashboard-page.ts'
import { liveUpstream } from './live-upstream-fixture.ts'

const RULE = 'E2E leads this week'
const LAST_7_UTC = { range: { preset: 'last7', timeZone: 'UTC' } } as const

/** Console errors the page logs: none is expected. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  return errors
}

test('a breach upstream shows in the panel and on the wall; acknowledged, it moves to Acknowledged', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000)
  const upstream = await liveUpstream(10)
  let api: HostApi | undefined
  try {
    const errors = consoleErrors(page)
    const dashboard = new DashboardPage(page)
    await dashboard.open(upstream.url)
    await expect(page.getByTestId('source-Postgres')).toHaveAttribute('data-source-state', 'live', {
      timeout: 60_000,
    })

    // The rule: this week's leads above today's count plus a few, holding for 2 s.
    api = await HostApi.open(upstream.url)
    const leadsNow = async () =>
      (
        await api!.call<DashboardData>('kpis.dashboard', {
          filters: LAST_7_UTC,
          dashboards: ['leadResponse'],
        })
      ).leadResponse?.leads ?? 0
    const start = await leadsNow()
    const rule = await api.call<AlertRule>('rules.save', {
      name: RULE,
      metric: 'leads',
      comparator: '>',
      warning: start + 3,
      forSeconds: 2,
      filters: LAST_7_UTC,
      message: '{name}: {value} leads this week',
    })

    // The upstream keeps writing leads: the rule fires and the header's button counts it.
    const button = page.getByTestId('alerts-button')
    await expect
      .poll(leadsNow, { timeout: 60_000, message: 'new leads reach the cache' })
      .toBeGreaterThan(start + 3)
    await button.click()
    const panel = page.getByTestId('alert-panel')
    await expect(panel).toBeVisible()
    const item = panel.locator(`[data-testid="alert-item"][data-key="rule:${rule.id}"]`)
    // Sync interval (live: seconds) + for (2 s) + the engine's timer (30 s) at the most.
    await expect(item).toBeVisible({ timeout: 60_000 })
    await expect(item).toContainText(RULE)
    await expect(item).toContainText('leads this week')
    await expect(button).toHaveAttribute('data-severity', /warning|critical/)

    // The open panel passes axe.
    const axe = await new AxeBuilder({ page }).include('[data-testid="alert-panel"]').analyze()
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])

    // The wall's banner shows it too, in a page of its own.
    const wall = await browser.newPage()
    const wallErrors = consoleErrors(wall)
    await wall.goto(`${upstream.url}?mode=wall`)
    await expect(
      wall.locator(`[data-testid="wall-alerts"] [data-alert-key="rule:${rule.id}"]`),
    ).toBeVisible({ timeout: 60_000 })

    // Acknowledged: it leaves Active for Acknowledged.
    await item.getByTestId('alert-acknowledge').click()
    await expect(item).toHaveCount(0)
    await page.getByTestId('alerts-tab-acknowledged').click()
    await expect(
      panel.locator(`[data-testid="alert-item"][data-key="rule:${rule.id}"]`),
    ).toBeVisible()
    // History lists its firing.
    await page.getByTestId('alerts-tab-history').click()
    await expect(
      panel.getByTestId('alert-history-item').filter({ hasText: RULE }).first(),
    ).toBeVisible()

    expect(errors).toEqual([])
    expect(wallErrors).toEqual([])
    await wall.close()
  } finally {
    api?.close()
    await upstream.stop()
  }
})
