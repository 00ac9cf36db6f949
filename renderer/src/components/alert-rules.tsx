import { useEffect, useRef, useState } from 'react'
import type { AlertRule, KpiDefinition, UnreadableRule } from '../../../shared/api/index.ts'
import { useApi } from '../api/client.ts'
import { useAlertRules } from '../hooks/use-alert-rules.ts'
import { localTimeZone } from '../lib/dates.ts'
import {
  conditionWords,
  draftOf,
  filterSetWords,
  forWords,
  metricWords,
  newDraft,
  type RuleDraft,
} from '../lib/rule-units.ts'
import { RuleForm, useEscapeWithin } from './rule-form.tsx'
import '../styles/alert-rules.css'

/**
 * The Rules tab of the alert panel (issue 13: "rules can be created, edited, enabled and deleted
 * in the app (admin)"): every rule in words, an enable switch, Edit and Delete (confirmed), a
 * form for a new or edited rule, and rows the core can no longer read with why. Over the LAN the
 * host refuses every change, so the rules are shown read-only with its sentence.
 */
export function AlertRules() {
  const rules = useAlertRules()
  // `dashboards: []`: neither changes with a sync commit.
  const definitions = useApi('kpis.definitions', {}, [], { dashboards: [] }).data
  const filterValues = useApi('filters.values', {}, [], { dashboards: [] }).data
  const [editing, setEditing] = useState<RuleDraft | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const newButton = useRef<HTMLButtonElement>(null)
  const writable = rules.readOnly === null

  const act = (what: Promise<unknown>) => {
    setFailure(null)
    what.catch((error: unknown) => setFailure((error as Error).message))
  }
  const closeForm = () => {
    setEditing(null)
    // Focus goes back where the person was before the form: the New rule button.
    requestAnimationFrame(() => newButton.current?.focus())
  }

  if (rules.error !== null)
    return (
      <p className="alert-failure" role="alert">
        {rules.error.message}
      </p>
    )
  if (rules.list === null || definitions === null)
    return <p className="alert-empty">Reading rules…</p>

  // A LAN refusal met mid-edit ends the edit: the list shows the host's sentence instead.
  if (editing !== null && writable)
    return (
      <RuleForm
        key={editing.id ?? 'new'}
        initial={editing}
        definitions={definitions}
        filterValues={filterValues}
        onCancel={closeForm}
        onSave={async (input) => {
          const saved = await rules.save(input)
          closeForm()
          return saved
        }}
      />
    )

  const { rules: list, unreadable } = rules.list
  return (
    <div className="alert-rules" data-testid="alert-rules" data-writable={writable}>
      <div className="alert-rules-head">
        {writable ? (
          <button
            type="button"
            ref={newButton}
            className="button rule-primary"
            data-testid="rule-new"
            onClick={() => setEditing(newDraft(localTimeZone()))}
          >
            New rule
          </button>
        ) : (
          <p className="alert-rules-readonly" data-testid="rules-read-only">
            {rules.readOnly}
          </p>
        )}
      </div>
      {failure !== null && (
        <p className="alert-failure" role="alert" data-testid="rules-failure">
          {failure}
        </p>
      )}
      {list.length === 0 ? (
        <p className="alert-empty">No rules yet.</p>
      ) : (
        <ul className="alert-items" aria-label="Rules">
          {list.map((rule) => (
            <RuleItem
              key={rule.id}
              rule={rule}
              definitions={definitions}
              writable={writable}
              onEdit={() => setEditing(draftOf(rule, definitions, localTimeZone()))}
              onEnable={(enabled) => act(rules.setEnabled(rule.id, enabled))}
              onDelete={() => rules.remove(rule.id)}
              onFailure={setFailure}
              afterDelete={() => newButton.current?.focus()}
            />
          ))}
        </ul>
      )}
      {unreadable.length > 0 && (
        <section className="alert-rules-unreadable" aria-label="Rules that cannot be read">
          <h3 className="rule-section-title">Cannot be read</h3>
          <ul className="alert-items">
            {unreadable.map((row) => (
              <UnreadableItem
                key={row.id}
                row={row}
                writable={writable}
                onDelete={() => rules.remove(row.id)}
                onFailure={setFailure}
              />
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}

function RuleItem({
  rule,
  definitions,
  writable,
  onEdit,
  onEnable,
  onDelete,
  onFailure,
  afterDelete,
}: {
  rule: AlertRule
  definitions: readonly KpiDefinition[]
  writable: boolean
  onEdit: () => void
  onEnable: (enabled: boolean) => void
  onDelete: () => Promise<void>
  onFailure: (message: string) => void
  afterDelete: () => void
}) {
  const words = metricWords(rule.metric, definitions)
  return (
    <li
      className={`alert-item rule-item${rule.enabled ? '' : ' rule-item-off'}`}
      data-testid="rule-item"
      data-rule-id={rule.id}
      data-enabled={rule.enabled}
    >
      <p className="alert-item-head">
        <span className="alert-name">{rule.name}</span>
        {rule.builtIn && (
          <span className="rule-builtin" data-testid="rule-builtin">
            Built-in
          </span>
        )}
        <button
          type="button"
          role="switch"
          aria-checked={rule.enabled}
          aria-label={`Enabled: ${rule.name}`}
          className="alert-notify rule-switch"
          data-testid="rule-enable"
          disabled={!writable}
          onClick={() => onEnable(!rule.enabled)}
        >
          Enabled
        </button>
      </p>
      <p className="rule-watch">
        <span className="rule-metric">{words.label}</span>
        {words.takesFilters && <> · {filterSetWords(rule.filters)}</>}
      </p>
      <p className="alert-meta" data-testid="rule-condition">
        {conditionWords(rule, definitions)} · {forWords(rule.forSeconds)}
      </p>
      {writable && (
        <ConfirmedActions
          name={rule.name}
          onEdit={onEdit}
          onDelete={onDelete}
          onFailure={onFailure}
          afterDelete={afterDelete}
        />
      )}
    </li>
  )
}

function UnreadableItem({
  row,
  writable,
  onDelete,
  onFailure,
}: {
  row: UnreadableRule
  writable: boolean
  onDelete: () => Promise<void>
  onFailure: (message: string) => void
}) {
  return (
    <li
      className="alert-item rule-item rule-item-unreadable"
      data-testid="rule-unreadable"
      data-rule-id={row.id}
    >
      <p className="alert-item-head">
        <span className="alert-name">{row.name}</span>
      </p>
      <p className="alert-message">{row.reason}</p>
      {writable && <ConfirmedActions name={row.name} onDelete={onDelete} onFailure={onFailure} />}
    </li>
  )
}

/** Edit and Delete; Delete asks first, in place, with focus on the confirmation. */
function ConfirmedActions({
  name,
  onEdit,
  onDelete,
  onFailure,
  afterDelete,
}: {
  name: string
  onEdit?: () => void
  onDelete: () => Promise<void>
  onFailure: (message: string) => void
  afterDelete?: () => void
}) {
  const [asking, setAsking] = useState(false)
  const confirm = useRef<HTMLButtonElement>(null)
  const ask = useRef<HTMLButtonElement>(null)
  const group = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (asking) confirm.current?.focus()
  }, [asking])
  const cancel = () => {
    setAsking(false)
    requestAnimationFrame(() => ask.current?.focus())
  }
  useEscapeWithin(asking, group, cancel)

  if (asking)
    return (
      <div
        ref={group}
        className="alert-actions rule-confirm"
        role="group"
        aria-label={`Delete ${name}?`}
        data-testid="rule-confirm"
      >
        <span className="rule-confirm-text">Delete “{name}”?</span>
        <button
          type="button"
          ref={confirm}
          className="button rule-danger"
          data-testid="rule-confirm-delete"
          aria-label={`Delete rule: ${name}`}
          onClick={() =>
            void onDelete().then(
              () => afterDelete?.(),
              (error: unknown) => {
                setAsking(false)
                onFailure((error as Error).message)
              },
            )
          }
        >
          Delete rule
        </button>
        <button type="button" className="button" data-testid="rule-confirm-cancel" onClick={cancel}>
          Keep it
        </button>
      </div>
    )
  return (
    <div className="alert-actions">
      {onEdit !== undefined && (
        <button
          type="button"
          className="button"
          data-testid="rule-edit"
          aria-label={`Edit: ${name}`}
          onClick={onEdit}
        >
          Edit
        </button>
      )}
      <button
        type="button"
        ref={ask}
        className="button"
        data-testid="rule-delete"
        aria-label={`Delete: ${name}`}
        onClick={() => setAsking(true)}
      >
        Delete
      </button>
    </div>
  )
}
