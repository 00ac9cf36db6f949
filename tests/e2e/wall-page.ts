import type { Locator, Page } from '@playwright/test'

/** A box that clips what overflows it, and by how much it would need to grow. */
export interface Overflow {
  readonly what: string
  readonly height: number
  readonly width: number
}

/** Wall mode (`?mode=wall`): the rotation's attributes and the bar's markers. */
export class WallPage {
  readonly root: Locator
  readonly viewName: Locator
  readonly dataAsOf: Locator
  readonly clock: Locator
  readonly ring: Locator
  readonly next: Locator

  constructor(readonly page: Page) {
    this.root = page.getByTestId('wall')
    this.viewName = page.getByTestId('wall-view-name')
    this.dataAsOf = page.getByTestId('wall-data-as-of')
    this.clock = page.getByTestId('wall-clock')
    this.ring = page.getByTestId('wall-ring')
    this.next = page.getByTestId('wall-next')
  }

  async open(host: string, query: string): Promise<void> {
    await this.page.goto(`${host}?mode=wall&${query}`)
    await this.ready().waitFor()
  }

  /** Drawn for the view on screen: answers in, every chart drawn. */
  ready(view?: string): Locator {
    const on = view === undefined ? '' : `[data-view="${view}"]`
    return this.page.locator(`[data-testid="wall"][data-state="ready"]${on}`)
  }

  async slot(): Promise<{ slot: number; view: string; playlist: string[] }> {
    const [slot, view, playlist] = await Promise.all([
      this.root.getAttribute('data-slot'),
      this.root.getAttribute('data-view'),
      this.root.getAttribute('data-playlist'),
    ])
    return { slot: Number(slot), view: view ?? '', playlist: (playlist ?? '').split(',') }
  }

  /**
   * How far the page scrolls, and every box of the view that clips content (a table, a KPI
   * card, a panel): a view that only "fits" because a box cut it off does not fit.
   */
  async overflow(): Promise<{ scroll: Overflow; clipped: Overflow[] }> {
    return this.page.evaluate(() => {
      const doc = document.documentElement
      const clipped: Overflow[] = []
      const view = document.querySelector<HTMLElement>('.wall-view')
      const boxes =
        view === null
          ? []
          : [view, ...view.querySelectorAll<HTMLElement>('.panel, .table-scroll, .kpi-card')]
      for (const box of boxes) {
        const height = box.scrollHeight - box.clientHeight
        const width = box.scrollWidth - box.clientWidth
        if (height > 1 || width > 1) {
          const label = box.getAttribute('data-testid') ?? box.querySelector('h2')?.textContent
          clipped.push({ what: `${box.className} ${label ?? ''}`.trim(), height, width })
        }
      }
      return {
        scroll: {
          what: 'document',
          height: doc.scrollHeight - window.innerHeight,
          width: doc.scrollWidth - window.innerWidth,
        },
        clipped,
      }
    })
  }
}
