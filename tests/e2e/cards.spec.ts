// Issue 11, honest numbers: on every dashboard with cards, each card shows exactly the api's value
// for the same filters, written by the same rules (renderer/src/lib/format.ts, driven by the
// registry's definitions that come with the answer), says what it counts, marks a maturing range
// and names the days it compares with. The api is asked over the host's own socket, as another
// client of `watchfloor serve`, with the request the page makes (custom days read from the preset
// at the page's clock, and the comparison the preset means).
//
// Health's cards are left out: memory and free disk move between two reads of the same host.
import {
  comparisonKindFor,
  presetDays,
  serializeFilters,
  type DashboardData,
  type Filters,
  type RangePreset,
} from '../../shared/api/index.ts'
import {
  basisLabel,
  formatComparison,
  formatInteger,
  formatKpiValue,
} from '../../renderer/src/lib/format.ts'
import { viewOf } from '../../renderer/src/lib/views.ts'
import { HostApi } from '../support/host-client.ts'
import { PAGE_NOW, expect, test } from './host-fixture.ts'

/** The page runs in UTC (playwright.config.ts), so "today" is PAGE_NOW's UTC day. */
const TODAY = PAGE_NOW.slice(0, 10)

/** What a card must show: its number (null: no number, an empty or pending text instead). */
interface ExpectedCard {
  readonly value: string | null
  readonly basis?: string
  readonly maturing?: boolean
}

const CARD_VIEWS = ['overview', 'lead-response', 'conversion', 'marketing', 'revenue'] as const
type CardView = (typeof CARD_VIEWS)[number]

/** Every card of a view, by test id, from the api's answer: the card rules written out once more. */
function expectedCards(view: CardView, d: DashboardData): Record<string, ExpectedCard> {
  const k = d.kpis
  const lr = d.leadResponse
  const t = d.trends
  const conv = d.conversion
  const leadResponse = (): Record<string, ExpectedCard> => {
    if (!lr) throw new Error('no leadResponse')
    const empty = lr.noData || lr.leads === 0
    return {
      'kpi-average-response': {
        value:
          lr.averageSeconds === null
            ? null
            : formatKpiValue(k.averageResponseSeconds, lr.averageSeconds),
        basis: basisLabel(k.averageResponseSeconds),
      },
      'kpi-share-under-target': {
        value:
          lr.shareUnderTarget === null
            ? null
            : formatKpiValue(k.shareUnderTarget, lr.shareUnderTarget),
        basis: basisLabel(k.shareUnderTarget),
      },
      'kpi-over-target': { value: empty ? null : formatInteger(lr.overTarget) },
    }
  }
  switch (view) {
    case 'overview': {
      if (!t) throw new Error('no trends')
      const m = t.maturity.maturing && t.deltas.leads.current !== 0
      return {
        ...leadResponse(),
        'kpi-leads': {
          value: formatKpiValue(k.leads, t.deltas.leads.current ?? 0),
          basis: basisLabel(k.leads),
          maturing: false,
        },
        'kpi-conversion-rate': {
          value:
            t.deltas.conversionRate.current === null
              ? null
              : formatKpiValue(k.conversionRate, t.deltas.conversionRate.current),
          basis: basisLabel(k.conversionRate),
          maturing: m,
        },
        'kpi-conversions': {
          value: formatKpiValue(k.conversions, t.deltas.conversions.current ?? 0),
          basis: basisLabel(k.conversions),
          maturing: m,
        },
        'kpi-revenue': {
          value: formatKpiValue(k.revenueCents, t.deltas.revenueCents.current ?? 0, {
            short: true,
          }),
          basis: basisLabel(k.revenueCents),
          maturing: m,
        },
      }
    }
    case 'lead-response': {
      if (!lr) throw new Error('no leadResponse')
      const empty = lr.noData
      return {
        ...leadResponse(),
        'kpi-median-response': {
          value:
            lr.medianSeconds === null
              ? null
              : formatKpiValue(k.medianResponseSeconds, lr.medianSeconds),
          basis: basisLabel(k.medianResponseSeconds),
        },
        'kpi-never-answered': { value: empty ? null : formatInteger(lr.neverResponded) },
        'kpi-conversions-lost': {
          value:
            lr.estimatedConversionsLost === null
              ? null
              : formatInteger(lr.estimatedConversionsLost),
        },
        'kpi-response-status': { value: lr.status },
      }
    }
    case 'conversion': {
      if (!conv) throw new Error('no conversion')
      const m = !conv.noData && conv.maturity.maturing
      return {
        'kpi-conversion-overall': {
          value: conv.rate === null ? null : formatKpiValue(k.conversionRate, conv.rate),
          basis: basisLabel(k.conversionRate),
          maturing: m,
        },
        'kpi-conversion-won': {
          value: conv.noData ? null : formatKpiValue(k.conversions, conv.conversions),
          basis: basisLabel(k.conversions),
          maturing: m,
        },
      }
    }
    case 'marketing': {
      const roi = d.marketing
      if (!roi) throw new Error('no marketing')
      const tot = roi.totals
      return {
        'kpi-marketing-leads': { value: roi.noData ? null : formatInteger(tot.leads) },
        'kpi-marketing-revenue': {
          value: roi.noData
            ? null
            : formatKpiValue(k.revenueCents, tot.revenueCents, { short: true }),
          basis: basisLabel(k.revenueCents),
        },
        'kpi-marketing-roi': {
          value: tot.roiPercent === null ? null : formatKpiValue(k.roiPercent, tot.roiPercent),
          basis: basisLabel(k.roiPercent),
        },
      }
    }
    case 'revenue': {
      const r = d.revenue
      if (!r) throw new Error('no revenue')
      const money = (cents: number | null) =>
        cents === null ? null : formatKpiValue(k.revenueBooked, cents, { short: true })
      return {
        'kpi-month-revenue': { value: money(r.monthRevenueCents) },
        'kpi-month-projection': { value: money(r.projectedMonthCents) },
        'kpi-ytd-revenue': { value: money(r.ytdRevenueCents) },
        'kpi-annualised': { value: money(r.annualisedCents) },
        'kpi-growth-gap': { value: money(r.gapToNextTargetCents) },
      }
    }
  }
}

