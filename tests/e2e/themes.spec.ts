// Every dashboard in every theme, as a user gets there: the theme picked in the header's picker,
// each tab opened in turn. On each: no console error, no serious or critical WCAG 2 AA violation
// found by axe-core, and a screenshot kept as an artefact (attached to the report and written to
// test-results/screenshots/<theme>-<view>.png). Then the OS settings: the page follows the
// colour scheme and "more contrast" until a theme is picked, and again after "System".
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import { DashboardsPage } from './dashboards-page.ts'
import { expect, test } from './host-fixture.ts'

/** The themes of renderer/src/lib/theme.ts, by the value their picker option carries. */
const THEMES = ['light', 'dark', 'contrast'] as const
type Theme = (typeof THEMES)[number]

/**
 * Under the git-ignored test-results/, which a Playwright run empties when it starts;
 * $WATCHFLOOR_SCREENSHOTS keeps them somewhere else.
 */
const SCREENSHOTS =
  process.env.WATCHFLOOR_SCREENSHOTS ??
  fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))

/** WCAG 2.0 and 2.1, levels A and AA: what the issue asks of every dashboard. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Console errors and uncaught exceptions, from the page's first script on. */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  return problems
}

/** Colours ease over 0.2 s when the theme changes; axe and screenshots wait for the end. */
async function settled(page: Page): Promise<void> {
  // An animation cancelled meanwhile (its element replaced as data arrives) is settled too: its
  // `finished` rejects with an AbortError, which failed the dark theme's run once in CI.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  )
}

/** The serious and critical violations on the page now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    )
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot({ fullPage: true })
  await testInfo.attach(name, { body, contentType: 'image/png' })
  mkdirSync(SCREENSHOTS, { recursive: true })
  writeFileSync(join(SCREENSHOTS, `${name}.png`), body)
}

const html = (page: Page) => page.locator('html')

for (const theme of THEMES) {
  test(`every dashboard in the ${theme} theme: no console error, no serious axe violation`, async ({
    page,
    host,
  }, testInfo) => {
    test.setTimeout(300_000)
    const problems = recordProblems(page)
    const ops = new DashboardsPage(page)
    await ops.open(host.url)
    await pickTheme(page, theme)

    // Every tab the page offers, read from the page: a new dashboard is covered without an edit.
    const views = await page
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('data-view') ?? ''))
    expect(views.length).toBeGreaterThanOrEqual(10)
    const found: string[] = []
    for (const view of views) {
      await ops.openTab(view)
      await expect(html(page)).toHaveAttribute('data-theme', theme)
      await settled(page)
      found.push(...(await seriousViolations(page)).map((v) => `${view}: ${v}`))
      await keepScreenshot(page, testInfo, `${theme}-${view}`)
    }
    expect(found).toEqual([])
    expect(problems).toEqual([])
  })
}

/** As a user does: the header's picker, found by its label. */
async function pickTheme(page: Page, theme: Theme): Promise<void> {
  await page.getByLabel('Theme').selectOption(theme)
  await expect(html(page)).toHaveAttribute('data-theme', theme)
}

test('the page follows the OS until a theme is picked, remembers the pick, and follows again after "System"', async ({
  page,
  host,
}) => {
  const problems = recordProblems(page)
  const ops = new DashboardsPage(page)
  const picker = page.getByLabel('Theme')
  const chartColours = () =>
    page.evaluate(() =>
      [
        ...document.querySelectorAll(
          '.js-plotly-plot .bars path, .js-plotly-plot .scatterlayer path',
        ),
      ]
        .map((el) => getComputedStyle(el).fill + getComputedStyle(el).stroke)
        .join(' '),
    )

  await page.emulateMedia({ colorScheme: 'light', contrast: 'no-preference' })
  await ops.open(host.url)
  await expect(html(page)).toHaveAttribute('data-theme', 'light')
  await expect(picker).toHaveValue('system')
  const lightCharts = await chartColours()

  // The OS turns dark: the page, and its charts, follow at once, without a reload.
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(html(page)).toHaveAttribute('data-theme', 'dark')
  await ops.ready.waitFor()
  await expect.poll(chartColours).not.toBe(lightCharts)

  // "More contrast" wins over the colour scheme.
  await page.emulateMedia({ contrast: 'more' })
  await expect(html(page)).toHaveAttribute('data-theme', 'contrast')
  // "System" says what the OS gives.
  await expect(picker.locator('option[value="system"]')).toHaveText('System (High contrast)')

  // A pick holds against the OS and across a reload.
  await pickTheme(page, 'light')
  await page.emulateMedia({ colorScheme: 'dark', contrast: 'no-preference' })
  await page.reload()
  await ops.ready.waitFor()
  await expect(html(page)).toHaveAttribute('data-theme', 'light')
  await expect(picker).toHaveValue('light')

  // "System" follows the OS again, now and across a reload.
  await expect(picker.locator('option[value="system"]')).toHaveText('System (Dark)')
  await picker.selectOption({ label: 'System (Dark)' })
  await expect(html(page)).toHaveAttribute('data-theme', 'dark')
  await page.emulateMedia({ colorScheme: 'light' })
  await expect(html(page)).toHaveAttribute('data-theme', 'light')
  await page.reload()
  await ops.ready.waitFor()
  await expect(picker).toHaveValue('system')
  await expect(html(page)).toHaveAttribute('data-theme', 'light')

  // Forced colours (a Windows contrast theme) ask for high contrast too.
  await page.emulateMedia({ forcedColors: 'active' })
  await expect(html(page)).toHaveAttribute('data-theme', 'contrast')
  // The system repaints the HTML but not a chart's SVG: a chart keeps its own high-contrast ground.
  await ops.ready.waitFor()
  const chartGround = () =>
    page
      .locator('.js-plotly-plot')
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor)
  await expect.poll(chartGround).toBe('rgb(0, 0, 0)')

  expect(problems).toEqual([])
})

/**
 * The README's pictures (docs/screenshots/), at a wall's 1920×1080, one per theme. Taken on
 * request only — WATCHFLOOR_README_SCREENSHOTS=1 — so a test run does not rewrite committed files.
 */
const README_SHOTS: readonly { theme: Theme; view: string; file: string }[] = [
  { theme: 'light', view: 'overview', file: 'overview-light.png' },
  { theme: 'dark', view: 'trends', file: 'trends-dark.png' },
  { theme: 'contrast', view: 'marketing', file: 'marketing-high-contrast.png' },
]

test('README screenshots: Overview in light, Trends in dark, Marketing ROI in high contrast', async ({
  page,
  host,
}) => {
  test.skip(!process.env.WATCHFLOOR_README_SCREENSHOTS, 'set WATCHFLOOR_README_SCREENSHOTS=1')
  const docs = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  mkdirSync(docs, { recursive: true })
  await page.setViewportSize({ width: 1920, height: 1080 })
  const ops = new DashboardsPage(page)
  await ops.open(host.url)
  for (const { theme, view, file } of README_SHOTS) {
    await pickTheme(page, theme)
    await ops.openTab(view)
    // No hover state in the picture: the pointer rests on the page's empty margin.
    await page.mouse.move(4, 1076)
    await settled(page)
    await page.screenshot({ path: join(docs, file) })
  }
})
