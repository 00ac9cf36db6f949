// The demo upstream: a real Postgres schema and Redis stream for Watchfloor to
// sync from (DESIGN.md, "Sync" and "The ops domain"). `seedUpstream` bulk-loads
// a generated dataset; `runUpstreamWriter` then keeps changing leads at a
// steady rate and announces each committed change on `ops:{tenant}:events`,
// the way an operational system would.
import { installChangeLog } from '../sync/postgres/change-log.ts'
import { errorCode } from '../store/error-code.ts'
import { errorMessage } from '../sync/source-state.ts'
import { opsManifest } from '../sync/manifest.ts'
import { Pool, escapeIdentifier } from 'pg'
import type { Client, ClientBase, PoolClient } from 'pg'
import { Redis } from 'ioredis'
import { generateDemo } from './generator.ts'
import type { DemoDataset } from './types.ts'
import type {
  AppointmentRow,
  CustomerRow,
  LeadRow,
  LeadStatus,
  MarketSegmentRow,
  MarketingChannelRow,
  ProjectRow,
  RevenueTargetRow,
  Temperature,
} from '../store/mirror-rows.ts'
import { LEADS_ID_SEQUENCE, upstreamSchemaSql } from './upstream-schema.ts'
import {
  DEAL_VALUE_SIGMA,
  MARKETING_CHANNELS,
  MARKET_SEGMENTS,
  OWNERS,
  RESPONSE_TARGET_SECONDS,
  TEMPERATURES,
} from './domain.ts'
import { centsToDollars } from './money.ts'
import { createRandom, weightedPick } from './random.ts'

export { centsToDollars }

// ---------------------------------------------------------------------------
// Conversions from the generator's SQLite shapes to upstream types

