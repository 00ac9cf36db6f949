import type { Locator, Page } from '@playwright/test'

/** Locators of the page's honest status: the header's data line, the footer, Health's lists. */
export class StatusPage {
  readonly ready: Locator
  readonly dataAsOf: Locator
  readonly offlineHeader: Locator
  readonly footer: Locator
  readonly footerOffline: Locator
  readonly cards: Locator
  readonly healthErrors: Locator
  readonly healthSources: Locator

  constructor(readonly page: Page) {
    this.ready = page.locator('[data-testid="app"][data-state="ready"]')
    this.dataAsOf = page.getByTestId('data-as-of')
    this.offlineHeader = page.locator('[data-testid="data-as-of"][data-connection="offline"]')
    this.footer = page.getByTestId('status-footer')
    this.footerOffline = page.getByTestId('connection-status')
    this.cards = page.locator('.kpi-card')
    this.healthErrors = page.getByTestId('health-error')
    this.healthSources = page.getByTestId('health-source')
  }

  /** Each KPI card's raw value, in page order. */
  async cardValues(): Promise<(string | null)[]> {
    return this.cards.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-value')))
  }

  source(name: string): Locator {
    return this.page.getByTestId(`source-${name}`)
  }
}
