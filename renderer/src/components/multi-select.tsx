import { useEffect, useId, useRef, useState } from 'react'

interface MultiSelectProps {
  readonly field: string
  readonly label: string
  readonly options: readonly string[]
  readonly selected: readonly string[]
  readonly onChange: (selected: string[]) => void
  /**
   * Values can be typed in: for fields whose values the api does not list (city, owner), so the
   * viewer can still filter on them.
   */
  readonly freeText?: boolean
  readonly disabled?: boolean
}

function summary(label: string, selected: readonly string[]): string {
  if (selected.length === 0) return `${label}: all`
  if (selected.length === 1) return `${label}: ${selected[0]}`
  return `${label}: ${selected.length} selected`
}

/** A filter chip that opens a checklist; the list stays open while several values are ticked. */
export function MultiSelect({
  field,
  label,
  options,
  selected,
  onChange,
  freeText = false,
  disabled = false,
}: MultiSelectProps) {
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const root = useRef<HTMLDivElement>(null)
  const panelId = useId()

  useEffect(() => {
    if (!open) return
    const close = (event: Event): void => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !root.current?.contains(event.target as Node)
      )
        setOpen(false)
    }
    document.addEventListener('pointerdown', close)
    document.addEventListener('keydown', close)
    return () => {
      document.removeEventListener('pointerdown', close)
      document.removeEventListener('keydown', close)
    }
  }, [open])

  // A selected value stays listed even when the current data no longer has it, so it can be
  // unticked.
  const all = [...options, ...selected.filter((s) => !options.includes(s))]
  const toggle = (value: string): void =>
    onChange(selected.includes(value) ? selected.filter((s) => s !== value) : [...selected, value])
  const addTyped = (): void => {
    const value = typed.trim()
    if (value !== '' && !selected.includes(value)) onChange([...selected, value])
    setTyped('')
  }

  return (
    <div className={selected.length > 0 ? 'multi multi-active' : 'multi'} ref={root}>
      <button
        type="button"
        className="multi-button"
        data-testid={`filter-${field}`}
        aria-expanded={open}
        aria-controls={panelId}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="multi-summary">{summary(label, selected)}</span>
        <span className="multi-caret" aria-hidden="true" />
      </button>
      {open && (
        <div className="multi-panel" id={panelId} role="group" aria-label={label}>
          {all.length === 0 && !freeText && <p className="multi-none">No values in this range</p>}
          <ul className="multi-options">
            {all.map((value) => (
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
          {freeText && (
            <form
              className="multi-add"
              onSubmit={(event) => {
                event.preventDefault()
                addTyped()
              }}
            >
              <input
                type="text"
                value={typed}
                placeholder={`Add a ${label.toLowerCase()}…`}
                aria-label={`Add a ${label.toLowerCase()}`}
                data-testid={`filter-${field}-input`}
                maxLength={200}
                onChange={(event) => setTyped(event.currentTarget.value)}
              />
              <button type="submit" className="button button-small">
                Add
              </button>
            </form>
          )}
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
