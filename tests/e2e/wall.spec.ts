// Wall mode through the real host (`watchfloor serve`) in Chromium: every view fits the
// screen, the playlist rotates in order, and the wall heals itself (a reload, a dropped
// socket, a restarted host) and keeps rotating through a simulated week, all without a person;
// once a day it reloads itself, at a rotation boundary and never over an alert.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { Page } from '@playwright/test'
import type { AlertRule } from '../../shared/api/index.ts'
import { VIEW_IDS } from '../../shared/api/views.ts'
import { HostApi } from '../support/host-client.ts'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'
import { WallPage } from './wall-page.ts'

const ALL_VIEWS = VIEW_IDS
/**
 * The page's clock keeps running between the test's jumps; slots far longer than a test's
 * real duration keep a jump of one interval exactly one slot on.
 */
const HOUR = 60 * 60_000
const docsDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))

let dir = ''
let dbPath = ''
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-wall-'))
  dbPath = demoCache(dir, 20_000)
})
test.afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Host {
  readonly url: string
  readonly child: ChildProcess
}

async function serve(port?: number): Promise<Host> {
  const extra = ['--no-demo', ...(port === undefined ? [] : ['--port', String(port)])]
  const { url, child } = await serveCache(dbPath, extra)
  return { url, child }
}

async function stop(host: Host): Promise<void> {
  if (host.child.exitCode !== null) return
  host.child.kill('SIGTERM')
  await new Promise((resolve) => host.child.once('exit', resolve))
}

/** The wall never asks anything of a person: any dialog fails the test. */
function failOnDialog(page: Page): string[] {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return dialogs
}

/** Moves the page's clock on by one slot and waits for the next view of the playlist. */
async function nextSlot(wall: WallPage, intervalMs: number): Promise<string> {
  const before = await wall.slot()
  const expected =
    before.playlist[(before.playlist.indexOf(before.view) + 1) % before.playlist.length]
  await wall.page.clock.fastForward(intervalMs)
  await expect(wall.root).toHaveAttribute('data-slot', String(before.slot + 1))
  await wall.ready(expected).waitFor({ timeout: 30_000 })
  return expected ?? ''
}

/**
 * Chart text read from 5 m: a tick label at least this share of the screen's height (a desk's
 * 13 px would be 1.2 % at 1080p and 0.6 % at 4K).
 */
const MIN_TICK_SHARE = 0.014

/** The computed font size (px) of the first axis tick label of the view's charts, if any. */
async function tickFontPx(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const tick = document.querySelector('.wall-view .xtick text, .wall-view .ytick text')
    return tick === null ? null : parseFloat(getComputedStyle(tick).fontSize)
  })
}