function centsOrNull(cents: number | null): string | null {
  return cents === null ? null : centsToDollars(cents)
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

// ---------------------------------------------------------------------------
// Seeding

type Db = Client | Pool

/** One upstream column: its name, the Postgres array type its values are sent as, and how to read it. */
type Column<Row> = readonly [name: string, arrayType: string, value: (row: Row) => unknown]

interface TableSpec<Row> {
  readonly table: string
  readonly columns: readonly Column<Row>[]
  /** SQL for a column's value in the SELECT over `unnest(...) u`, when it is not `u.<name>`. */
  readonly select?: Readonly<Record<string, string>>
}

const leadsSpec: TableSpec<LeadRow> = {
  table: 'leads',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['created_at', 'timestamptz[]', (r) => iso(r.created_at)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
    ['source', 'text[]', (r) => r.source],
    ['city', 'text[]', (r) => r.city],
    ['segment', 'text[]', (r) => r.segment],
    ['temperature', 'text[]', (r) => r.temperature],
    ['status', 'text[]', (r) => r.status],
    ['owner', 'text[]', (r) => r.owner],
    ['first_response_at', 'timestamptz[]', (r) => isoOrNull(r.first_response_at)],
    ['converted_at', 'timestamptz[]', (r) => isoOrNull(r.converted_at)],
    ['deal_value', 'numeric[]', (r) => centsOrNull(r.deal_value_cents)],
  ],
}

const customersSpec: TableSpec<CustomerRow> = {
  table: 'customers',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['lead_id', 'bigint[]', (r) => r.lead_id],
    ['name', 'text[]', (r) => r.name],
    ['city', 'text[]', (r) => r.city],
    ['segment', 'text[]', (r) => r.segment],
    ['created_at', 'timestamptz[]', (r) => iso(r.created_at)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
}

const projectsSpec: TableSpec<ProjectRow> = {
  table: 'projects',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['customer_id', 'bigint[]', (r) => r.customer_id],
    ['value', 'numeric[]', (r) => centsToDollars(r.value_cents)],
    ['status', 'text[]', (r) => r.status],
    ['started_at', 'timestamptz[]', (r) => isoOrNull(r.started_at)],
    ['completed_at', 'timestamptz[]', (r) => isoOrNull(r.completed_at)],
    ['created_at', 'timestamptz[]', (r) => iso(r.created_at)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
}

const appointmentsSpec: TableSpec<AppointmentRow> = {
  table: 'appointments',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['lead_id', 'bigint[]', (r) => r.lead_id],
    ['scheduled_at', 'timestamptz[]', (r) => iso(r.scheduled_at)],
    ['status', 'text[]', (r) => r.status],
    ['created_at', 'timestamptz[]', (r) => iso(r.created_at)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
}

const marketingChannelsSpec: TableSpec<MarketingChannelRow> = {
  table: 'marketing_channels',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['name', 'text[]', (r) => r.name],
    ['cost_per_lead', 'numeric[]', (r) => centsToDollars(r.cost_per_lead_cents)],
    ['conversion_target', 'float8[]', (r) => r.conversion_target],
    ['monthly_spend', 'numeric[]', (r) => centsOrNull(r.monthly_spend_cents)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
}

const revenueTargetsSpec: TableSpec<RevenueTargetRow> = {
  table: 'revenue_targets',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['month', 'text[]', (r) => r.month],
    ['target', 'numeric[]', (r) => centsToDollars(r.target_cents)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
}

const marketSegmentsSpec: TableSpec<MarketSegmentRow> = {
  table: 'market_segments',
  columns: [
    ['id', 'bigint[]', (r) => r.id],
    ['tenant_id', 'text[]', (r) => r.tenant_id],
    ['name', 'text[]', (r) => r.name],
    // The mirror keeps cities as a JSON array; `unnest` cannot carry a text[]
    // per row (it flattens multidimensional arrays), so the JSON travels as
    // text and becomes text[] in the SELECT.
    ['cities', 'text[]', (r) => r.cities],
    ['target_deal_size', 'numeric[]', (r) => centsToDollars(r.target_deal_size_cents)],
    ['updated_at', 'timestamptz[]', (r) => iso(r.updated_at)],
    ['deleted_at', 'timestamptz[]', (r) => isoOrNull(r.deleted_at)],
  ],
  select: { cities: 'array(select json_array_elements_text(u.cities::json))' },
}

/** `insert ... select from unnest($1::type[], ...)`, skipping rows whose key already exists. */
function bulkInsertSql<Row>(schema: string, spec: TableSpec<Row>): string {
  const names = spec.columns.map(([name]) => escapeIdentifier(name))
  const params = spec.columns.map(([, type], i) => `$${i + 1}::${type}`)
  const selected = spec.columns.map(
    ([name]) => spec.select?.[name] ?? `u.${escapeIdentifier(name)}`,
  )
  return `insert into ${escapeIdentifier(schema)}.${escapeIdentifier(spec.table)} (${names.join(', ')})
select ${selected.join(', ')} from unnest(${params.join(', ')}) as u(${names.join(', ')})
on conflict do nothing`
}

async function bulkInsert<Row>(
  client: ClientBase,
  schema: string,
  spec: TableSpec<Row>,
  rows: readonly Row[],
): Promise<number> {
  if (rows.length === 0) return 0
  const values = spec.columns.map(([, , value]) => rows.map(value))
  const result = await client.query(bulkInsertSql(schema, spec), values)
  return result.rowCount ?? 0
}

async function inTransaction<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin')
  try {
    const result = await work()
    await client.query('commit')
    return result
  } catch (error) {
    // A failed rollback means the connection is gone; the original error is
    // the one worth reporting.
    await client.query('rollback').catch(() => undefined)
    throw error
  }
}

/** Runs `work` on a dedicated connection: the Client itself, or one checked out of the Pool. */
async function withConnection<T>(db: Db, work: (client: ClientBase) => Promise<T>): Promise<T> {
  if (!(db instanceof Pool)) return work(db)
  const client = await db.connect()
  let failure: Error | undefined
  try {
    return await work(client)
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // Releasing with an error destroys the connection rather than returning
    // a possibly half-finished session to the pool.
    client.release(failure)
  }
}

export interface SeedUpstreamOptions {
  pg: Client | Pool
  schema: string
  dataset: DemoDataset
  /** Called after each batch with leads written so far and the total. */
  onProgress?: (done: number, total: number) => void
  /**
   * The dataset's lead count, reported as `total` to `onProgress`. When it
   * is absent and `onProgress` is given, the leads are counted with one extra
   * pass over the (lazy) dataset.
   */
  leadCount?: number
  /** Leads per INSERT batch (default 5,000); each batch is one transaction. */
  batchSize?: number
  /** Stops between batches; the promise then rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Creates the upstream schema in `schema` and loads `dataset` into it. Rows
 * whose key already exists are skipped, so seeding again is harmless.
 * Resolves with the number of leads in the dataset and how many were new.
 */
export async function seedUpstream(
  opts: SeedUpstreamOptions,
): Promise<{ leads: number; inserted: number }> {
  const { schema, dataset, onProgress, signal } = opts
  const batchSize = opts.batchSize ?? 5_000
  let total = opts.leadCount ?? 0
  if (onProgress && opts.leadCount === undefined) {
    const leads = dataset.leads()
    while (!leads.next().done) total++
  }

  return withConnection(opts.pg, async (client) => {
    await client.query(upstreamSchemaSql(schema))
    signal?.throwIfAborted()
    await inTransaction(client, async () => {
      await bulkInsert(client, schema, marketingChannelsSpec, dataset.marketingChannels)
      await bulkInsert(client, schema, marketSegmentsSpec, dataset.marketSegments)
      await bulkInsert(client, schema, revenueTargetsSpec, dataset.revenueTargets)
    })

    let leads: LeadRow[] = []
    let customers: CustomerRow[] = []
    let projects: ProjectRow[] = []
    let appointments: AppointmentRow[] = []
    let done = 0
    let inserted = 0
    const flush = async () => {
      signal?.throwIfAborted()
      // Each batch is one transaction, so a lead never lands without the
      // customer, project and appointments it led to.
      inserted += await inTransaction(client, async () => {
        const count = await bulkInsert(client, schema, leadsSpec, leads)
        await bulkInsert(client, schema, customersSpec, customers)
        await bulkInsert(client, schema, projectsSpec, projects)
        await bulkInsert(client, schema, appointmentsSpec, appointments)
        return count
      })
      done += leads.length
      leads = []
      customers = []
      projects = []
      appointments = []
      onProgress?.(done, Math.max(total, done))
    }

    for (const item of dataset.leads()) {
      leads.push(item.lead)
      if (item.customer) customers.push(item.customer)
      if (item.project) projects.push(item.project)
      appointments.push(...item.appointments)
      if (leads.length >= batchSize) await flush()
    }
    if (leads.length > 0) await flush()
    return { leads: done, inserted }
  })
}

/** Drops `schema` and everything in it (tests and cleanup). */
export async function dropUpstream(pg: Client | Pool, schema: string): Promise<void> {
  await pg.query(`drop schema if exists ${escapeIdentifier(schema)} cascade`)
}

// ---------------------------------------------------------------------------
// The continuous writer

export type LeadEventType = 'lead_created' | 'lead_updated' | 'lead_converted' | 'lead_deleted'

/** What `runUpstreamWriter` appended to the stream (and, for alerts, published). */
export type UpstreamEvent =
  | {
      type: LeadEventType
      table: 'leads'
      streamId: string
      id: string
      tenant: string
      at: string
      /** The lead as committed, upstream-typed: ISO times, dollars as exact strings. */
      data: Record<string, unknown>
    }
  | {
      type: 'alert'
      streamId: string
      id: string
      tenant: string
      at: string
      data: UpstreamAlert
    }

export interface UpstreamAlert {
  id: string
  tenant: string
  kind: 'lead_response' | 'lead_flow'
  severity: 'info' | 'warning' | 'critical'
  message: string
  value: number
  at: string
}

export interface UpstreamWriterOptions {
  pg: Pool
  redis: Redis
  schema: string
  tenantId: string
  /** Default `ops:${tenantId}:events`. */
  streamKey?: string
  /** Default `ops:${tenantId}:alerts`. */
  alertChannel?: string
  /** Lead changes per second (> 0). */
  ratePerSecond: number
  seed: number
  /** Stop after this many lead events (alerts are not counted). */
  maxEvents?: number
  /** An alert is published after every this many lead events (default 200). */
  alertEvery?: number
  /** Approximate stream length kept by `XADD MAXLEN ~` (default 100,000). */
  streamMaxLen?: number
  signal?: AbortSignal
  onEvent?: (event: UpstreamEvent) => void
}

// Ticks are 20 ms apart; at high rates each tick writes several changes in
// one transaction instead of one transaction per change.
const TICK_MS = 20
/** How far back (in ids) the writer looks for open leads to advance. */
const RECENT_WINDOW = 1_000

/** PRNG stream for the writer, apart from the generator's streams of the same seed. */
const WRITER_RANDOM_STREAM = 1_000
/** Chances that an open lead moves on from contacted, and from qualified. */
const QUALIFY_CHANCE = 0.8
const PROPOSAL_CHANCE = 0.8
/** Share of lead changes that soft-delete the lead. */
const DELETE_CHANCE = 0.01
/**
 * Share of changes that are new leads. A lead takes about four changes to
 * settle, so the rest keep the pool of open leads roughly steady.
 */
const NEW_LEAD_SHARE = 0.25

// New leads follow the domain's shares, like the generated history.
const pickSource = weightedPick(
  MARKETING_CHANNELS.map((c) => c.name),
  MARKETING_CHANNELS.map((c) => c.leadShare),
)
const pickPlace = weightedPick(
  MARKET_SEGMENTS.flatMap((segment) => segment.cities.map((city) => ({ segment, city }))),
  MARKET_SEGMENTS.flatMap((segment) => segment.cities.map((city) => city.leadShare)),
)
const pickTemperature = weightedPick(
  TEMPERATURES.map((t) => t),
  TEMPERATURES.map((t) => t.share),
)
const targetDealCents = new Map(MARKET_SEGMENTS.map((s) => [s.name, s.targetDealCents]))
// The proposal win chance that makes each temperature's overall conversion
// the domain's rate (contacted -> qualified -> proposal -> won).
const winChance = new Map(
  TEMPERATURES.map((t) => [
    t.temperature,
    Math.min(0.95, t.conversionRate / (QUALIFY_CHANCE * PROPOSAL_CHANCE)),
  ]),
)

interface OpenLead {
  id: string
  status: LeadStatus
  temperature: Temperature
  segment: string
  responded: boolean
}

interface LeadChange {
  id: string
  status: LeadStatus
  respond: boolean
  convert: boolean
  dealValue: string | null
  remove: boolean
  type: LeadEventType
}

type LeadRecord = Record<string, unknown> & { id: string; updated_at: Date }

interface LeadWrite {
  type: LeadEventType
  row: LeadRecord
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Keeps writing lead changes at `ratePerSecond` until `signal` aborts or
 * `maxEvents` lead events were written. Each tick's changes commit in one
 * transaction and are then appended to the stream, so a reader that sees an
 * event always finds the row committed. An abort lets the tick in flight
 * finish (commit, then XADD) and stops before the next one.
 */
export async function runUpstreamWriter(opts: UpstreamWriterOptions): Promise<{ events: number }> {
  const { pg: pool, redis, schema, tenantId, signal, onEvent } = opts
  const rate = opts.ratePerSecond
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`ratePerSecond must be a positive number, got ${rate}`)
  }
  const streamKey = opts.streamKey ?? `ops:${tenantId}:events`
  const alertChannel = opts.alertChannel ?? `ops:${tenantId}:alerts`
  const alertEvery = Math.max(1, opts.alertEvery ?? 200)
  const maxLen = String(opts.streamMaxLen ?? 100_000)
  const maxEvents = opts.maxEvents ?? Infinity
  const random = createRandom(opts.seed, WRITER_RANDOM_STREAM)

  const s = escapeIdentifier(schema)
  const sequence = `${s}.${escapeIdentifier(LEADS_ID_SEQUENCE)}`
  // Only when missing: re-running the DDL would take a share lock on each
  // table (CREATE INDEX IF NOT EXISTS locks before it checks).
  const exists = await pool.query<{ ok: boolean }>(
    'select to_regclass($1) is not null and to_regclass($2) is not null as ok',
    [`${s}.${escapeIdentifier('leads')}`, sequence],
  )
  if (!exists.rows[0]?.ok) await pool.query(upstreamSchemaSql(schema))
  // Move the id sequence past every existing lead (seeded or written by an
  // earlier run), never backwards.
  await pool.query(
    `select setval($1::regclass, greatest(
       (select coalesce(max(id), 0) from ${s}.leads),
       (select last_value from ${sequence}),
       1))`,
    [sequence],
  )

  const planChange = (lead: OpenLead): LeadChange => {
    const change: LeadChange = {
      id: lead.id,
      status: lead.status,
      respond: false,
      convert: false,
      dealValue: null,
      remove: false,
      type: 'lead_updated',
    }
    if (random.chance(DELETE_CHANCE)) return { ...change, remove: true, type: 'lead_deleted' }
    if (!lead.responded) {
      return { ...change, respond: true, status: lead.status === 'new' ? 'contacted' : lead.status }
    }
    switch (lead.status) {
      case 'new':
        return { ...change, status: 'contacted' }
      case 'contacted':
        return { ...change, status: random.chance(QUALIFY_CHANCE) ? 'qualified' : 'lost' }
      case 'qualified':
        return { ...change, status: random.chance(PROPOSAL_CHANCE) ? 'proposal' : 'lost' }
      default: {
        if (!random.chance(winChance.get(lead.temperature) ?? 0.3)) {
          return { ...change, status: 'lost' }
        }
        // Whole dollars, log-normal around the segment's target deal size.
        const target = targetDealCents.get(lead.segment) ?? 2_000_000
        const cents = Math.round((target * random.lognormal(0, DEAL_VALUE_SIGMA)) / 100) * 100
        return {
          ...change,
          status: 'won',
          convert: true,
          dealValue: centsToDollars(cents),
          type: 'lead_converted',
        }
      }
    }
  }

  const updateOpenLeads = async (client: PoolClient, wanted: number): Promise<LeadWrite[]> => {
    // Locked with SKIP LOCKED so two writers on one schema never advance the
    // same lead twice from the same state.
    const open = await client.query<OpenLead>(
      `select id::text, status, temperature, segment, first_response_at is not null as responded
       from ${s}.leads
       where id in (select id from ${s}.leads where tenant_id = $1 order by id desc limit $2)
         and deleted_at is null and status not in ('won', 'lost')
       for update skip locked`,
      [tenantId, RECENT_WINDOW],
    )
    const candidates = open.rows
    // Partial Fisher-Yates: `wanted` distinct leads, since one UPDATE ... FROM
    // must not match a row twice.
    const count = Math.min(wanted, candidates.length)
    for (let i = 0; i < count; i++) {
      const j = random.int(i, candidates.length)
      ;[candidates[i], candidates[j]] = [candidates[j] as OpenLead, candidates[i] as OpenLead]
    }
    const changes = candidates.slice(0, count).map(planChange)
    if (changes.length === 0) return []
    const updated = await client.query<LeadRecord>(
      `update ${s}.leads l set
         status = u.status,
         first_response_at = case when u.respond then now() else l.first_response_at end,
         converted_at = case when u.convert then now() else l.converted_at end,
         deal_value = coalesce(u.deal_value, l.deal_value),
         deleted_at = case when u.remove then now() else l.deleted_at end,
         updated_at = now()
       from unnest($1::bigint[], $2::text[], $3::boolean[], $4::boolean[], $5::numeric[], $6::boolean[])
         as u(id, status, respond, convert, deal_value, remove)
       where l.id = u.id
       returning l.*`,
      [
        changes.map((c) => c.id),
        changes.map((c) => c.status),
        changes.map((c) => c.respond),
        changes.map((c) => c.convert),
        changes.map((c) => c.dealValue),
        changes.map((c) => c.remove),
      ],
    )
    const typeById = new Map(changes.map((c) => [c.id, c.type]))
    return updated.rows.map((row) => ({ type: typeById.get(row.id) ?? 'lead_updated', row }))
  }

  const insertLeads = async (client: PoolClient, count: number): Promise<LeadWrite[]> => {
    if (count === 0) return []
    const fresh = Array.from({ length: count }, () => {
      const place = pickPlace(random)
      return {
        source: pickSource(random),
        city: place.city.name,
        segment: place.segment.name,
        temperature: pickTemperature(random).temperature,
        owner: random.pick(OWNERS),
      }
    })
    const inserted = await client.query<LeadRecord>(
      `insert into ${s}.leads
         (id, tenant_id, created_at, updated_at, source, city, segment, temperature, status, owner)
       select nextval($1::regclass), $2, now(), now(), u.source, u.city, u.segment, u.temperature,
              'new', u.owner
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) with ordinality
         as u(source, city, segment, temperature, owner, n)
       order by u.n
       returning *`,
      [
        sequence,
        tenantId,
        fresh.map((f) => f.source),
        fresh.map((f) => f.city),
        fresh.map((f) => f.segment),
        fresh.map((f) => f.temperature),
        fresh.map((f) => f.owner),
      ],
    )
    return inserted.rows.map((row) => ({ type: 'lead_created', row }))
  }

  /** One tick: `count` lead changes in one transaction. */
  const writeTick = async (count: number): Promise<LeadWrite[]> => {
    let updates = 0
    for (let i = 0; i < count; i++) if (!random.chance(NEW_LEAD_SHARE)) updates++
    const client = await pool.connect()
    let failure: Error | undefined
    try {
      return await inTransaction(client, async () => {
        const updated = await updateOpenLeads(client, updates)
        // Too few open leads to advance: the rest become new leads.
        const created = await insertLeads(client, count - updated.length)
        return [...updated, ...created]
      })
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error))
      throw error
    } finally {
      client.release(failure)
    }
  }

  const announce = async (writes: LeadWrite[]): Promise<void> => {
    if (writes.length === 0) return
    const events = writes.map(({ type, row }) => {
      // int8 comes back from pg as a string; lead ids are far below 2^53.
      const data = { ...row, id: Number(row.id) }
      return {
        type,
        table: 'leads' as const,
        id: String(row.id),
        tenant: tenantId,
        at: row.updated_at.toISOString(),
        data,
      }
    })
    const pipeline = redis.pipeline()
    for (const e of events) {
      pipeline.xadd(
        streamKey,
        'MAXLEN',
        '~',
        maxLen,
        '*',
        'type',
        e.type,
        'table',
        e.table,
        'id',
        e.id,
        'tenant',
        e.tenant,
        'at',
        e.at,
        'data',
        JSON.stringify(e.data),
      )
    }
    const results = (await pipeline.exec()) ?? []
    events.forEach((e, i) => {
      const [error, streamId] = results[i] ?? [new Error('XADD got no reply'), null]
      if (error) throw error
      onEvent?.({ ...e, streamId: String(streamId) })
    })
  }

  let alertsSent = 0
  let createdSinceAlert = 0
  let convertedSinceAlert = 0
  const raiseAlert = async (): Promise<void> => {
    const waiting = await pool.query<{ count: number }>(
      `select count(*)::int as count from ${s}.leads
       where tenant_id = $1 and updated_at > now() - interval '1 hour'
         and deleted_at is null and first_response_at is null
         and created_at < now() - make_interval(secs => $2)`,
      [tenantId, RESPONSE_TARGET_SECONDS],
    )
    const backlog = waiting.rows[0]?.count ?? 0
    const at = new Date().toISOString()
    alertsSent++
    const base = { id: `${tenantId}-${Date.now()}-${alertsSent}`, tenant: tenantId, at }
    const alert: UpstreamAlert =
      backlog > 0
        ? {
            ...base,
            kind: 'lead_response',
            severity: backlog >= 10 ? 'critical' : 'warning',
            message: `${backlog} leads have waited more than ${RESPONSE_TARGET_SECONDS} s for a first response`,
            value: backlog,
          }
        : {
            ...base,
            kind: 'lead_flow',
            severity: 'info',
            message: `Last ${alertEvery} changes: ${createdSinceAlert} new leads, ${convertedSinceAlert} won`,
            value: createdSinceAlert,
          }
    createdSinceAlert = 0
    convertedSinceAlert = 0
    const json = JSON.stringify(alert)
    // The stream copy is the one that survives a reader being away; the
    // channel is live-only (DESIGN.md, "Sync", Redis).
    const streamId = await redis.xadd(
      streamKey,
      'MAXLEN',
      '~',
      maxLen,
      '*',
      'type',
      'alert',
      'id',
      alert.id,
      'tenant',
      tenantId,
      'at',
      at,
      'data',
      json,
    )
    await redis.publish(alertChannel, json)
    onEvent?.({
      type: 'alert',
      streamId: String(streamId),
      id: alert.id,
      tenant: tenantId,
      at,
      data: alert,
    })
  }

  // The schedule counts from the start (event n is due at n / rate seconds),
  // so timer jitter and slow ticks do not accumulate as drift.
  const maxPerTick = Math.max(10, Math.ceil(rate / 10))
  let start = performance.now()
  let written = 0
  while (!signal?.aborted && written < maxEvents) {
    const now = performance.now()
    let lag = Math.floor(((now - start) * rate) / 1000) - written
    if (lag > rate) {
      // More than a second behind (a stalled database): drop the backlog
      // rather than bursting at many times the requested rate.
      start = now - (written * 1000) / rate
      lag = 0
    }
    const count = Math.min(lag, maxPerTick, maxEvents - written)
    if (count > 0) {
      const writes = await writeTick(count)
      await announce(writes)
      for (const { type } of writes) {
        if (type === 'lead_created') createdSinceAlert++
        if (type === 'lead_converted') convertedSinceAlert++
      }
      const before = Math.floor(written / alertEvery)
      written += writes.length
      if (Math.floor(written / alertEvery) > before) await raiseAlert()
      continue
    }
    const nextDue = start + ((written + 1) * 1000) / rate
    await sleep(Math.max(nextDue, now + TICK_MS) - performance.now(), signal)
  }
  return { events: written }
}

// ---------------------------------------------------------------------------
// CLI entry point: `watchfloor demo upstream`

export interface DemoUpstreamOptions {
  pgUrl: string
  redisUrl: string
  /** Default 'public'. */
  schema?: string
  /** Default 'demo'. */
  tenantId?: string
  leads: number
  rate: number
  /** Default 1. */
  seed?: number
  /** Default now. */
  endAt?: number
  signal?: AbortSignal
  log: (line: string) => void
}

/** `host:port` of a URL, without credentials, for messages. */
function endpointOf(url: string, kind: 'Postgres' | 'Redis', defaultPort: number): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    const example = kind === 'Postgres' ? 'postgres://user@host:5432/database' : 'redis://host:6379'
    throw new Error(`Invalid ${kind} URL "${url}": expected something like ${example}`)
  }
  return `${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}`
}

/** One actionable sentence for a failure to reach a server. */
function connectionFailure(kind: 'Postgres' | 'Redis', endpoint: string, error: unknown): Error {
  const code = errorCode(error)
  const message = errorMessage(error)
  switch (code) {
    case 'ECONNREFUSED':
      return new Error(`Cannot reach ${kind} at ${endpoint}: connection refused`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(`Cannot reach ${kind} at ${endpoint}: host not found`)
    case 'ETIMEDOUT':
      return new Error(`Cannot reach ${kind} at ${endpoint}: timed out`)
    case 'ECONNRESET':
      return new Error(`Cannot reach ${kind} at ${endpoint}: connection reset`)
    case '28P01':
    case '28000':
      return new Error(`${kind} at ${endpoint} refused the login: ${message}`)
    case '3D000':
      return new Error(`${kind} at ${endpoint}: ${message}; create it or fix the URL`)
  }
  if (/NOAUTH|WRONGPASS/.test(message)) {
    return new Error(`${kind} at ${endpoint} refused the login: ${message}`)
  }
  if (/timeout/i.test(message)) return new Error(`Cannot reach ${kind} at ${endpoint}: timed out`)
  return new Error(`Cannot use ${kind} at ${endpoint}: ${message}`)
}

const CONNECT_TIMEOUT_MS = 5_000

/**
 * `watchfloor demo upstream`: connects, seeds `leads` generated leads into
 * `schema`, then writes `rate` changes per second until `signal` aborts.
 * Connection failures reject with one sentence naming the server.
 */
export async function demoUpstream(opts: DemoUpstreamOptions): Promise<void> {
  const { log, signal } = opts
  const schema = opts.schema ?? 'public'
  const tenantId = opts.tenantId ?? 'demo'
  const seed = opts.seed ?? 1
  if (!(opts.rate > 0))
    throw new Error(`The rate must be a positive number of events per second, got ${opts.rate}`)
  const pgEndpoint = endpointOf(opts.pgUrl, 'Postgres', 5432)
  const redisEndpoint = endpointOf(opts.redisUrl, 'Redis', 6379)

  const pool = new Pool({
    connectionString: opts.pgUrl,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  })
  // An idle connection dropped by the server must not crash the process; the
  // next query reports it.
  pool.on('error', () => undefined)
  let redisReady = false
  const redis = new Redis(opts.redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 3,
    // Fail fast on the first connect (the user mistyped a URL); once running,
    // ride out short outages.
    retryStrategy: (times) => (redisReady ? Math.min(times * 200, 2_000) : null),
  })
  let lastRedisError: unknown
  redis.on('error', (error: unknown) => {
    lastRedisError = error
  })

  /** A failure after both connections were up, as one sentence naming the server. */
  const runFailure = (error: unknown): Error => {
    const message = errorMessage(error)
    const name = error instanceof Error ? error.name : ''
    if (redis.status !== 'ready' || name === 'MaxRetriesPerRequestError' || name === 'ReplyError') {
      return new Error(`Lost Redis at ${redisEndpoint}: ${message}`)
    }
    const code = errorCode(error)
    if (code && /^E[A-Z]+$/.test(code)) return connectionFailure('Postgres', pgEndpoint, error)
    return new Error(`Postgres at ${pgEndpoint} failed: ${message}`)
  }

  let reporter: ReturnType<typeof setInterval> | undefined
  try {
    try {
      await pool.query('select 1')
    } catch (error) {
      throw connectionFailure('Postgres', pgEndpoint, error)
    }
    try {
      await redis.connect()
      redisReady = true
    } catch (error) {
      throw connectionFailure('Redis', redisEndpoint, lastRedisError ?? error)
    }

    log(
      `Seeding ${opts.leads.toLocaleString('en-US')} leads into schema "${schema}" at ${pgEndpoint}`,
    )
    const dataset = generateDemo({
      seed,
      leads: opts.leads,
      endAt: opts.endAt ?? Date.now(),
      tenantId,
    })
    let lastTenth = 0
    const seeded = await seedUpstream({
      pg: pool,
      schema,
      dataset,
      leadCount: opts.leads,
      // Small datasets still report progress in tenths.
      batchSize: Math.min(5_000, Math.max(100, Math.ceil(opts.leads / 20))),
      signal,
      onProgress: (done, total) => {
        const tenth = Math.floor((done * 10) / total)
        if (tenth > lastTenth) {
          lastTenth = tenth
          log(`Seeded ${tenth * 10} % (${done.toLocaleString('en-US')} leads)`)
        }
      },
    }).catch((error: unknown) => {
      if (signal?.aborted) return undefined
      throw runFailure(error)
    })
    if (!seeded) {
      log('Stopped while seeding')
      return
    }
    log(
      `Seeded ${seeded.leads.toLocaleString('en-US')} leads (${seeded.inserted.toLocaleString('en-US')} new)`,
    )

    // The demo upstream is what clients sync from: give it the change log
    // (`watchfloor upstream install`) so their pulls are exact.
    await installChangeLog(pool, schema, opsManifest).catch((error: unknown) => {
      throw runFailure(error)
    })
    log(`Change log installed in "${schema}" (watchfloor upstream install)`)

    const streamKey = `ops:${tenantId}:events`
    log(
      `Writing ${opts.rate} changes/s to "${schema}".leads and stream ${streamKey} at ${redisEndpoint}; stop with Ctrl-C`,
    )
    let events = 0
    let reported = 0
    reporter = setInterval(() => {
      log(
        `${events.toLocaleString('en-US')} events written (${((events - reported) / 5).toFixed(1)}/s)`,
      )
      reported = events
    }, 5_000)
    reporter.unref()
    const result = await runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId,
      streamKey,
      ratePerSecond: opts.rate,
      seed,
      signal,
      onEvent: (e) => {
        if (e.type !== 'alert') events++
      },
    }).catch((error: unknown) => {
      throw runFailure(error)
    })
    log(`Stopped after ${result.events.toLocaleString('en-US')} events`)
  } finally {
    if (reporter) clearInterval(reporter)
    await pool.end().catch(() => undefined)
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect())
    else redis.disconnect()
  }
}
