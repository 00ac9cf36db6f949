// The sync's commands as an operator runs them (issue 8): the real bin, its
// exit code, its output and its effect. `upstream install | uninstall |
// prune` used to do their work and exit 1 ("io.out is not a function"), so a
// cron job reported failure every time; `status` listed no sources; `sync
// --follow` never marked a Redis stream gap repaired, so every restart
// reported it again.
import { existsSync, writeFileSync } from 'node:fs'
import { Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { runCli, startCli, type RunningCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'
import { syncArgs, TEST_PG_URL, TEST_REDIS_URL } from '../support/upstream-cli.ts'
import { until } from '../support/wait.ts'

const PG_URL = TEST_PG_URL
const SCHEMA = `wf_cli_sync_${process.pid}_${Date.now()}`
// The tenant names the stream (ops:{tenant}:events): our own key prefix.
const TENANT = `cli_${process.pid}_${Date.now()}`
const STREAM = `ops:${TENANT}:events`
const temp = tempDir('watchfloor-cli-sync-')
let pool: Pool
let redis: Redis

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 3 })
  redis = new Redis(TEST_REDIS_URL, { lazyConnect: true })
  await redis.connect()
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({
      seed: 4,
      leads: 1_000,
      endAt: Date.parse('2026-06-01T12:00:00Z'),
      tenantId: TENANT,
    }),
  })
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await redis.del(STREAM, `ops:${TENANT}:alerts`)
  await redis.quit()
  await pool.end()
  temp.cleanup()
})

// With a password (trust auth ignores it): no output may show it.
const PG_URL_SECRET = PG_URL.replace('://postgres@', '://postgres:hunter2@')
const upstream = (verb: string, ...more: string[]) =>
  runCli(['upstream', verb, '--pg', PG_URL_SECRET, '--schema', SCHEMA, ...more])

