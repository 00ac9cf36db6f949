import { z } from 'zod'
import type { ApiResult } from './errors.ts'
import { DASHBOARDS } from './dashboards.ts'
import { dateRangeSchema, filtersSchema, type FilterValues } from './filters.ts'
import type { ActivityPage, DashboardData } from './kpis.ts'
import type { SourceStatus } from './sources.ts'

/** First-response target from the ops playbook: answer a lead within two minutes. */
export const RESPONSE_TARGET_SECONDS = 120

export type { SourceState, SourceStatus } from './sources.ts'

export interface AppStatus {
  readonly mode: 'demo' | 'live'
  readonly version: string
  /** ISO time of the newest change in the cache; null when it is empty. */
  readonly dataAsOf: string | null
  readonly leadCount: number
  readonly sources: readonly SourceStatus[]
}

export interface LeadResponseKpi {
  readonly targetSeconds: number
  /** Leads created in the range (not deleted). */
  readonly leads: number
  /** Leads with a first response. */
  readonly responded: number
  /** Leads answered within the target. */
  readonly underTarget: number
  /** Leads answered after the target, or never answered. */
  readonly overTarget: number
  /** Mean first-response seconds over answered leads; null when none was answered. */
  readonly averageSeconds: number | null
  /** underTarget / leads; null when the range holds no lead. */
  readonly shareUnderTarget: number | null
  readonly asOf: string | null
}

export interface DailyLeads {
  /** Local day `YYYY-MM-DD` in the request's time zone. */
  readonly days: readonly string[]
  readonly leads: readonly number[]
}

const rangeInput = z.object({ range: dateRangeSchema }).strict()

export const dashboardInputSchema = z
  .object({
    filters: filtersSchema,
    /** Which dashboards to compute; 'all' computes every one. */
    dashboards: z.union([
      z.literal('all'),
      z.array(z.enum(DASHBOARDS)).min(1).max(DASHBOARDS.length),
    ]),
    /** Most points any series may carry (thinned with LTTB beyond it). */
    maxPoints: z.int().min(3).max(10_000).default(500),
    /** Events on the activity page. */
    activityLimit: z.int().min(1).max(500).default(50),
  })
  .strict()

export const activityInputSchema = z
  .object({
    limit: z.int().min(1).max(500).default(50),
    /** The `next` cursor of the previous page. */
    before: z.string().max(200).optional(),
  })
  .strict()

/**
 * The api, defined once: method name → input schema (validated in the core)
 * and output type. Every transport (Electron IPC, WebSocket, direct) carries
 * exactly this map.
 */
export const methodSchemas = {
  'app.status': z.object({}).strict(),
  'kpis.leadResponse': rangeInput,
  'trends.leadsPerDay': rangeInput,
  'kpis.dashboard': dashboardInputSchema,
  'activity.page': activityInputSchema,
  'filters.values': z.object({}).strict(),
} as const

export interface MethodOutputs {
  'app.status': AppStatus
  'kpis.leadResponse': LeadResponseKpi
  'trends.leadsPerDay': DailyLeads
  'kpis.dashboard': DashboardData
  'activity.page': ActivityPage
  'filters.values': FilterValues
}

export type MethodName = keyof typeof methodSchemas & keyof MethodOutputs
export type MethodInput<M extends MethodName> = z.input<(typeof methodSchemas)[M]>
export type ParsedInput<M extends MethodName> = z.output<(typeof methodSchemas)[M]>
export type MethodOutput<M extends MethodName> = MethodOutputs[M]

export const methodNames = Object.keys(methodSchemas) as MethodName[]

export const eventSchemas = {
  /** Rows changed in the cache; screens showing these tables refresh. */
  'data.changed': z.object({
    tables: z.array(z.string()),
    at: z.string(),
    /** Dashboards whose numbers may have moved (changedDashboards(tables)). */
    dashboards: z.array(z.enum(DASHBOARDS)).optional(),
  }),
} as const
export type EventName = keyof typeof eventSchemas
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>
export const eventNames = Object.keys(eventSchemas) as EventName[]

/** One function per method, as the page sees it: the bridge's shape on every transport. */
export type ApiMethods = {
  readonly [M in MethodName]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>>
}

/** The one object the page is given (preload in Electron, WebSocket in a browser). */
export interface WatchfloorBridge {
  readonly transport: 'electron' | 'websocket'
  readonly methods: ApiMethods
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** Largest request accepted from a page, in bytes of its serialised form. */
export const MAX_REQUEST_BYTES = 64 * 1024
