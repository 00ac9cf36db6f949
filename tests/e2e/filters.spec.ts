// Issue 11, filters: every range preset, the custom range and each dimension in the bar, chips
// and "Clear all", cross-filtering from a table row and a chart bar, named presets (saved,
// reloaded, renamed, deleted, the default opening a bare link), and no filter bar where the
// filters do nothing. Every figure is checked against the api's answer for the same filters,
// asked over the host's own socket as another client of `watchfloor serve`.
import AxeBuilder from '@axe-core/playwright'
import {
  FILTER_FIELDS,
  RANGE_PRESETS,
  presetDays,
  type DashboardData,
  type FilterField,
  type FilterValues,
  type Filters,
  type PresetList,
} from '../../shared/api/index.ts'
import { HostApi, openApiSocket, pageCookie } from '../support/host-client.ts'
import { FiltersPage } from './filters-page.ts'
import { PAGE_NOW, expect, test } from './host-fixture.ts'

/** The page runs in UTC (playwright.config.ts), so "today" is PAGE_NOW's UTC day. */
const TODAY = PAGE_NOW.slice(0, 10)

/** The host's api, with the lead-response cards as the page shows them. */
class FiltersApi extends HostApi {
  static override async open(url: string): Promise<FiltersApi> {
    return new FiltersApi(await openApiSocket(url, { cookie: await pageCookie(url) }))
  }

  /** The lead-response cards the api gives for these days and dimensions, as the page shows them. */
  async cards(
    from: string,
    to: string,
    dims: Omit<Filters, 'range'> = {},
  ): Promise<{ average: string; share: string; over: string }> {
    const data = await this.call<DashboardData>('kpis.dashboard', {
      filters: { range: { preset: 'custom', from, to, timeZone: 'UTC' }, ...dims },
      dashboards: ['leadResponse'],
    })
    const kpi = data.leadResponse
    if (kpi === undefined) throw new Error('no leadResponse in the answer')
    const empty = kpi.noData || kpi.leads === 0
    return {
      average: kpi.averageSeconds === null ? '' : String(kpi.averageSeconds),
      share: kpi.shareUnderTarget === null ? '' : String(kpi.shareUnderTarget),
      over: empty ? '' : String(kpi.overTarget),
    }
  }
}

test('every range preset shows the days the shared resolver names, and the api’s figures for them', async ({
  page,
  host,
}) => {
  const api = await FiltersApi.open(host.url)
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  for (const preset of RANGE_PRESETS) {
    await ops.pickPreset(preset)
    const days = presetDays(preset, TODAY)
    await expect(ops.from).toHaveValue(days.from)
    await expect(ops.to).toHaveValue(days.to)
    expect(ops.filterParam()).toMatch(new RegExp(`^r-${preset}\\.`))
    // The preset picked is the one marked: a pressed button, or the list's value.
    const button = page.getByTestId(`preset-${preset}`)
    if ((await button.count()) > 0) {
      await expect(button).toHaveAttribute('aria-pressed', 'true')
      await expect(ops.presetMore).toHaveValue('')
    } else {
      await expect(ops.presetMore).toHaveValue(preset)
    }
    expect(await ops.cards(), preset).toEqual(await api.cards(days.from, days.to))
  }

  // Custom days: typed, kept in the link as days, and no preset marked.
  await ops.setRange('2026-06-01', '2026-06-14')
  expect(ops.filterParam()).toMatch(/^r-20260601_20260614\./)
  await expect(page.locator('[data-testid^="preset-"][aria-pressed="true"]')).toHaveCount(0)
  await expect(ops.presetMore).toHaveValue('')
  expect(await ops.cards()).toEqual(await api.cards('2026-06-01', '2026-06-14'))
  api.close()
})

test('each dimension filters the figures as the api does, with a chip that takes it away again', async ({
  page,
  host,
}) => {
  const api = await FiltersApi.open(host.url)
  const values = await api.call<FilterValues>('filters.values', {})
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  await ops.pickPreset('last90')
  const days = presetDays('last90', TODAY)
  const all = await api.cards(days.from, days.to)
  expect(await ops.cards()).toEqual(all)

  for (const field of FILTER_FIELDS) {
    const value = values[field][0]
    if (value === undefined) throw new Error(`the demo cache holds no ${field}`)
    await ops.toggleFilterValue(field, value)
    await expect(ops.chips).toHaveCount(1)
    await expect(ops.chip(field, value)).toBeVisible()
    expect(ops.filterParam()).toContain(`.${field}-`)
    const filtered = await api.cards(days.from, days.to, { [field]: [value] })
    expect(await ops.cards(), `${field} = ${value}`).toEqual(filtered)

    await ops.chipRemove(field, value).click()
    await expect(ops.chips).toHaveCount(0)
    await ops.ready.waitFor()
    expect(ops.filterParam()).not.toContain(`.${field}-`)
    expect(await ops.cards()).toEqual(all)
  }
  api.close()
})

