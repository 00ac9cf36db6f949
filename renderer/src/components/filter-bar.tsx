import type {
  DateRange,
  FilterField,
  FilterValues,
  RangePreset,
} from '../../../shared/api/index.ts'
import type { RangeChoice } from '../lib/dates.ts'
import type { Dimensions } from '../lib/url-state.ts'
import { DataAge } from './data-age.tsx'
import { DateRangeFilter } from './date-range-filter.tsx'
import { MultiSelect } from './multi-select.tsx'

const FIELDS: readonly { field: FilterField; label: string }[] = [
  { field: 'source', label: 'Source' },
  { field: 'segment', label: 'Segment' },
  { field: 'city', label: 'City' },
  { field: 'temperature', label: 'Temperature' },
  { field: 'status', label: 'Status' },
  { field: 'owner', label: 'Owner' },
]

interface FilterBarProps {
  readonly range: DateRange | null
  readonly activePreset: RangePreset | 'custom'
  readonly onSelectRange: (choice: RangeChoice) => void
  readonly dimensions: Dimensions
  readonly onChangeDimensions: (dimensions: Dimensions) => void
  readonly options: FilterValues
  readonly busy: boolean
  /** The newest data's time (`undefined` while unknown, null for an empty cache). */
  readonly dataAsOf: string | null | undefined
  readonly now: number
}

export function FilterBar({
  range,
  activePreset,
  onSelectRange,
  dimensions,
  onChangeDimensions,
  options,
  busy,
  dataAsOf,
  now,
}: FilterBarProps) {
  const active = FIELDS.some(({ field }) => (dimensions[field]?.length ?? 0) > 0)
  return (
    <div className="filter-bar">
      <DateRangeFilter range={range} active={activePreset} onSelect={onSelectRange} busy={busy} />
      <DataAge dataAsOf={dataAsOf} now={now} />
      <section className="filters filters-dimensions" aria-label="Filters">
        <div className="multi-row">
          {FIELDS.map(({ field, label }) => (
            <MultiSelect
              key={field}
              field={field}
              label={label}
              options={options[field]}
              selected={dimensions[field] ?? []}
              disabled={range === null}
              onChange={(values) => onChangeDimensions({ ...dimensions, [field]: values })}
            />
          ))}
        </div>
        {active && (
          <button
            type="button"
            className="button button-small"
            data-testid="filters-clear"
            onClick={() => onChangeDimensions({})}
          >
            Clear filters
          </button>
        )}
      </section>
    </div>
  )
}
