// One alert rule's state machine (issue 13), pure: no I/O, no clock of its own.
// The engine hands it the rule's previous state, the value it reads now and the
// time, and persists what comes back. A rule moves ok → pending (its condition
// holds) → firing (it held `forSeconds`) → resolved (the value went back past
// the recovery threshold) → ok. Only transitions notify, and the recovery
// threshold lies on the good side of the firing one, so a value flapping
// around a threshold fires once and resolves once instead of on every cycle.
import type {
  AlertComparator,
  AlertRuleSpec,
  AlertState,
  RuleSeverity,
} from '../../shared/api/alert-rules.ts'

/** What the machine needs of a rule (a saved AlertRule fits). */
export type StepRule = Pick<
  AlertRuleSpec,
  'comparator' | 'warning' | 'critical' | 'recovery' | 'forSeconds'
>

/** One rule's state between two evaluations, as alert_state keeps it (times in epoch ms). */
export interface RuleState {
  readonly state: AlertState
  /** The severity it fires (or would fire) at; null while ok or resolved. */
  readonly severity: RuleSeverity | null
  /** When it entered its state: pending's `since` is what `forSeconds` is counted from. */
  readonly since: number
  /** The last value read (null: no data). */
  readonly value: number | null
  /** Set by an acknowledgement; cleared when a new episode starts. */
  readonly acknowledgedAt: number | null
  /** No notification before this time. */
  readonly silencedUntil: number | null
}

export interface StepTransition {
  readonly from: AlertState
  readonly to: AlertState
  readonly severity: RuleSeverity | null
  readonly value: number | null
  readonly at: number
  /**
   * Whether a person is told: firing (new, escalated, de-escalated) and resolved do, unless the
   * alert is acknowledged or silenced; pending and back to ok are only recorded.
   */
  readonly notify: boolean
}

export interface StepResult {
  readonly next: RuleState
  readonly transition: StepTransition | null
}

/** A rule never evaluated: ok since `now`. */
export const initialRuleState = (now: number): RuleState => ({
  state: 'ok',
  severity: null,
  since: now,
  value: null,
  acknowledgedAt: null,
  silencedUntil: null,
})

/** Whether `value` is on the alerting side of `threshold` under `comparator`. */
export function crosses(value: number, comparator: AlertComparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold
    case '>=':
      return value >= threshold
    case '<':
      return value < threshold
    case '<=':
      return value <= threshold
  }
}

/** The severity `value` reaches, critical first; null when neither threshold is crossed. */
export function severityOf(rule: StepRule, value: number): RuleSeverity | null {
  if (rule.critical !== null && crosses(value, rule.comparator, rule.critical)) return 'critical'
  if (rule.warning !== null && crosses(value, rule.comparator, rule.warning)) return 'warning'
  return null
}

/**
 * The line a firing alert must go back past to resolve: the rule's recovery threshold, or else
 * the threshold nearest the good side (warning when it has one), so by default an alert
 * resolves as soon as its condition stops holding.
 */
export function recoveryThreshold(rule: StepRule): number {
  return rule.recovery ?? rule.warning ?? rule.critical ?? 0
}

/** Whether a firing alert may resolve at `value`: back past the recovery threshold. */
export function hasRecovered(rule: StepRule, value: number): boolean {
  return !crosses(value, rule.comparator, recoveryThreshold(rule))
}

/** Whether a transition at `now` reaches a person. */
export const mayNotify = (s: RuleState, now: number): boolean =>
  s.acknowledgedAt === null && (s.silencedUntil === null || now >= s.silencedUntil)

/** One evaluation of one rule. */
export function step(
  prev: RuleState,
  value: number | null,
  now: number,
  rule: StepRule,
): StepResult {
  // No data neither fires nor resolves: the state waits for a value.
  if (value === null) return { next: { ...prev, value }, transition: null }
  const severity = severityOf(rule, value)
  const move = (
    to: AlertState,
    sev: RuleSeverity | null,
    changes: Partial<RuleState> = {},
  ): StepResult => {
    const next: RuleState = { ...prev, state: to, severity: sev, since: now, value, ...changes }
    const notify = (to === 'firing' || to === 'resolved') && mayNotify(next, now)
    return {
      next,
      transition: { from: prev.state, to, severity: sev, value, at: now, notify },
    }
  }
  const stay = (changes: Partial<RuleState> = {}): StepResult => ({
    next: { ...prev, value, ...changes },
    transition: null,
  })
  switch (prev.state) {
    case 'ok':
    case 'resolved': {
      if (severity === null) {
        // resolved lasts one evaluation, so the list shows it once before it clears.
        return prev.state === 'resolved' ? move('ok', null, { acknowledgedAt: null }) : stay()
      }
      // A new episode: an acknowledgement of the last one does not carry over.
      return rule.forSeconds === 0
        ? move('firing', severity, { acknowledgedAt: null })
        : move('pending', severity, { acknowledgedAt: null })
    }
    case 'pending': {
      // Back on the good side before `for` ran out: nobody was told, so nobody is told now.
      if (severity === null) return move('ok', null)
      if (now - prev.since >= rule.forSeconds * 1000) return move('firing', severity)
      return stay({ severity })
    }
    case 'firing': {
      if (hasRecovered(rule, value)) return move('resolved', null)
      // Inside the hysteresis band (short of the threshold, not yet past recovery) it keeps
      // firing at the lower severity the rule has.
      const firingAt = severity ?? (rule.warning !== null ? 'warning' : prev.severity)
      if (firingAt === prev.severity) return stay()
      return move('firing', firingAt)
    }
  }
}

/** Acknowledged: stays listed, stops notifying until the episode ends (back to ok). */
export const acknowledged = (s: RuleState, now: number): RuleState =>
  s.acknowledgedAt === null ? { ...s, acknowledgedAt: now } : s

/** Silenced until `until` (epoch ms): transitions are still recorded, none notifies before it. */
export const silenced = (s: RuleState, until: number): RuleState => ({ ...s, silencedUntil: until })
