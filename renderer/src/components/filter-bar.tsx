import { useRef } from 'react'
import {
  FILTER_FIELDS,
  type DateRange,
  type Filters,
  type FilterValues,
  type RangePreset,
} from '../../../shared/api/index.ts'
import type { Presets } from '../hooks/use-presets.ts'
import type { RangeChoice } from '../lib/dates.ts'
import { FILTER_FIELD_LABELS } from '../lib/filter-labels.ts'
import { withoutValue, type Dimensions } from '../lib/url-state.ts'
import { DataAge } from './data-age.tsx'
import { DateRangeFilter } from './date-range-filter.tsx'
import { FilterChips } from './filter-chips.tsx'
import { MultiSelect } from './multi-select.tsx'
import { PresetMenu } from './preset-menu.tsx'
import '../styles/filters.css'

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
  readonly presets: Presets
  /** The filters shown, as a named preset would keep them. */
  readonly current: Filters
  readonly onApplyPreset: (filters: Filters) => void
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
  presets,
  current,
  onApplyPreset,
}: FilterBarProps) {
  const section = useRef<HTMLElement>(null)
  return (
    <div className="filter-bar" data-testid="filter-bar">
      <DateRangeFilter range={range} active={activePreset} onSelect={onSelectRange} busy={busy} />
      <DataAge dataAsOf={dataAsOf} now={now} />
      <section
        className="filters filters-dimensions"
        aria-label="Filters"
        ref={section}
        tabIndex={-1}
      >
        <div className="multi-row">
          {FILTER_FIELDS.map((field) => (
            <MultiSelect
              key={field}
              field={field}
              label={FILTER_FIELD_LABELS[field]}
              options={options[field]}
              selected={dimensions[field] ?? []}
              disabled={range === null}
              onChange={(values) => onChangeDimensions({ ...dimensions, [field]: values })}
            />
          ))}
        </div>
        <PresetMenu
          presets={presets}
          current={current}
          onApply={onApplyPreset}
          disabled={range === null}
        />
        <FilterChips
          dimensions={dimensions}
          onRemove={(field, value) => onChangeDimensions(withoutValue(dimensions, field, value))}
          onClearAll={() => onChangeDimensions({})}
          onEmptied={() => section.current?.focus()}
        />
      </section>
    </div>
  )
}
