import type { Page } from '@playwright/test'
import { VIEW_IDS } from '../../shared/api/views.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'

// The dashboards as people look at them all day (issue 11): a 1920×1080 screen shows every tab
// without scrolling the page (a table may scroll inside its panel), a 1280×800 laptop shows the
// Overview's main chart above the fold, no tab label or card value is cut, and no chart's category label is.

const VIEWS = VIEW_IDS

/** The page's own measure of what it would scroll, taken once the tab is drawn. */
async function pageHeights(page: Page): Promise<{ scroll: number; viewport: number }> {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    viewport: window.innerHeight,
  }))
}

test.describe('at 1920×1080', () => {
  test.use({ viewport: { width: 1920, height: 1080 } })

  test('every tab fits the screen without a page scroll, and no tab label or card value is clipped', async ({
    page,
    host,
  }) => {
    const dashboards = new DashboardsPage(page)
    await dashboards.open(`${host.url}?view=overview`)
    const tooTall: string[] = []
    for (const view of VIEWS) {
      await dashboards.openTab(view)
      const { scroll, viewport } = await pageHeights(page)
      if (scroll > viewport) tooTall.push(`${view}: ${scroll} px > ${viewport} px`)
      const clipped = await page
        .getByRole('tab')
        .evaluateAll((tabs) =>
          tabs
            .filter((t) => t.scrollWidth > t.clientWidth)
            .map((t) => `${t.textContent}: ${t.scrollWidth} > ${t.clientWidth}`),
        )
      expect(clipped, view).toEqual([])
      // No card's value is cut at its edge: a verdict in words ("needs improvement") wraps.
      const cutValues = await page
        .locator('.kpi-value')
        .evaluateAll((values) =>
          values
            .filter((v) => v.scrollWidth > v.clientWidth + 1)
            .map((v) => `${v.textContent}: ${v.scrollWidth} > ${v.clientWidth}`),
        )
      expect(cutValues, view).toEqual([])
    }
    expect(tooTall).toEqual([])
  })
})

test.describe('at 1280×800', () => {
  test.use({ viewport: { width: 1280, height: 800 } })

  test("the Overview's main chart starts above the fold and every tab label is whole", async ({
    page,
    host,
  }) => {
    const dashboards = new DashboardsPage(page)
    await dashboards.open(`${host.url}?view=overview`)
    const box = await page.getByTestId('chart-leads-per-day').boundingBox()
    expect(box).not.toBeNull()
    // At least a third of the chart is on the first screen.
    expect((box?.y ?? Infinity) + (box?.height ?? 0) / 3).toBeLessThan(800)

    const tabs = page.getByRole('tab')
    for (const tab of await tabs.all()) {
      const { scroll, client, visible } = await tab.evaluate((t) => {
        const list = t.closest('[role="tablist"]')?.parentElement ?? t
        const own = t.getBoundingClientRect()
        const strip = list.getBoundingClientRect()
        return {
          scroll: t.scrollWidth,
          client: t.clientWidth,
          // A tab scrolled out of the strip is reachable, not clipped: it is whole when shown.
          visible: own.left >= strip.left - 1 && own.right <= strip.right + 1,
        }
      })
      expect(scroll, (await tab.textContent()) ?? '').toBeLessThanOrEqual(client)
      if (!visible) await tab.scrollIntoViewIfNeeded()
    }
  })

  test('long category labels are drawn whole on the charts', async ({ page, host }) => {
    const dashboards = new DashboardsPage(page)
    await dashboards.open(`${host.url}?view=conversion`)
    for (const [view, chart] of [
      ['conversion', 'chart-conversion-by-source'],
      ['marketing', 'chart-marketing-roi'],
    ] as const) {
      await dashboards.openTab(view)
      const labels = await page
        .getByTestId(chart)
        .locator('.ytick text, .xtick text')
        .evaluateAll((texts) => texts.map((t) => t.textContent ?? ''))
      // Plotly cuts nothing itself, but a label it cannot fit loses its tail as "…" here.
      expect(
        labels.filter((l) => l.endsWith('…')),
        `${view}: ${labels.join(', ')}`,
      ).toEqual([])
      // Each tick label lies inside the chart's own box (automargin made room for it).
      const outside = await page.getByTestId(chart).evaluate((root) => {
        const frame = root.getBoundingClientRect()
        return [...root.querySelectorAll('.ytick text, .xtick text')]
          .map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }))
          .filter(
            ({ box }) =>
              box.left < frame.left - 1 ||
              box.right > frame.right + 1 ||
              box.top < frame.top - 1 ||
              box.bottom > frame.bottom + 1,
          )
          .map(({ text }) => text)
      })
      expect(outside, view).toEqual([])
    }
  })
})
