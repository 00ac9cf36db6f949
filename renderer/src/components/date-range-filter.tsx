import type { DateRange, RangePreset } from '../../../shared/api/index.ts'
import {
  PRESET_BUTTONS,
  PRESET_MENU,
  asRangePreset,
  presetLabel,
  withEnd,
  type Day,
  type RangeChoice,
} from '../lib/dates.ts'

interface DateRangeFilterProps {
  /** The days shown; null while they cannot be (a range the page could not resolve). */
  readonly range: DateRange | null
  /** The preset picked, or 'custom' for days typed or taken from a link. */
  readonly active: RangePreset | 'custom'
  readonly onSelect: (choice: RangeChoice) => void
  readonly busy: boolean
}

export function DateRangeFilter({ range, active, onSelect, busy }: DateRangeFilterProps) {
  const disabled = range === null

  // A day typed past the other end, or further than the longest range, drags that end along,
  // so the range is never inverted and can always be asked for.
  const setEnd = (end: 'from' | 'to', day: string): void => {
    if (range === null) return
    const choice = withEnd(range, end, day)
    if (choice !== null) onSelect(choice)
  }

  return (
    <section className="filters" aria-label="Date range">
      <div className="presets" role="group" aria-label="Range presets">
        {PRESET_BUTTONS.map((preset) => {
          const pressed = active === preset
          return (
            <button
              key={preset}
              type="button"
              className={pressed ? 'preset preset-active' : 'preset'}
              data-testid={`preset-${preset}`}
              aria-pressed={pressed}
              disabled={disabled}
              onClick={() => onSelect({ preset })}
            >
              {presetLabel(preset)}
            </button>
          )
        })}
        <MorePresets active={active} disabled={disabled} onSelect={onSelect} />
      </div>
      <div className="range-inputs">
        <DayInput
          label="From"
          testId="range-from"
          value={range?.from}
          max={range?.to}
          onChange={(day) => setEnd('from', day)}
        />
        <span className="range-dash" aria-hidden="true">
          –
        </span>
        <DayInput
          label="To"
          testId="range-to"
          value={range?.to}
          min={range?.from}
          onChange={(day) => setEnd('to', day)}
        />
        <span className={busy ? 'busy busy-on' : 'busy'} role="status" aria-live="polite">
          {busy ? 'Updating…' : ''}
        </span>
      </div>
    </section>
  )
}

interface DayInputProps {
  readonly label: string
  readonly testId: string
  readonly value: Day | undefined
  readonly min?: Day | undefined
  readonly max?: Day | undefined
  readonly onChange: (value: string) => void
}

function DayInput({ label, testId, value, min, max, onChange }: DayInputProps) {
  return (
    <label className="day-input">
      <span className="day-input-label">{label}</span>
      <input
        type="date"
        data-testid={testId}
        value={value ?? ''}
        min={min ?? '1970-01-01'}
        max={max ?? '9999-12-31'}
        disabled={value === undefined}
        required
        onChange={(event) => onChange(event.currentTarget.value)}
      />
    </label>
  )
}

interface MorePresetsProps {
  readonly active: RangePreset | 'custom'
  readonly disabled: boolean
  readonly onSelect: (choice: RangeChoice) => void
}

/** The less used presets in one native list: compact, and keyboard-operable as it is. */
function MorePresets({ active, disabled, onSelect }: MorePresetsProps) {
  const chosen = PRESET_MENU.includes(active as RangePreset)
  return (
    <select
      className={chosen ? 'preset preset-more preset-active' : 'preset preset-more'}
      data-testid="preset-more"
      aria-label="More ranges"
      value={chosen ? active : ''}
      disabled={disabled}
      onChange={(event) => {
        const preset = asRangePreset(event.currentTarget.value)
        if (preset !== null) onSelect({ preset })
      }}
    >
      <option value="" disabled>
        More…
      </option>
      {PRESET_MENU.map((preset) => (
        <option key={preset} value={preset}>
          {presetLabel(preset)}
        </option>
      ))}
    </select>
  )
}
