// The sync manifest (DESIGN.md, "Sync"): which upstream tables are mirrored,
// by which key, which columns and how each one is converted into the SQLite
// mirror. Pointing Watchfloor at another schema means writing another
// manifest (JSON is fine: `parseManifest`), not code.
import { escapeIdentifier } from 'pg'
import type { ClientBase, Pool } from 'pg'
import { z } from 'zod'

/**
 * How an upstream value becomes a local one. The conversion runs in
 * Postgres (see `columnExpression`) and yields text, so the initial COPY and
 * the by-key fetches decode the same strings the same way, and a value that
 * cannot be converted (an infinite timestamp, fractional cents) reaches Node
 * as text that fails validation there, instead of aborting the whole query.
 */
export const columnTypes = [
  'bigint',
  'text',
  'double',
  /** timestamptz → INTEGER epoch milliseconds (floored, like JS Date). */
  'timestamptz_ms',
  /** numeric dollars → INTEGER cents; a value with fractional cents is rejected. */
  'dollars_cents',
  /** text[] → JSON array text. */
  'text_array_json',
] as const
export type ColumnType = (typeof columnTypes)[number]

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'expected a plain SQL identifier')

const columnSchema = z.object({
  upstream: identifier,
  local: identifier,
  type: z.enum(columnTypes),
})

const tableSchema = z.object({
  upstream: identifier,
  local: identifier,
  /** Upstream key column; it must also be listed in `columns`. */
  key: identifier,
  keyType: z.enum(['bigint', 'text']),
  /** Upstream column the fallback feed polls, `(watermark, key)`. */
  watermark: identifier,
  /** Rows where this column is not null are deleted locally. */
  softDelete: identifier.optional(),
  columns: z.array(columnSchema).min(1),
  /** Upstream columns a row filter may name. */
  filterColumns: z
    .object({ tenant: identifier.optional(), region: identifier.optional() })
    .optional(),
})

export const manifestSchema = z
  .object({
    tables: z.array(tableSchema).min(1),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>()
    for (const table of manifest.tables) {
      if (seen.has(table.upstream)) {
        ctx.addIssue({ code: 'custom', message: `table ${table.upstream} is listed twice` })
      }
      seen.add(table.upstream)
      const key = table.columns.find((c) => c.upstream === table.key)
      if (!key) {
        ctx.addIssue({
          code: 'custom',
          message: `table ${table.upstream}: key ${table.key} must be one of its columns`,
        })
      } else if (key.type !== table.keyType) {
        ctx.addIssue({
          code: 'custom',
          message: `table ${table.upstream}: key ${table.key} must have type ${table.keyType}`,
        })
      }
    }
  })

export type ManifestColumn = z.infer<typeof columnSchema>
export type ManifestTable = z.infer<typeof tableSchema>
export type SyncManifest = z.infer<typeof manifestSchema>

/** Parses a manifest from JSON (or any value), with one readable sentence on failure. */
export function parseManifest(value: unknown): SyncManifest {
  const result = manifestSchema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    throw new Error(`Invalid sync manifest${where}: ${issue?.message ?? 'unknown problem'}`)
  }
  return result.data
}

/** A row filter: only one tenant's (or region's) rows are synced. */
export interface RowFilter {
  readonly tenant?: string
  readonly region?: readonly string[]
}

// ---------------------------------------------------------------------------
// The default manifest: the demo upstream (main/demo/upstream-schema.ts) into
// the mirrors (main/store/migrations/001-ops-mirror.ts).

const col = (upstream: string, type: ColumnType, local = upstream): ManifestColumn => ({
  upstream,
  local,
  type,
})

const opsTable = (name: string, columns: ManifestColumn[], region?: string): ManifestTable => ({
  upstream: name,
  local: name,
  key: 'id',
  keyType: 'bigint',
  watermark: 'updated_at',
  softDelete: 'deleted_at',
  columns,
  filterColumns: region ? { tenant: 'tenant_id', region } : { tenant: 'tenant_id' },
})

