// The in-app export (issue 12), as a person uses it in Chromium through the browser host: the
// dialog opens from the tab's Export button and from a chart's menu, exports each format for the
// filters on screen, shows its progress, cancels, and is keyboard- and screen-reader-usable.
// Every downloaded file is read back with a real reader (csv-parse, exceljs, pdftotext, JSON)
// and its rows are checked against the metrics api for the same filters.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import type { Download, Page, TestInfo } from '@playwright/test'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import type { DashboardData, Filters } from '../../shared/api/index.ts'
import { callFrame, openApiSocket, pageCookie } from '../support/host-client.ts'
import { DashboardsPage } from './dashboards-page.ts'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'

const SCREENSHOTS =
  process.env.WATCHFLOOR_SCREENSHOTS ??
  fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))

/** WCAG 2.0 and 2.1, levels A and AA, as themes.spec.ts asks of every dashboard. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** The source every export here is filtered by, so "honours the filters" means something. */
const SOURCE = 'Google LSA'

/** Console errors and uncaught exceptions, from the page's first script on. */
function recordProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  return problems
}

/**
 * Every step the dialog shows and every progress value it reports, recorded in the page as they
 * happen: a quick export passes "running" in a moment that a poll from the test could miss.
 */
async function recordRunSteps(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = { steps: [] as string[], progress: [] as string[] }
    Object.assign(window, { exportSeen: seen })
    new MutationObserver(() => {
      const step = document
        .querySelector('[data-testid="export-dialog"]')
        ?.getAttribute('data-step')
      if (step && seen.steps.at(-1) !== step) seen.steps.push(step)
      const bar = document.querySelector('[data-testid="export-progressbar"]')
      const now = bar?.getAttribute('aria-valuenow')
      if (now && seen.progress.at(-1) !== now) seen.progress.push(now)
    }).observe(document, { subtree: true, attributes: true, childList: true })
  })
}

