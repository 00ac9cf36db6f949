import type { Locator, Page } from '@playwright/test'
import { DashboardPage } from './dashboard-page.ts'

/** The tabbed ops dashboards: the first dashboard's locators plus tabs and filters. */
export class DashboardsPage extends DashboardPage {
  readonly urlNotice: Locator

  constructor(page: Page) {
    super(page)
    this.urlNotice = page.getByTestId('url-notice')
  }

  tab(view: string): Locator {
    return this.page.getByTestId(`tab-${view}`)
  }

  /** Ready, and on this tab: the attribute pair moves together in one render. */
  readyOn(view: string): Locator {
    return this.page.locator(`[data-state="ready"][data-view="${view}"]`)
  }

  async openTab(view: string): Promise<void> {
    await this.tab(view).click()
    await this.readyOn(view).waitFor()
  }

  filter(field: string): Locator {
    return this.page.getByTestId(`filter-${field}`)
  }

  async toggleFilterValue(field: string, value: string): Promise<void> {
    await this.filter(field).click()
    await this.page.locator(`[data-testid="filter-${field}-option"][data-value="${value}"]`).click()
    await this.page.keyboard.press('Escape')
    await this.ready.waitFor()
  }

  /** Marketing ROI rows as channel → leads. */
  async channelLeads(): Promise<Record<string, number>> {
    const rows = await this.page.getByTestId('roi-row').all()
    const out: Record<string, number> = {}
    for (const row of rows) {
      out[(await row.getAttribute('data-channel')) ?? ''] = Number(
        await row.getAttribute('data-leads'),
      )
    }
    return out
  }
}
