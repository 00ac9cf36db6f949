// The alert engine (issue 13): evaluates the enabled rules on the cache after
// every sync commit that moved one of their metrics and on a timer, online or
// offline (nothing here touches the network), steps each rule's state machine
// and keeps its state in alert_state and every transition in alert_history,
// so a restart resumes a pending rule with its `since` and a firing one
// without notifying again. Upstream alerts (upstream_alerts, one row per id
// however many channels carried it) join the same list.
import type {
  AlertMetric,
  AlertRule,
  AlertState,
  AlertTransition,
  AlertView,
  RuleSeverity,
  TrayState,
} from '../../shared/api/alert-rules.ts'
import {
  MAX_SILENCE_MS,
  type ActiveAlerts,
  type AlertHistoryPage,
} from '../../shared/api/alert-engine.ts'
import {
  ApiError,
  changedDashboards,
  type DashboardName,
  type SourceStatus,
} from '../../shared/api/index.ts'
import { formatKpiValue } from '../../shared/format/index.ts'
import { registryOf } from '../metrics/registry.ts'
import { getSetting, setSetting, type Store } from '../store/index.ts'
import { enabledRules, onRulesChanged } from './rules-store.ts'
import { liveTrace } from '../core/live-trace.ts'
import { METRIC_READERS, createOfflineTracker, evaluateRules, systemValues } from './evaluate.ts'
import {
  acknowledged,
  initialRuleState,
  recoveryThreshold,
  silenced,
  step,
  type RuleState,
} from './state-machine.ts'

/** How often rules are evaluated without a sync commit (time-based ones: `for`, offline). */
export const DEFAULT_EVALUATION_INTERVAL_MS = 30_000
/**
 * The least time between two evaluations a sync commit starts: a live upstream commits many
 * times a second, and each evaluation reads dashboards on the thread that also applies the next
 * commit, so commits inside the gap are evaluated together at its end (issue 14, the live path
 * under load). A commit after a quiet spell is evaluated at once.
 */
export const MIN_EVALUATION_GAP_MS = 500
/**
 * The most of the core's thread evaluations started by sync commits may take: the gap after one
 * is at least its duration × (1 − share) / share. Quiet, an evaluation takes a few tens of ms and
 * MIN_EVALUATION_GAP_MS rules; on a loaded machine it took 100–600 ms (traced by the
 * live-latency bench), and at a 500 ms gap it held the thread that applies the next live commit
 * half the time (issue 14, the live path under load).
 */
export const MAX_EVALUATION_SHARE = 0.2
/** How long an upstream alert stays in the active list after it was raised. */
export const UPSTREAM_ACTIVE_MS = 24 * 3600 * 1000
const UPSTREAM_LISTED = 100
const UPSTREAM_ACKS = 'alerts.upstreamAcks'

export interface AlertEngineOptions {
  readonly db: Store
  readonly clock: () => Date
  readonly sources: () => readonly SourceStatus[]
  /** The rules to evaluate (default: the readable, enabled rules of the rules store). */
  readonly rules?: (db: Store) => readonly AlertRule[]
  /** The active list after it changed (the `alerts.changed` event). */
  readonly changed?: (active: ActiveAlerts) => void
  /** Transitions a person should be told of (not acknowledged, not silenced). */
  readonly notify?: (transitions: readonly AlertTransition[]) => void
  /** 0: no timer (a CLI evaluating once). */
  readonly intervalMs?: number
  /** The least time between evaluations started by sync commits (MIN_EVALUATION_GAP_MS). */
  readonly minGapMs?: number
  /** A monotonic clock in ms that times evaluations (default performance.now; tests drive it). */
  readonly monotonic?: () => number
  readonly log?: (line: string) => void
}

export interface CycleResult {
  readonly evaluated: number
  readonly transitions: readonly AlertTransition[]
}

