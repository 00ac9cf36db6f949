import type { ComponentType } from 'react'
import type { ViewId } from '../lib/views.ts'
import { ActivityView } from './activity.tsx'
import { ConversionView } from './conversion.tsx'
import { FunnelView } from './funnel.tsx'
import { HealthView } from './health.tsx'
import { JourneysView } from './journeys.tsx'
import { LeadResponseView } from './lead-response.tsx'
import { MarketingView } from './marketing.tsx'
import { MarketsView } from './markets.tsx'
import { OverviewView } from './overview.tsx'
import { RevenueView } from './revenue.tsx'
import { ScoresView } from './scores.tsx'
import { SegmentsView } from './segments.tsx'
import { TrendsView } from './trends.tsx'
import type { ViewProps } from './view-props.ts'

export const VIEW_COMPONENTS: Readonly<Record<ViewId, ComponentType<ViewProps>>> = {
  overview: OverviewView,
  'lead-response': LeadResponseView,
  conversion: ConversionView,
  marketing: MarketingView,
  markets: MarketsView,
  revenue: RevenueView,
  funnel: FunnelView,
  trends: TrendsView,
  segments: SegmentsView,
  journeys: JourneysView,
  scores: ScoresView,
  activity: ActivityView,
  health: HealthView,
}
