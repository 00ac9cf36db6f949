// The audit log (issue 15: "every admin action is written to an audit log in SQLite"): every
// call of a method above the viewer role (an analyst's preset or acknowledgement, an admin's
// export, rule, maintenance or token change) and every refused call, with who made it and a
// summary of its arguments with secrets removed. Reads an admin makes often (export.status
// while an export runs, the lists of the settings screen) are not actions and are not logged.
import type Database from 'better-sqlite3'
import type { AuditOutcome, AuditPage, Caller, MethodName, Role } from '../../shared/api/index.ts'
import { MASKED_SECRET, METHOD_ROLES } from '../../shared/api/index.ts'

type Db = Database.Database

/** Admin reads, polled or listed by the settings screen: not actions. */
const UNLOGGED_READS: ReadonlySet<MethodName> = new Set<MethodName>([
  'export.status',
  'tokens.list',
  'audit.list',
  'connections.status',
])

/** Whether an allowed call of `method` is written to the audit log. */
export const isAudited = (method: MethodName): boolean =>
  METHOD_ROLES[method] !== 'viewer' && !UNLOGGED_READS.has(method)

/** Keys whose values are never written down, whatever the method. */
const SECRET_KEY = /pass|secret|token|key|auth|cookie|credential/i
const MAX_STRING = 120
const MAX_ITEMS = 20
const MAX_DEPTH = 5
/** The longest summary kept (an export's input carries its charts' SVG). */
export const MAX_SUMMARY = 1_000

/**
 * The call's arguments fit for the log: a value under a key that names a secret replaced by
 * MASKED_SECRET, strings cut at MAX_STRING characters, long arrays and deep objects cut.
 */
export function summarizeArguments(input: unknown): string {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string')
      return value.length > MAX_STRING
        ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)`
        : value
    if (typeof value !== 'object' || value === null) return value
    if (depth >= MAX_DEPTH) return '…'
    if (Array.isArray(value)) {
      const shown = value.slice(0, MAX_ITEMS).map((v) => walk(v, depth + 1))
      return value.length > MAX_ITEMS ? [...shown, `… (${value.length} items)`] : shown
    }
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value).slice(0, MAX_ITEMS * 2))
      out[key] =
        SECRET_KEY.test(key) && v !== null && v !== undefined ? MASKED_SECRET : walk(v, depth + 1)
    return out
  }
  let text: string
  try {
    text = JSON.stringify(walk(input, 0)) ?? 'null'
  } catch {
    text = '(unreadable arguments)'
  }
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text
}

export interface AuditRecord {
  readonly at: number
  readonly caller: Caller
  readonly method: string
  readonly input: unknown
  readonly outcome: AuditOutcome
  readonly message?: string | null
}

/** Entries kept at most; the oldest go past it (a year of a busy admin's work is far less). */
export const MAX_AUDIT_ENTRIES = 100_000

/** Prepared once per connection. */
const inserts = new WeakMap<Db, Database.Statement>()

/** Writes one entry (and, every thousandth, trims the log to MAX_AUDIT_ENTRIES). */
export function recordAudit(db: Db, record: AuditRecord): void {
  let insert = inserts.get(db)
  if (insert === undefined) {
    insert = db.prepare(
      'INSERT INTO audit_log (at, role, actor, method, summary, outcome, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    inserts.set(db, insert)
  }
  const id = Number(
    insert.run(
      record.at,
      record.caller.role,
      record.caller.actor,
      record.method.slice(0, 128),
      summarizeArguments(record.input),
      record.outcome,
      record.message ?? null,
    ).lastInsertRowid,
  )
  if (id % 1000 === 0) db.prepare('DELETE FROM audit_log WHERE id <= ?').run(id - MAX_AUDIT_ENTRIES)
}

interface AuditRow {
  id: number
  at: number
  role: Role
  actor: string
  method: string
  summary: string
  outcome: AuditOutcome
  message: string | null
}

/** A page of the log, newest first. */
export function listAudit(
  db: Db,
  query: { readonly limit: number; readonly before?: number; readonly outcome?: AuditOutcome },
): AuditPage {
  const rows = db
    .prepare(
      `SELECT * FROM audit_log WHERE id < ? ${query.outcome ? 'AND outcome = ?' : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(
      ...[query.before ?? Number.MAX_SAFE_INTEGER, ...(query.outcome ? [query.outcome] : [])],
      query.limit + 1,
    ) as AuditRow[]
  const page = rows.slice(0, query.limit)
  return {
    entries: page.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    next: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
  }
}
