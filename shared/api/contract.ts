import { z } from 'zod'
import { recentAlertsInputSchema, type UpstreamAlertPage } from './alerts.ts'
import {
  ruleRefSchema,
  saveRuleInputSchema,
  setRuleEnabledInputSchema,
  type AlertRule,
  type AlertRuleList,
} from './alert-rules.ts'
import {
  acknowledgeAlertInputSchema,
  alertHistoryInputSchema,
  alertsChangedSchema,
  silenceAlertInputSchema,
  type ActiveAlerts,
  type AlertHistoryPage,
  type AlertsAcknowledged,
} from './alert-engine.ts'
import type { ApiResult } from './errors.ts'
import { DASHBOARDS } from './dashboards.ts'
import { filtersSchema, type FilterValues } from './filters.ts'
import {
  maintenanceJobSchema,
  maintenanceStartSchema,
  type MaintenanceJob,
  type MaintenanceStatus,
} from './maintenance.ts'
import { COMPARISON_KINDS } from './kpis.ts'
import type { ActivityPage, DashboardData, KpiDefinition } from './kpis.ts'
import {
  deletePresetInputSchema,
  renamePresetInputSchema,
  savePresetInputSchema,
  setDefaultPresetInputSchema,
  type PresetChange,
  type PresetList,
} from './presets.ts'
import type { SourceStatus } from './sources.ts'
import {
  MAX_EXPORT_REQUEST_BYTES,
  exportJobSchema,
  exportRefSchema,
  exportStartSchema,
  type ExportJob,
} from './exports.ts'

import {
  auditListInputSchema,
  createTokenInputSchema,
  tokenRefSchema,
  type AuditPage,
  type ConnectionsStatus,
  type ConnectionsTest,
  type CreatedToken,
  type TokenInfo,
  type WhoAmI,
} from './access.ts'

import {
  callFirstInputSchema,
  intelChangedSchema,
  journeysInputSchema,
  leadScoresInputSchema,
  recomputeInputSchema,
  segmentsInputSchema,
  type CallFirstResult,
  type IntelStatus,
  type JourneysResult,
  type LeadScoresResult,
  type ModelCard,
  type SegmentsResult,
} from './intelligence.ts'

export type { SourceState, SourceStatus } from './sources.ts'

export interface AppStatus {
  readonly mode: 'demo' | 'live'
  readonly version: string
  /** ISO time of the newest change in the cache; null when it is empty. */
  readonly dataAsOf: string | null
  readonly leadCount: number
  readonly sources: readonly SourceStatus[]
}

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
    /**
     * What the deltas compare with (kpis.ts comparisonKindFor): the page reads a preset to days
     * before asking, so it names the comparison the preset means; by default the filter's own.
     */
    compareWith: z.enum(COMPARISON_KINDS).optional(),
  })
  .strict()

export const activityInputSchema = z
  .object({
    limit: z.int().min(1).max(500).default(50),
    /** The `next` cursor of the previous page. */
    before: z.string().max(200).optional(),
  })
  .strict()

declare const missingOutput: unique symbol
/** The output type of a method declared without one: refused by `defineMethods`. */
export interface MissingOutput {
  readonly [missingOutput]: true
}

/** One api method: the schema its input is parsed with in the core, and its output type. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I
  /** A type only, for the compiler: never read at run time. */
  readonly output: O
}

/** Declares a method: `method<Output>()(inputSchema)`. */
export const method =
  <O = MissingOutput>() =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input, output: undefined as O })

/** Every entry must declare its output type: one without is a compile error here. */
export const defineMethods = <T extends Record<string, MethodSpec>>(
  methods: T & {
    readonly [K in keyof T]: T[K] extends MethodSpec<z.ZodType, MissingOutput>
      ? 'this method declares no output type: method<Output>()(input)'
      : T[K]
  },
): T => methods

/**
 * The api, defined once: one entry per method, its input schema (validated
 * in the core) and its output type. Every transport (Electron IPC,
 * WebSocket, direct) carries exactly this map; a handler module names its
 * methods with `satisfies HandlerModule`, so a handler for a method not
 * here does not compile either.
 */