export const opsManifest: SyncManifest = parseManifest({
  tables: [
    opsTable(
      'leads',
      [
        col('id', 'bigint'),
        col('tenant_id', 'text'),
        col('created_at', 'timestamptz_ms'),
        col('updated_at', 'timestamptz_ms'),
        col('deleted_at', 'timestamptz_ms'),
        col('source', 'text'),
        col('city', 'text'),
        col('segment', 'text'),
        col('temperature', 'text'),
        col('status', 'text'),
        col('owner', 'text'),
        col('first_response_at', 'timestamptz_ms'),
        col('converted_at', 'timestamptz_ms'),
        col('deal_value', 'dollars_cents', 'deal_value_cents'),
      ],
      'city',
    ),
    opsTable(
      'customers',
      [
        col('id', 'bigint'),
        col('tenant_id', 'text'),
        col('lead_id', 'bigint'),
        col('name', 'text'),
        col('city', 'text'),
        col('segment', 'text'),
        col('created_at', 'timestamptz_ms'),
        col('updated_at', 'timestamptz_ms'),
        col('deleted_at', 'timestamptz_ms'),
      ],
      'city',
    ),
    opsTable('projects', [
      col('id', 'bigint'),
      col('tenant_id', 'text'),
      col('customer_id', 'bigint'),
      col('value', 'dollars_cents', 'value_cents'),
      col('status', 'text'),
      col('started_at', 'timestamptz_ms'),
      col('completed_at', 'timestamptz_ms'),
      col('created_at', 'timestamptz_ms'),
      col('updated_at', 'timestamptz_ms'),
      col('deleted_at', 'timestamptz_ms'),
    ]),
    opsTable('appointments', [
      col('id', 'bigint'),
      col('tenant_id', 'text'),
      col('lead_id', 'bigint'),
      col('scheduled_at', 'timestamptz_ms'),
      col('status', 'text'),
      col('created_at', 'timestamptz_ms'),
      col('updated_at', 'timestamptz_ms'),
      col('deleted_at', 'timestamptz_ms'),
    ]),
    opsTable('marketing_channels', [
      col('id', 'bigint'),
      col('tenant_id', 'text'),
      col('name', 'text'),
      col('cost_per_lead', 'dollars_cents', 'cost_per_lead_cents'),
      col('conversion_target', 'double'),
      col('monthly_spend', 'dollars_cents', 'monthly_spend_cents'),
      col('updated_at', 'timestamptz_ms'),
      col('deleted_at', 'timestamptz_ms'),
    ]),
    opsTable('revenue_targets', [
      col('id', 'bigint'),
      col('tenant_id', 'text'),
      col('month', 'text'),
      col('target', 'dollars_cents', 'target_cents'),
      col('updated_at', 'timestamptz_ms'),
      col('deleted_at', 'timestamptz_ms'),
    ]),
    opsTable('market_segments', [
      col('id', 'bigint'),
      col('tenant_id', 'text'),
      col('name', 'text'),
      col('cities', 'text_array_json'),
      col('target_deal_size', 'dollars_cents', 'target_deal_size_cents'),
      col('updated_at', 'timestamptz_ms'),
      col('deleted_at', 'timestamptz_ms'),
    ]),
  ],
})

// ---------------------------------------------------------------------------
// SQL built from a manifest. Every identifier is quoted; every value is a
// bind parameter (or, inside COPY, which takes no parameters, an escaped
// literal produced by the same `bind` callback).

export const qualified = (schema: string, table: string): string =>
  `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`

/** The Postgres expression that yields a column's local value as text. */
export function columnExpression(column: ManifestColumn): string {
  const c = escapeIdentifier(column.upstream)
  switch (column.type) {
    case 'bigint':
    case 'double':
    case 'text':
      return `${c}::text`
    case 'timestamptz_ms':
      // extract(epoch) is numeric (exact to the microsecond); an infinite
      // timestamp comes through as 'infinity' and is rejected in Node.
      return `case when isfinite(${c}) then floor(extract(epoch from ${c}) * 1000)::int8::text else ${c}::text end`
    case 'dollars_cents':
      // trim_scale: 12.34 * 100 prints as 1234, not 1234.00, so the local
      // checksums (reconcile) see the same text; 1.234 * 100 stays 123.4
      // and is rejected as fractional cents.
      return `trim_scale(${c} * 100)::text`
    case 'text_array_json':
      return `array_to_json(${c})::text`
  }
}

/** Binds one value, returning the SQL that stands for it. */
export type Bind = (value: string | readonly string[]) => string

/** `$n` placeholders collected into `params`. */
export function parameterBinder(params: unknown[]): Bind {
  return (value) => {
    params.push(value)
    return `$${params.length}`
  }
}

/**
 * The row filter and the soft-delete condition as a WHERE fragment
 * (`true` when there is none). A filter naming a column the table does not
 * declare in `filterColumns` is not applied to that table (reference tables
 * such as revenue targets have no region).
 */
