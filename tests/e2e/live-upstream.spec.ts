// A screen synced from a live upstream, set up exactly as an admin would:
// `watchfloor demo upstream` writing to Postgres and Redis, and
// `watchfloor serve --pg … --redis …` showing it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'
import { Redis } from 'ioredis'
import pg from 'pg'
import { DashboardPage } from './dashboard-page.ts'
import { serveCache } from './host-fixture.ts'

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
