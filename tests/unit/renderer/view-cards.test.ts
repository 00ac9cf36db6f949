// The cards a report carries (shared/format/view-cards.ts) are the cards the page draws: each
// tab is rendered with React for real answers of the metrics api and every card's label, basis,
// value text and small print is compared with viewCards for the same answer. The answers in
// fixtures/dashboard-answers.json are kpis.dashboard's for a 3,000-lead demo cache (seed 12): a
// busy maturing month, a settled filtered quarter in London and an empty range; any real answer
// serves, so they need no refresh unless DashboardData changes shape.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { ApiProvider, type ApiClient } from '../../../renderer/src/api/client.ts'
import { ChartContext } from '../../../renderer/src/components/plotly-chart.tsx'
import { createChartReadiness } from '../../../renderer/src/lib/chart-readiness.ts'
import { VIEW_COMPONENTS } from '../../../renderer/src/views/index.ts'
import type { DashboardData, ViewId } from '../../../shared/api/index.ts'
import { viewCards, type ViewCard } from '../../../shared/format/index.ts'
import answers from './fixtures/dashboard-answers.json'

interface PageCard {
  readonly id: string
  readonly label: string
  readonly value: string
  readonly context: string
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
}

/** The visible text of an HTML fragment, whitespace as the page shows it. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:amp|lt|gt|quot|#x27);/g, (e) => ENTITIES[e] ?? e)
    .replace(/\u00a0/g, ' ')
    .trim()
}

/** Each kpi card of a rendered tab: the article's test id, heading, value and context. */
function pageCards(html: string): PageCard[] {
  const cards: PageCard[] = []
  for (const m of html.matchAll(
    /<article class="kpi-card[^"]*" data-testid="kpi-([^"]+)"[^>]*>(.*?)<\/article>/g,
  )) {
    const body = m[2] ?? ''
    const part = (re: RegExp) => textOf(re.exec(body)?.[1] ?? '')
    cards.push({
      id: m[1] ?? '',
      label: part(/<h2 class="kpi-label">(.*?)<\/h2>/),
      value: part(/<p class="kpi-(?:value|empty)[^"]*">(.*?)<\/p>/),
      context: part(/<p class="kpi-context">(.*)<\/p>/),
    })
  }
  return cards
}

/** What the page writes for a card, from its shared definition. */
function expected(card: ViewCard): PageCard {
  const target =
    card.id === 'conversion-rate' && card.target !== null ? `target ${card.target}` : ''
  return {
    id: card.id,
    label: card.basisText === null ? card.label : `${card.label} · ${card.basisText}`,
    value: card.text,
    context:
      `${card.maturing === null ? '' : `maturing${card.maturing}`}${target}${card.context ?? ''}`.trim(),
  }
}

/**
 * Rendering to a string runs no effect, so the page never calls its api here: a client that
 * refuses every use says so if that ever changes.
 */
const inertClient = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('the api is not used while a view renders to a string')
    },
  },
) as ApiClient

const VIEWS: readonly ViewId[] = [
  'overview',
  'lead-response',
  'conversion',
  'marketing',
  'markets',
  'revenue',
  'funnel',
  'trends',
  'activity',
]

describe.each(Object.entries(answers))('the cards for the %s answer', (_name, answer) => {
  const data = answer as unknown as DashboardData
  it.each(VIEWS)('on %s are the page’s', (view) => {
    // The chart host as the app gives it; charts draw in effects, which a string render skips.
    const host = {
      theme: 'light',
      token: data,
      readiness: createChartReadiness(),
      failed: () => {},
    } as const
    const html = renderToStaticMarkup(
      createElement(
        ApiProvider,
        { client: inertClient },
        createElement(
          ChartContext,
          { value: host },
          createElement(VIEW_COMPONENTS[view], { data }),
        ),
      ),
    )
    expect(pageCards(html)).toEqual(viewCards(view, data).map(expected))
  })
})
