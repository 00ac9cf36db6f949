import { useId, useRef, useState } from 'react'
import { useDismiss } from '../hooks/use-dismiss.ts'

interface MultiSelectProps {
  readonly field: string
  readonly label: string
  readonly options: readonly string[]
  readonly selected: readonly string[]
  readonly onChange: (selected: string[]) => void
  readonly disabled?: boolean
}

function summary(label: string, selected: readonly string[]): string {
  if (selected.length === 0) return `${label}: all`
  if (selected.length === 1) return `${label}: ${selected[0]}`
  return `${label}: ${selected.length} selected`
}

/** Lists longer than this get a search box. */
const SEARCH_FROM = 10

/** A filter chip that opens a checklist; the list stays open while several values are ticked. */
export function MultiSelect({
  field,
  label,
  options,
  selected,
  onChange,
  disabled = false,
}: MultiSelectProps) {
  const [open, setOpen] = useState(false)
  const [search, setSearch] = useState('')
  const root = useRef<HTMLDivElement>(null)
  const panelId = useId()

  // Reopened, the list shows every value again.
  const close = (): void => {
    setOpen(false)
    setSearch('')
  }

  useDismiss(open, root, close)

  // A selected value stays listed even when the current data no longer has it, so it can be
  // unticked.
  const all = [...options, ...selected.filter((s) => !options.includes(s))]
  // A long list (owners, cities of a big org) gets a search box that narrows it.
  const searchable = all.length > SEARCH_FROM
  const needle = search.trim().toLocaleLowerCase()
  const shown =
    searchable && needle !== '' ? all.filter((v) => v.toLocaleLowerCase().includes(needle)) : all
  const toggle = (value: string): void =>
    onChange(selected.includes(value) ? selected.filter((s) => s !== value) : [...selected, value])

  return (
    <div className={selected.length > 0 ? 'multi multi-active' : 'multi'} ref={root}>
      <button
        type="button"
        className="multi-button"
        data-testid={`filter-${field}`}
        aria-expanded={open}
        aria-controls={panelId}
        disabled={disabled}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span className="multi-summary">{summary(label, selected)}</span>
        <span className="multi-caret" aria-hidden="true" />
      </button>
      {open && (
        <div className="multi-panel" id={panelId} role="group" aria-label={label}>
          {searchable && (
            <input
              type="search"
              className="multi-search"
              value={search}
              placeholder={`Find a ${label.toLowerCase()}…`}
              aria-label={`Find a ${label.toLowerCase()}`}
              data-testid={`filter-${field}-search`}
              maxLength={200}
              onChange={(event) => setSearch(event.currentTarget.value)}
            />
          )}
          {shown.length === 0 && (
            <p className="multi-none">{all.length === 0 ? 'No values yet' : 'No match'}</p>
          )}
          <ul className="multi-options">
            {shown.map((value) => (
              <li key={value}>
                <label className="multi-option">
                  <input
                    type="checkbox"
                    checked={selected.includes(value)}
                    data-testid={`filter-${field}-option`}
                    data-value={value}
                    onChange={() => toggle(value)}
                  />
                  <span>{value}</span>
                </label>
              </li>
            ))}
          </ul>
          {selected.length > 0 && (
            <button type="button" className="multi-clear" onClick={() => onChange([])}>
              Clear {label.toLowerCase()}
            </button>
          )}
        </div>
      )}
    </div>
  )
}