describe('watchfloor upstream', () => {
  it('installs, prunes and uninstalls the change log, each exiting 0 with a sentence', async () => {
    const install = await upstream('install')
    expect(install.stderr).toBe('')
    expect(install.stdout).toMatch(
      new RegExp(
        `^Installed the Watchfloor change log in schema "${SCHEMA}" at .*\\(7 tables: leads,`,
      ),
    )
    expect(install.stdout).not.toContain('hunter2')
    expect(install.code).toBe(0)
    // Idempotent: a second install changes nothing and succeeds.
    expect((await upstream('install')).code).toBe(0)

    await pool.query(`update ${SCHEMA}.leads set owner = 'pruned away' where id <= 10`)
    const prune = await upstream('prune', '--older-than', '0s')
    expect(prune.stdout).toMatch(
      /^Pruned 10 change-log entries older than 0s from schema ".*"; clients behind xid \d+ will re-copy their tables\n$/,
    )
    expect(prune.code).toBe(0)
    const nothing = await upstream('prune', '--older-than', '30d')
    expect(nothing.stdout).toMatch(/^Pruned 0 change-log entries older than 30d/)
    expect(nothing.code).toBe(0)

    const uninstall = await upstream('uninstall')
    expect(uninstall.stdout).toMatch(/^Removed the Watchfloor change log from schema/)
    expect(uninstall.code).toBe(0)
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from pg_trigger t join pg_class c on c.oid = t.tgrelid
       join pg_namespace ns on ns.oid = c.relnamespace where ns.nspname = $1 and not t.tgisinternal`,
      [SCHEMA],
    )
    expect(rows[0]?.n).toBe(0)
    expect((await upstream('install')).code).toBe(0)
  })

  it('refuses bad input with a sentence and exit 1, changing nothing', async () => {
    for (const bad of ['0', '30 days', '-1d', '1e3s', '']) {
      const result = await upstream('prune', '--older-than', bad)
      expect(result.code, bad).toBe(1)
      expect(result.stderr, bad).toMatch(/is not a duration; write it like 30d, 12h, 15m or 90s/)
      expect(result.stderr).not.toMatch(/\n\s+at /) // no stack trace
    }
    const unreachable = await runCli([
      'upstream',
      'prune',
      '--pg',
      'postgres://someone:secret@127.0.0.1:1/nowhere',
      '--older-than',
      '1d',
    ])
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(/Cannot reach Postgres at 127\.0\.0\.1:1/)
    expect(unreachable.stderr).not.toContain('secret')
    const missing = await runCli(['upstream', 'install', '--schema', SCHEMA])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/required option '--pg <url>'/)
  })
})

describe('watchfloor sync with a manifest the cache does not fit', () => {
  it('names the missing mirror table and columns, syncs the rest, and exits 1', async () => {
    const manifest = {
      tables: [
        ...opsManifest.tables.map((t) =>
          t.upstream === 'customers'
            ? {
                ...t,
                columns: [...t.columns, { upstream: 'name', local: 'nickname', type: 'text' }],
              }
            : t,
        ),
        {
          upstream: 'widgets',
          local: 'widgets',
          key: 'id',
          keyType: 'bigint',
          watermark: 'updated_at',
          columns: [{ upstream: 'id', local: 'id', type: 'bigint' }],
        },
      ],
    }
    const file = `${temp.dir}/manifest.json`
    writeFileSync(file, JSON.stringify(manifest))
    const db = `${temp.dir}/misfit.sqlite`
    const result = await runCli([
      ...syncArgs({ schema: SCHEMA, tenant: TENANT, db }),
      '--manifest',
      file,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'the cache has no table "widgets" to mirror widgets into; add it with a migration or change the manifest',
    )
    expect(result.stderr).toContain(
      'the cache\'s table "customers" has no column "nickname" for customers; add them with a migration or change the manifest',
    )
    expect(result.stderr).not.toMatch(/no such table|SqliteError/)
    const cache = openStore(db, { readonly: true })
    try {
      expect(
        (cache.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }).n,
      ).toBeGreaterThan(900)
    } finally {
      cache.close()
    }
  })
})

describe('watchfloor status', () => {
  it('lists the sources the cache was synced from, with their last good sync', async () => {
    const db = `${temp.dir}/status.sqlite`
    const none = await runCli(['status', '--db', db])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/there is no cache at .*status\.sqlite; check --db/)
    expect(existsSync(db)).toBe(false)

    const sync = await runCli(syncArgs({ schema: SCHEMA, tenant: TENANT, db }))
    expect(sync.code, sync.stderr).toBe(0)
    // The load skipped the rollups' and journeys' upkeep; the run rebuilt both before it ended.
    const cache = openStore(db, { readonly: true })
    try {
      const valid = (table: string) =>
        cache.prepare(`SELECT valid FROM ${table} WHERE id = 1`).pluck().get()
      expect(valid('rollup_state')).toBe(1)
      expect(valid('journey_state')).toBe(1)
    } finally {
      cache.close()
    }
    const status = await runCli(['status', '--db', db])
    expect(status.code, status.stderr).toBe(0)
    const parsed = JSON.parse(status.stdout) as {
      leadCount: number
      sources: { name: string; state: string; since: string | null; message: string }[]
    }
    expect(parsed.leadCount).toBeGreaterThan(900)
    expect(parsed.sources).toHaveLength(1)
    const [source] = parsed.sources
    expect(source?.name).toBe(`Postgres 127.0.0.1:5432/test/${SCHEMA}`)
    expect(source?.state).toBe('stale')
    expect(Date.now() - Date.parse(source?.since ?? '')).toBeLessThan(600_000)
    expect(source?.message).toMatch(/Not syncing now/)
  })
})

describe('watchfloor sync --follow with the Redis stream', () => {
  const db = () => `${temp.dir}/follow.sqlite`
  const follow = () =>
    startCli(
      syncArgs({
        schema: SCHEMA,
        tenant: TENANT,
        db: db(),
        mode: '--follow',
        redis: TEST_REDIS_URL,
      }),
    )
  const write = (events: number) =>
    runUpstreamWriter({
      pg: pool,
      redis,
      schema: SCHEMA,
      tenantId: TENANT,
      ratePerSecond: 500,
      seed: events,
      maxEvents: events,
    })
  /** The stream position the cache holds (read beside the running sync; WAL allows it). */
  const position = (): string | null => {
    if (!existsSync(db())) return null
    const cache = openStore(db(), { readonly: true })
    try {
      const row = cache
        .prepare("SELECT last_stream_id AS id FROM sync_state WHERE source = 'redis'")
        .get() as { id: string | null } | undefined
      return row?.id ?? null
    } catch {
      return null // created, not yet migrated
    } finally {
      cache.close()
    }
  }
  const gaps = () => {
    const cache = openStore(db(), { readonly: true })
    try {
      return cache.prepare('SELECT resolved_at FROM stream_gaps').all() as {
        resolved_at: number | null
      }[]
    } finally {
      cache.close()
    }
  }
  const newest = async () => {
    const entries = await redis.xrevrange(STREAM, '+', '-', 'COUNT', 1)
    return entries[0]?.[0] ?? null
  }
  const stop = async (sync: RunningCli) => {
    sync.child.kill('SIGTERM')
    const result = await sync.exited
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Synced .*follow\.sqlite/)
    return result
  }

  it('repairs a trimmed stream once, marks the gap resolved, and a restart does not report it again', async () => {
    await write(10)
    let sync = follow()
    const first = await newest()
    await until('the stream read', () => (position() === first ? true : undefined), 60_000)
    await stop(sync)

    // Entries arrive and are trimmed away while the client is stopped.
    await write(20)
    await redis.xtrim(STREAM, 'MAXLEN', 0)
    await write(5)
    sync = follow()
    await sync.waitFor(/entries were trimmed after \S+ .*re-pulling/, 60_000)
    await until(
      'the gap marked resolved',
      () => (gaps().length === 1 && gaps()[0]?.resolved_at !== null ? true : undefined),
      60_000,
    )
    await stop(sync)

    sync = follow()
    await sync.waitFor(/→ .*follow\.sqlite/)
    await write(3)
    const last = await newest()
    await until('the new entries read', () => (position() === last ? true : undefined), 60_000)
    const third = await stop(sync)
    expect(third.stderr).not.toMatch(/trimmed|re-pulling/)
    expect(gaps()).toHaveLength(1)
  })

  it('stores a backlog of stream entries made while stopped on its writer thread (issue 14), each once', async () => {
    // Made while the client is stopped: read back in pages of a thousand, which the reader
    // hands to its writer thread (the bundle's worker, when the CLI is built).
    const before = position()
    const backlog = 3_500
    for (let start = 0; start < backlog; start += 500) {
      const pipeline = redis.pipeline()
      for (let n = start; n < start + 500; n++) {
        pipeline.xadd(
          STREAM,
          '*',
          ...['type', 'lead_updated', 'table', 'leads', 'id', `backlog-${n}`, 'tenant', TENANT],
          ...['at', new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()],
          ...['data', JSON.stringify({ id: n, status: 'contacted' })],
        )
      }
      await pipeline.exec()
    }
    const last = await newest()
    const sync = follow()
    await until('the backlog read', () => (position() === last ? true : undefined), 60_000)
    const result = await stop(sync)
    expect(result.stderr).not.toMatch(/writer thread|skipped entry|could not store/)
    const cache = openStore(db(), { readonly: true })
    try {
      const stored = cache
        .prepare(
          "SELECT count(*) AS n, count(DISTINCT stream_id) AS ids FROM events WHERE payload LIKE '%backlog-%'",
        )
        .get() as { n: number; ids: number }
      expect(stored).toEqual({ n: backlog, ids: backlog })
      expect(before).not.toBe(last)
    } finally {
      cache.close()
    }
  })
})
