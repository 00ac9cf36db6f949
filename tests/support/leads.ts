import type { LeadRow } from '../../main/store/mirror-rows.ts'
import type { Store } from '../../main/store/index.ts'
import { applyLeadChange } from '../../main/metrics/index.ts'

/** A lead with plain defaults, for hand-built datasets whose answers are written in the test. */
export function lead(overrides: Partial<LeadRow> & Pick<LeadRow, 'id' | 'created_at'>): LeadRow {
  return {
    tenant_id: 'acme',
    updated_at: overrides.created_at,
    deleted_at: null,
    source: 'Google LSA',
    city: 'Troy',
    segment: 'professional',
    temperature: 'warm',
    status: 'new',
    owner: 'Dana',
    first_response_at: null,
    converted_at: null,
    deal_value_cents: null,
    ...overrides,
  }
}

export function insertLeads(db: Store, rows: LeadRow[]): void {
  const insert =
    db.prepare(`INSERT INTO leads (id, tenant_id, created_at, updated_at, deleted_at, source, city,
    segment, temperature, status, owner, first_response_at, converted_at, deal_value_cents)
    VALUES (@id, @tenant_id, @created_at, @updated_at, @deleted_at, @source, @city, @segment, @temperature,
    @status, @owner, @first_response_at, @converted_at, @deal_value_cents)`)
  db.transaction(() => rows.forEach((r) => insert.run(r)))()
}

/** Inserts as a sync does: each row with its rollup upkeep, in one transaction. */
export function insertLeadsSynced(db: Store, rows: LeadRow[]): void {
  db.transaction(() => {
    insertLeads(db, rows)
    for (const row of rows) applyLeadChange(db, null, row)
  })()
}
