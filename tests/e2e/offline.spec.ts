// Honest status (issue 11): a page whose host goes away says "Offline —
// showing data as of …" within 5 s and keeps its numbers; a host started
// again on the same port and cache brings it back to live without a reload.
// A source whose upstream cannot be reached is shown offline with its error,
// and Health lists that error once.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'
import { LivePage } from './live-page.ts'
import { StatusPage } from './status-page.ts'
import { freePort } from '../support/wait.ts'

const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}

test('host killed: "Offline" within 5 s with the numbers kept; host back: live without a reload', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-offline-'))
  const children: ChildProcess[] = []
  try {
    const dbPath = demoCache(dir, 5_000)
    const first = await serveCache(dbPath, ['--no-demo'])
    children.push(first.child)
    const port = new URL(first.url).port
    const status = new StatusPage(page)
    await page.goto(first.url)
    await status.ready.waitFor()
    const before = await status.cardValues()
    expect(before.length).toBeGreaterThan(0)
    expect(before.every((v) => v !== null && v !== '')).toBe(true)
    await expect(status.offlineHeader).toHaveCount(0)
    // A property of this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { wfSameDocument: true }))

    await stop(first.child, 'SIGKILL')
    await expect(status.offlineHeader).toBeVisible({ timeout: 5_000 })
    await expect(status.offlineHeader).toContainText('Offline — showing data as of')
    await expect(status.footerOffline).toContainText('Offline — showing data as of')
    expect(await status.cardValues()).toEqual(before)

    const second = await serveCache(dbPath, ['--no-demo', '--port', port])
    children.push(second.child)
    expect(new URL(second.url).port).toBe(port)
    // The bridge retries with backoff (at most 10 s apart), renews its session and refetches.
    await expect(status.offlineHeader).toHaveCount(0, { timeout: 30_000 })
    await expect(status.dataAsOf).toContainText('Data as of')
    await expect(status.footerOffline).toHaveCount(0)
    await status.ready.waitFor()
    expect(await page.evaluate(() => 'wfSameDocument' in window)).toBe(true)
    expect(await status.cardValues()).toEqual(before)
  } finally {
    for (const child of children) await stop(child, 'SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the host dies while a refresh is in flight: the page keeps its numbers and says "showing data as of"', async ({
  page,
}) => {
  // The race the CI once lost by chance, played on purpose: the answers to a Refresh are held
  // back, the host is killed with the questions in flight, and each failed answer must leave the
  // last good one on screen. Emptying them read "Offline — no data received yet".
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-offline-race-'))
  let child: ChildProcess | undefined
  try {
    const dbPath = demoCache(dir, 5_000)
    const host = await serveCache(dbPath, ['--no-demo'])
    child = host.child
    let hold = false
    let askedWhileHeld = 0
    await page.routeWebSocket(/\/api(\?|$)/, (socket) => {
      const server = socket.connectToServer()
      socket.onMessage((message) => {
        if (hold) askedWhileHeld += 1
        server.send(message)
      })
      server.onMessage((message) => {
        if (!hold) socket.send(message)
      })
    })
    const status = new StatusPage(page)
    await page.goto(host.url)
    await status.ready.waitFor()
    await expect(status.dataAsOf).toContainText('Data as of')
    const before = await status.cardValues()
    expect(before.length).toBeGreaterThan(0)
    expect(before.every((v) => v !== null && v !== '')).toBe(true)

    hold = true
    await new LivePage(page).refreshNow.click()
    await expect.poll(() => askedWhileHeld, { timeout: 15_000 }).toBeGreaterThan(0)
    await stop(host.child, 'SIGKILL')

    await expect(status.offlineHeader).toBeVisible({ timeout: 10_000 })
    await expect(status.offlineHeader).toContainText('Offline — showing data as of')
    await expect(status.offlineHeader).not.toContainText('no data received yet')
    expect(await status.cardValues()).toEqual(before)
  } finally {
    if (child) await stop(child, 'SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an unreachable upstream: the footer shows the source offline and Health lists its error once', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-unreachable-'))
  let child: ChildProcess | undefined
  try {
    const dbPath = demoCache(dir, 2_000)
    // Ports nothing listens on: bound a moment ago by freePort, then closed.
    const pgPort = await freePort()
    const redisPort = await freePort()
    const host = await serveCache(dbPath, [
      '--pg',
      `postgres://postgres@127.0.0.1:${pgPort}/test`,
      '--redis',
      `redis://127.0.0.1:${redisPort}`,
      '--tenant',
      'nobody',
    ])
    child = host.child
    const status = new StatusPage(page)
    await page.goto(`${host.url}?view=health`)
    const postgres = status.source('Postgres')
    await expect(postgres).toHaveAttribute('data-source-state', 'offline', { timeout: 30_000 })
    const refused = `Cannot reach Postgres at 127.0.0.1:${pgPort}`
    await expect(postgres).toContainText(refused)
    // Said once in the footer: the message is not repeated as its "last error".
    expect(((await postgres.textContent()) ?? '').split(refused).length - 1).toBe(1)

    // Health's list is read when the dashboard is asked again; a reload shows the current one.
    await page.reload()
    await status.ready.waitFor()
    await expect(status.healthErrors.filter({ hasText: refused })).toHaveCount(1)
    const messages = await status.healthErrors.allTextContents()
    expect(new Set(messages).size).toBe(messages.length)
    await expect(page.getByTestId('health-no-errors')).toHaveCount(0)
    const row = status.healthSources.filter({ hasText: 'Postgres' })
    expect(((await row.textContent()) ?? '').split(refused).length - 1).toBe(1)
    // The table keeps inside its panel.
    const overflow = await page.getByTestId('health-sources').evaluate((table) => {
      const panel = table.closest('.panel')
      return panel === null
        ? 0
        : table.getBoundingClientRect().right - panel.getBoundingClientRect().right
    })
    expect(overflow).toBeLessThanOrEqual(1)
  } finally {
    if (child) await stop(child, 'SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})
