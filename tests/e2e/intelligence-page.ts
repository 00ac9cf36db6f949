import type { Locator, Page } from '@playwright/test'
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/index.ts'
import { callFrame, openApiSocket, pageCookie } from '../support/host-client.ts'
import { DashboardsPage } from './dashboards-page.ts'

/** The customer-intelligence tabs (issue 16) and the call-first list on Lead response. */
export class IntelligencePage extends DashboardsPage {
  readonly segmentsChart: Locator
  readonly segmentRows: Locator
  readonly sankey: Locator
  readonly edgeRows: Locator
  readonly slowSteps: Locator
  readonly callFirstRows: Locator
  readonly modelCard: Locator
  readonly calibrationChart: Locator

  constructor(page: Page) {
    super(page)
    this.segmentsChart = page.getByTestId('chart-segments')
    this.segmentRows = page.getByTestId('segment-row')
    this.sankey = page.getByTestId('chart-journey-sankey')
    this.edgeRows = page.getByTestId('journey-edge-row')
    this.slowSteps = page.getByTestId('journey-slow-step')
    this.callFirstRows = page.getByTestId('call-first-row')
    this.modelCard = page.getByTestId('model-card')
    this.calibrationChart = page.getByTestId('chart-calibration')
  }

  /** Opens the page on one tab and waits until it is drawn. */
  async openOn(url: string, view: string): Promise<void> {
    await this.page.goto(`${url}?view=${view}`)
    await this.readyOn(view).waitFor()
  }

  /** The given `data-*` attributes of every row of a list, in the page's order. */
  async rows<K extends string>(rows: Locator, names: readonly K[]): Promise<Record<K, string>[]> {
    return rows.evaluateAll(
      (els, keys) =>
        els.map((el) =>
          Object.fromEntries(keys.map((k) => [k, el.getAttribute(`data-${k}`) ?? ''])),
        ),
      names,
    ) as Promise<Record<K, string>[]>
  }

  /** The shown days, as the api takes them (the e2e page runs in UTC). */
  async shownFilters(): Promise<{
    range: { preset: 'custom'; from: string; to: string; timeZone: string }
  }> {
    return {
      range: {
        preset: 'custom',
        from: await this.from.inputValue(),
        to: await this.to.inputValue(),
        timeZone: 'UTC',
      },
    }
  }
}

/** One api call over the host's socket, as the page makes it, with the page's session. */
export async function callApi<M extends MethodName>(
  url: string,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const socket = await openApiSocket(url, { cookie: await pageCookie(url) })
  try {
    socket.ws.send(callFrame('intel', method, input))
    for (;;) {
      const frame = await socket.next()
      if (frame.i !== 'intel') continue
      const reply = frame.r as { ok: boolean; value?: MethodOutput<M> }
      if (!reply.ok || reply.value === undefined) throw new Error(JSON.stringify(frame))
      return reply.value
    }
  } finally {
    socket.ws.close()
  }
}
