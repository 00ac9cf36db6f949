// The upstream change log (DESIGN.md, "Sync", Postgres): triggers on the
// manifest's tables append `(xid8, table, key, op)` rows, and a pull reads the
// entries below the snapshot's xmin horizon, where every writer has ended, so
// the set it reads is final. No replication slot is ever created: slots pin
// the WAL, and a thousand laptops must not.
import { Pool, escapeIdentifier, escapeLiteral } from 'pg'
import type { ClientBase } from 'pg'
import { qualified, type SyncManifest } from '../manifest.ts'
import { parseXid } from './xid.ts'
import { errorCode } from '../../store/error-code.ts'

export const CHANGE_LOG_TABLE = 'watchfloor_change_log'
export const CHANGE_LOG_META_TABLE = 'watchfloor_change_log_meta'
export const CHANGE_LOG_FUNCTION = 'watchfloor_log_change'
export const CHANGE_LOG_TRIGGER = 'watchfloor_change_log_trigger'
/** The LISTEN channel; the payload is `schema.table`. */
export const CHANGE_CHANNEL = 'watchfloor_changes'

type Pg = Pool | ClientBase

/**
 * Creates (idempotently) the change log, its meta row and the row triggers
 * on every manifest table. The meta row's `epoch` is new on each fresh
 * install, so a client whose cursor belongs to an earlier install (entries
 * lost while it was uninstalled) notices and re-snapshots.
 *
 * CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock, which waits for every
 * transaction that has written to the table; so no write can slip in before
 * the trigger exists and still commit unlogged after the install.
 */
export async function installChangeLog(
  pg: Pg,
  schema: string,
  manifest: SyncManifest,
): Promise<void> {
  const log = qualified(schema, CHANGE_LOG_TABLE)
  const meta = qualified(schema, CHANGE_LOG_META_TABLE)
  const fn = qualified(schema, CHANGE_LOG_FUNCTION)
  const statements = [
    `create table if not exists ${log} (
       xid xid8 not null default pg_current_xact_id(),
       table_name text not null,
       key text not null,
       op char(1) not null,
       at timestamptz not null default now()
     )`,
    `create index if not exists ${escapeIdentifier(`${CHANGE_LOG_TABLE}_xid_idx`)} on ${log} (xid)`,
    `create index if not exists ${escapeIdentifier(`${CHANGE_LOG_TABLE}_table_xid_idx`)} on ${log} (table_name, xid)`,
    // pruned_through: every entry with xid <= it may be gone; a cursor at or
    // below it cannot be replayed exactly.
    `create table if not exists ${meta} (
       singleton boolean primary key default true check (singleton),
       epoch text not null default gen_random_uuid()::text,
       installed_at timestamptz not null default now(),
       pruned_through xid8 not null default '0'
     )`,
    `insert into ${meta} default values on conflict do nothing`,
    // One function for every table: the key column is the trigger argument.
    // to_jsonb reads it whatever its type. The notification is deduplicated
    // by Postgres per transaction, so a bulk update sends one.
    `create or replace function ${fn}() returns trigger language plpgsql as $fn$
     declare
       new_key text;
       old_key text;
     begin
       if tg_op <> 'DELETE' then new_key := to_jsonb(new) ->> tg_argv[0]; end if;
       if tg_op <> 'INSERT' then old_key := to_jsonb(old) ->> tg_argv[0]; end if;
       if old_key is not null and old_key is distinct from new_key then
         insert into ${log} (table_name, key, op) values (tg_table_name, old_key, 'D');
       end if;
       if new_key is not null then
         insert into ${log} (table_name, key, op) values (tg_table_name, new_key, left(tg_op, 1));
       end if;
       perform pg_notify(${escapeLiteral(CHANGE_CHANNEL)}, tg_table_schema || '.' || tg_table_name);
       return null;
     end
     $fn$`,
  ]
  for (const table of manifest.tables) {
    const t = qualified(schema, table.upstream)
    statements.push(
      `drop trigger if exists ${escapeIdentifier(CHANGE_LOG_TRIGGER)} on ${t}`,
      `create trigger ${escapeIdentifier(CHANGE_LOG_TRIGGER)}
         after insert or update or delete on ${t}
         for each row execute function ${fn}(${escapeLiteral(table.key)})`,
    )
  }
  await inOneTransaction(pg, statements)
}

/** Removes the triggers, the function, the log and its meta row. */
export async function uninstallChangeLog(
  pg: Pg,
  schema: string,
  manifest: SyncManifest,
): Promise<void> {
  const statements: string[] = []
  for (const table of manifest.tables) {
    statements.push(
      `do $do$ begin
         if to_regclass(${escapeLiteral(qualified(schema, table.upstream))}) is not null then
           execute ${escapeLiteral(`drop trigger if exists ${escapeIdentifier(CHANGE_LOG_TRIGGER)} on ${qualified(schema, table.upstream)}`)};
         end if;
       end $do$`,
    )
  }
  statements.push(
    `drop function if exists ${qualified(schema, CHANGE_LOG_FUNCTION)}() cascade`,
    `drop table if exists ${qualified(schema, CHANGE_LOG_TABLE)}`,
    `drop table if exists ${qualified(schema, CHANGE_LOG_META_TABLE)}`,
  )
  await inOneTransaction(pg, statements)
}

/**
 * Deletes entries older than `olderThanMs` and raises `pruned_through` to
 * the newest deleted xid, so a client whose cursor is at or below it knows
 * it missed entries. Entries of one transaction share `at` (now() is the
 * transaction's start), so they are deleted together.
 */
