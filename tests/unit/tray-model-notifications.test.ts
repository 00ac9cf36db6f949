// The notification plan (shared/alerts/notification-plan.ts) that the tray's OS notifications
// and the page's browser notifications both follow, under a controlled clock.
import { describe, expect, it } from 'vitest'
import type { AlertTransition, AlertView } from '../../shared/api/alert-rules.ts'
import {
  NOTIFICATION_POLICY,
  NotificationPlanner,
  firingTransitionsBetween,
  notifies,
} from '../../shared/alerts/notification-plan.ts'

const T0 = Date.parse('2026-11-30T10:00:00.000Z')

let nextId = 1
const firing = (
  key: string,
  name: string,
  severity: AlertTransition['severity'] = 'warning',
  from: AlertTransition['from'] = 'pending',
): AlertTransition => ({
  id: nextId++,
  key,
  name,
  from,
  to: 'firing',
  severity,
  value: 130,
  at: new Date(T0).toISOString(),
  message: `${name} is 130`,
})

const view = (key: string, over: Partial<AlertView> = {}): AlertView => ({
  key,
  origin: 'local',
  ruleId: 1,
  name: key,
  state: 'firing',
  severity: 'warning',
  message: '',
  value: 130,
  since: new Date(T0).toISOString(),
  acknowledgedAt: null,
  silencedUntil: null,
  view: `view-of-${key}`,
  ...over,
})

/** A planner on a clock the test moves. */
function planner() {
  let now = T0
  const plan = new NotificationPlanner(() => now)
  return {
    plan,
    at: (ms: number) => {
      now = T0 + ms
    },
  }
}

describe('which transitions notify', () => {
  it('entering firing does; resolving, pending and a de-escalation do not; an escalation to critical does', () => {
    expect(notifies(firing('rule:1', 'A'))).toBe(true)
    expect(notifies(firing('rule:1', 'A', 'warning', null))).toBe(true)
    expect(
      notifies({ ...firing('rule:1', 'A'), from: 'firing', to: 'resolved', severity: null }),
    ).toBe(false)
    expect(notifies({ ...firing('rule:1', 'A'), from: 'ok', to: 'pending', severity: null })).toBe(
      false,
    )
    expect(notifies(firing('rule:1', 'A', 'warning', 'firing'))).toBe(false)
    expect(notifies(firing('rule:1', 'A', 'critical', 'firing'))).toBe(true)
  })
})