export const methods = defineMethods({
  'app.status': method<AppStatus>()(z.object({}).strict()),
  'kpis.dashboard': method<DashboardData>()(dashboardInputSchema),
  /** The KPI registry's definitions: labels, units, targets, bands and rule sentences. */
  'kpis.definitions': method<readonly KpiDefinition[]>()(z.object({}).strict()),
  'activity.page': method<ActivityPage>()(activityInputSchema),
  'filters.values': method<FilterValues>()(z.object({}).strict()),
  /** Alerts raised upstream, newest first (the wall banner, toasts and the feed read them). */
  'alerts.recent': method<UpstreamAlertPage>()(recentAlertsInputSchema),
  /** Local and upstream alerts now (pending, firing; acknowledged ones too) and the tray's state. */
  'alerts.active': method<ActiveAlerts>()(z.object({}).strict()),
  /** Every transition of the local rules with its value, newest first. */
  'alerts.history': method<AlertHistoryPage>()(alertHistoryInputSchema),
  /** Stays listed, stops notifying (local: until the episode ends). Analyst or admin (roles.ts). */
  'alerts.acknowledge': method<ActiveAlerts>()(acknowledgeAlertInputSchema),
  'alerts.acknowledgeAll': method<AlertsAcknowledged>()(z.object({}).strict()),
  /** No notification for the alert before `until`. Analyst or admin. */
  'alerts.silence': method<ActiveAlerts>()(silenceAlertInputSchema),
  /** Starts an admin job (shared/api/maintenance.ts) and answers at once; one job at a time. */
  'maintenance.start': method<MaintenanceJob>()(maintenanceStartSchema),
  'maintenance.status': method<MaintenanceStatus>()(z.object({}).strict()),
  /** Named filter presets (shared/api/presets.ts), by name; unreadable ones listed apart. */
  'presets.list': method<PresetList>()(z.object({}).strict()),
  'presets.save': method<PresetChange>()(savePresetInputSchema),
  'presets.rename': method<PresetChange>()(renamePresetInputSchema),
  'presets.delete': method<PresetChange>()(deletePresetInputSchema),
  /** The preset a page opens on when its link names no filters; `id: null` leaves none. */
  'presets.setDefault': method<PresetChange>()(setDefaultPresetInputSchema),
  /** Local alert rules (shared/api/alert-rules.ts), by name; unreadable rows listed apart with why. */
  'rules.list': method<AlertRuleList>()(z.object({}).strict()),
  /** Creates a rule, or replaces rule `id`; refused with a sentence (bad_request; a full table: conflict). Admin only. */
  'rules.save': method<AlertRule>()(saveRuleInputSchema),
  /** Admin only. */
  'rules.delete': method<{ id: number }>()(ruleRefSchema),
  /** Admin only. */
  'rules.setEnabled': method<AlertRule>()(setRuleEnabledInputSchema),
  /**
   * Starts an export (shared/api/exports.ts) into the core's downloads and answers at once;
   * progress goes out as `export.progress`, the file is fetched with the bridge's deliverExport.
   * The one method whose input may exceed MAX_REQUEST_BYTES (the charts' SVG).
   */
  'export.start': method<ExportJob>()(exportStartSchema),
  'export.status': method<ExportJob>()(exportRefSchema),
  /** Asks a running export to stop; it ends 'cancelled' with no file left. */
  'export.cancel': method<ExportJob>()(exportRefSchema),
  /** Customer segments of the last recompute (shared/api/intelligence.ts): PCA points, segment table. */
  'intel.segments': method<SegmentsResult>()(segmentsInputSchema),
  /** The leads' stage flows under the global filters: edges with counts and median durations. */
  'intel.journeys': method<JourneysResult>()(journeysInputSchema),
  /** Open leads by score × expected deal value (the model's order, or the baseline's). */
  'intel.callFirst': method<CallFirstResult>()(callFirstInputSchema),
  /** Scores of given open leads, with the features that drove them. */
  'intel.leadScores': method<LeadScoresResult>()(leadScoresInputSchema),
  /** How good the scores are: time split, AUC against the temperature baseline, calibration. */
  'intel.modelCard': method<ModelCard>()(z.object({}).strict()),
  'intel.status': method<IntelStatus>()(z.object({}).strict()),
  /** Starts a recompute off the api's thread and answers at once; progress as `intel.changed`. */
  'intel.recompute': method<IntelStatus>()(recomputeInputSchema),
  /** The caller's role and name (issue 15): what the page shows; the core refuses the rest. */
  'access.whoami': method<WhoAmI>()(z.object({}).strict()),
  /** Tokens for screens over the network (shared/api/access.ts); the secrets are never listed. */
  'tokens.list': method<readonly TokenInfo[]>()(z.object({}).strict()),
  /** Makes a token; its secret is in this answer once and is never shown again. */
  'tokens.create': method<CreatedToken>()(createTokenInputSchema),
  /** Revokes a token: screens holding it are refused at once and their sockets closed. */
  'tokens.revoke': method<TokenInfo>()(tokenRefSchema),
  /** The audit log, newest first, paged. */
  'audit.list': method<AuditPage>()(auditListInputSchema),
  /** The upstream connections, passwords masked ("set" or not, never the secret). */
  'connections.status': method<ConnectionsStatus>()(z.object({}).strict()),
  /** Connects once to each upstream; a failure is the sync's sentence for it. */
  'connections.test': method<ConnectionsTest>()(z.object({}).strict()),
})

