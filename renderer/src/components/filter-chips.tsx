import { useEffect, useRef } from 'react'
import type { FilterField } from '../../../shared/api/index.ts'
import { chipsOf } from '../lib/filter-labels.ts'
import type { Dimensions } from '../lib/url-state.ts'

interface FilterChipsProps {
  readonly dimensions: Dimensions
  readonly onRemove: (field: FilterField, value: string) => void
  readonly onClearAll: () => void
  /** Called as the last chip goes, so the focus can land somewhere that stays. */
  readonly onEmptied: () => void
}

/**
 * One removable chip per value set, and "Clear all". The range has its own controls above and is
 * not a chip. Removing a chip by keyboard keeps the focus in the list (on the chip that took its
 * place), rather than dropping it to the page's start.
 */
export function FilterChips({ dimensions, onRemove, onClearAll, onEmptied }: FilterChipsProps) {
  const chips = chipsOf(dimensions)
  const list = useRef<HTMLUListElement>(null)
  // Where the focus goes once the removed chip has left the list (set in the click handler).
  const focusAt = useRef<number | null>(null)
  const count = chips.length

  useEffect(() => {
    const at = focusAt.current
    if (at === null) return
    focusAt.current = null
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>('.chip-remove')
    if (buttons === undefined || buttons.length === 0) return
    buttons[Math.min(at, buttons.length - 1)]?.focus()
  }, [count])

  if (chips.length === 0) return null
  return (
    <div className="chips" data-testid="filter-chips">
      <ul className="chip-list" ref={list} aria-label="Active filters">
        {chips.map((chip, index) => (
          <li
            key={`${chip.field}\u0000${chip.value}`}
            className="chip"
            data-testid="filter-chip"
            data-field={chip.field}
            data-value={chip.value}
          >
            <span className="chip-label">{chip.label}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${chip.label}`}
              title={`Remove ${chip.label}`}
              onClick={() => {
                if (chips.length === 1) onEmptied()
                else focusAt.current = index
                onRemove(chip.field, chip.value)
              }}
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button button-small chips-clear"
        data-testid="filters-clear"
        onClick={() => {
          onEmptied()
          onClearAll()
        }}
      >
        Clear all
      </button>
    </div>
  )
}