test('every view fits 1920×1080 and 3840×2160 without scrolling or cutting anything, its chart text sized to the screen', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000)
  const host = await serve()
  try {
    const dialogs = failOnDialog(page)
    const ticks: { view: string; height: number; px: number }[] = []
    const wall = new WallPage(page)
    for (const [width, height] of [
      [1920, 1080],
      [3840, 2160],
    ] as const) {
      await page.setViewportSize({ width, height })
      await wall.open(host.url, `playlist=${ALL_VIEWS.join(',')}&interval=1h`)
      for (let i = 0; i < ALL_VIEWS.length; i += 1) {
        const { view } = await wall.slot()
        await wall.ready(view).waitFor()
        // The view settles its size after it is drawn (charts fill the space left, and a view
        // that still overflows is scaled down a step per frame): wait for it to fit.
        await expect
          .poll(
            async () => {
              const { scroll, clipped } = await wall.overflow()
              return [scroll, ...clipped].filter((o) => o.height > 0 || o.width > 0)
            },
            { message: `${view} at ${width}×${height}: scrolls or cuts something off` },
          )
          .toEqual([])
        // A view with a trace on axes has tick labels once drawn (a chart may redraw, and its
        // ticks be absent for a frame, just as they are read: read again until they are there).
        const axes = await page.locator('.wall-view .cartesianlayer .trace').count()
        let px = await tickFontPx(page)
        if (axes > 0) {
          await expect
            .poll(async () => (px = await tickFontPx(page)), {
              message: `${view} at ${width}×${height}: tick labels`,
              timeout: 15_000,
            })
            .not.toBeNull()
        }
        if (px !== null) ticks.push({ view, height, px })
        // No controls on a wall: none shown (a sort header or a row's pick reads as its words),
        // and the view is inert, so nothing in it takes a click or the focus.
        await expect(
          page.locator(
            '.wall button:visible:not(.sort-button, .row-pick), .wall input:visible, .wall select:visible',
          ),
        ).toHaveCount(0)
        await expect(page.locator('.wall-view')).toHaveJSProperty('inert', true)
        await page.screenshot({ path: testInfo.outputPath(`wall-${view}-${width}x${height}.png`) })
        // The README's picture is rewritten on request only (WATCHFLOOR_README_SCREENSHOTS=1, as
        // in themes.spec.ts), so a test run does not dirty a committed file.
        if (width === 1920 && view === 'overview' && process.env.WATCHFLOOR_README_SCREENSHOTS) {
          mkdirSync(docsDir, { recursive: true })
          await page.screenshot({ path: join(docsDir, 'wall.png') })
        }
        await nextSlot(wall, HOUR)
      }
    }
    expect(dialogs).toEqual([])
    // Tick labels grow with the screen: as large a share of it at 4K as at 1080p, and readable.
    expect(ticks.map((t) => t.view)).toContain('overview')
    for (const t of ticks) {
      expect(t.px / t.height, `${t.view} at height ${t.height}: ${t.px} px`).toBeGreaterThanOrEqual(
        MIN_TICK_SHARE,
      )
    }
    for (const view of new Set(ticks.map((t) => t.view))) {
      const at = (height: number) => ticks.find((t) => t.view === view && t.height === height)?.px
      const [small, large] = [at(1080), at(2160)]
      expect(small, `${view}: tick labels at 1920×1080`).toBeDefined()
      expect(large, `${view}: tick labels at 3840×2160`).toBeDefined()
      expect(large, `${view}: tick labels at 3840×2160 against 1920×1080`).toBeCloseTo(
        2 * (small ?? 0),
        0,
      )
    }
    testInfo.annotations.push({
      type: 'tick label font sizes',
      description: ticks.map((t) => `${t.view}@${t.height}: ${t.px}px`).join(', '),
    })
  } finally {
    await stop(host)
  }
})

test('rotates through the playlist in order, with the ring counting to the next view', async ({
  page,
}) => {
  const host = await serve()
  try {
    const wall = new WallPage(page)
    await wall.open(host.url, 'playlist=overview,revenue,funnel&interval=20m')
    const first = await wall.slot()
    expect(first.playlist).toEqual(['overview', 'revenue', 'funnel'])
    const start = first.playlist.indexOf(first.view)
    const seen = [first.view]
    for (let i = 0; i < 6; i += 1) {
      const nextAt = Date.parse((await wall.ring.getAttribute('data-next-at')) ?? '')
      const upcoming = await wall.next.textContent()
      const view = await nextSlot(wall, 20 * 60_000)
      seen.push(view)
      expect(upcoming).toContain((await wall.viewName.textContent()) ?? '?')
      expect(Date.parse((await wall.ring.getAttribute('data-next-at')) ?? '')).toBe(
        nextAt + 20 * 60_000,
      )
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => first.playlist[(start + i) % 3]))
  } finally {
    await stop(host)
  }
})

test('a forced reload stays in wall mode with the same playlist', async ({ page }) => {
  const host = await serve()
  try {
    const wall = new WallPage(page)
    await wall.open(host.url, 'playlist=revenue,overview&interval=45s')
    const before = await wall.slot()
    await page.reload()
    await wall.ready().waitFor()
    const after = await wall.slot()
    expect(after.playlist).toEqual(['revenue', 'overview'])
    expect(after.slot).toBeGreaterThanOrEqual(before.slot)
    expect(new URL(page.url()).searchParams.get('mode')).toBe('wall')
    expect(new URL(page.url()).searchParams.get('interval')).toBe('45s')
  } finally {
    await stop(host)
  }
})

test('a dropped WebSocket reconnects and refetches without a person', async ({ page }) => {
  const host = await serve()
  try {
    const dialogs = failOnDialog(page)
    // Keep the page's sockets where the test can close them, as a network drop would.
    await page.addInitScript(() => {
      const Native = window.WebSocket
      const open: WebSocket[] = []
      Object.assign(window, { wallTestSockets: open })
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols)
          open.push(this)
        }
      }
    })
    const wall = new WallPage(page)
    await wall.open(host.url, 'playlist=overview&interval=1h')
    await page.evaluate(() => Object.assign(window, { wallLoad: 'first' }))

    const reopened = page.waitForEvent('websocket')
    await page.evaluate(() => {
      for (const socket of (window as unknown as { wallTestSockets: WebSocket[] }).wallTestSockets)
        socket.close()
    })
    const socket = await reopened
    // The bridge announces the reconnect as a change of everything: the view asks again.
    await socket.waitForEvent('framesent', {
      predicate: (frame) => String(frame.payload).includes('kpis.dashboard'),
    })
    await wall.ready('overview').waitFor()
    await expect(page.getByTestId('kpi-leads')).not.toHaveAttribute('data-value', '')
    expect(await page.evaluate(() => (window as unknown as { wallLoad?: string }).wallLoad)).toBe(
      'first',
    )
    expect(dialogs).toEqual([])
  } finally {
    await stop(host)
  }
})