export type MethodName = keyof typeof methods
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>
export type MethodOutput<M extends MethodName> = (typeof methods)[M]['output']

export const methodNames = Object.keys(methods) as MethodName[]

export const eventSchemas = {
  /** Rows changed in the cache; screens showing these tables refresh. */
  'data.changed': z.object({
    tables: z.array(z.string()),
    at: z.string(),
    /** Dashboards whose numbers may have moved (changedDashboards(tables)). */
    dashboards: z.array(z.enum(DASHBOARDS)).optional(),
  }),
  /** The active alerts after a transition, an acknowledgement or a silence (the tray, the panel). */
  'alerts.changed': alertsChangedSchema,
  /** A maintenance job moved on (phase, rows done) or ended. */
  'maintenance.progress': maintenanceJobSchema,
  /** An export moved on (phase, rows done, time left) or ended. */
  'export.progress': exportJobSchema,
  /** The intelligence recompute moved on, ended (results changed) or failed. */
  'intel.changed': intelChangedSchema,
  /** From the desktop shell only, never the core: File → Export… asks the page for its export dialog. */
  'shell.export': z.object({}).strict(),
} as const
export type EventName = keyof typeof eventSchemas
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>
export const eventNames = Object.keys(eventSchemas) as EventName[]

/** One function per method, as the page sees it: the bridge's shape on every transport. */
export type ApiMethods = {
  readonly [M in MethodName]: (input: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>>
}

/** What handing a finished export to the person came to. */
export interface ExportDelivery {
  /** False when the person cancelled the save dialog, or the file could not be handed over. */
  readonly saved: boolean
  /** Where it went ("Saved to …"), or why not, as a sentence. */
  readonly message?: string
}

/** The one object the page is given (preload in Electron, WebSocket in a browser). */
export interface WatchfloorBridge {
  readonly transport: 'electron' | 'websocket'
  readonly methods: ApiMethods
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  /**
   * Hands a finished export (state 'done') to the person without the page naming a path: the
   * browser host's download of /exports/<id>, or Electron's native save dialog in the main
   * process, which moves the core's file where the person chose.
   */
  deliverExport(job: ExportJob): Promise<ExportDelivery>
}

/** Largest request accepted from a page, in bytes of its serialised form. */
export const MAX_REQUEST_BYTES = 64 * 1024

/**
 * The largest request a call of `method` may be: `export.start` carries the page's chart SVGs
 * (up to MAX_EXPORT_REQUEST_BYTES); every other method keeps MAX_REQUEST_BYTES.
 */
export const maxRequestBytesFor = (method: unknown): number =>
  method === 'export.start' ? MAX_EXPORT_REQUEST_BYTES : MAX_REQUEST_BYTES

/** Nesting deeper than this in a request is refused (no input of the contract needs a tenth of it). */
export const MAX_REQUEST_DEPTH = 64

/** Whether `value` nests deeper than `limit` arrays or objects (iterative: no stack to overflow). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    if (depth >= limit) return true
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return false
}
