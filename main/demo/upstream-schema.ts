// The demo upstream: the ops tables (DESIGN.md, "The ops domain") as a real
// Postgres deployment would type them, so sync is exercised against
// timestamptz and numeric dollars rather than the mirror's epoch-ms integers
// and integer cents (main/store/migrations/001-ops-mirror.ts has the same
// columns, SQLite-typed).
//
// Every table carries `updated_at timestamptz not null default now()` with an
// index, because the fallback feed polls `(updated_at, key)`.
import { escapeIdentifier } from 'pg'

/** Name of the sequence the upstream writer draws new lead ids from. */
export const LEADS_ID_SEQUENCE = 'leads_id_seq'

/** Idempotent DDL creating the upstream ops tables in `schema`. */
export function upstreamSchemaSql(schema: string): string {
  const s = escapeIdentifier(schema)
  const t = (name: string) => `${s}.${escapeIdentifier(name)}`
  const updatedAtIndex = (table: string) =>
    `create index if not exists ${escapeIdentifier(`${table}_updated_at_idx`)} on ${t(table)} (updated_at);`

  return /* sql */ `
create schema if not exists ${s};

create table if not exists ${t('leads')} (
  id bigint primary key,
  tenant_id text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  source text not null,
  city text not null,
  segment text not null,
  temperature text not null check (temperature in ('hot', 'warm', 'cold')),
  status text not null
    check (status in ('new', 'contacted', 'qualified', 'proposal', 'won', 'lost')),
  owner text not null,
  first_response_at timestamptz,
  converted_at timestamptz,
  deal_value numeric(12, 2)
);
${updatedAtIndex('leads')}

create table if not exists ${t('customers')} (
  id bigint primary key,
  tenant_id text not null,
  lead_id bigint,
  name text not null,
  city text not null,
  segment text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
${updatedAtIndex('customers')}

create table if not exists ${t('projects')} (
  id bigint primary key,
  tenant_id text not null,
  customer_id bigint not null,
  value numeric(12, 2) not null,
  status text not null check (status in ('planned', 'active', 'completed', 'cancelled')),
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
${updatedAtIndex('projects')}

create table if not exists ${t('appointments')} (
  id bigint primary key,
  tenant_id text not null,
  lead_id bigint not null,
  scheduled_at timestamptz not null,
  status text not null check (status in ('booked', 'completed', 'no_show', 'cancelled')),
  created_at timestamptz not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
${updatedAtIndex('appointments')}

create table if not exists ${t('marketing_channels')} (
  id bigint primary key,
  tenant_id text not null,
  name text not null,
  cost_per_lead numeric(12, 2) not null,
  conversion_target double precision not null,
  monthly_spend numeric(12, 2),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (tenant_id, name)
);
${updatedAtIndex('marketing_channels')}

create table if not exists ${t('revenue_targets')} (
  id bigint primary key,
  tenant_id text not null,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  target numeric(12, 2) not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (tenant_id, month)
);
${updatedAtIndex('revenue_targets')}

create table if not exists ${t('market_segments')} (
  id bigint primary key,
  tenant_id text not null,
  name text not null,
  cities text[] not null,
  target_deal_size numeric(12, 2) not null,
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (tenant_id, name)
);
${updatedAtIndex('market_segments')}

-- New leads from the upstream writer; it moves the sequence past max(id)
-- before writing, so seeded ids never collide.
create sequence if not exists ${t(LEADS_ID_SEQUENCE)} as bigint;
`
}