async function runSteps(page: Page): Promise<{ steps: string[]; progress: string[] }> {
  return page.evaluate(() => {
    const seen = (window as unknown as { exportSeen: { steps: string[]; progress: string[] } })
      .exportSeen
    const copy = { steps: [...seen.steps], progress: [...seen.progress] }
    seen.steps.length = 0
    seen.progress.length = 0
    return copy
  })
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .include('[data-testid="export-dialog"]')
    .withTags(WCAG_AA)
    .analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`)
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Colours ease when the theme changes and the dialog fades in: the picture waits for the end.
  // (Not the waiting band's endless one, nor one cancelled on the way: those never finish.)
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  )
  const body = await page.screenshot()
  await testInfo.attach(name, { body, contentType: 'image/png' })
  mkdirSync(SCREENSHOTS, { recursive: true })
  writeFileSync(join(SCREENSHOTS, `${name}.png`), body)
}

/** The page's shown days and its source filter, as the api takes them. */
async function shownFilters(page: Page): Promise<Filters> {
  const dashboards = new DashboardsPage(page)
  return {
    range: {
      preset: 'custom',
      from: await dashboards.from.inputValue(),
      to: await dashboards.to.inputValue(),
      timeZone: 'UTC',
    },
    source: [SOURCE],
  }
}

/** `kpis.dashboard` over the host's socket, as the page asks it. */
async function dashboardFromApi(url: string, filters: Filters): Promise<DashboardData> {
  const socket = await openApiSocket(url, { cookie: await pageCookie(url) })
  try {
    socket.ws.send(
      callFrame('c1', 'kpis.dashboard', { filters, dashboards: ['leadResponse', 'trends'] }),
    )
    for (;;) {
      const frame = await socket.next()
      if (frame.i !== 'c1') continue
      const reply = frame.r as { ok: boolean; value?: DashboardData }
      if (!reply.ok || reply.value === undefined) throw new Error(JSON.stringify(frame))
      return reply.value
    }
  } finally {
    socket.ws.close()
  }
}

/** The export dialog and its controls, by role and name as a person finds them. */
class ExportDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByRole('dialog', { name: /^Export / })
  }
  get openButton() {
    return this.page.getByTestId('export-open')
  }
  format(label: string) {
    return this.root.getByRole('radio', { name: new RegExp(`^${label}`) })
  }
  async open(): Promise<void> {
    await this.openButton.click()
    await expect(this.root).toBeVisible()
  }
  /** Starts the export in `format` and resolves with the file the browser downloaded. */
  async export(format: string): Promise<Download> {
    await this.format(format).check()
    const download = this.page.waitForEvent('download', { timeout: 90_000 })
    await this.root.getByTestId('export-start').click()
    // Done or failed, whichever the dialog says first: a failure fails here with its sentence.
    const done = this.root.getByTestId('export-done')
    const failed = this.root.getByTestId('export-error')
    await expect(done.or(failed)).toBeVisible({ timeout: 90_000 })
    if (await failed.isVisible()) {
      download.catch(() => undefined) // no download is coming
      throw new Error(`${format}: ${await failed.textContent()}`)
    }
    return download
  }
  async again(): Promise<void> {
    await this.root.getByTestId('export-again').click()
    await expect(this.root.getByTestId('export-start')).toBeFocused()
  }
}

async function openOverviewFiltered(page: Page, url: string): Promise<DashboardsPage> {
  const dashboards = new DashboardsPage(page)
  await dashboards.open(`${url}?view=overview`)
  await dashboards.readyOn('overview').waitFor()
  await dashboards.toggleFilterValue('source', SOURCE)
  await dashboards.readyOn('overview').waitFor()
  return dashboards
}

test('the dialog opens from the tab and from a chart menu, closes on Escape with focus back, and passes axe in every theme', async ({
  page,
  host,
}, testInfo) => {
  const problems = recordProblems(page)
  await page.setViewportSize({ width: 1280, height: 800 })
  await openOverviewFiltered(page, host.url)
  const dialog = new ExportDialog(page)

  // From the tab's button: focus moves into the dialog, the tab's tables are picked.
  await dialog.open()
  await expect
    .poll(() => dialog.root.evaluate((d) => d.contains(document.activeElement)))
    .toBe(true)
  await expect(dialog.root.getByRole('checkbox', { name: 'Leads' })).toBeChecked()
  await expect(dialog.root.getByRole('checkbox', { name: 'Channel ROI' })).toBeChecked()
  await expect(dialog.root.getByRole('checkbox', { name: 'Market segments' })).not.toBeChecked()
  await expect(dialog.root.getByTestId('export-scope')).toContainText(SOURCE)
  // It fits a 1280×800 window: nothing of it outside the viewport.
  const box = await dialog.root.boundingBox()
  expect(box).not.toBeNull()
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(800)
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(1280)

  // CSV takes one table (radios) and protects against formulas unless switched off.
  await dialog.format('CSV').check()
  await expect(dialog.root.getByRole('radio', { name: 'Leads' })).toBeChecked()
  await expect(dialog.root.getByRole('switch', { name: /Formula protection/ })).toBeChecked()
  await expect(dialog.root.getByRole('switch', { name: /Byte-order mark/ })).not.toBeChecked()

  // In each theme: no serious or critical axe violation in the open dialog, and a picture.
  for (const theme of ['light', 'dark', 'contrast'] as const) {
    for (const format of ['CSV', 'PDF report']) {
      await page.getByLabel('Theme').selectOption(theme)
      await dialog.format(format).check()
      expect(await seriousViolations(page), `${theme}, ${format}`).toEqual([])
      await keepScreenshot(page, testInfo, `export-dialog-${theme}-${format.split(' ')[0]}`)
    }
  }
  await page.getByLabel('Theme').selectOption('light')

  // Escape closes it and gives focus back to the button that opened it.
  await page.keyboard.press('Escape')
  await expect(dialog.root).toBeHidden()
  await expect(dialog.openButton).toBeFocused()

  // From a chart's menu, by keyboard: "Export report…" opens the same dialog on the PDF report.
  const menu = page.getByTestId('chart-leads-per-day-menu')
  await menu.focus()
  await page.keyboard.press('ArrowDown')
  await page.getByRole('menuitem', { name: 'Export report…' }).press('Enter')
  await expect(dialog.root).toBeVisible()
  await expect(dialog.format('PDF report')).toBeChecked()
  await expect(dialog.root.getByRole('switch', { name: /Charts as on screen/ })).toBeChecked()

  // The chart images are there too: the tab's charts, each as PNG or SVG.
  await dialog.root.getByText(/^Chart images/).click()
  const images = dialog.root.getByTestId('export-image')
  await expect(images.first()).toBeVisible()
  const png = page.waitForEvent('download')
  await images
    .filter({ hasText: 'Leads per day' })
    .getByRole('button', { name: 'Save Leads per day as PNG' })
    .click()
  expect((await png).suggestedFilename()).toBe('leads-per-day.png')
  const svg = page.waitForEvent('download')
  await images.first().getByTestId('export-image-svg').click()
  const svgText = readFileSync(await (await svg).path(), 'utf8')
  expect(svgText).toMatch(/^<svg/)

  await page.keyboard.press('Escape')
  await expect(dialog.root).toBeHidden()
  await expect(menu).toBeFocused()

  // The wall shows no export at all.
  await page.goto(`${host.url}?mode=wall`)
  await page.locator('[data-state="ready"]').first().waitFor()
  await expect(page.getByTestId('export-open')).toHaveCount(0)
  await expect(page.getByTestId('export-dialog')).toHaveCount(0)

  if (process.env.WATCHFLOOR_README_SCREENSHOTS) {
    // The README's picture: the dialog on Overview at 1280×800, light theme, PDF chosen.
    await openOverviewFiltered(page, host.url)
    await dialog.open()
    await dialog.format('PDF report').check()
    await page.mouse.move(4, 796)
    await page.evaluate(() =>
      Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
    )
    await page.screenshot({
      path: fileURLToPath(new URL('../../docs/screenshots/export-dialog.png', import.meta.url)),
    })
  }
  expect(problems).toEqual([])
})

test('each format downloads a valid file of exactly the filtered data', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(300_000)
  const problems = recordProblems(page)
  await recordRunSteps(page)
  await openOverviewFiltered(page, host.url)
  const filters = await shownFilters(page)
  const api = await dashboardFromApi(host.url, filters)
  const leads = api.leadResponse?.leads ?? -1
  expect(leads).toBeGreaterThan(0)
  const leadsCard = (await page.getByTestId('kpi-leads').getAttribute('data-value')) ?? ''
  expect(Number(leadsCard)).toBe(leads)
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-export-e2e-'))
  const dialog = new ExportDialog(page)
  await dialog.open()

  try {
    // JSON: the report for scripts, with the filters it was made with.
    const jsonFile = await dialog.export('JSON')
    expect(jsonFile.suggestedFilename()).toMatch(/^watchfloor-overview-.*\.json$/)
    const report = JSON.parse(readFileSync(await jsonFile.path(), 'utf8')) as {
      view: string
      filters: string[]
      datasets: { id: string; columns: { label: string }[]; rows: unknown[][] }[]
    }
    expect(report.view).toBe('overview')
    expect(report.filters.join(' ')).toContain(SOURCE)
    // The page sends its shown days as custom days; the report names them as the filter bar does.
    expect(report.filters[0]).toMatch(/^Last 30 days: /)
    expect(report.datasets.map((d) => d.id)).toEqual(['leads', 'channels', 'funnel'])
    const leadsJson = report.datasets[0]
    expect(leadsJson?.rows.length).toBe(leads)
    const seen = await runSteps(page)
    expect(seen.steps).toContain('running')
    expect(seen.steps.at(-1)).toBe('delivered')
    await dialog.again()

    // CSV: one table, parsed by a standard parser: the header and the api's count of rows.
    await dialog.format('CSV').check()
    await dialog.root.getByRole('radio', { name: 'Leads' }).check()
    const csvFile = await dialog.export('CSV')
    expect(csvFile.suggestedFilename()).toMatch(/\.csv$/)
    const rows: string[][] = parse(readFileSync(await csvFile.path(), 'utf8'), {
      relax_column_count: false,
    })
    expect(rows[0]).toEqual(leadsJson?.columns.map((c) => c.label))
    expect(rows.length - 1).toBe(leads)
    await dialog.again()

    // Excel: the Summary sheet and one sheet per table, the leads sheet holding every lead.
    const xlsxFile = await dialog.export('Excel workbook')
    const xlsxPath = join(dir, 'report.xlsx')
    await xlsxFile.saveAs(xlsxPath)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(xlsxPath)
    const sheets = workbook.worksheets.map((s) => s.name)
    expect(sheets).toEqual(['Summary', 'Leads', 'Channel ROI', 'Funnel'])
    const summaryText = JSON.stringify(workbook.getWorksheet('Summary')?.getSheetValues() ?? [])
    expect(summaryText).toContain(SOURCE)
    expect(workbook.getWorksheet('Leads')?.actualRowCount).toBe(leads + 1)
    await dialog.again()

    // PDF: real text with the title and the KPI values the cards show; the charts drawn in.
    const pdfFile = await dialog.export('PDF report')
    const pdfPath = join(dir, 'report.pdf')
    await pdfFile.saveAs(pdfPath)
    expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const text = spawnSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' })
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toContain('Overview')
    const shownLeads = (
      await page.getByTestId('kpi-leads').locator('.kpi-value').textContent()
    )?.trim()
    expect(shownLeads).toBeTruthy()
    expect(text.stdout).toContain(shownLeads ?? '')
    expect(text.stdout).toContain(SOURCE)
    // The charts as drawn on the tab, their titles drawn in as text.
    expect(text.stdout).toContain('Leads per day')
    await keepScreenshot(page, testInfo, 'export-dialog-delivered')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect(problems).toEqual([])
})

test('a large export shows rows done of all and time left, and a cancel leaves no file', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000)
  // Enough leads that a PDF of them takes many seconds: the real data path, no test hook (the
  // workbook writer is too quick to be caught mid-way on a quiet machine).
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-export-big-'))
  const { url, child } = await serveCache(demoCache(dir, 200_000), ['--no-demo'])
  try {
    const problems = recordProblems(page)
    await recordRunSteps(page)
    const dashboards = new DashboardsPage(page)
    await dashboards.open(`${url}?view=lead-response`)
    await dashboards.setRange('2024-11-02', '2026-11-01')
    await dashboards.readyOn('lead-response').waitFor()
    const downloads: Download[] = []
    page.on('download', (d) => downloads.push(d))

    const dialog = new ExportDialog(page)
    await dialog.open()
    await dialog.format('PDF report').check()
    await dialog.root.getByTestId('export-start').click()

    // The bar moves: a share done, rows done of all, and (once it can be told) time left.
    const bar = dialog.root.getByRole('progressbar', { name: 'Export progress' })
    await expect(bar).toHaveAttribute('aria-valuenow', /^\d+$/)
    await expect
      .poll(async () => Number(await bar.getAttribute('data-rows-done')), { timeout: 60_000 })
      .toBeGreaterThan(0)
    const total = Number(await bar.getAttribute('data-rows-total'))
    expect(total).toBeGreaterThan(50_000)
    await expect(dialog.root.getByTestId('export-status')).toContainText(/ of [\d,]+ rows/)
    await expect(dialog.root.getByTestId('export-status')).toContainText(/left/)
    await expect(dialog.root.getByTestId('export-cancel')).toBeFocused()
    await keepScreenshot(page, testInfo, 'export-dialog-running')
    const jobId = await dialog.root.getByTestId('export-progress').getAttribute('data-job-id')
    expect(jobId).toBeTruthy()

    // Cancel mid-way: the core stops, the dialog says so, and nothing is downloaded or served.
    expect(Number(await bar.getAttribute('data-rows-done'))).toBeLessThan(total)
    await dialog.root.getByTestId('export-cancel').click()
    await expect(dialog.root.getByTestId('export-cancelled')).toBeVisible({ timeout: 60_000 })
    await expect(dialog.root.getByTestId('export-again')).toBeFocused()
    // Its states as the dialog showed them: the charts drawn, the job running, then cancelled.
    const { steps, progress } = await runSteps(page)
    expect(steps.filter((s) => s !== 'idle' && s !== 'starting')).toEqual([
      'preparing',
      'running',
      'cancelled',
    ])
    expect(progress.length).toBeGreaterThan(0)
    expect(downloads).toEqual([])
    const served = await page.request.get(`${url}exports/${jobId ?? ''}`)
    expect(served.ok()).toBe(false)

    // The header's button told the run's progress while the dialog was open; after, it is idle.
    await page.keyboard.press('Escape')
    await expect(dialog.openButton).toHaveText('Export…')
    expect(problems).toEqual([])
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
})