test('chips are removed by keyboard with the focus kept in the list, and Clear all clears them', async ({
  page,
  host,
}) => {
  const api = await FiltersApi.open(host.url)
  const values = await api.call<FilterValues>('filters.values', {})
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  const picks: [FilterField, string][] = [
    ['temperature', 'hot'],
    ['source', values.source[0] ?? ''],
    ['source', values.source[1] ?? ''],
    ['status', 'won'],
  ]
  for (const [field, value] of picks) await ops.toggleFilterValue(field, value)
  await expect(ops.chips).toHaveCount(4)

  // Enter on a chip's button removes it; the chip that took its place has the focus.
  const [, first, second] = picks
  if (first === undefined || second === undefined) throw new Error('two sources needed')
  await ops.chipRemove(...first).focus()
  await page.keyboard.press('Enter')
  await expect(ops.chips).toHaveCount(3)
  await expect(ops.chipRemove(...second)).toBeFocused()
  await ops.ready.waitFor()
  const days = { from: await ops.from.inputValue(), to: await ops.to.inputValue() }
  expect(await ops.cards()).toEqual(
    await api.cards(days.from, days.to, {
      temperature: ['hot'],
      source: [second[1]],
      status: ['won'],
    }),
  )

  await ops.clearAll.click()
  await expect(ops.chips).toHaveCount(0)
  await expect(ops.clearAll).toHaveCount(0)
  await ops.ready.waitFor()
  expect(ops.filterParam()).toMatch(/^r-last30\.z-UTC$/)
  expect(await ops.cards()).toEqual(await api.cards(days.from, days.to))
  api.close()
})

test('a table row and a chart bar picked add their value as a chip on every dashboard, once', async ({
  page,
  host,
}) => {
  const api = await FiltersApi.open(host.url)
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  await ops.openTab('marketing')
  const row = page.getByTestId('roi-row').first()
  const channel = (await row.getAttribute('data-channel')) ?? ''
  expect(channel).not.toBe('')
  await row.click()
  await expect(ops.chip('source', channel)).toBeVisible()
  await ops.ready.waitFor()
  // Picked again: nothing changes (one chip, the same link).
  const link = page.url()
  await page.locator(`[data-testid="roi-row"][data-channel="${channel}"]`).click()
  await expect(ops.chips).toHaveCount(1)
  expect(page.url()).toBe(link)

  // Another dashboard shows the pick as a chip and the figures for it.
  await ops.openTab('overview')
  await expect(ops.chip('source', channel)).toBeVisible()
  const days = { from: await ops.from.inputValue(), to: await ops.to.inputValue() }
  expect(await ops.cards()).toEqual(await api.cards(days.from, days.to, { source: [channel] }))

  // A bar of the ROI chart picks its channel too.
  await ops.clearAll.click()
  await ops.openTab('marketing')
  const bar = page.locator('[data-testid="chart-marketing-roi"] .bars .point path').first()
  await bar.waitFor()
  await bar.click({ force: true })
  await expect(ops.chips).toHaveCount(1)
  await expect(ops.chips.first()).toHaveAttribute('data-field', 'source')
  api.close()
})