export async function pruneChangeLog(
  pg: Pg,
  schema: string,
  olderThanMs: number,
): Promise<{ deleted: number; prunedThrough: bigint }> {
  const log = qualified(schema, CHANGE_LOG_TABLE)
  const meta = qualified(schema, CHANGE_LOG_META_TABLE)
  const { rows } = await pg.query<{ deleted: string; pruned_through: string }>(
    `with gone as (
       delete from ${log} where at < now() - make_interval(secs => $1::double precision / 1000)
       returning xid
     ), raised as (
       update ${meta} set pruned_through = greatest(pruned_through, (select max(xid) from gone))
       where exists (select 1 from gone)
       returning pruned_through
     )
     select (select count(*) from gone)::text as deleted,
            coalesce((select pruned_through from raised), (select pruned_through from ${meta}))::text
              as pruned_through`,
    [olderThanMs],
  )
  const row = rows[0]
  return { deleted: Number(row?.deleted ?? 0), prunedThrough: parseXid(row?.pruned_through ?? '0') }
}

export interface ChangeLogInfo {
  /** Null when no change log is installed in the schema. */
  readonly epoch: string | null
  /** Every entry with xid <= this may be gone. */
  readonly prunedThrough: bigint
  /** Upstream tables that carry the trigger. */
  readonly triggered: ReadonlySet<string>
}

/**
 * Whether the change log is installed, and on which tables: one statement
 * (each cycle asks, and each round trip is latency on the live path), which
 * fails with undefined_table when the meta table is missing.
 */
export async function changeLogInfo(pg: Pg, schema: string): Promise<ChangeLogInfo> {
  const none = { epoch: null, prunedThrough: 0n, triggered: new Set<string>() }
  const meta = qualified(schema, CHANGE_LOG_META_TABLE)
  let rows: { log: boolean; epoch: string; pruned_through: string; triggered: string[] }[]
  try {
    ;({ rows } = await pg.query(
      `select to_regclass($1) is not null as log, m.epoch, m.pruned_through::text,
         array(select c.relname::text
               from pg_trigger t join pg_class c on c.oid = t.tgrelid
               join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = $2 and t.tgname = $3 and t.tgenabled <> 'D') as triggered
       from ${meta} as m`,
      [qualified(schema, CHANGE_LOG_TABLE), schema, CHANGE_LOG_TRIGGER],
    ))
  } catch (error) {
    if (errorCode(error) === UNDEFINED_TABLE) return none
    throw error
  }
  const row = rows[0]
  if (!row?.log) return none
  return {
    epoch: row.epoch,
    prunedThrough: parseXid(row.pruned_through),
    triggered: new Set(row.triggered),
  }
}

/** Postgres's SQLSTATE for a relation that does not exist. */
const UNDEFINED_TABLE = '42P01'

/** Where a cycle's pulls go, and which tables have anything to pull (`followPlan`). */
export interface FollowPlan {
  readonly horizon: bigint
  /** The meta row as of the same statement (a pull checks it again on each page it reads). */
  readonly epoch: string
  readonly prunedThrough: bigint
  /** Tables with log entries in [their cursor, horizon). */
  readonly busy: ReadonlySet<string>
}

/**
 * The horizon, the meta row and which of `cursors`' tables hold entries
 * between their cursor and that horizon, in one statement: a table with
 * none moves its cursor to the horizon without a read of its own, so a live
 * cycle reads the log only for the tables that changed.
 */
export async function followPlan(
  pg: Pg,
  schema: string,
  cursors: readonly { readonly table: string; readonly cursor: bigint }[],
): Promise<FollowPlan> {
  const log = qualified(schema, CHANGE_LOG_TABLE)
  const meta = qualified(schema, CHANGE_LOG_META_TABLE)
  const { rows } = await pg.query<{
    horizon: string
    epoch: string
    pruned_through: string
    busy: string[]
  }>(
    `with h as (select pg_snapshot_xmin(pg_current_snapshot()) as h)
     select h.h::text as horizon, m.epoch, m.pruned_through::text as pruned_through,
       array(select c.t from unnest($1::text[], $2::text[]) as c(t, cursor)
             where exists (select 1 from ${log} as e
                           where e.table_name = c.t and e.xid >= c.cursor::xid8 and e.xid < h.h)) as busy
     from h, ${meta} as m`,
    [cursors.map((c) => c.table), cursors.map((c) => c.cursor.toString())],
  )
  const row = rows[0]
  if (!row) throw new Error(`the change log's meta row is missing in schema "${schema}"`)
  return {
    horizon: parseXid(row.horizon),
    epoch: row.epoch,
    prunedThrough: parseXid(row.pruned_through),
    busy: new Set(row.busy),
  }
}

/**
 * The horizon: the xmin of a fresh snapshot. Every transaction with a
 * smaller xid has committed or aborted, so log entries below it are final.
 */
export async function currentHorizon(pg: Pg): Promise<bigint> {
  const { rows } = await pg.query<{ h: string }>(
    'select pg_snapshot_xmin(pg_current_snapshot())::text as h',
  )
  const h = rows[0]?.h
  if (!h) throw new Error('Postgres returned no snapshot horizon')
  return parseXid(h)
}

async function inOneTransaction(pg: Pg, statements: readonly string[]): Promise<void> {
  // A pool would run each statement on any connection: take one for the transaction.
  const client = pg instanceof Pool ? await pg.connect() : null
  const target: Pg = client ?? pg
  try {
    await target.query('begin')
    try {
      for (const sql of statements) await target.query(sql)
      await target.query('commit')
    } catch (error) {
      await target.query('rollback').catch(() => undefined)
      throw error
    }
  } finally {
    client?.release()
  }
}