export interface AlertEngine {
  /** One evaluation cycle: every enabled rule, or those whose metric a changed dashboard moves. */
  evaluate(
    changed?: readonly DashboardName[],
    options?: { readonly announce?: boolean },
  ): CycleResult
  /**
   * The first cycle, soon after start and without announcing its list: a page that connects
   * reads alerts.active, and the pages of a restarted core are already told to refetch all.
   */
  start(): void
  /**
   * A sync commit wrote these tables (undefined: not known, another connection wrote): evaluates
   * the rules whose metrics it may have moved, soon and once per burst, and lists a new upstream
   * alert.
   */
  dataChanged(tables: readonly string[] | undefined): void
  active(): ActiveAlerts
  history(limit: number, before?: string): AlertHistoryPage
  acknowledge(key: string): ActiveAlerts
  acknowledgeAll(): { acknowledged: number; active: ActiveAlerts }
  silence(key: string, until: Date): ActiveAlerts
  stop(): void
}

interface StateRow {
  rule_id: number
  state: AlertState
  severity: RuleSeverity | null
  since: number
  value: number | null
  acknowledged_at: number | null
  silenced_until: number | null
}

interface HistoryRow {
  id: number
  rule_id: number | null
  origin: string
  from_state: AlertState | null
  to_state: AlertState
  severity: RuleSeverity | 'info' | null
  at: number
  value: number | null
  message: string
  name: string | null
}

type UpstreamAcks = Record<string, { acknowledgedAt?: number; silencedUntil?: number }>

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

const SYSTEM_LABELS: Partial<Record<AlertMetric, string>> = {
  unprofitableChannels: 'Unprofitable channels',
  sourceOfflineSeconds: 'Source offline',
  syncLagSeconds: 'Sync lag',
}

/**
 * A metric's value as its tab writes it: the page's own formatter (shared/format) with the
 * registry's display for a KPI ("415 s", "8.3 %", "$12,340"); seconds for the sync's values and
 * a count of channels.
 */
export function formatMetricValue(db: Store, metric: AlertMetric, value: number | null): string {
  if (value === null) return 'no data'
  const kpi = metric in registryOf(db).kpis ? registryOf(db).kpis[metric as 'leads'] : null
  return formatKpiValue(
    kpi ?? {
      unit: metric === 'unprofitableChannels' ? 'count' : 'seconds',
      display: metric === 'unprofitableChannels' ? 'integer' : 'seconds',
    },
    value,
  )
}

export function metricLabel(db: Store, metric: AlertMetric): string {
  const kpis = registryOf(db).kpis as Partial<Record<string, { label: string }>>
  return kpis[metric]?.label ?? SYSTEM_LABELS[metric] ?? metric
}

/** The rule's message template filled for its state. */
export function alertMessage(db: Store, rule: AlertRule, s: RuleState): string {
  const threshold =
    s.state === 'firing' || s.state === 'pending'
      ? s.severity === 'critical'
        ? rule.critical
        : rule.warning
      : recoveryThreshold(rule)
  const fill: Record<string, string> = {
    name: rule.name,
    value: formatMetricValue(db, rule.metric, s.value),
    threshold: formatMetricValue(db, rule.metric, threshold ?? null),
    severity: s.severity ?? (s.state === 'resolved' ? 'resolved' : 'ok'),
    metric: metricLabel(db, rule.metric),
  }
  return rule.message.replace(
    /\{(name|value|threshold|severity|metric)\}/g,
    (_m, k: string) => fill[k] ?? '',
  )
}