test('a restarted host: "Offline" while it is down, numbers kept, live again without a reload', async ({
  page,
}) => {
  test.setTimeout(180_000)
  let host = await serve()
  try {
    const dialogs = failOnDialog(page)
    const wall = new WallPage(page)
    await wall.open(host.url, 'playlist=overview&interval=1h')
    const leads = await page.getByTestId('kpi-leads').getAttribute('data-value')
    expect(leads).not.toBe('')
    await page.evaluate(() => Object.assign(window, { wallLoad: 'first' }))

    const port = Number(new URL(host.url).port)
    await stop(host)
    await expect(wall.dataAsOf).toHaveAttribute('data-state', 'offline', { timeout: 30_000 })
    await expect(wall.dataAsOf).toContainText('Offline')
    await expect(page.getByTestId('kpi-leads')).toHaveAttribute('data-value', leads ?? '')

    host = await serve(port)
    await expect(wall.dataAsOf).not.toHaveAttribute('data-state', 'offline', { timeout: 60_000 })
    await wall.ready('overview').waitFor()
    await expect(page.getByTestId('kpi-leads')).toHaveAttribute('data-value', leads ?? '')
    expect(await page.evaluate(() => (window as unknown as { wallLoad?: string }).wallLoad)).toBe(
      'first',
    )
    expect(dialogs).toEqual([])
  } finally {
    await stop(host)
  }
})

test('under a compressed clock it rotates through a simulated week without stalling', async ({
  page,
}) => {
  test.setTimeout(600_000)
  const host = await serve()
  try {
    const dialogs = failOnDialog(page)
    const wall = new WallPage(page)
    // An hour a view, a week of hours: 168 rotations, each one a jump of the page's clock.
    await wall.open(host.url, 'interval=1h')
    const { playlist } = await wall.slot()
    // The daily reload (04:00 by default) happens on each of the week's 7 mornings.
    let loads = 0
    page.on('load', () => void (loads += 1))
    const visits = new Map<string, number>()
    for (let hour = 0; hour < 7 * 24; hour += 1) {
      const view = await nextSlot(wall, HOUR)
      visits.set(view, (visits.get(view) ?? 0) + 1)
      expect(new URL(page.url()).searchParams.get('mode')).toBe('wall')
    }
    expect([...visits.keys()].sort()).toEqual([...playlist].sort())
    // A week on, the numbers are a week old: the wall says so.
    await expect(wall.dataAsOf).toHaveAttribute('data-state', 'old')
    expect(loads).toBe(7)
    expect(dialogs).toEqual([])
  } finally {
    await stop(host)
  }
})

test('the desk’s Wall mode link opens wall mode on the filters shown', async ({ page }) => {
  const host = await serve()
  try {
    await page.goto(`${host.url}?view=marketing&f=r-last7.z-UTC`)
    await page.locator('[data-testid="app"][data-state="ready"]').waitFor()
    const link = page.getByTestId('wall-mode-link')
    const href = new URL((await link.getAttribute('href')) ?? '', host.url)
    expect(href.searchParams.get('mode')).toBe('wall')
    expect(href.searchParams.get('f')).toBe('r-last7.z-UTC')
    expect(href.searchParams.has('view')).toBe(false)
    const [wallTab] = await Promise.all([page.waitForEvent('popup'), link.click()])
    await new WallPage(wallTab).ready().waitFor()
    expect(new URL(wallTab.url()).searchParams.get('f')).toBe('r-last7.z-UTC')
  } finally {
    await stop(host)
  }
})

/** Marks the page's window: a reload drops the mark. */
async function markLoad(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { wallLoad: 'marked' }))
}
async function sameLoad(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { wallLoad?: string }).wallLoad === 'marked')
}

/** The view the clock says is on screen for a playlist (rotation.ts: slots from the epoch). */
function viewAt(iso: string, intervalMs: number, playlist: readonly string[]): string {
  return playlist[Math.floor(Date.parse(iso) / intervalMs) % playlist.length] ?? ''
}

