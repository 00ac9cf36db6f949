// The `--filter 'field=value,value;range=…;tz=…'` option of the CLI, read into the contract's
// filter set: `watchfloor export` (issue 12) and `watchfloor alerts rules` (issue 13) take the
// same words, so a filter typed for one works for the other.
import {
  DEFAULT_RANGE_PRESET,
  FILTER_FIELDS,
  LEAD_STATUSES,
  RANGE_PRESETS,
  RANGE_PRESET_LABELS,
  TEMPERATURES,
  canonicalTimeZone,
  filtersSchema,
  type FilterField,
  type FilterValues,
  type Filters,
  type RangePreset,
} from '../../shared/api/index.ts'

/** "a, b and c" for a sentence listing what is allowed. */
export const list = (items: readonly string[], max = 30): string => {
  const shown = items.slice(0, max)
  const more = items.length - shown.length
  if (more > 0) return `${shown.join(', ')} and ${more} more`
  return shown.length <= 1
    ? (shown[0] ?? '(none)')
    : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
}

/** Letters and digits only, lower case: `last_90_days`, `Last 90 days` and `last90days` meet. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

const PRESET_NAMES = new Map<string, RangePreset>(
  RANGE_PRESETS.flatMap((p) => [
    [squash(p), p],
    [squash(RANGE_PRESET_LABELS[p]), p],
  ]),
)

/** The fields of a --filter: the dimensions, then the range and the zone. */
const FIELDS = [...FILTER_FIELDS, 'range', 'tz'] as const

/** Values a field may take: fixed lists for temperature and status, the cache's for the rest. */
function allowedValues(field: FilterField, cache: FilterValues): readonly string[] {
  if (field === 'temperature') return TEMPERATURES
  if (field === 'status') return LEAD_STATUSES
  return cache[field]
}

/**
 * Reads `source=Google LSA,Nextdoor;range=last_90_days;tz=Europe/London` into the filters of
 * the contract. A field or value nobody has is refused with a sentence naming the allowed
 * ones: a typo must not become an empty report that looks like a quiet quarter.
 */
export function parseFilterOption(text: string, cache: FilterValues, machineZone: string): Filters {
  const dims: Partial<Record<FilterField, string[]>> = {}
  let range: { preset: RangePreset } | { preset: 'custom'; from: string; to: string } = {
    preset: DEFAULT_RANGE_PRESET,
  }
  let timeZone = machineZone
  const seen = new Set<string>()
  for (const part of text.split(';')) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    const field = (eq < 0 ? part : part.slice(0, eq)).trim()
    const value = eq < 0 ? '' : part.slice(eq + 1).trim()
    if (!(FIELDS as readonly string[]).includes(field))
      throw new Error(
        `unknown filter field "${field.slice(0, 40)}" in --filter; the fields are ${list(FIELDS)} (e.g. --filter 'source=Google LSA;range=last_90_days')`,
      )
    if (seen.has(field)) throw new Error(`--filter names ${field} twice; give it once`)
    seen.add(field)
    if (value === '') throw new Error(`--filter ${field}= has no value`)
    if (field === 'tz') {
      const zone = canonicalTimeZone(value)
      if (zone === null)
        throw new Error(
          `unknown time zone "${value.slice(0, 64)}" in --filter tz=; use an IANA name such as America/Detroit or Europe/London`,
        )
      timeZone = zone
    } else if (field === 'range') {
      const custom = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value)
      const preset = PRESET_NAMES.get(squash(value))
      if (custom) range = { preset: 'custom', from: custom[1] as string, to: custom[2] as string }
      else if (preset) range = { preset }
      else
        throw new Error(
          `unknown range "${value.slice(0, 40)}" in --filter; use one of ${list(RANGE_PRESETS)} (or their names, e.g. last_90_days), or YYYY-MM-DD..YYYY-MM-DD`,
        )
    } else {
      const dim = field as FilterField
      const allowed = allowedValues(dim, cache)
      const byName = new Map(allowed.map((a) => [a.toLowerCase(), a]))
      dims[dim] = value.split(',').map((raw) => {
        const known = byName.get(raw.trim().toLowerCase())
        if (known === undefined)
          throw new Error(
            allowed.length === 0
              ? `this cache has no ${dim} values to filter on ("${raw.trim().slice(0, 60)}" given)`
              : `unknown ${dim} "${raw.trim().slice(0, 60)}" in --filter; the ${dim} values in this cache are ${list(allowed)}`,
          )
        return known
      })
    }
  }
  const parsed = filtersSchema.safeParse({ ...dims, range: { ...range, timeZone } })
  if (!parsed.success)
    throw new Error(
      `--filter: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`).join('; ')}`,
    )
  return parsed.data
}