test('named presets are saved, survive a reload, apply, are renamed, set as default and deleted', async ({
  page,
  host,
}) => {
  const api = await FiltersApi.open(host.url)
  const values = await api.call<FilterValues>('filters.values', {})
  const source = values.source[0] ?? ''
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  await ops.pickPreset('mtd')
  await ops.toggleFilterValue('temperature', 'hot')
  await ops.toggleFilterValue('source', source)
  const saved: Filters = {
    range: { preset: 'mtd', timeZone: 'UTC' },
    source: [source],
    temperature: ['hot'],
  }

  await ops.savePreset('  Hot this month  ')
  await expect(ops.presetItem('Hot this month')).toBeVisible()
  await expect(ops.presetsButton).toHaveAttribute('data-preset', 'Hot this month')
  const stored = await api.call<PresetList>('presets.list', {})
  expect(stored.presets).toMatchObject([{ name: 'Hot this month', filters: saved }])

  // The same name again is refused with a sentence, and offered as a replace.
  await ops.savePreset('hot THIS month')
  await expect(ops.presetNote).toContainText('already exists')
  await expect(page.getByTestId('preset-replace')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(ops.presetsPanel).toHaveCount(0)

  // Other filters: the menu no longer names the preset. After a reload the preset is still
  // there and brings back its range and values.
  await ops.clearAll.click()
  await ops.pickPreset('last7')
  await expect(ops.presetsButton).toHaveAttribute('data-preset', '')
  await page.reload()
  await ops.ready.waitFor()
  await ops.openPresets()
  await ops.presetItem('Hot this month').getByTestId('preset-apply').click()
  await ops.ready.waitFor()
  await expect(ops.presetMore).toHaveValue('mtd')
  await expect(ops.chip('temperature', 'hot')).toBeVisible()
  await expect(ops.chip('source', source)).toBeVisible()
  const mtd = presetDays('mtd', TODAY)
  expect(await ops.cards()).toEqual(
    await api.cards(mtd.from, mtd.to, { temperature: ['hot'], source: [source] }),
  )

  // Renamed.
  await ops.openPresets()
  await ops.presetItem('Hot this month').getByTestId('preset-rename').click()
  await page.getByTestId('preset-rename-input').fill('Hot MTD')
  await page.getByTestId('preset-rename-save').click()
  await expect(ops.presetItem('Hot MTD')).toBeVisible()
  await expect(ops.presetItem('Hot this month')).toHaveCount(0)
  expect((await api.call<PresetList>('presets.list', {})).presets.map((p) => p.name)).toEqual([
    'Hot MTD',
  ])

  // The default opens a link that names no filters, and only such a link.
  await ops.presetItem('Hot MTD').getByTestId('preset-default').click()
  await expect(ops.presetItem('Hot MTD')).toHaveAttribute('data-default', 'true')
  await page.goto(`${host.url}?view=lead-response`)
  await ops.readyOn('lead-response').waitFor()
  await expect(ops.chip('temperature', 'hot')).toBeVisible()
  await expect(ops.presetMore).toHaveValue('mtd')
  expect(ops.filterParam()).toMatch(/^r-mtd\.z-UTC\./)
  expect(await ops.cards()).toEqual(
    await api.cards(mtd.from, mtd.to, { temperature: ['hot'], source: [source] }),
  )
  await page.goto(`${host.url}?view=overview&f=r-last7.z-UTC`)
  await ops.ready.waitFor()
  await expect(ops.chips).toHaveCount(0)
  await expect(page.getByTestId('preset-last7')).toHaveAttribute('aria-pressed', 'true')

  // Deleted (after a confirmation in place): gone from the menu and the cache, no default left.
  await ops.openPresets()
  await ops.presetItem('Hot MTD').getByTestId('preset-delete').click()
  await page.getByTestId('preset-delete-confirm').click()
  await expect(ops.presetItems).toHaveCount(0)
  await expect(ops.presetsPanel).toContainText('No saved filters yet')
  expect(await api.call<PresetList>('presets.list', {})).toEqual({ presets: [], unreadable: [] })
  await page.goto(host.url)
  await ops.ready.waitFor()
  expect(ops.filterParam()).toMatch(/^r-last30\.z-UTC$/)
  api.close()
})

test('no filter bar on Activity and System health, where the filters change nothing', async ({
  page,
  host,
}) => {
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  await expect(ops.filterBar).toBeVisible()
  for (const view of ['activity', 'health']) {
    await ops.openTab(view)
    await expect(ops.filterBar).toHaveCount(0)
  }
  await ops.openTab('trends')
  await expect(ops.filterBar).toBeVisible()
})

test('the filter bar fits 1280 px with every preset and the saved-filters menu in reach', async ({
  page,
  host,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  const ops = new FiltersPage(page)
  await ops.open(host.url)
  await ops.toggleFilterValue('temperature', 'hot')
  const overflow = await ops.filterBar.evaluate((bar) =>
    [bar, ...bar.querySelectorAll('*')].some(
      (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth,
    ),
  )
  expect(overflow).toBe(false)
  for (const id of [
    'preset-today',
    'preset-last7',
    'preset-last30',
    'preset-last90',
    'preset-more',
  ])
    await expect(page.getByTestId(id)).toBeInViewport()
  await expect(ops.presetsButton).toBeInViewport()
  await expect(ops.clearAll).toBeInViewport()
  // The menu at the bar's right end opens leftwards, inside the window.
  await ops.openPresets()
  const panel = await ops.presetsPanel.boundingBox()
  expect(panel?.x ?? -1).toBeGreaterThanOrEqual(0)
  expect((panel?.x ?? 0) + (panel?.width ?? 0)).toBeLessThanOrEqual(1280)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)

  // With chips and the menu open, axe-core finds nothing serious in the bar.
  await ops.savePreset('Hot leads')
  await expect(ops.presetItem('Hot leads')).toBeVisible()
  const { violations } = await new AxeBuilder({ page })
    .include('[data-testid="filter-bar"]')
    .analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])
})
