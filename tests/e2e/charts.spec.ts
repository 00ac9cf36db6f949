import { readFileSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import type { Locator, Page } from '@playwright/test'
import { VIEW_IDS, type ConversionStats } from '../../shared/api/index.ts'
import { callFrame, openApiSocket, pageCookie } from '../support/host-client.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'

// The charts' own controls (issue 11): a click on a bar, a slice, a stage or a row filters every
// dashboard by it; the chart menu exports PNG and SVG with the title, the filters and the data's
// time drawn in, and shows the chart's numbers as a table; nothing links off the page's origin.

const chip = (page: Page, field: string, value: string) =>
  page.locator(`[data-testid="filter-chip"][data-field="${field}"][data-value="${value}"]`)

/** The page's filters in the URL, as the api takes them. */
async function shownRange(page: Page): Promise<{ from: string; to: string }> {
  const dashboards = new DashboardsPage(page)
  return { from: await dashboards.from.inputValue(), to: await dashboards.to.inputValue() }
}

/** One `kpis.dashboard` call over the host's socket, as the page makes it. */
async function conversionFromApi(
  url: string,
  range: { from: string; to: string },
): Promise<ConversionStats> {
  const socket = await openApiSocket(url, { cookie: await pageCookie(url) })
  try {
    socket.ws.send(
      callFrame('c1', 'kpis.dashboard', {
        filters: { range: { preset: 'custom', ...range, timeZone: 'UTC' } },
        dashboards: ['conversion'],
      }),
    )
    for (;;) {
      const frame = await socket.next()
      if (frame.i !== 'c1') continue
      const reply = frame.r as { ok: boolean; value?: { conversion: ConversionStats } }
      if (!reply.ok || reply.value === undefined) throw new Error(JSON.stringify(frame))
      return reply.value.conversion
    }
  } finally {
    socket.ws.close()
  }
}

/** Width and height from a PNG's IHDR, after checking the signature and decoding its pixels. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
  const width = bytes.readUInt32BE(16)
  const height = bytes.readUInt32BE(20)
  // The image data inflates to one filter byte plus 4 bytes (RGBA) per pixel on every row.
  const chunks: Buffer[] = []
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.subarray(at + 4, at + 8).toString('latin1')
    if (type === 'IDAT') chunks.push(bytes.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const pixels = inflateSync(Buffer.concat(chunks))
  expect(pixels.length).toBe(height * (1 + width * 4))
  return { width, height }
}

/**
 * Clicks the middle of a drawn mark as a person does: Plotly reads clicks on the drag layer above
 * the marks, on the point the pointer hovers, so the pointer moves there first.
 */
async function clickMark(page: Page, mark: Locator): Promise<void> {
  await expect(mark).toBeVisible()
  const box = await mark.boundingBox()
  if (box === null) throw new Error('the mark has no box')
  const x = box.x + box.width / 2
  const y = box.y + box.height / 2
  await page.mouse.move(x - 2, y)
  await page.mouse.move(x, y)
  await page.mouse.click(x, y)
}

async function openView(page: Page, url: string, view: string): Promise<DashboardsPage> {
  const dashboards = new DashboardsPage(page)
  await dashboards.open(`${url}?view=${view}`)
  await dashboards.readyOn(view).waitFor()
  return dashboards
}

test('clicking a bar, a funnel stage or a table row adds its value as a chip', async ({
  page,
  host,
}) => {
  const dashboards = await openView(page, host.url, 'conversion')
  const bars = page.locator('[data-testid="chart-conversion-by-source"] .barlayer .point path')
  await expect(bars.first()).toBeVisible()
  const firstSource = (await conversionFromApi(host.url, await shownRange(page))).bySource.find(
    (r) => r.rate !== null,
  )?.key
  expect(firstSource).toBeDefined()
  await clickMark(page, bars.first())
  await expect(chip(page, 'source', firstSource ?? '')).toBeVisible()
  await dashboards.ready.waitFor()

  // A row of the Premium markets table, by keyboard: its header is a button.
  await dashboards.openTab('markets')
  const row = page.getByTestId('market-row').first()
  const segment = (await row.getAttribute('data-segment')) ?? ''
  await row.getByRole('button', { name: `Filter by segment: ${segment}` }).press('Enter')
  await expect(chip(page, 'segment', segment)).toBeVisible()
  await dashboards.ready.waitFor()

  // A funnel stage is a lead status.
  await dashboards.openTab('funnel')
  await clickMark(page, page.locator('[data-testid="chart-funnel"] .point path').nth(1))
  await expect(chip(page, 'status', 'contacted')).toBeVisible()
})

test('the chart menu downloads a PNG and an SVG carrying the title, the filters and the data time', async ({
  page,
  host,
}) => {
  await openView(page, host.url, 'conversion')
  const { from, to } = await shownRange(page)
  const menu = page.getByTestId('chart-conversion-by-source-menu')

  // Keyboard only: the menu button opens on ArrowDown, the items are menu items.
  await menu.focus()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByRole('menuitem', { name: 'Download PNG' })).toBeFocused()
  const pngDownload = page.waitForEvent('download')
  await page.keyboard.press('Enter')
  const png = await pngDownload
  expect(png.suggestedFilename()).toBe('conversion-by-source.png')
  const size = pngSize(readFileSync((await png.path()) ?? ''))
  expect(size.width).toBeGreaterThanOrEqual(1200)
  expect(size.height).toBeGreaterThanOrEqual(700)

  await menu.click()
  const svgDownload = page.waitForEvent('download')
  await page.getByRole('menuitem', { name: 'Download SVG' }).click()
  const svg = readFileSync((await (await svgDownload).path()) ?? '', 'utf8')
  // Parsed as XML by the browser itself: an unparsable file yields a <parsererror>.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
    return {
      error: doc.getElementsByTagName('parsererror').length > 0,
      root: doc.documentElement.nodeName,
      text: doc.documentElement.textContent ?? '',
    }
  }, svg)
  expect(parsed.error).toBe(false)
  expect(parsed.root).toBe('svg')
  expect(parsed.text).toContain('Conversion by source')
  const day = (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    })
  expect(parsed.text).toContain(`${day(from)} – ${day(to)}`)
  expect(parsed.text).toContain('data as of')
})

