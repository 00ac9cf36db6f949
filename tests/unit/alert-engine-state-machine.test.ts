import { describe, expect, it } from 'vitest'
import {
  acknowledged,
  initialRuleState,
  silenced,
  step,
  type RuleState,
  type StepRule,
  type StepTransition,
} from '../../main/alerts/state-machine.ts'

const T0 = Date.parse('2026-11-30T06:00:00Z')
const S = 1000

/** Response time over 120 s warns, over 300 s is critical; resolves only under 100 s. */
const response: StepRule = {
  comparator: '>',
  warning: 120,
  critical: 300,
  recovery: 100,
  forSeconds: 60,
}

/** Feeds `values` one per `everySeconds` from `start`, collecting the transitions. */
function run(
  rule: StepRule,
  values: readonly (number | null)[],
  opts: { start?: RuleState; everySeconds?: number; from?: number } = {},
): { state: RuleState; transitions: StepTransition[] } {
  let now = opts.from ?? T0
  let state = opts.start ?? initialRuleState(now)
  const transitions: StepTransition[] = []
  for (const v of values) {
    const r = step(state, v, now, rule)
    state = r.next
    if (r.transition) transitions.push(r.transition)
    now += (opts.everySeconds ?? 10) * S
  }
  return { state, transitions }
}

const notified = (ts: readonly StepTransition[]) =>
  ts.filter((t) => t.notify).map((t) => `${t.to}:${t.severity ?? '-'}`)

describe('alert state machine', () => {
  it('holds pending for the `for` duration and does not fire early', () => {
    let s = initialRuleState(T0)
    let r = step(s, 150, T0, response)
    expect(r.transition).toMatchObject({ from: 'ok', to: 'pending', notify: false })
    s = r.next
    r = step(s, 150, T0 + 59 * S, response)
    expect(r.transition).toBeNull()
    expect(r.next.state).toBe('pending')
    expect(r.next.since).toBe(T0)
    r = step(r.next, 150, T0 + 60 * S, response)
    expect(r.transition).toMatchObject({
      from: 'pending',
      to: 'firing',
      severity: 'warning',
      notify: true,
    })
  })

  it('fires at once when `for` is 0', () => {
    const r = step(initialRuleState(T0), 121, T0, { ...response, forSeconds: 0 })
    expect(r.transition).toMatchObject({ from: 'ok', to: 'firing', notify: true })
  })

  it('a value back on the good side during pending returns to ok without notifying', () => {
    const { state, transitions } = run(response, [150, 150, 90, 90])
    expect(state.state).toBe('ok')
    expect(transitions.map((t) => t.to)).toEqual(['pending', 'ok'])
    expect(notified(transitions)).toEqual([])
  })

  it('a value flapping around the threshold inside the hysteresis notifies once', () => {
    const flapping = [130, 130, 130, 130, 130, 130, 130, 115, 125, 110, 130, 119, 121, 105, 140]
    const { state, transitions } = run(response, flapping)
    expect(state.state).toBe('firing')
    expect(notified(transitions)).toEqual(['firing:warning'])
  })

  it('escalates warning → critical and de-escalates back, each a transition', () => {
    const { transitions } = run({ ...response, forSeconds: 0 }, [150, 350, 350, 200, 200])
    expect(transitions.map((t) => `${t.from}>${t.to}:${t.severity}`)).toEqual([
      'ok>firing:warning',
      'firing>firing:critical',
      'firing>firing:warning',
    ])
    expect(transitions.every((t) => t.notify)).toBe(true)
  })

  it('resolves only past the recovery threshold, then ok on the next step', () => {
    const { state, transitions } = run({ ...response, forSeconds: 0 }, [150, 110, 99, 95])
    expect(transitions.map((t) => `${t.to}:${String(t.notify)}`)).toEqual([
      'firing:true',
      'resolved:true',
      'ok:false',
    ])
    expect(state.state).toBe('ok')
  })

  it('resolves as soon as the condition stops holding when the rule names no recovery', () => {
    const { transitions } = run({ ...response, recovery: null, forSeconds: 0 }, [150, 120])
    expect(transitions.map((t) => t.to)).toEqual(['firing', 'resolved'])
  })

  it('works the other way round for a "less than" rule (conversion under 25 %)', () => {
    const conversion: StepRule = {
      comparator: '<',
      warning: 0.25,
      critical: 0.15,
      recovery: 0.27,
      forSeconds: 0,
    }
    const { transitions } = run(conversion, [0.3, 0.2, 0.1, 0.26, 0.28])
    expect(transitions.map((t) => `${t.to}:${t.severity ?? '-'}`)).toEqual([
      'firing:warning',
      'firing:critical',
      'firing:warning',
      'resolved:-',
    ])
  })

  it('no data neither fires nor resolves', () => {
    const firing = run({ ...response, forSeconds: 0 }, [150]).state
    const r = step(firing, null, T0 + 3600 * S, response)
    expect(r.transition).toBeNull()
    expect(r.next.state).toBe('firing')
    const pending = run(response, [150]).state
    const p = step(pending, null, T0 + 3600 * S, response)
    expect(p.next.state).toBe('pending')
    expect(step(initialRuleState(T0), null, T0, response).transition).toBeNull()
  })

  it('an acknowledged alert stays firing and stops notifying; transitions are still recorded', () => {
    const rule = { ...response, forSeconds: 0 }
    let s = run(rule, [150]).state
    s = acknowledged(s, T0 + 5 * S)
    expect(s.state).toBe('firing')
    const later = run(rule, [350, 200, 50], { start: s, from: T0 + 10 * S })
    expect(later.transitions.map((t) => t.to)).toEqual(['firing', 'firing', 'resolved'])
    expect(notified(later.transitions)).toEqual([])
    // The next episode notifies again.
    const next = run(rule, [50, 150], { start: later.state, from: T0 + 100 * S })
    expect(notified(next.transitions)).toEqual(['firing:warning'])
    expect(next.state.acknowledgedAt).toBeNull()
  })

  it('a silence holds notifications until its time, then they resume', () => {
    const rule = { ...response, forSeconds: 0 }
    let s = run(rule, [150]).state
    const until = T0 + 60 * S
    s = silenced(s, until)
    const during = step(s, 350, T0 + 30 * S, rule)
    expect(during.transition).toMatchObject({ to: 'firing', severity: 'critical', notify: false })
    const after = step(during.next, 200, until, rule)
    expect(after.transition).toMatchObject({ to: 'firing', severity: 'warning', notify: true })
  })
})
