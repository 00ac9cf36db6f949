import type { Locator, Page } from '@playwright/test'

/** Locators of live updates, the Activity feed, alert toasts and failed panels. */
export class LivePage {
  readonly liveSwitch: Locator
  readonly waiting: Locator
  readonly refreshNow: Locator
  readonly feed: Locator
  readonly feedEvents: Locator
  readonly feedTexts: Locator
  readonly olderButton: Locator
  readonly toasts: Locator
  readonly toast: Locator
  readonly failedPanel: Locator

  constructor(readonly page: Page) {
    this.liveSwitch = page.getByRole('switch', { name: 'Live updates' })
    this.waiting = page.getByTestId('live-waiting')
    this.refreshNow = page.getByTestId('refresh-now')
    this.feed = page.getByTestId('activity-list')
    this.feedEvents = page.getByTestId('activity-event')
    this.feedTexts = page.getByTestId('activity-text')
    this.olderButton = page.getByTestId('activity-older')
    this.toasts = page.getByTestId('toasts')
    this.toast = page.getByTestId('toast')
    this.failedPanel = page.getByTestId('panel-failed')
  }

  /** A feed entry of an upstream alert, by its upstream id. */
  feedAlert(id: string): Locator {
    return this.page.locator(`[data-testid="activity-event"][data-event-id="alert:${id}"]`)
  }
}