test('reloads itself once a day at the hour given, at a rotation boundary, its code from the browser cache', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const host = await serve()
  try {
    const dialogs = failOnDialog(page)
    const wall = new WallPage(page)
    const playlist = ['overview', 'revenue']
    const TEN_MIN = 10 * 60_000
    // Loaded at 15:00 (the page's zone is UTC): the reload is due at 16:30 the same day.
    await wall.open(host.url, `playlist=${playlist.join(',')}&interval=10m&reload=16:30`)
    await expect(wall.root).toHaveAttribute('data-reload-due', '2026-11-01T16:30:00.000Z')
    await markLoad(page)

    // Rotations up to 16:25: not yet.
    await page.clock.fastForward('01:25:00')
    await wall.ready(viewAt('2026-11-01T16:20:00Z', TEN_MIN, playlist)).waitFor()
    expect(await sameLoad(page)).toBe(true)

    // 16:30, a boundary: the page reloads as the next view goes up, and shows that view.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    const fromCache = new Set<string>()
    cdp.on('Network.requestServedFromCache', ({ requestId }) => fromCache.add(requestId))
    const assets: { url: string; requestId: string; fromDisk: boolean }[] = []
    cdp.on('Network.responseReceived', ({ requestId, response }) => {
      if (new URL(response.url).pathname.startsWith('/assets/'))
        assets.push({ url: response.url, requestId, fromDisk: response.fromDiskCache === true })
    })
    const reloaded = page.waitForEvent('load')
    await page.clock.fastForward('05:00')
    await reloaded
    await wall.ready(viewAt('2026-11-01T16:30:00Z', TEN_MIN, playlist)).waitFor()
    expect(await sameLoad(page)).toBe(false)
    expect(new URL(page.url()).searchParams.get('mode')).toBe('wall')
    expect((await wall.slot()).playlist).toEqual(playlist)
    await expect(wall.dataAsOf).not.toHaveAttribute('data-value', '')
    // The page's code came from the browser's cache (the host serves it immutable).
    expect(assets.length).toBeGreaterThan(0)
    expect(assets.filter((a) => !a.fromDisk && !fromCache.has(a.requestId))).toEqual([])

    // Once a day: the next is due tomorrow, and the next boundary does not reload.
    await expect(wall.root).toHaveAttribute('data-reload-due', '2026-11-02T16:30:00.000Z')
    await markLoad(page)
    await nextSlot(wall, TEN_MIN)
    expect(await sameLoad(page)).toBe(true)
    expect(dialogs).toEqual([])
  } finally {
    await stop(host)
  }
})

test('the daily reload waits while the alert banner shows something', async ({ page, host }) => {
  test.setTimeout(180_000)
  const api = await HostApi.open(host.url)
  try {
    const dialogs = failOnDialog(page)
    // A rule that fires at once on the demo data: its alert stays in the banner until deleted.
    const rule = await api.call<AlertRule>('rules.save', {
      name: 'E2E wall reload',
      metric: 'leads',
      comparator: '>',
      warning: 0,
      forSeconds: 0,
      filters: {
        range: { preset: 'custom', from: '2026-10-01', to: '2026-11-01', timeZone: 'UTC' },
      },
      message: '{name}: {value} leads',
    })
    const wall = new WallPage(page)
    await wall.open(host.url, 'playlist=overview,revenue&interval=10m&reload=16:30')
    const banner = page.locator(`[data-testid="wall-alerts"] [data-alert-key="rule:${rule.id}"]`)
    await expect(banner).toBeVisible({ timeout: 60_000 })
    await markLoad(page)

    // 16:35: the boundary at 16:30 came with the alert on screen: no reload.
    await page.clock.fastForward('01:35:00')
    await wall.ready().waitFor()
    await expect(banner).toBeVisible()
    expect(await sameLoad(page)).toBe(true)

    // The alert goes: the next boundary (16:40) reloads.
    await api.call('rules.delete', { id: rule.id })
    await expect(page.getByTestId('wall-alerts')).toHaveCount(0, { timeout: 60_000 })
    expect(await sameLoad(page)).toBe(true)
    const reloaded = page.waitForEvent('load')
    await page.clock.fastForward('05:00')
    await reloaded
    await wall.ready().waitFor()
    expect(await sameLoad(page)).toBe(false)
    expect(dialogs).toEqual([])
  } finally {
    api.close()
  }
})
