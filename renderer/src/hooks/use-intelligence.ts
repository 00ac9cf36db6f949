// The customer-intelligence results a tab shows (shared/api/views.ts `intelligence`), asked of the
// `intel.*` methods beside the tab's `kpis.dashboard` answer. Segments and the model card are
// stored results: they are asked again when the core says its intelligence work ended
// (`intel.changed`: a recompute, or the leads' stage history inferred off the api's thread at
// start or after a bulk load), not on every sync. The journey and the call-first list read the
// cached leads under the filters: they are asked again when a sync moved leads, as the dashboards
// are, and when that work ended too.
import { useEffect, useMemo, useState } from 'react'
import { changedDashboards, type DateRange, type IntelPart } from '../../../shared/api/index.ts'
import type {
  CallFirstResult,
  IntelStatus,
  JourneysResult,
  ModelCard,
  SegmentsResult,
} from '../../../shared/api/intelligence.ts'
import { useApi, useApiClient, type ApiState } from '../api/client.ts'
import { toFilters, type Dimensions } from '../lib/url-state.ts'
import type { ViewDefinition } from '../lib/views.ts'

/** What a tab's intelligence answers hold; a part the tab does not show is absent. */
export interface IntelData {
  readonly segments?: SegmentsResult
  readonly journeys?: JourneysResult
  readonly callFirst?: CallFirstResult
  readonly modelCard?: ModelCard
}

/** Points on the PCA scatter: plenty to see each segment's shape, light enough for SVG. */
export const SEGMENT_POINTS = 2_000

/** Rows of the call-first list: the head of it beside the lead-response KPIs, more on its own tab. */
export const CALL_FIRST_ROWS = { compact: 10, full: 50 } as const

/** A sync that wrote leads moves these (the journey and call-first lists read leads too). */
const LEADS_MOVED = changedDashboards(['leads'])
/** Stored results move only when recomputed (intel.changed), never with a sync's commit. */
const NEVER_WITH_A_SYNC = [] as const

const NOTHING: IntelData = {}

/**
 * How many `intel.changed` reports said that work ended (a recompute done or failed, the journeys
 * inferred): the stored results and the journey can only have moved then. A recompute's progress
 * reports move nothing, so a tab is not asked again at every step of it.
 */
export function intelWorkEnded(ended: number, status: Pick<IntelStatus, 'state'>): number {
  return status.state === 'running' ? ended : ended + 1
}

function useIntelWorkEnded(): number {
  const client = useApiClient()
  const [ended, setEnded] = useState(0)
  useEffect(
    () => client.on('intel.changed', (status) => setEnded((n) => intelWorkEnded(n, status))),
    [client],
  )
  return ended
}

/**
 * The intelligence answers of one tab for the shown days and filters; `loading` until every part
 * the tab shows has its answer for them. A tab that shows none is settled at once, with nothing.
 */
export function useIntelligence(
  view: Pick<ViewDefinition, 'id' | 'intelligence'>,
  range: DateRange | null,
  dimensions: Dimensions,
  /** Rows of the call-first list; by default the head of it on Lead response, more on its tab. */
  callFirstRows?: number,
): ApiState<IntelData> {
  const parts: readonly IntelPart[] = view.intelligence ?? []
  const wants = (part: IntelPart) => parts.includes(part)
  const ended = useIntelWorkEnded()
  const filters = range === null ? null : toFilters({ preset: 'custom', ...range }, dimensions)
  const limit =
    callFirstRows ?? (view.id === 'lead-response' ? CALL_FIRST_ROWS.compact : CALL_FIRST_ROWS.full)

  const segments = useApi(
    'intel.segments',
    wants('segments') && filters !== null ? { maxPoints: SEGMENT_POINTS, filters } : null,
    [ended],
    { dashboards: NEVER_WITH_A_SYNC },
  )
  const journeys = useApi(
    'intel.journeys',
    wants('journeys') && filters !== null ? { filters } : null,
    [ended],
    { dashboards: LEADS_MOVED },
  )
  const callFirst = useApi(
    'intel.callFirst',
    wants('callFirst') && filters !== null ? { filters, limit } : null,
    [ended],
    { dashboards: LEADS_MOVED },
  )
  const modelCard = useApi('intel.modelCard', wants('modelCard') ? {} : null, [ended], {
    dashboards: NEVER_WITH_A_SYNC,
  })

  const asked: ApiState<unknown>[] = []
  if (wants('segments')) asked.push(segments)
  if (wants('journeys')) asked.push(journeys)
  if (wants('callFirst')) asked.push(callFirst)
  if (wants('modelCard')) asked.push(modelCard)

  const s = wants('segments') ? segments.data : null
  const j = wants('journeys') ? journeys.data : null
  const c = wants('callFirst') ? callFirst.data : null
  const m = wants('modelCard') ? modelCard.data : null
  // One object per set of answers, so charts and the page's readiness see a new answer only
  // when one of its parts is new.
  const data = useMemo<IntelData>(
    () =>
      s === null && j === null && c === null && m === null
        ? NOTHING
        : {
            ...(s === null ? {} : { segments: s }),
            ...(j === null ? {} : { journeys: j }),
            ...(c === null ? {} : { callFirst: c }),
            ...(m === null ? {} : { modelCard: m }),
          },
    [s, j, c, m],
  )
  return {
    data,
    error: asked.find((a) => a.error !== null)?.error ?? null,
    loading: asked.some((a) => a.loading),
  }
}

/**
 * What the tab's charts report drawn against (use-chart-readiness.ts): the dashboard answer, or
 * it and the intelligence answers together, new whenever either is, so a tab is not "ready"
 * while a chart still shows the previous journey or segments.
 */
export function useAnswerToken(dashboard: unknown, intel: IntelData | null): unknown {
  return useMemo(
    () => (intel === null || intel === NOTHING ? dashboard : { dashboard, intel }),
    [dashboard, intel],
  )
}