const CASES: readonly { name: string; preset: RangePreset; dims: Omit<Filters, 'range'> }[] = [
  { name: 'the default range (last 30 days)', preset: 'last30', dims: {} },
  { name: 'year to date of one channel', preset: 'ytd', dims: { source: ['Google LSA'] } },
]

for (const c of CASES) {
  test(`every card equals the api’s value: ${c.name}`, async ({ page, host }) => {
    const api = await HostApi.open(host.url)
    const days = presetDays(c.preset, TODAY)
    const link = serializeFilters({ range: { preset: c.preset, timeZone: 'UTC' }, ...c.dims })
    for (const view of CARD_VIEWS) {
      await page.goto(`${host.url}?view=${view}&f=${link}`)
      await page.locator(`[data-state="ready"][data-view="${view}"]`).waitFor()
      const data = await api.call<DashboardData>('kpis.dashboard', {
        filters: { range: { preset: 'custom', ...days, timeZone: 'UTC' }, ...c.dims },
        dashboards: [...viewOf(view).dashboards],
        compareWith: comparisonKindFor(c.preset),
      })
      const expected = expectedCards(view, data)
      const cards = page.locator('.kpi-card')
      // Every card on the page is one this test knows: a new card must be added here.
      await expect(cards.and(page.locator('[aria-busy="false"]'))).toHaveCount(
        Object.keys(expected).length,
      )
      const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
      expect(new Set(ids), view).toEqual(new Set(Object.keys(expected)))
      for (const [id, want] of Object.entries(expected)) {
        const card = page.getByTestId(id)
        const value = card.locator('.kpi-value')
        if (want.value === null) await expect(value, `${view} ${id}`).toHaveCount(0)
        else await expect(value, `${view} ${id}`).toHaveText(want.value)
        if (want.basis !== undefined)
          await expect(card, `${view} ${id} basis`).toHaveAttribute('data-basis', want.basis)
        if (want.maturing !== undefined)
          await expect(card, `${view} ${id} maturing`).toHaveAttribute(
            'data-maturing',
            String(want.maturing),
          )
      }
      if (view === 'overview' && data.trends) {
        // The change is against the days the core compared with, named as such.
        const against = formatComparison(data.trends.comparison)
        await expect(page.getByTestId('kpi-leads').getByTestId('delta')).toContainText(against)
        for (const id of ['conversions', 'conversionRate', 'revenueCents'] as const) {
          const testId = {
            conversions: 'kpi-conversions',
            conversionRate: 'kpi-conversion-rate',
            revenueCents: 'kpi-revenue',
          }[id]
          if (!data.trends.deltas[id].comparable)
            await expect(page.getByTestId(testId).getByTestId('delta')).toHaveAttribute(
              'data-comparable',
              'false',
            )
        }
      }
    }
    api.close()
  })
}

test('the default range is maturing and says so; Trends counts deals by close date', async ({
  page,
  host,
}) => {
  const api = await HostApi.open(host.url)
  const days = presetDays('last30', TODAY)
  const data = await api.call<DashboardData>('kpis.dashboard', {
    filters: { range: { preset: 'custom', ...days, timeZone: 'UTC' } },
    dashboards: ['trends'],
    compareWith: 'previous period',
  })
  api.close()
  // 30 days of leads are younger than the time most demo deals take to close.
  expect(data.trends?.maturity.maturing).toBe(true)
  expect(data.trends?.deltas.conversions.comparable).toBe(false)
  await page.goto(`${host.url}?view=overview`)
  await page.locator('[data-state="ready"][data-view="overview"]').waitFor()
  const won = page.getByTestId('kpi-conversions')
  await expect(won.locator('.kpi-label')).toHaveText('Deals won · by lead date')
  await expect(won.getByTestId('kpi-maturing')).toContainText('of these leads still open')
  await expect(won.getByTestId('delta')).toHaveAttribute('data-comparable', 'false')
  await expect(won.locator('.delta-bad')).toHaveCount(0)
  await page
    .getByRole('region', { name: 'Headline numbers' })
    .screenshot({ path: test.info().outputPath('headline-cards-maturing.png') })
  await page.getByTestId('tab-trends').click()
  await page.locator('[data-state="ready"][data-view="trends"]').waitFor()
  await expect(page.getByText('by close date').first()).toBeVisible()
})

test('year to date compares with the same days last year', async ({ page, host }) => {
  await page.goto(`${host.url}?view=overview&f=r-ytd.z-UTC`)
  await page.locator('[data-state="ready"][data-view="overview"]').waitFor()
  const year = Number(TODAY.slice(0, 4)) - 1
  const against = formatComparison({
    range: { from: `${year}-01-01`, to: `${year}${TODAY.slice(4)}`, timeZone: 'UTC' },
    kind: 'same days last year',
  })
  await expect(page.getByTestId('kpi-leads').getByTestId('delta')).toContainText(against)
})
