import { z } from 'zod'
import { ASKED_MAX_YEAR, ASKED_MIN_YEAR, RANGE_PRESETS, isDay, rangeProblem } from './date-range.ts'

/** A calendar day, `YYYY-MM-DD`, of years 1970..9999, read in the request's time zone. */
const isoDay = z.string().refine(isDay, {
  message: `must be a calendar day (YYYY-MM-DD) of ${ASKED_MIN_YEAR} to ${ASKED_MAX_YEAR}`,
})

/** The runtime's canonical name of a zone (`US/Eastern` → `America/New_York`), or null if unknown. */
export function canonicalTimeZone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone
  } catch {
    return null
  }
}

/** Whether `tz` is an IANA zone (or alias) this runtime knows. */
export const isTimeZone = (tz: string): boolean => canonicalTimeZone(tz) !== null

/** The filter lists (`filters.values`) trail a live sync by at most this much; pages re-ask this often. */
export const FILTER_VALUES_MAX_AGE_MS = 30_000

const timeZone = z.string().max(64).refine(isTimeZone, { message: 'unknown time zone' })

/** Days in order and within the domain (date-range.ts: at most 20 years, in 2000..2100). */
const orderedDays = (r: { from: string; to: string }, ctx: z.RefinementCtx): void => {
  // Each end's own problem is reported by its field's schema.
  if (!isDay(r.from) || !isDay(r.to)) return
  const problem = rangeProblem(r)
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['to'] })
}

/** Inclusive range of local days; `to` may equal `from` (a single day). */
export const dateRangeSchema = z
  .object({ from: isoDay, to: isoDay, timeZone })
  .strict()
  .superRefine(orderedDays)
export type DateRange = z.infer<typeof dateRangeSchema>

// ---- Global filters ------------------------------------------------------------
//
// One filter set drives every KPI of a dashboard: a date range (a preset read
// against the clock in the viewer's time zone by date-range.ts's resolver, the
// same on the page and in the core, or a custom range of local days) and multi-select lists on the lead's dimensions. Values within a
// field are OR-ed (`source in (…)`), fields are AND-ed. The object is strict,
// so a field outside this whitelist is refused by name, and the only operator
// is set membership: the SQL compiler (main/metrics/filter-sql.ts) walks
// FILTER_FIELDS, never the caller's keys.

export const TEMPERATURES = ['hot', 'warm', 'cold'] as const
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const

/** The dimensions a filter may name, in their serialised order. */
export const FILTER_FIELDS = [
  'source',
  'segment',
  'city',
  'temperature',
  'status',
  'owner',
] as const
export type FilterField = (typeof FILTER_FIELDS)[number]

/** The values each filter field can take in the cache: temperature and status in their fixed order, the rest sorted. */
export type FilterValues = { readonly [K in FilterField]: readonly string[] }

const presetRangeSchema = z.object({ preset: z.enum(RANGE_PRESETS), timeZone }).strict()
const customRangeSchema = z
  .object({ preset: z.literal('custom'), from: isoDay, to: isoDay, timeZone })
  .strict()
  .superRefine(orderedDays)
export const rangeFilterSchema = z.discriminatedUnion('preset', [
  presetRangeSchema,
  customRangeSchema,
])
export type RangeFilter = z.infer<typeof rangeFilterSchema>

const label = z.string().min(1).max(200)
const values = <T extends z.ZodType>(item: T) => z.array(item).max(100).optional()

export const filtersSchema = z
  .object({
    range: rangeFilterSchema,
    source: values(label),
    segment: values(label),
    city: values(label),
    temperature: values(z.enum(TEMPERATURES)),
    status: values(z.enum(LEAD_STATUSES)),
    owner: values(label),
  })
  .strict()
export type Filters = z.infer<typeof filtersSchema>

// ---- A compact, URL-safe form: `r-last30.z-America*2FDetroit.source-Nextdoor_Google*20LSA`
//
// Only [A-Za-z0-9] and `-._*` are emitted: the characters that both RFC 3986
// paths/queries and URLSearchParams (form encoding) leave as they are, so the
// string survives either untouched. `.` separates fields, the first `-` a
// field's code from its values, `_` values, and `*HH` escapes every byte of a
// value's UTF-8 form that is not [A-Za-z0-9]. Empty lists keep their field (`city-`), so the round trip is
// exact for every value the schema accepts.

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function escapeValue(value: string): string {
  let out = ''
  for (const byte of encoder.encode(value)) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9]/.test(c) ? c : `*${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function unescapeValue(text: string): string {
  if (!/^(?:[A-Za-z0-9]|\*[0-9A-F]{2})*$/.test(text)) throw new Error(`bad escape in "${text}"`)
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '*') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(text.charCodeAt(i))
  }
  return decoder.decode(new Uint8Array(bytes))
}

/** Serialises a valid filter set to its compact URL-safe string. */
export function serializeFilters(filters: Filters): string {
  const { range } = filters
  const parts = [
    range.preset === 'custom'
      ? `r-${range.from.replaceAll('-', '')}_${range.to.replaceAll('-', '')}`
      : `r-${range.preset}`,
    `z-${escapeValue(range.timeZone)}`,
  ]
  for (const field of FILTER_FIELDS) {
    const list = filters[field] as readonly string[] | undefined
    if (list !== undefined) parts.push(`${field}-${list.map(escapeValue).join('_')}`)
  }
  return parts.join('.')
}

export type ParseFiltersResult =
  { ok: true; filters: Filters } | { ok: false; issues: { path: string; message: string }[] }

/**
 * Reads a string made by serializeFilters. Field codes outside the whitelist,
 * bad escapes and values the schema refuses come back as issues naming the
 * field, never as an exception.
 */
export function parseFilters(text: string): ParseFiltersResult {
  const raw: Record<string, unknown> = {}
  const issues: { path: string; message: string }[] = []
  let range: Record<string, string> = {}
  for (const part of text.split('.')) {
    const dash = part.indexOf('-')
    const code = dash < 0 ? part : part.slice(0, dash)
    const body = dash < 0 ? '' : part.slice(dash + 1)
    try {
      if (code === 'r') {
        const custom = /^(\d{4})(\d{2})(\d{2})_(\d{4})(\d{2})(\d{2})$/.exec(body)
        range = custom
          ? {
              ...range,
              preset: 'custom',
              from: `${custom[1]}-${custom[2]}-${custom[3]}`,
              to: `${custom[4]}-${custom[5]}-${custom[6]}`,
            }
          : { ...range, preset: body }
      } else if (code === 'z') {
        range = { ...range, timeZone: unescapeValue(body) }
      } else if ((FILTER_FIELDS as readonly string[]).includes(code) && !(code in raw)) {
        raw[code] = body === '' ? [] : body.split('_').map(unescapeValue)
      } else {
        issues.push({ path: code || '(empty)', message: 'unknown or repeated filter field' })
      }
    } catch (error) {
      issues.push({ path: code, message: (error as Error).message })
    }
  }
  if (issues.length > 0) return { ok: false, issues }
  const parsed = filtersSchema.safeParse({ ...raw, range })
  if (parsed.success) return { ok: true, filters: parsed.data }
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(input)',
      message: i.message,
    })),
  }
}
