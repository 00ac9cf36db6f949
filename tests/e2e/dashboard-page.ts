import type { Locator, Page } from '@playwright/test'

/** Locators of the first dashboard; tests speak in these terms. */
export class DashboardPage {
  readonly root: Locator
  readonly ready: Locator
  readonly from: Locator
  readonly to: Locator
  readonly averageResponse: Locator
  readonly shareUnderTarget: Locator
  readonly overTarget: Locator
  readonly chart: Locator
  readonly themePicker: Locator
  readonly demoBadge: Locator
  readonly errorBanner: Locator

  constructor(readonly page: Page) {
    this.root = page.locator('[data-state]').first()
    this.ready = page.locator('[data-state="ready"]')
    this.from = page.getByTestId('range-from')
    this.to = page.getByTestId('range-to')
    this.averageResponse = page.getByTestId('kpi-average-response')
    this.shareUnderTarget = page.getByTestId('kpi-share-under-target')
    this.overTarget = page.getByTestId('kpi-over-target')
    this.chart = page.getByTestId('chart-leads-per-day')
    this.themePicker = page.getByLabel('Theme')
    this.demoBadge = page.getByText('Demo', { exact: true })
    this.errorBanner = page.getByTestId('error-banner')
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await this.ready.waitFor()
  }

  async setRange(from: string, to: string): Promise<void> {
    await this.from.fill(from)
    await this.to.fill(to)
    await this.ready.waitFor()
  }

  async kpiValues(): Promise<{
    average: string | null
    share: string | null
    over: string | null
  }> {
    return {
      average: await this.averageResponse.getAttribute('data-value'),
      share: await this.shareUnderTarget.getAttribute('data-value'),
      over: await this.overTarget.getAttribute('data-value'),
    }
  }
}
