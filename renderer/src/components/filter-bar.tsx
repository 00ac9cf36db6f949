import type { DateRange, FilterField } from '../../../shared/api/index.ts'
import type { RangeSelection } from '../lib/dates.ts'
import type { Dimensions } from '../lib/url-state.ts'
import { DateRangeFilter } from './date-range-filter.tsx'
import { MultiSelect } from './multi-select.tsx'

export type FilterOptions = { readonly [K in FilterField]: readonly string[] }

const FIELDS: readonly { field: FilterField; label: string; freeText?: boolean }[] = [
  { field: 'source', label: 'Source' },
  { field: 'segment', label: 'Segment' },
  // The api lists no cities or owners (no breakdown carries them): typed in.
  { field: 'city', label: 'City', freeText: true },
  { field: 'temperature', label: 'Temperature' },
  { field: 'status', label: 'Status' },
  { field: 'owner', label: 'Owner', freeText: true },
]

interface FilterBarProps {
  readonly range: DateRange | null
  readonly selection: RangeSelection
  readonly onSelectRange: (selection: RangeSelection) => void
  readonly dimensions: Dimensions
  readonly onChangeDimensions: (dimensions: Dimensions) => void
  readonly options: FilterOptions
  readonly busy: boolean
}

export function FilterBar({
  range,
  selection,
  onSelectRange,
  dimensions,
  onChangeDimensions,
  options,
  busy,
}: FilterBarProps) {
  const active = FIELDS.some(({ field }) => (dimensions[field]?.length ?? 0) > 0)
  return (
    <div className="filter-bar">
      <DateRangeFilter range={range} selection={selection} onSelect={onSelectRange} busy={busy} />
      <section className="filters filters-dimensions" aria-label="Filters">
        <div className="multi-row">
          {FIELDS.map(({ field, label, freeText }) => (
            <MultiSelect
              key={field}
              field={field}
              label={label}
              options={options[field]}
              selected={dimensions[field] ?? []}
              freeText={freeText ?? false}
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
