// A screen synced from a live upstream, set up exactly as an admin would:
// `watchfloor demo upstream` writing to Postgres and Redis, and
// `watchfloor serve --pg … --redis …` showing it.
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { Redis } from 'ioredis'
import { DashboardPage } from './dashboard-page.ts'
import { LivePage } from './live-page.ts'
import { liveUpstream } from './live-upstream-fixture.ts'

const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

test('the status bar shows live sources and their throughput, and the Demo badge is gone', async ({
  page,
}) => {
  const upstream = await liveUpstream(20)
  try {
    const dashboard = new DashboardPage(page)
    await dashboard.open(upstream.url)
    await expect(page.getByTestId('source-Postgres')).toHaveAttribute('data-source-state', 'live', {
      timeout: 60_000,
    })
    await expect(page.getByTestId('source-Redis')).toHaveAttribute('data-source-state', 'live')
    await expect(page.getByTestId('demo-badge')).toHaveCount(0)
    // The stream is being written at 20 events/s: its rate shows in the status bar.
    await expect(page.getByTestId('source-rate-Redis')).toContainText('events/s', {
      timeout: 30_000,
    })
    await expect(page.getByTestId('status-footer')).not.toContainText('postgres://')
    // System health lists the same sources with their throughput.
    await page.getByTestId('tab-health').click()
    await dashboard.ready.waitFor()
    const pgRow = page.locator('[data-testid="health-source"][data-source="Postgres"]')
    await expect(pgRow).toHaveAttribute('data-source-state', 'live')
    await expect(pgRow.getByTestId('health-source-rate')).toContainText('rows/s')
  } finally {
    await upstream.stop()
  }
})

test('a live upstream change reaches the open dashboard; paused, it waits until resumed; an alert is a toast and a feed entry', async ({
  page,
}) => {
  const upstream = await liveUpstream(10)
  try {
    const dashboard = new DashboardPage(page)
    const live = new LivePage(page)
    await dashboard.open(upstream.url)
    await expect(page.getByTestId('source-Postgres')).toHaveAttribute('data-source-state', 'live', {
      timeout: 60_000,
    })
    const leads = page.getByTestId('kpi-leads')
    const count = async () => Number(await leads.getAttribute('data-value'))

    // New leads written upstream now fall in "last 30 days": the card moves without a reload.
    const before = await count()
    await expect.poll(count, { timeout: 60_000 }).toBeGreaterThan(before)
    // A mark on this document: gone if anything reloaded the page.
    await page.evaluate(() => document.documentElement.setAttribute('data-e2e-same-page', ''))

    // Paused: changes arrive and wait, counted; the card keeps its number.
    await expect(live.liveSwitch).toHaveAttribute('aria-checked', 'true')
    await live.liveSwitch.click()
    await expect(live.liveSwitch).toHaveAttribute('aria-checked', 'false')
    await expect(live.waiting).toContainText(/Paused — \d+ updates? waiting/, { timeout: 30_000 })
    await dashboard.ready.waitFor()
    const held = await count()
    const waitingNow = async () => Number(await live.waiting.getAttribute('data-waiting'))
    const seen = await waitingNow()
    // Several more changes arrive while paused (the writer adds 10 a second).
    await expect.poll(waitingNow, { timeout: 60_000 }).toBeGreaterThanOrEqual(seen + 3)
    await expect.poll(count, { timeout: 60_000 }).toBeGreaterThanOrEqual(held)
    expect(await count()).toBe(held)

    // Resumed: what waited is applied at once, and the marker goes.
    await live.liveSwitch.click()
    await expect(live.liveSwitch).toHaveAttribute('aria-checked', 'true')
    await expect(live.waiting).toHaveText('')
    await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(held)
    // The manual refresh asks again and the page stays whole.
    await live.refreshNow.click()
    await dashboard.ready.waitFor()

    // An upstream alert published on Redis: a toast (polite, dismissable) and a feed entry. The
    // writer stops first, so newer lead events cannot push the alert off the feed's first page.
    await upstream.stopWriter()
    const id = `e2e-${Date.now()}`
    const message = `Dispatch queue stalled (${id})`
    const redis = new Redis(REDIS_URL)
    try {
      await redis.publish(
        `ops:${upstream.tenant}:alerts`,
        JSON.stringify({
          id,
          tenant: upstream.tenant,
          kind: 'dispatch',
          severity: 'critical',
          message,
          value: 3,
          at: new Date().toISOString(),
        }),
      )
    } finally {
      redis.disconnect()
    }
    await expect(live.toasts).toHaveAttribute('aria-live', 'polite')
    const toast = live.toast.filter({ hasText: message })
    await expect(toast).toBeVisible({ timeout: 30_000 })
    await expect(toast).toHaveAttribute('data-severity', 'critical')
    const { violations } = await new AxeBuilder({ page })
      .include('[data-testid="toasts"]')
      .analyze()
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help}`),
    ).toEqual([])
    await page.getByTestId('tab-activity').click()
    await expect(live.feedAlert(id)).toContainText(message, { timeout: 30_000 })
    await expect(live.feedAlert(id)).toContainText('Alert · critical')
    // Critical: it stays until dismissed.
    await expect(toast).toBeVisible()
    await toast.getByTestId('toast-dismiss').click()
    await expect(toast).toHaveCount(0)
    await expect(page.locator('html[data-e2e-same-page]')).toHaveCount(1)
  } finally {
    await upstream.stop()
  }
})