test('"View as table" shows exactly the chart\'s numbers, those the api gives for the filters', async ({
  page,
  host,
}) => {
  await openView(page, host.url, 'conversion')
  const api = await conversionFromApi(host.url, await shownRange(page))
  await page.getByTestId('chart-conversion-by-source-menu').click()
  await page.getByRole('menuitem', { name: 'View as table' }).click()
  const table = page.getByTestId('chart-conversion-by-source-table')
  await expect(table).toBeVisible()
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')),
    )
  const percent = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  })
  const rate = (n: number | null | undefined) =>
    n === null || n === undefined ? '—' : `${percent.format(n * 100)} %`
  const expected = api.bySource
    .filter((r) => r.rate !== null)
    .map((r) => [r.key, rate(r.rate), r.target == null ? '—' : rate(r.target)])
  // The second series (the channel's target tick) is only there when some channel has one.
  const withTargets = api.bySource.some((r) => r.rate !== null && r.target != null)
  expect(rows).toEqual(withTargets ? expected : expected.map((r) => r.slice(0, 2)))

  // And back: the chart again, the table gone.
  await page.getByTestId('chart-conversion-by-source-menu').click()
  await page.getByRole('menuitem', { name: 'View as chart' }).click()
  await expect(table).toHaveCount(0)
})

test('no element on any dashboard links outside the page origin, and Plotly shows no mode bar', async ({
  page,
  host,
}) => {
  const dashboards = await openView(page, host.url, 'overview')
  const origin = new URL(host.url).origin
  for (const view of VIEW_IDS) {
    await dashboards.openTab(view)
    const outside = await page.evaluate((own) => {
      const urls = [...document.querySelectorAll('[href], [src], [action], [xlink\\:href]')].map(
        (el) =>
          el.getAttribute('href') ??
          el.getAttribute('src') ??
          el.getAttribute('action') ??
          el.getAttribute('xlink:href') ??
          '',
      )
      return urls.filter((u) => {
        if (u === '' || u.startsWith('#')) return false
        const resolved = new URL(u, location.href)
        return resolved.origin !== own && !['blob:', 'data:'].includes(resolved.protocol)
      })
    }, origin)
    expect(outside, view).toEqual([])
    await expect(page.locator('.modebar-btn'), view).toHaveCount(0)
  }
})

test('an empty range draws a note on the heat map and the gauges, not a block of zeros', async ({
  page,
  host,
}) => {
  const dashboards = new DashboardsPage(page)
  await dashboards.open(`${host.url}?view=trends&f=r-20100104_20100105.z-UTC`)
  await dashboards.readyOn('trends').waitFor()
  const heatmap = page.getByTestId('chart-heatmap')
  await expect(heatmap.getByText('No leads in this range')).toBeVisible()
  await expect(heatmap.locator('.colorbar, .hm image')).toHaveCount(0)
  await dashboards.openTab('lead-response')
  await expect(
    page.getByTestId('chart-response-gauge').getByText('No leads in this range'),
  ).toBeVisible()
})
