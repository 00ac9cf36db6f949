import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react'
import {
  ALERT_COMPARATORS,
  ALERT_METRICS,
  FILTER_FIELDS,
  RANGE_PRESETS,
  RANGE_PRESET_LABELS,
  RULE_MESSAGE_MAX,
  RULE_NAME_MAX,
  type AlertComparator,
  type AlertMetric,
  type AlertRule,
  type FilterValues,
  type KpiDefinition,
  type RangePreset,
  type SaveRuleInput,
} from '../../../shared/api/index.ts'
import { FILTER_FIELD_LABELS } from '../lib/format.ts'
import {
  MESSAGE_PLACEHOLDERS,
  comparatorWords,
  inputOf,
  metricWords,
  type RuleDraft,
} from '../lib/rule-units.ts'
import { MultiSelect } from './multi-select.tsx'

/**
 * Creates or edits one rule. Thresholds are typed in the metric's shown unit and converted by
 * rule-units.ts; the core checks the rule and its refusal sentence is shown under the form.
 * Escape (outside an open checklist) cancels, as Cancel does.
 */
export function RuleForm({
  initial,
  definitions,
  filterValues,
  onSave,
  onCancel,
}: {
  initial: RuleDraft
  definitions: readonly KpiDefinition[]
  filterValues: FilterValues | null
  onSave: (input: SaveRuleInput) => Promise<AlertRule>
  onCancel: () => void
}) {
  const [draft, setDraft] = useState(initial)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const id = useId()
  const nameInput = useRef<HTMLInputElement>(null)
  const words = metricWords(draft.metric, definitions)
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }))

  useEffect(() => nameInput.current?.focus(), [])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const read = inputOf(draft, definitions)
    if (!read.ok) {
      setRefusal(read.message)
      return
    }
    setRefusal(null)
    setSaving(true)
    onSave(read.input).then(
      () => setSaving(false),
      (error: unknown) => {
        setSaving(false)
        setRefusal((error as Error).message)
      },
    )
  }

  const form = useRef<HTMLFormElement>(null)
  useEscapeWithin(true, form, onCancel)

  const threshold = (key: 'warning' | 'critical' | 'recovery', label: string, hint: string) => (
    <div className="rule-field rule-threshold">
      <label htmlFor={`${id}-${key}`}>
        {label}
        {words.unitWord !== '' && ` (${words.unitWord})`}
      </label>
      <input
        id={`${id}-${key}`}
        data-testid={`rule-${key}`}
        inputMode="decimal"
        value={draft[key]}
        aria-describedby={`${id}-${key}-hint`}
        onChange={(e) => set(key, e.target.value)}
      />
      <span className="rule-hint" id={`${id}-${key}-hint`}>
        {hint}
      </span>
    </div>
  )

  return (
    <form
      className="rule-form"
      data-testid="rule-form"
      aria-label={draft.id === undefined ? 'New rule' : `Edit rule ${initial.name}`}
      ref={form}
      onSubmit={submit}
      noValidate
    >
      <h3 className="rule-form-title">
        {draft.id === undefined ? 'New rule' : `Edit rule: ${initial.name}`}
      </h3>
      <div className="rule-field rule-wide">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          ref={nameInput}
          data-testid="rule-name"
          maxLength={RULE_NAME_MAX}
          value={draft.name}
          onChange={(e) => set('name', e.target.value)}
        />
      </div>
      <div className="rule-row">
        <div className="rule-field rule-grow">
          <label htmlFor={`${id}-metric`}>Watches</label>
          <select
            id={`${id}-metric`}
            data-testid="rule-metric"
            value={draft.metric}
            onChange={(e) => set('metric', e.target.value as AlertMetric)}
          >
            {ALERT_METRICS.map((m) => (
              <option key={m} value={m}>
                {metricWords(m, definitions).label}
              </option>
            ))}
          </select>
        </div>
        <div className="rule-field">
          <label htmlFor={`${id}-comparator`}>Alerts when the value is</label>
          <select
            id={`${id}-comparator`}
            data-testid="rule-comparator"
            value={draft.comparator}
            onChange={(e) => set('comparator', e.target.value as AlertComparator)}
          >
            {ALERT_COMPARATORS.map((c) => (
              <option key={c} value={c}>
                {comparatorWords(c)} ({c})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="rule-row">
        {threshold('warning', 'Warning', 'Blank: no warning.')}
        {threshold('critical', 'Critical', 'Beyond the warning.')}
        {threshold('recovery', 'Resolves at', 'Blank: the first threshold.')}
      </div>
      <div className="rule-row">
        <div className="rule-field rule-threshold">
          <label htmlFor={`${id}-for`}>Holds for (min)</label>
          <input
            id={`${id}-for`}
            data-testid="rule-for"
            inputMode="decimal"
            value={draft.forMinutes}
            aria-describedby={`${id}-for-hint`}
            onChange={(e) => set('forMinutes', e.target.value)}
          />
          <span className="rule-hint" id={`${id}-for-hint`}>
            0: fires at once.
          </span>
        </div>
        <div className="rule-field rule-grow rule-check">
          <label>
            <input
              type="checkbox"
              data-testid="rule-enabled"
              checked={draft.enabled}
              onChange={(e) => set('enabled', e.target.checked)}
            />{' '}
            Enabled
          </label>
        </div>
      </div>
      {words.takesFilters ? (
        <fieldset className="rule-filters">
          <legend>
            <label>
              <input
                type="checkbox"
                data-testid="rule-filtered"
                checked={draft.filtered}
                onChange={(e) => set('filtered', e.target.checked)}
              />{' '}
              Filter the data (otherwise the last 7 days, everything)
            </label>
          </legend>
          {draft.filtered && (
            <>
              <div className="rule-field">
                <label htmlFor={`${id}-range`}>Range</label>
                <select
                  id={`${id}-range`}
                  data-testid="rule-range"
                  value={draft.range.preset}
                  onChange={(e) =>
                    set('range', {
                      preset: e.target.value as RangePreset,
                      timeZone: draft.range.timeZone,
                    })
                  }
                >
                  {initial.range.preset === 'custom' && (
                    <option value="custom">
                      {initial.range.from} – {initial.range.to}
                    </option>
                  )}
                  {RANGE_PRESETS.map((p) => (
                    <option key={p} value={p}>
                      {RANGE_PRESET_LABELS[p]}
                    </option>
                  ))}
                </select>
              </div>
              <div className="rule-dimensions">
                {FILTER_FIELDS.map((field) => (
                  <MultiSelect
                    key={field}
                    field={`rule-${field}`}
                    label={FILTER_FIELD_LABELS[field]}
                    options={filterValues?.[field] ?? []}
                    selected={draft.dimensions[field] ?? []}
                    disabled={filterValues === null}
                    onChange={(selected) =>
                      set('dimensions', { ...draft.dimensions, [field]: selected })
                    }
                  />
                ))}
              </div>
            </>
          )}
        </fieldset>
      ) : (
        <p className="rule-hint">{words.label} describes the sync: it takes no filters.</p>
      )}
      <div className="rule-field rule-wide">
        <label htmlFor={`${id}-message`}>Message</label>
        <textarea
          id={`${id}-message`}
          data-testid="rule-message"
          rows={2}
          maxLength={RULE_MESSAGE_MAX}
          value={draft.message}
          aria-describedby={`${id}-message-hint`}
          onChange={(e) => set('message', e.target.value)}
        />
        <span className="rule-hint" id={`${id}-message-hint`}>
          May use {MESSAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}
        </span>
      </div>
      {refusal !== null && (
        <p className="rule-refusal" role="alert" data-testid="rule-refusal">
          {refusal}
        </p>
      )}
      <div className="rule-form-actions">
        <button
          type="submit"
          className="button rule-primary"
          data-testid="rule-save"
          disabled={saving}
        >
          {saving ? 'Saving…' : 'Save rule'}
        </button>
        <button type="button" className="button" data-testid="rule-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/**
 * While `active`, Escape pressed inside `root` calls `onEscape` and goes no further: the alert
 * panel, which closes on Escape anywhere (useDismiss), stays open, and only the form or the
 * confirmation is left. Heard in the capture phase, before the panel's listener; an open
 * checklist (MultiSelect) inside keeps its own Escape, which closes just the list.
 */
export function useEscapeWithin(
  active: boolean,
  root: RefObject<HTMLElement | null>,
  onEscape: () => void,
): void {
  const latest = useRef(onEscape)
  useEffect(() => {
    latest.current = onEscape
  })
  useEffect(() => {
    if (!active) return
    const listener = (event: globalThis.KeyboardEvent): void => {
      if (event.key !== 'Escape' || !(event.target instanceof Node)) return
      if (!root.current?.contains(event.target)) return
      const multi = event.target instanceof Element ? event.target.closest('.multi') : null
      if (multi?.querySelector('[aria-expanded="true"]')) return
      event.stopPropagation()
      latest.current()
    }
    document.addEventListener('keydown', listener, true)
    return () => document.removeEventListener('keydown', listener, true)
  }, [active, root])
}
