// The filter bar's words (field names, chips) live in shared/format/filters.ts, where an export
// writes its "filters in words" from the same labels; the page's imports stay as they were.
export {
  FILTER_FIELD_LABELS,
  chipsOf,
  type FilterChip,
  type FilterDimensions,
} from '../../../shared/format/index.ts'
