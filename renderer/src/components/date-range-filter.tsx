import type { DateRange } from '../../../shared/api/index.ts'
import { isDay, rangePresets, type Day, type RangeSelection } from '../lib/dates.ts'

interface DateRangeFilterProps {
  /** null until the default range is known (it depends on the data's as-of day). */
  readonly range: DateRange | null
  readonly selection: RangeSelection
  readonly onSelect: (selection: RangeSelection) => void
  readonly busy: boolean
}

export function DateRangeFilter({ range, selection, onSelect, busy }: DateRangeFilterProps) {
  const disabled = range === null

  // A day typed past the other end drags that end along, so the range is never inverted.
  const setFrom = (from: string): void => {
    if (range === null || !isDay(from)) return
    onSelect({ kind: 'custom', from, to: from > range.to ? from : range.to })
  }
  const setTo = (to: string): void => {
    if (range === null || !isDay(to)) return
    onSelect({ kind: 'custom', from: to < range.from ? to : range.from, to })
  }

  return (
    <section className="filters" aria-label="Date range">
      <div className="presets" role="group" aria-label="Range presets">
        {rangePresets.map((preset) => {
          const active = selection.kind === 'preset' && selection.preset === preset.id
          return (
            <button
              key={preset.id}
              type="button"
              className={active ? 'preset preset-active' : 'preset'}
              data-testid={`preset-${preset.id}`}
              aria-pressed={active}
              disabled={disabled}
              onClick={() => onSelect({ kind: 'preset', preset: preset.id })}
            >
              {preset.label}
            </button>
          )
        })}
      </div>
      <div className="range-inputs">
        <DayInput
          label="From"
          testId="range-from"
          value={range?.from}
          max={range?.to}
          onChange={setFrom}
        />
        <span className="range-dash" aria-hidden="true">
          –
        </span>
        <DayInput
          label="To"
          testId="range-to"
          value={range?.to}
          min={range?.from}
          onChange={setTo}
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
        min={min}
        max={max}
        disabled={value === undefined}
        required
        onChange={(event) => onChange(event.currentTarget.value)}
      />
    </label>
  )
}
