// Global filters → parameterised SQL. Column names come only from the
// whitelist below, values only ever travel as bound parameters, so a value
// like `'; DROP TABLE leads; --` is data. The zod schema refuses unknown
// fields at the api boundary; this compiler refuses them again for callers
// inside the core that skip the schema.

import { FILTER_FIELDS, type FilterField, type Filters } from '../../shared/api/index.ts'

const COLUMNS: Readonly<Record<FilterField, string>> = {
  source: 'source',
  segment: 'segment',
  city: 'city',
  temperature: 'temperature',
  status: 'status',
  owner: 'owner',
}

export class FilterError extends Error {
  override readonly name = 'FilterError'
  constructor(readonly field: string) {
    super(`unknown filter field "${field.slice(0, 60)}"`)
  }
}

export type DimFilters = Partial<Record<FilterField, readonly string[]>>

/** The dimension filters of a filter set that actually restrict (non-empty lists). */
export function activeDims(filters: Filters | DimFilters): DimFilters {
  const out: DimFilters = {}
  for (const key of Object.keys(filters)) {
    if (key === 'range') continue
    if (!(FILTER_FIELDS as readonly string[]).includes(key)) throw new FilterError(key)
  }
  for (const field of FILTER_FIELDS) {
    const list = (filters as DimFilters)[field]
    // An empty multi-select means "no restriction on this field", as in the UI.
    if (list !== undefined && list.length > 0) out[field] = list
  }
  return out
}

export interface SqlPart {
  readonly sql: string
  readonly params: unknown[]
}

/** `AND col IN (?, …)` for each active field, AND-ed; `''` when none. */
export function dimsSql(dims: DimFilters): SqlPart {
  let sql = ''
  const params: unknown[] = []
  for (const field of FILTER_FIELDS) {
    const list = dims[field]
    if (!list || list.length === 0) continue
    sql += ` AND ${COLUMNS[field]} IN (${list.map(() => '?').join(', ')})`
    for (const v of list) {
      if (typeof v !== 'string') throw new TypeError(`filter ${field} holds a non-string value`)
      params.push(v)
    }
  }
  return { sql, params }
}
