// `watchfloor alerts list|ack|silence` (issue 13): the engine's alerts from a
// script or a terminal on the machine itself (so with the analyst's and
// admin's right, as the app's own window has). Each evaluates the cache once
// first, so a script at 6 a.m. sees the alerts as they stand, not as the app
// last left them; without a running sync the sources are as last recorded.
import { existsSync } from 'node:fs'
import type { ActiveAlerts, AlertView } from '../../../shared/api/index.ts'
import { createAlertEngine, type AlertEngine } from '../../alerts/index.ts'
import { ensureDefaultRules } from '../../alerts/default-rules.ts'
import { openStore } from '../../store/index.ts'
import { storedSourceStatuses } from '../../sync/stored-status.ts'
import { defaultDbPath } from '../paths.ts'
import { durationSeconds } from './alert-rules.ts'

export interface AlertListOptions {
  readonly db?: string
  readonly json?: boolean
}

/** Opens the cache, evaluates every rule once, and hands the engine to `act`. */
function withEngine<T>(dbPath: string | undefined, act: (engine: AlertEngine) => T): T {
  const path = dbPath ?? defaultDbPath()
  // A mistyped --db must not become a new, empty cache reported as all clear.
  if (!existsSync(path))
    throw new Error(`there is no cache at ${path}; check --db (or start Watchfloor once)`)
  const db = openStore(path)
  const engine = createAlertEngine({
    db,
    clock: () => new Date(),
    sources: () => storedSourceStatuses(db),
    intervalMs: 0,
  })
  try {
    ensureDefaultRules(db, Date.now())
    engine.evaluate()
    return act(engine)
  } finally {
    engine.stop()
    db.close()
  }
}

const age = (since: string, now: number): string => {
  const s = Math.max(0, Math.round((now - Date.parse(since)) / 1000))
  if (s < 120) return `${s} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  if (s < 172_800) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86_400)} d`
}

/** One alert as a terminal line: severity, key, message, state and age, what was done. */
export function alertLine(a: AlertView, now = Date.now()): string {
  const level = (a.state === 'pending' ? 'pending' : (a.severity ?? 'info')).toUpperCase()
  const notes = [
    `${a.state} for ${age(a.since, now)}`,
    ...(a.acknowledgedAt ? ['acknowledged'] : []),
    ...(a.silencedUntil ? [`silenced until ${a.silencedUntil}`] : []),
  ]
  return `${level.padEnd(8)} ${a.key.padEnd(12)} ${a.message} (${notes.join(', ')})`
}

function print(active: ActiveAlerts, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(active, null, 2)}\n`)
    return
  }
  if (active.alerts.length === 0) {
    process.stdout.write(`No active alerts (tray: ${active.tray}).\n`)
    return
  }
  process.stdout.write(`Tray: ${active.tray}\n`)
  for (const a of active.alerts) process.stdout.write(`${alertLine(a)}\n`)
}

export function alertsList(options: AlertListOptions): void {
  withEngine(options.db, (engine) => print(engine.active(), options.json))
}

export function alertsAck(
  key: string | undefined,
  options: AlertListOptions & { all?: boolean },
): void {
  if ((key === undefined) === (options.all !== true))
    throw new Error('give one alert key (see `watchfloor alerts list`) or --all, not both')
  withEngine(options.db, (engine) => {
    if (options.all) {
      const { acknowledged, active } = engine.acknowledgeAll()
      if (!options.json) process.stdout.write(`Acknowledged ${acknowledged} alert(s).\n`)
      print(active, options.json)
    } else {
      print(engine.acknowledge(key as string), options.json)
    }
  })
}

export function alertsSilence(key: string, options: AlertListOptions & { for?: string }): void {
  if (options.for === undefined) throw new Error('--for is required: how long, e.g. 30m or 2h')
  // The same durations as a rule's --for.
  const ms = durationSeconds(options.for) * 1000
  withEngine(options.db, (engine) => {
    const until = new Date(Date.now() + ms)
    const active = engine.silence(key, until)
    if (!options.json) process.stdout.write(`Silenced ${key} until ${until.toISOString()}.\n`)
    print(active, options.json)
  })
}
