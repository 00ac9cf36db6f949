// What the tray shows, as a pure function of the core's answers (issue 13,
// "Delivery"): the icon, the tooltip and the menu. It imports no `electron`,
// so tests/unit/tray-model.test.ts checks every mapping under Node; tray.ts
// only hands the result to Electron's Tray and Menu.
import {
  LEVEL_WORD,
  byUrgency,
  firingAlerts,
  levelOf,
  type AlertLevel,
} from '../../shared/alerts/alert-order.ts'
import type { ActiveAlerts } from '../../shared/api/alert-engine.ts'
import type { AlertView, TrayState } from '../../shared/api/alert-rules.ts'
import type { SourceState, SourceStatus } from '../../shared/api/sources.ts'

/** One line of the tray's menu; `kind` says what a click does. */
export type TrayMenuItem =
  /** An active alert: a click opens the window on the tab that shows it. */
  | {
      readonly kind: 'alert'
      readonly key: string
      readonly label: string
      readonly severity: AlertLevel
      readonly view: string
    }
  /** More alerts than the menu lists: a click opens the window (its panel lists them all). */
  | { readonly kind: 'more'; readonly label: string }
  /** Said, greyed out, when nothing fires. */
  | { readonly kind: 'none'; readonly label: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'acknowledge-all'; readonly label: string; readonly enabled: boolean }
  | { readonly kind: 'open'; readonly label: string }
  | { readonly kind: 'quit'; readonly label: string }

export interface TrayModel {
  readonly state: TrayState
  /** A file in resources/ (its @2x twin beside it is picked by Electron on HiDPI screens). */
  readonly icon: string
  readonly tooltip: string
  readonly menu: readonly TrayMenuItem[]
}

/** Alerts the menu lists by name; the rest are one "and N more…" line. */
export const TRAY_MENU_ALERTS = 10
/** Longest alert name in a menu line, in characters (a rule's name may be 120). */
export const TRAY_LABEL_NAME_MAX = 60
/** Windows cuts a tray tooltip at 127 characters; we end it ourselves, with an ellipsis. */
export const TRAY_TOOLTIP_MAX = 127

/** Sources in these states deliver nothing: the tray says they are offline. */
const DOWN: ReadonlySet<SourceState> = new Set(['offline', 'error'])

export const trayIconFile = (state: TrayState): string => `tray-${state}.png`

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`

/** Electron reads `&` in a menu label as a mnemonic marker; `&&` shows one ampersand. */
const menuText = (text: string): string => text.replaceAll('&', '&&')

function counts(firing: readonly AlertView[]): string {
  const parts: string[] = []
  for (const level of ['critical', 'warning', 'info'] as const) {
    const n = firing.filter((a) => levelOf(a) === level).length
    if (n > 0) parts.push(`${n} ${level}`)
  }
  const acknowledged = firing.filter((a) => a.acknowledgedAt !== null).length
  return acknowledged > 0 ? `${parts.join(', ')} (${acknowledged} acknowledged)` : parts.join(', ')
}

function offlinePart(sources: readonly SourceStatus[]): string | null {
  const down = sources.filter((s) => DOWN.has(s.state))
  if (down.length === 0) return null
  if (down.length === 1) return `${down[0]?.name ?? 'a source'} offline`
  return `${down.length} sources offline`
}

/** "Watchfloor — 2 critical, 1 warning", "Watchfloor — Postgres offline", "Watchfloor — all clear". */
export function trayTooltip(
  alerts: readonly AlertView[],
  sources: readonly SourceStatus[],
): string {
  const firing = firingAlerts(alerts)
  const parts = [firing.length > 0 ? counts(firing) : null, offlinePart(sources)].filter(
    (p): p is string => p !== null,
  )
  return clip(
    `Watchfloor — ${parts.length > 0 ? parts.join(' · ') : 'all clear'}`,
    TRAY_TOOLTIP_MAX,
  )
}

export function alertMenuLabel(alert: AlertView): string {
  const name = clip(alert.name, TRAY_LABEL_NAME_MAX)
  const acknowledged = alert.acknowledgedAt !== null ? ' (acknowledged)' : ''
  return menuText(`${LEVEL_WORD[levelOf(alert)]}: ${name}${acknowledged}`)
}

export function trayMenu(alerts: readonly AlertView[]): TrayMenuItem[] {
  const firing = firingAlerts(alerts).sort(byUrgency)
  const listed: TrayMenuItem[] = firing.slice(0, TRAY_MENU_ALERTS).map((a) => ({
    kind: 'alert',
    key: a.key,
    label: alertMenuLabel(a),
    severity: levelOf(a),
    view: a.view,
  }))
  const rest = firing.length - TRAY_MENU_ALERTS
  if (rest > 0) listed.push({ kind: 'more', label: `and ${rest} more…` })
  if (firing.length === 0) listed.push({ kind: 'none', label: 'No active alerts' })
  return [
    ...listed,
    { kind: 'separator' },
    {
      kind: 'acknowledge-all',
      label: 'Acknowledge all',
      enabled: firing.some((a) => a.acknowledgedAt === null),
    },
    { kind: 'open', label: 'Open Watchfloor' },
    { kind: 'separator' },
    { kind: 'quit', label: 'Quit' },
  ]
}

/**
 * Everything the tray shows, from the core's answer to `alerts.active` (or its `alerts.changed`
 * event): the core decides the tray state (main/alerts/, one home) and this maps it; the
 * sources' states name what is offline in the tooltip.
 */
export function trayModel(active: ActiveAlerts, sources: readonly SourceStatus[]): TrayModel {
  const { alerts, tray: state } = active
  return {
    state,
    icon: trayIconFile(state),
    tooltip: trayTooltip(alerts, sources),
    menu: trayMenu(alerts),
  }
}

/**
 * The page's address with its tab set to `view`, keeping everything else (the filters), so a
 * click on an alert shows its tab as the person left the rest. The page reads `?view=`
 * (renderer/src/lib/url-state.ts) and says so when it names no tab it has.
 */
export function urlWithView(current: string, view: string): string {
  const url = new URL(current)
  url.searchParams.set('view', view)
  return url.href
}
