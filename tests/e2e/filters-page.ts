import type { Locator, Page } from '@playwright/test'
import type { RangePreset } from '../../shared/api/index.ts'
import { DashboardsPage } from './dashboards-page.ts'

/** The filter bar's parts added for issue 11: every range preset, chips and saved filters. */
export class FiltersPage extends DashboardsPage {
  readonly filterBar: Locator
  readonly chips: Locator
  readonly clearAll: Locator
  readonly presetMore: Locator
  readonly presetsButton: Locator
  readonly presetsPanel: Locator
  readonly presetItems: Locator
  readonly presetNote: Locator

  constructor(page: Page) {
    super(page)
    this.filterBar = page.getByTestId('filter-bar')
    this.chips = page.getByTestId('filter-chip')
    this.clearAll = page.getByTestId('filters-clear')
    this.presetMore = page.getByTestId('preset-more')
    this.presetsButton = page.getByTestId('presets-button')
    this.presetsPanel = page.getByTestId('presets-panel')
    this.presetItems = page.getByTestId('preset-item')
    this.presetNote = page.getByTestId('preset-note')
  }

  /** A preset with a button is clicked; the others are chosen from the list beside them. */
  async pickPreset(preset: RangePreset): Promise<void> {
    const button = this.page.getByTestId(`preset-${preset}`)
    if ((await button.count()) > 0) await button.click()
    else await this.presetMore.selectOption(preset)
    await this.ready.waitFor()
  }

  chip(field: string, value: string): Locator {
    return this.page.locator(
      `[data-testid="filter-chip"][data-field="${field}"][data-value="${value}"]`,
    )
  }

  chipRemove(field: string, value: string): Locator {
    return this.chip(field, value).getByRole('button')
  }

  /** The saved-filters menu, opened. */
  async openPresets(): Promise<void> {
    if ((await this.presetsButton.getAttribute('aria-expanded')) !== 'true')
      await this.presetsButton.click()
    await this.presetsPanel.waitFor()
  }

  presetItem(name: string): Locator {
    return this.page.locator(`[data-testid="preset-item"][data-name="${name}"]`)
  }

  async savePreset(name: string): Promise<void> {
    await this.openPresets()
    await this.page.getByTestId('preset-name').fill(name)
    await this.page.getByTestId('preset-save').click()
  }

  /** The lead-response cards' raw values, as their data-value attributes hold them. */
  async cards(): Promise<{ average: string; share: string; over: string }> {
    const { average, share, over } = await this.kpiValues()
    return { average: average ?? '', share: share ?? '', over: over ?? '' }
  }

  /** The `f` parameter of the address bar. */
  filterParam(): string {
    return new URL(this.page.url()).searchParams.get('f') ?? ''
  }
}