describe('notification plan', () => {
  it('one firing transition: one notification after the burst window, with its severity, name, message and tab', () => {
    const { plan, at } = planner()
    const alerts = [view('rule:1')]
    plan.offer([firing('rule:1', 'Lead response slow', 'critical')], alerts)
    expect(plan.dueAt()).toBe(T0 + NOTIFICATION_POLICY.burstMs)
    at(NOTIFICATION_POLICY.burstMs - 1)
    expect(plan.take(alerts)).toBeNull()
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toEqual({
      title: 'Critical: Lead response slow',
      body: 'Lead response slow is 130',
      severity: 'critical',
      keys: ['rule:1'],
      view: 'view-of-rule:1',
    })
    expect(plan.dueAt()).toBeNull()
    expect(plan.take(alerts)).toBeNull()
  })

  it('a burst inside the window is one notification naming them worst first, then "and N more"', () => {
    const { plan, at } = planner()
    const alerts = ['rule:1', 'rule:2', 'rule:3', 'rule:4'].map((k) => view(k))
    plan.offer([firing('rule:1', 'Conversion low')], alerts)
    at(500)
    plan.offer([firing('rule:2', 'Lead response slow', 'critical')], alerts)
    at(1_500)
    plan.offer(
      [firing('rule:3', 'Revenue behind'), firing('rule:4', 'Channel unprofitable')],
      alerts,
    )
    expect(plan.dueAt()).toBe(T0 + NOTIFICATION_POLICY.burstMs)
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toEqual({
      title: '4 alerts firing',
      body: 'Lead response slow (critical), Conversion low (warning), Revenue behind (warning) and 1 more',
      severity: 'critical',
      keys: ['rule:2', 'rule:1', 'rule:3', 'rule:4'],
      view: 'view-of-rule:2',
    })
  })

  it('a group of up to three names them all', () => {
    const { plan, at } = planner()
    const alerts = [view('rule:1'), view('rule:2')]
    plan.offer([firing('rule:1', 'A'), firing('rule:2', 'B')], alerts)
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toMatchObject({
      title: '2 alerts firing',
      body: 'A (warning), B (warning)',
    })
  })

  it('the same alert twice in a burst is told once, as its latest transition says', () => {
    const { plan, at } = planner()
    const alerts = [view('rule:1')]
    plan.offer([firing('rule:1', 'A')], alerts)
    plan.offer([firing('rule:1', 'A', 'critical', 'firing')], alerts)
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toMatchObject({ title: 'Critical: A', keys: ['rule:1'] })
  })

  it('resolves and de-escalations alone plan nothing', () => {
    const { plan } = planner()
    plan.offer(
      [
        { ...firing('rule:1', 'A'), from: 'firing', to: 'resolved', severity: null },
        firing('rule:2', 'B', 'warning', 'firing'),
      ],
      [view('rule:1'), view('rule:2')],
    )
    expect(plan.dueAt()).toBeNull()
  })

  it('an acknowledged alert, or one silenced until later, is not notified; a silence that has ended is', () => {
    const { plan, at } = planner()
    const alerts = [
      view('rule:1', { acknowledgedAt: new Date(T0 - 1000).toISOString() }),
      view('rule:2', { silencedUntil: new Date(T0 + 3_600_000).toISOString() }),
      view('rule:3', { silencedUntil: new Date(T0 - 1).toISOString() }),
    ]
    plan.offer([firing('rule:1', 'A'), firing('rule:2', 'B'), firing('rule:3', 'C')], alerts)
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toMatchObject({ title: 'Warning: C', keys: ['rule:3'] })
  })

  it('an alert acknowledged while its group waits is dropped; a group left empty shows nothing', () => {
    const { plan, at } = planner()
    plan.offer([firing('rule:1', 'A')], [view('rule:1')])
    at(NOTIFICATION_POLICY.burstMs)
    const acked = [view('rule:1', { acknowledgedAt: new Date(T0 + 100).toISOString() })]
    expect(plan.take(acked)).toBeNull()
    expect(plan.dueAt()).toBeNull()
  })

  it('an alert the core no longer lists is still told (it did fire), on the overview', () => {
    const { plan, at } = planner()
    plan.offer([firing('rule:9', 'Gone')], [])
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take([])).toMatchObject({ title: 'Warning: Gone', view: 'overview' })
  })

  it('at most three a minute: later firings wait for a free slot and go out together, none lost', () => {
    const { plan, at } = planner()
    const alerts = ['rule:1', 'rule:2', 'rule:3', 'rule:4', 'rule:5'].map((k) => view(k))
    const shown: (string | null)[] = []
    // Three single alerts, ten seconds apart: three notifications.
    for (const [i, key] of ['rule:1', 'rule:2', 'rule:3'].entries()) {
      at(i * 10_000)
      plan.offer([firing(key, key)], alerts)
      at(i * 10_000 + NOTIFICATION_POLICY.burstMs)
      shown.push(plan.take(alerts)?.title ?? null)
    }
    expect(shown).toEqual(['Warning: rule:1', 'Warning: rule:2', 'Warning: rule:3'])
    // The fourth and fifth come within the same minute: held until the first slot frees.
    at(30_000)
    plan.offer([firing('rule:4', 'rule:4')], alerts)
    at(30_000 + NOTIFICATION_POLICY.burstMs)
    expect(plan.take(alerts)).toBeNull()
    const freesAt = T0 + NOTIFICATION_POLICY.burstMs + 60_000
    expect(plan.dueAt()).toBe(freesAt)
    at(40_000)
    plan.offer([firing('rule:5', 'rule:5')], alerts)
    expect(plan.dueAt()).toBe(freesAt)
    at(freesAt - T0 - 1)
    expect(plan.take(alerts)).toBeNull()
    at(freesAt - T0)
    expect(plan.take(alerts)).toMatchObject({
      title: '2 alerts firing',
      keys: ['rule:4', 'rule:5'],
    })
  })
})

describe('firing transitions between two readings of the active list', () => {
  it('a newly firing alert and an escalation to critical are transitions; the rest are not', () => {
    const previous = [
      view('rule:1', { state: 'pending', severity: null }),
      view('rule:2', { severity: 'warning' }),
      view('rule:3', { severity: 'critical' }),
      view('rule:4', { severity: 'critical' }),
    ]
    const next = [
      view('rule:1', { severity: 'warning', name: 'One', message: 'one fired' }),
      view('rule:2', { severity: 'critical', name: 'Two', message: 'two worse' }),
      view('rule:3', { severity: 'critical' }),
      view('rule:4', { severity: 'warning' }),
      view('upstream:x', { origin: 'upstream', ruleId: null, severity: 'info', name: 'X' }),
      view('rule:5', { state: 'pending', severity: null }),
    ]
    expect(firingTransitionsBetween(previous, next)).toEqual([
      {
        id: 0,
        key: 'rule:1',
        name: 'One',
        from: 'pending',
        to: 'firing',
        severity: 'warning',
        value: 130,
        at: new Date(T0).toISOString(),
        message: 'one fired',
      },
      {
        id: 0,
        key: 'rule:2',
        name: 'Two',
        from: 'firing',
        to: 'firing',
        severity: 'critical',
        value: 130,
        at: new Date(T0).toISOString(),
        message: 'two worse',
      },
      {
        id: 0,
        key: 'upstream:x',
        name: 'X',
        from: null,
        to: 'firing',
        severity: 'info',
        value: 130,
        at: new Date(T0).toISOString(),
        message: '',
      },
    ])
  })

  it('what the plan makes of them: one grouped notification', () => {
    const { plan, at } = planner()
    const next = [view('rule:1', { name: 'One' }), view('rule:2', { name: 'Two' })]
    plan.offer(firingTransitionsBetween([], next), next)
    at(NOTIFICATION_POLICY.burstMs)
    expect(plan.take(next)).toMatchObject({
      title: '2 alerts firing',
      body: 'One (warning), Two (warning)',
    })
  })
})