export function rowCondition(table: ManifestTable, filter: RowFilter, bind: Bind): string {
  const parts: string[] = []
  if (table.softDelete) parts.push(`${escapeIdentifier(table.softDelete)} is null`)
  if (filter.tenant !== undefined && table.filterColumns?.tenant) {
    parts.push(`${escapeIdentifier(table.filterColumns.tenant)} = ${bind(filter.tenant)}`)
  }
  if (filter.region !== undefined && table.filterColumns?.region) {
    parts.push(
      `${escapeIdentifier(table.filterColumns.region)} = any(${bind([...filter.region])}::text[])`,
    )
  }
  return parts.length ? parts.join(' and ') : 'true'
}

/** The select list: every column's converted text, key first-class among them. */
export function selectList(table: ManifestTable): string {
  return table.columns.map(columnExpression).join(', ')
}

/** Index of the key within `table.columns` (validated by the schema). */
export function keyIndex(table: ManifestTable): number {
  return table.columns.findIndex((c) => c.upstream === table.key)
}

/** The key's SQL type for casts (`$1::bigint[]`). */
export const keySqlType = (table: ManifestTable): string =>
  table.keyType === 'bigint' ? 'bigint' : 'text'

/**
 * The key ordering, identical in Postgres and SQLite: integers compare
 * alike, and text compared by bytes ("C" collation) matches SQLite's BINARY.
 * Qualified by the table's alias: a bare name in ORDER BY means the output
 * column, which is the key converted to text, and '10000' < '7467'.
 */
export function keyOrder(table: ManifestTable, alias = 'src'): string {
  const k = `${alias}.${escapeIdentifier(table.key)}`
  return table.keyType === 'text' ? `${k} collate "C"` : k
}

/** A filter as stable text, stored with the sync state so a changed filter re-snapshots. */
export function filterFingerprint(filter: RowFilter): string {
  return JSON.stringify({
    tenant: filter.tenant ?? null,
    region: filter.region ? [...filter.region].sort() : null,
  })
}

// ---------------------------------------------------------------------------
// Validation against the upstream's information_schema

/** Upstream data types each conversion accepts. */
const acceptedTypes: Record<ColumnType, readonly string[]> = {
  bigint: ['bigint', 'integer', 'smallint'],
  text: ['text', 'character varying', 'character', 'USER-DEFINED'],
  double: ['double precision', 'real', 'numeric', 'integer', 'bigint', 'smallint'],
  timestamptz_ms: ['timestamp with time zone'],
  dollars_cents: ['numeric', 'integer', 'bigint', 'smallint'],
  text_array_json: ['ARRAY'],
}

/** What validation found, table by table: null when the table is usable. */
export type ManifestProblems = ReadonlyMap<string, string | null>

/**
 * Checks every table and column the manifest names against the upstream.
 * Each unusable table gets one sentence naming what is missing or mistyped;
 * the caller marks that table `error` and syncs the others.
 */
export async function validateManifest(
  pg: Pool | ClientBase,
  schema: string,
  manifest: SyncManifest,
): Promise<ManifestProblems> {
  const { rows } = await pg.query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name::text, column_name::text, data_type::text
     from information_schema.columns
     where table_schema = $1 and table_name = any($2::text[])`,
    [schema, manifest.tables.map((t) => t.upstream)],
  )
  const byTable = new Map<string, Map<string, string>>()
  for (const row of rows) {
    let columns = byTable.get(row.table_name)
    if (!columns) byTable.set(row.table_name, (columns = new Map<string, string>()))
    columns.set(row.column_name, row.data_type)
  }
  const problems = new Map<string, string | null>()
  for (const table of manifest.tables) {
    problems.set(table.upstream, tableProblem(schema, table, byTable.get(table.upstream)))
  }
  return problems
}

function tableProblem(
  schema: string,
  table: ManifestTable,
  columns: Map<string, string> | undefined,
): string | null {
  if (!columns) {
    return `table ${schema}.${table.upstream} named in the manifest does not exist upstream`
  }
  const named = [
    ...table.columns.map((c) => [c.upstream, c.type] as const),
    [table.watermark, null] as const,
    ...(table.softDelete ? [[table.softDelete, null] as const] : []),
  ]
  for (const [name, type] of named) {
    const actual = columns.get(name)
    if (actual === undefined) {
      return `column ${table.upstream}.${name} named in the manifest no longer exists upstream`
    }
    if (type && !acceptedTypes[type].includes(actual)) {
      return `column ${table.upstream}.${name} is ${actual} upstream, which the manifest cannot read as ${type}`
    }
  }
  return null
}
