// Compares the cache with the upstream table by table: row count and an
// order-independent checksum of every column, computed on both sides with
// the same conversions. It is written apart from the feed's SQL (not through
// `columnExpression`), so a conversion bug in the feed shows up as a
// mismatch rather than being repeated on both sides. Used by the tests and
// the bench; cheap enough for an admin's `sync --verify`.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { escapeIdentifier } from 'pg'
import type { Pool } from 'pg'
import {
  parameterBinder,
  qualified,
  rowCondition,
  type ColumnType,
  type ManifestColumn,
  type ManifestTable,
  type RowFilter,
  type SyncManifest,
} from '../manifest.ts'

export interface TableComparison {
  readonly table: string
  readonly upstreamRows: number
  readonly localRows: number
  readonly upstreamChecksum: string
  readonly localChecksum: string
  readonly equal: boolean
}

function upstreamText(column: string, type: ColumnType): string {
  const c = escapeIdentifier(column)
  switch (type) {
    case 'timestamptz_ms':
      return `(floor(extract(epoch from ${c}) * 1000))::bigint::text`
    case 'dollars_cents':
      return `(${c} * 100)::bigint::text`
    case 'text_array_json':
      return `array_to_json(${c})::text`
    default:
      return `${c}::text`
  }
}

/** A cached value as the text upstream's conversions give (`\N` for NULL). */
const localText = (v: unknown): string =>
  v === null
    ? '\\N'
    : typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'bigint'
        ? v.toString()
        : JSON.stringify(v)

// Each row's md5, its first 60 bits as an integer, summed: the order rows
// come in does not matter, and any changed value changes the sum.
const MASK = (1n << 60n) - 1n

function rowHash(text: string): bigint {
  return BigInt(`0x${createHash('md5').update(text).digest('hex').slice(0, 15)}`)
}

export async function compareTable(
  pool: Pool,
  schema: string,
  db: Database.Database,
  table: ManifestTable,
  filter: RowFilter = {},
): Promise<TableComparison> {
  const params: unknown[] = []
  const rowText = `concat_ws(chr(31), ${table.columns
    .map((c) => `coalesce(${upstreamText(c.upstream, c.type)}, '\\N')`)
    .join(', ')})`
  const where = rowCondition(table, filter, parameterBinder(params))
  const { rows } = await pool.query<{ n: string; sum: string | null }>(
    `select count(*)::text as n,
            (sum(('x' || substr(md5(${rowText}), 1, 15))::bit(60)::bigint::numeric) % (2::numeric ^ 60))::numeric(30,0)::text as sum
     from ${qualified(schema, table.upstream)} where ${where}`,
    params,
  )
  const upstreamRows = Number(rows[0]?.n ?? 0)
  const upstreamChecksum = BigInt(rows[0]?.sum ?? '0').toString(16)

  const names = table.columns.map((c) => `"${c.local.replaceAll('"', '""')}"`)
  const stmt = db.prepare(`SELECT ${names.join(', ')} FROM "${table.local}"`).raw(true)
  let localRows = 0
  let sum = 0n
  for (const row of stmt.iterate() as Iterable<unknown[]>) {
    localRows++
    const text = row.map(localText).join('\x1f')
    sum = (sum + rowHash(text)) & MASK
  }
  const localChecksum = sum.toString(16)
  return {
    table: table.upstream,
    upstreamRows,
    localRows,
    upstreamChecksum,
    localChecksum,
    equal: upstreamRows === localRows && upstreamChecksum === localChecksum,
  }
}

export async function compareWithUpstream(
  pool: Pool,
  schema: string,
  db: Database.Database,
  manifest: SyncManifest,
  filter: RowFilter = {},
): Promise<TableComparison[]> {
  const result: TableComparison[] = []
  for (const table of manifest.tables) {
    result.push(await compareTable(pool, schema, db, table, filter))
  }
  return result
}

export interface TableDifference {
  readonly table: string
  /** Keys upstream has and the cache lacks. */
  readonly missing: number
  /** Keys the cache holds and upstream does not (or not under the filter). */
  readonly extra: number
  /** Keys on both sides with at least one differing column. */
  readonly differing: number
  /** The first few differences, for a person to read. */
  readonly examples: readonly string[]
}

/**
 * Row by row and column by column: which keys are missing, extra or
 * different, and the first few values that differ. Holds both sides in
 * memory: for tests and investigations, not for a million-row routine check
 * (`compareTable` is that).
 */
export async function diffTable(
  pool: Pool,
  schema: string,
  db: Database.Database,
  table: ManifestTable,
  filter: RowFilter = {},
  maxExamples = 10,
): Promise<TableDifference> {
  const params: unknown[] = []
  const where = rowCondition(table, filter, parameterBinder(params))
  const { rows } = await pool.query<string[]>({
    text: `select ${table.columns
      .map((c) => `coalesce(${upstreamText(c.upstream, c.type)}, '\\N')`)
      .join(', ')} from ${qualified(schema, table.upstream)} where ${where}`,
    values: params,
    rowMode: 'array',
  })
  const ki = table.columns.findIndex((c) => c.upstream === table.key)
  const upstream = new Map(rows.map((r) => [r[ki] ?? '', r]))
  const names = table.columns.map((c) => `"${c.local.replaceAll('"', '""')}"`)
  const stmt = db.prepare(`SELECT ${names.join(', ')} FROM "${table.local}"`).raw(true)
  const examples: string[] = []
  const note = (line: string) => {
    if (examples.length < maxExamples) examples.push(line)
  }
  let extra = 0
  let differing = 0
  const seen = new Set<string>()
  for (const raw of stmt.iterate() as Iterable<unknown[]>) {
    const local = raw.map(localText)
    const key = local[ki] ?? ''
    seen.add(key)
    const theirs = upstream.get(key)
    if (!theirs) {
      extra++
      note(`${table.upstream} ${key}: cached, not upstream`)
      continue
    }
    const columns = table.columns.filter((_c, i) => theirs[i] !== local[i])
    if (columns.length) {
      differing++
      const c = columns[0]
      const i = table.columns.indexOf(c as ManifestColumn)
      note(
        `${table.upstream} ${key}: ${columns.map((x) => x.upstream).join(', ')} differ ` +
          `(${c?.upstream} upstream ${JSON.stringify(theirs[i])}, cached ${JSON.stringify(local[i])})`,
      )
    }
  }
  let missing = 0
  for (const key of upstream.keys()) {
    if (!seen.has(key)) {
      missing++
      note(`${table.upstream} ${key}: upstream, not cached`)
    }
  }
  return { table: table.upstream, missing, extra, differing, examples }
}

/** Every table's differences; an empty list when the cache equals upstream. */
export async function diffWithUpstream(
  pool: Pool,
  schema: string,
  db: Database.Database,
  manifest: SyncManifest,
  filter: RowFilter = {},
): Promise<TableDifference[]> {
  const result: TableDifference[] = []
  for (const table of manifest.tables) {
    const d = await diffTable(pool, schema, db, table, filter)
    if (d.missing || d.extra || d.differing) result.push(d)
  }
  return result
}