const stateOf = (r: StateRow): RuleState => ({
  state: r.state,
  severity: r.severity,
  since: r.since,
  value: r.value,
  acknowledgedAt: r.acknowledged_at,
  silencedUntil: r.silenced_until,
})

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { db, clock, log } = options
  const loadRules = () => (options.rules ?? enabledRules)(db)
  const offlineSeconds = createOfflineTracker()
  const readStates = db.prepare('SELECT * FROM alert_state')
  const writeState = db.prepare(
    `INSERT INTO alert_state (rule_id, state, severity, since, value, acknowledged_at, silenced_until)
     VALUES (@rule_id, @state, @severity, @since, @value, @acknowledged_at, @silenced_until)
     ON CONFLICT (rule_id) DO UPDATE SET state = excluded.state, severity = excluded.severity,
       since = excluded.since, value = excluded.value, acknowledged_at = excluded.acknowledged_at,
       silenced_until = excluded.silenced_until`,
  )
  const writeHistory = db.prepare(
    `INSERT INTO alert_history (rule_id, origin, from_state, to_state, severity, at, value, message)
     VALUES (?, 'local', ?, ?, ?, ?, ?, ?)`,
  )
  const states = (): Map<number, RuleState> =>
    new Map((readStates.all() as StateRow[]).map((r) => [r.rule_id, stateOf(r)]))
  const save = (ruleId: number, s: RuleState) =>
    writeState.run({
      rule_id: ruleId,
      state: s.state,
      severity: s.severity,
      since: s.since,
      value: s.value,
      acknowledged_at: s.acknowledgedAt,
      silenced_until: s.silencedUntil,
    })

  const upstreamAcks = (): UpstreamAcks => {
    const v = getSetting(db, UPSTREAM_ACKS)
    return typeof v === 'object' && v !== null ? (v as UpstreamAcks) : {}
  }

  function active(): ActiveAlerts {
    const now = clock().getTime()
    const rules = new Map(
      loadRules()
        .filter((r) => r.enabled)
        .map((r) => [r.id, r]),
    )
    const alerts: AlertView[] = []
    for (const [id, s] of states()) {
      const rule = rules.get(id)
      if (!rule || (s.state !== 'pending' && s.state !== 'firing')) continue
      alerts.push({
        key: `rule:${id}`,
        origin: 'local',
        ruleId: id,
        name: rule.name,
        state: s.state,
        severity: s.severity,
        message: alertMessage(db, rule, s),
        value: s.value,
        since: new Date(s.since).toISOString(),
        acknowledgedAt: iso(s.acknowledgedAt),
        silencedUntil:
          s.silencedUntil !== null && s.silencedUntil > now ? iso(s.silencedUntil) : null,
        view: METRIC_READERS[rule.metric].view,
      })
    }
    const acks = upstreamAcks()
    const upstream = db
      .prepare(
        `SELECT id, kind, severity, message, value, at FROM upstream_alerts
          WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(now - UPSTREAM_ACTIVE_MS, UPSTREAM_LISTED) as {
      id: string
      kind: string
      severity: 'info' | 'warning' | 'critical'
      message: string
      value: number | null
      at: number
    }[]
    for (const u of upstream) {
      const ack = acks[u.id]
      alerts.push({
        key: `upstream:${u.id}`,
        origin: 'upstream',
        ruleId: null,
        name: u.kind,
        state: 'firing',
        severity: u.severity,
        message: u.message,
        value: u.value,
        since: new Date(u.at).toISOString(),
        acknowledgedAt: iso(ack?.acknowledgedAt ?? null),
        silencedUntil:
          ack?.silencedUntil !== undefined && ack.silencedUntil > now
            ? iso(ack.silencedUntil)
            : null,
        view: 'activity',
      })
    }
    const rank = { critical: 0, warning: 1, info: 2 } as const
    alerts.sort(
      (a, b) =>
        (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1) ||
        rank[a.severity ?? 'info'] - rank[b.severity ?? 'info'] ||
        b.since.localeCompare(a.since),
    )
    return { alerts, tray: trayState(alerts, options.sources()) }
  }

  function evaluate(
    changed?: readonly DashboardName[],
    cycle: { readonly announce?: boolean } = {},
  ): CycleResult {
    const nowDate = clock()
    const now = nowDate.getTime()
    const moved = changed ? new Set(changed) : null
    const rules = loadRules().filter(
      (r) =>
        r.enabled &&
        (moved === null ||
          METRIC_READERS[r.metric].movedWith === null ||
          moved.has(METRIC_READERS[r.metric].movedWith as DashboardName)),
    )
    if (rules.length === 0) return { evaluated: 0, transitions: [] }
    const system = systemValues(options.sources(), now, offlineSeconds)
    const values = evaluateRules(db, rules, () => nowDate, system, log)
    const transitions: AlertTransition[] = []
    const toNotify: AlertTransition[] = []
    db.transaction(() => {
      const before = states()
      for (const rule of rules) {
        const prev = before.get(rule.id) ?? initialRuleState(now)
        const { next, transition } = step(prev, values.get(rule.id) ?? null, now, rule)
        if (
          before.has(rule.id) &&
          transition === null &&
          next.value === prev.value &&
          next.severity === prev.severity
        )
          continue
        save(rule.id, next)
        if (transition === null) continue
        const message = alertMessage(db, rule, next)
        const { lastInsertRowid } = writeHistory.run(
          rule.id,
          transition.from,
          transition.to,
          transition.severity,
          transition.at,
          transition.value,
          message,
        )
        const t: AlertTransition = {
          id: Number(lastInsertRowid),
          key: `rule:${rule.id}`,
          name: rule.name,
          from: transition.from,
          to: transition.to,
          severity: transition.severity,
          value: transition.value,
          at: new Date(transition.at).toISOString(),
          message,
        }
        transitions.push(t)
        if (transition.notify) toNotify.push(t)
      }
    })()
    if (transitions.length > 0 && cycle.announce !== false) options.changed?.(active())
    if (toNotify.length > 0) options.notify?.(toNotify)
    return { evaluated: rules.length, transitions }
  }

  function history(limit: number, before?: string): AlertHistoryPage {
    const rows = db
      .prepare(
        `SELECT h.*, r.name AS name FROM alert_history h LEFT JOIN alert_rules r ON r.id = h.rule_id
          WHERE (? IS NULL OR h.id < ?) ORDER BY h.id DESC LIMIT ?`,
      )
      .all(before ?? null, before === undefined ? 0 : Number(before), limit + 1) as HistoryRow[]
    const page = rows.slice(0, limit)
    return {
      transitions: page.map((h) => ({
        id: h.id,
        key:
          h.origin === 'upstream' ? `upstream:${String(h.rule_id)}` : `rule:${String(h.rule_id)}`,
        name: h.name ?? `Deleted rule ${String(h.rule_id)}`,
        from: h.from_state,
        to: h.to_state,
        severity: h.severity,
        value: h.value,
        at: new Date(h.at).toISOString(),
        message: h.message,
      })),
      next: rows.length > limit ? String(page[page.length - 1]?.id) : null,
    }
  }

  /** Applies `change` to the alert `key`, or says why there is no such alert. */
  function change(
    key: string,
    local: (s: RuleState) => RuleState,
    upstream: (a: UpstreamAcks[string]) => UpstreamAcks[string],
  ): void {
    const list = active().alerts
    if (!list.some((a) => a.key === key)) {
      throw new ApiError({
        code: 'bad_request',
        message: `There is no active alert "${key}"; \`alerts.active\` lists the alerts by key.`,
      })
    }
    if (key.startsWith('rule:')) {
      const id = Number(key.slice('rule:'.length))
      const s = states().get(id)
      if (s) save(id, local(s))
    } else {
      const id = key.slice('upstream:'.length)
      const acks = upstreamAcks()
      const now = clock().getTime()
      acks[id] = upstream(acks[id] ?? {})
      // Acknowledgements of alerts no longer listed are dropped, so the setting stays small.
      for (const [k, v] of Object.entries(acks)) {
        if (
          k !== id &&
          (v.silencedUntil ?? 0) < now &&
          !list.some((a) => a.key === `upstream:${k}`)
        )
          delete acks[k]
      }
      setSetting(db, UPSTREAM_ACKS, acks)
    }
  }

  function acknowledge(key: string): ActiveAlerts {
    const now = clock().getTime()
    change(
      key,
      (s) => acknowledged(s, now),
      (a) => ({ ...a, acknowledgedAt: a.acknowledgedAt ?? now }),
    )
    const out = active()
    options.changed?.(out)
    return out
  }

  function acknowledgeAll() {
    const keys = active()
      .alerts.filter((a) => a.acknowledgedAt === null)
      .map((a) => a.key)
    const now = clock().getTime()
    db.transaction(() => {
      for (const key of keys)
        change(
          key,
          (s) => acknowledged(s, now),
          (a) => ({ ...a, acknowledgedAt: a.acknowledgedAt ?? now }),
        )
    })()
    const out = active()
    if (keys.length > 0) options.changed?.(out)
    return { acknowledged: keys.length, active: out }
  }

  function silence(key: string, until: Date): ActiveAlerts {
    const ms = until.getTime()
    const now = clock().getTime()
    if (!(ms > now) || ms - now > MAX_SILENCE_MS) {
      throw new ApiError({
        code: 'bad_request',
        message: `A silence ends after now and within ${MAX_SILENCE_MS / 86_400_000} days; ${until.toISOString()} is not.`,
      })
    }
    change(
      key,
      (s) => silenced(s, ms),
      (a) => ({ ...a, silencedUntil: ms }),
    )
    const out = active()
    options.changed?.(out)
    return out
  }

  // A burst of sync commits is one evaluation of the union of what they moved.
  let pending: Set<DashboardName> | 'all' | null = null
  let upstreamMoved = false
  // A commit inside the gap after the last evaluation waits for the gap's end: at least
  // MIN_EVALUATION_GAP_MS, longer after a slow evaluation (MAX_EVALUATION_SHARE).
  const minGapMs = options.minGapMs ?? MIN_EVALUATION_GAP_MS
  const monotonic = options.monotonic ?? (() => performance.now())
  let nextAllowedAt = -Infinity
  let wait: ReturnType<typeof setTimeout> | null = null
  const runPending = () => {
    const what = pending
    const announce = upstreamMoved
    pending = null
    upstreamMoved = false
    if (wait !== null) clearTimeout(wait)
    wait = null
    const started = monotonic()
    nextAllowedAt = started + minGapMs
    if (what === null) return
    try {
      liveTrace('alerts-start')
      const { transitions } = evaluate(what === 'all' ? undefined : [...what])
      liveTrace('alerts-end')
      // evaluate() announces its own transitions; a new upstream alert is announced here.
      if (announce && transitions.length === 0) options.changed?.(active())
    } catch (e) {
      log?.(`Alert evaluation failed: ${e instanceof Error ? e.message : String(e)}`)
    } finally {
      const ended = monotonic()
      const took = ended - started
      nextAllowedAt = Math.max(
        started + minGapMs,
        ended + (took * (1 - MAX_EVALUATION_SHARE)) / MAX_EVALUATION_SHARE,
      )
    }
  }
  const dataChanged = (tables: readonly string[] | undefined) => {
    const first = pending === null
    if (tables === undefined) pending = 'all'
    else if (pending !== 'all')
      pending = new Set([...(pending ?? []), ...changedDashboards(tables)])
    if (tables === undefined || tables.includes('upstream_alerts')) upstreamMoved = true
    if (!first) return
    const left = nextAllowedAt - monotonic()
    if (left <= 0) setImmediate(runPending)
    else wait = setTimeout(runPending, left)
  }
  // A rule saved, enabled or deleted through the api is evaluated at once, not at the next tick.
  const unsubscribe = onRulesChanged(db, () => dataChanged(undefined))
  const intervalMs = options.intervalMs ?? DEFAULT_EVALUATION_INTERVAL_MS
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          pending = 'all'
          runPending()
        }, intervalMs)
      : null
  timer?.unref()

  const start = () => {
    setImmediate(() => {
      try {
        evaluate(undefined, { announce: false })
      } catch (e) {
        log?.(`Alert evaluation failed: ${e instanceof Error ? e.message : String(e)}`)
      }
    })
  }

  return {
    evaluate,
    start,
    dataChanged,
    active,
    history,
    acknowledge,
    acknowledgeAll,
    silence,
    stop: () => {
      unsubscribe()
      if (timer) clearInterval(timer)
      if (wait !== null) clearTimeout(wait)
      wait = null
      pending = null
    },
  }
}

/**
 * The worst thing the list says: a firing critical, then a firing warning, then a source
 * offline, else ok. Acknowledged alerts still list but no longer colour the tray: someone
 * already has them in hand.
 */
export function trayState(
  alerts: readonly AlertView[],
  sources: readonly SourceStatus[],
): TrayState {
  const firing = alerts.filter((a) => a.state === 'firing' && a.acknowledgedAt === null)
  if (firing.some((a) => a.severity === 'critical')) return 'critical'
  if (firing.some((a) => a.severity === 'warning')) return 'warning'
  if (sources.some((s) => !s.generated && (s.state === 'offline' || s.state === 'error')))
    return 'offline'
  return 'ok'
}
