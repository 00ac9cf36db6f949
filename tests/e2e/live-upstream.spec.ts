// A screen synced from a live upstream, set up exactly as an admin would:
// `watchfloor demo upstream` writing to Postgres and Redis, and
// `watchfloor serve --pg … --redis …` showing it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { Redis } from 'ioredis'
import pg from 'pg'
import { DashboardPage } from './dashboard-page.ts'
import { serveCache } from './host-fixture.ts'
import { LivePage } from './live-page.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const cli = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))

test('the status bar shows live sources and their throughput, and the Demo badge is gone', async ({
  page,
}) => {
  const schema = `wf_e2e_${process.pid}_${Date.now()}`
  const tenant = `te${process.pid}${Date.now()}`
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-live-'))
  const writer: ChildProcess = spawn(
    process.execPath,
    [
      cli,
      'demo',
      'upstream',
      '--pg',
      PG_URL,
      '--redis',
      REDIS_URL,
      '--schema',
      schema,
      '--tenant',
      tenant,
      '--leads',
      '2000',
      '--rate',
      '20',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let host: Awaited<ReturnType<typeof serveCache>> | undefined
  try {
    // Serve once the upstream says it is writing (seeded, change log installed).
    await new Promise<void>((resolve, reject) => {
      let err = ''
      writer.stderr?.on('data', (d: Buffer) => {
        err += d.toString()
        if (err.includes('Writing')) resolve()
      })
      writer.once('exit', (code) => reject(new Error(`demo upstream exited (${code}): ${err}`)))
    })
    host = await serveCache(join(dir, 'cache.sqlite'), [
      '--pg',
      PG_URL,
      '--pg-schema',
      schema,
      '--redis',
      REDIS_URL,
      '--tenant',
      tenant,
    ])
    const dashboard = new DashboardPage(page)
    await dashboard.open(host.url)
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
    host?.child.kill('SIGTERM')
    writer.kill('SIGTERM')
    await Promise.all(
      [host?.child, writer]
        .filter((c): c is ChildProcess => c !== undefined && c.exitCode === null)
        .map((c) => new Promise((resolve) => c.once('exit', resolve))),
    )
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
    const redis = new Redis(REDIS_URL)
    await redis.del(`ops:${tenant}:events`)
    redis.disconnect()
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * `watchfloor demo upstream` writing to its own schema and stream, and `watchfloor serve` synced
 * from it; `stop()` ends both and removes what they made.
 */
async function liveUpstream(rate: number): Promise<{
  url: string
  tenant: string
  /** Ends the writer only: the stream goes quiet, the host stays. */
  stopWriter: () => Promise<void>
  stop: () => Promise<void>
}> {
  const schema = `wf_e2e_${process.pid}_${Date.now()}`
  const tenant = `te${process.pid}${Date.now()}`
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-live-'))
  const writer: ChildProcess = spawn(
    process.execPath,
    [
      cli,
      'demo',
      'upstream',
      '--pg',
      PG_URL,
      '--redis',
      REDIS_URL,
      '--schema',
      schema,
      '--tenant',
      tenant,
      '--leads',
      '2000',
      '--rate',
      String(rate),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let host: Awaited<ReturnType<typeof serveCache>> | undefined
  const stopWriter = async () => {
    if (writer.exitCode !== null) return
    const exited = new Promise((resolve) => writer.once('exit', resolve))
    writer.kill('SIGTERM')
    await exited
  }
  const stop = async () => {
    host?.child.kill('SIGTERM')
    writer.kill('SIGTERM')
    await Promise.all(
      [host?.child, writer]
        .filter((c): c is ChildProcess => c !== undefined && c.exitCode === null)
        .map((c) => new Promise((resolve) => c.once('exit', resolve))),
    )
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
    const redis = new Redis(REDIS_URL)
    await redis.del(`ops:${tenant}:events`)
    redis.disconnect()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let err = ''
      writer.stderr?.on('data', (d: Buffer) => {
        err += d.toString()
        if (err.includes('Writing')) resolve()
      })
      writer.once('exit', (code) => reject(new Error(`demo upstream exited (${code}): ${err}`)))
    })
    host = await serveCache(join(dir, 'cache.sqlite'), [
      '--pg',
      PG_URL,
      '--pg-schema',
      schema,
      '--redis',
      REDIS_URL,
      '--tenant',
      tenant,
    ])
    return { url: host.url, tenant, stopWriter, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

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
