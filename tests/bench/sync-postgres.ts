// Postgres sync benchmarks, each beside a baseline measured in the same run:
// the initial sync against a raw pipeline (COPY TO parsed in Node into a
// bare prepared SQLite insert, 10k-row transactions, no logic), the serving
// thread's event-loop delay during that sync against the same loop idle,
// catch-up after changes made while stopped, and commit-to-cache latency
// against the commit's own round trip.
//
// Every sync job runs in a child process (sync-postgres-child.ts), as the
// core does in production; this process plays the serving thread and reads
// the cache through its own read-only connection. Upstream is seeded once
// and shared by every phase.
import { fork } from 'node:child_process'
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { Pool } from 'pg'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest, qualified } from '../../main/sync/manifest.ts'
import type { ChildJob, ChildMessage } from './sync-postgres-child.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const CHILD = fileURLToPath(new URL('./sync-postgres-child.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')
const BATCH_ROWS = 10_000
const CATCH_UP_CHANGES = 100_000
const LATENCY_COMMITS = 1_000
/** A commit not visible after this long counts as lost (and fails the figure). */
const LATENCY_GIVE_UP_MS = 10_000

export interface SyncBenchFigures {
  /** Leads seeded upstream; `syncedRows` of them are live (not soft-deleted). */
  leads: number
  seedSeconds: number
  syncedRows: number
  /** Engine initial sync, forked core process: rows/s, wall seconds, peak RSS. */
  syncRowsPerSecond: number
  syncSeconds: number
  peakRssMb: number
  /** Raw pipeline in the same kind of child process: mean of a run before and one after. */
  rawRowsPerSecond: number
  rawSeconds: number
  rawRunsRowsPerSecond: [number, number]
  rawPeakRssMb: number
  /** syncRowsPerSecond / rawRowsPerSecond (target ≥ 1.2 with the COPY decoded beside the writer). */
  ratio: number
  /** The same engine with the COPY decoded on the writer's thread (as before issue 14). */
  oneThreadRowsPerSecond: number
  oneThreadPeakRssMb: number
  /** Serving thread (this process) during the initial sync, and idle. */
  loopP99Ms: number
  loopMaxMs: number
  idleLoopP99Ms: number
  idleLoopMaxMs: number
  /** Reads the serving thread ran against the cache during the sync. */
  servedReads: number
  /** Catch-up after changes made while the client was stopped. */
  catchUpChanges: number
  catchUpRows: number
  catchUpSeconds: number
  /** The same number of rows at the raw pipeline's rate. */
  catchUpBaselineSeconds: number
  /** The same catch-up from a copy of the same cache without row hooks: the sync's own share. */
  catchUpNoHooksSeconds: number
  /** The upkeep's worst case: as many changes, each lead to an owner never seen. */
  catchUpNewOwnersChanges: number
  catchUpNewOwnersSeconds: number
  /** Upstream commit (statement sent) → row visible in the cache file. */
  latencyCommits: number
  latencyP50Ms: number
  latencyP99Ms: number
  latencyMaxMs: number
  /** Baseline: the commit's own round trip (sent → acknowledged). */
  commitP50Ms: number
  commitP99Ms: number
  /** Writer background load during the latency run. */
  writerEvents: number
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const say = (line: string) => process.stderr.write(`  sync bench: ${line}\n`)

interface RunningChild {
  readonly ready: Promise<void>
  readonly result: Promise<Extract<ChildMessage, { type: 'result' }>>
  stop(): void
}

/** Forks one sync job through tsx; `result` settles when it reports or dies. */
function runChild(job: ChildJob): RunningChild {
  // BENCH_CPU_PROF=<folder>: each child writes a V8 CPU profile there (where its time goes).
  const profile = process.env.BENCH_CPU_PROF
  const child = fork(CHILD, [JSON.stringify(job)], {
    execArgv: ['--import', TSX, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let onReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  const result = new Promise<Extract<ChildMessage, { type: 'result' }>>((resolve, reject) => {
    let settled = false
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') onReady()
      else if (message.type === 'result') {
        settled = true
        resolve(message)
      } else {
        settled = true
        reject(new Error(`sync bench child (${job.kind}) failed: ${message.message}`))
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (!settled) {
        reject(
          new Error(`sync bench child (${job.kind}) exited (${signal ?? code}) without a result`),
        )
      }
    })
  })
  // A child that dies before 'ready' must not leave the caller waiting on it.
  result.catch(() => onReady())
  return {
    ready,
    result,
    stop: () => {
      if (child.connected) child.send('stop')
    },
  }
}

/**
 * The serving thread's loop: a small read of the cache every 50 ms (the
 * sync status and one lead by key, as the status footer and a drill-down
 * do) through a read-only connection, under monitorEventLoopDelay.
 */
function servingLoop(dbPath: string, maxId: number) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  const status = db.prepare('SELECT table_name, phase, rows_applied FROM sync_state')
  const lead = db.prepare('SELECT * FROM leads WHERE id = ?')
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  let reads = 0
  let next = 1
  const timer = setInterval(() => {
    status.all()
    next = (next * 7_919) % maxId || 1
    lead.get(next)
    reads++
  }, 50)
  histogram.enable()
  return {
    stop() {
      clearInterval(timer)
      histogram.disable()
      db.close()
      return {
        p99Ms: histogram.percentile(99) / 1e6,
        maxMs: histogram.max / 1e6,
        reads,
      }
    },
  }
}

/**
 * A day of an office's work, by the lead's id (one change each, every change seen by the
 * caches' upkeep): 40 % move one stage on (new → contacted with a first response, a proposal
 * won or lost, a closed lead touched), 20 % warm or cool, 20 % go to another of the office's
 * owners, 10 % change value, 10 % are deleted.
 */
const CATCH_UP_MIX = (table: string) => `update ${table} set
    status = case when id % 10 < 4 then case status when 'new' then 'contacted'
      when 'contacted' then 'qualified' when 'qualified' then 'proposal'
      when 'proposal' then case when id % 20 < 10 then 'won' else 'lost' end
      else status end else status end,
    first_response_at = case when id % 10 < 4 and status = 'new'
      then coalesce(first_response_at, now()) else first_response_at end,
    converted_at = case when id % 10 < 4 and status = 'proposal' and id % 20 < 10
      then now() else converted_at end,
    temperature = case when id % 10 in (4, 5) then case temperature when 'cold' then 'warm'
      when 'warm' then 'hot' else 'cold' end else temperature end,
    owner = case when id % 10 in (6, 7) then coalesce(($3::text[])[1 + (id * 7) % cardinality($3::text[])], owner)
      else owner end,
    deal_value = case when id % 10 = 8 then coalesce(deal_value, 0) + 100 else deal_value end,
    deleted_at = case when id % 10 = 9 then now() else deleted_at end,
    updated_at = now()
  where id > $1 and id <= $2`

/** Throws unless every lead in (from, to] is in the cache as it is upstream (the changed columns). */
async function expectCaughtUp(
  pool: Pool,
  table: string,
  cachePath: string,
  from: number,
  to: number,
): Promise<void> {
  type Row = {
    id: number
    status: string
    temperature: string
    owner: string
    value: number | null
  }
  const same = (a: Row, b: Row | undefined) =>
    b !== undefined &&
    a.status === b.status &&
    a.temperature === b.temperature &&
    a.owner === b.owner &&
    (a.value === null ? b.value === null : b.value !== null && Math.abs(a.value - b.value) < 1e-6)
  const { rows } = await pool.query<Row>(
    `select id::int, status, temperature, owner, deal_value::float8 as value
     from ${table} where id > $1 and id <= $2 and deleted_at is null`,
    [from, to],
  )
  const probe = new Database(cachePath, { readonly: true })
  try {
    const cached = new Map(
      (
        probe
          .prepare(
            `SELECT id, status, temperature, owner, deal_value_cents / 100.0 AS value FROM leads
             WHERE id > ? AND id <= ?`,
          )
          .all(from, to) as Row[]
      ).map((r) => [r.id, r]),
    )
    const stale = rows.filter((r) => !same(r, cached.get(r.id))).length
    const extra = cached.size - rows.length
    if (stale > 0 || extra !== 0)
      throw new Error(`catch-up left ${stale} changed rows stale and ${extra} deleted rows cached`)
  } finally {
    probe.close()
  }
}

/** Seeds `leads` leads upstream once, then measures every phase against it. */
export async function benchPostgresSync(
  leads = Number(process.env.BENCH_LEADS ?? 1_000_000),
  dir = tmpdir(),
): Promise<SyncBenchFigures> {
  const schema = `wf_sync_bench_${process.pid}_${Date.now()}`
  const table = qualified(schema, 'leads')
  const rawPath = join(dir, `${schema}-raw.sqlite`)
  const onePath = join(dir, `${schema}-one.sqlite`)
  const cachePath = join(dir, `${schema}.sqlite`)
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  const job = (kind: ChildJob['kind'], dbPath = cachePath): ChildJob => ({
    kind,
    pgUrl: PG_URL,
    schema,
    dbPath,
    batchRows: BATCH_ROWS,
  })
  try {
    say(`seeding ${leads.toLocaleString('en-US')} leads upstream…`)
    const started = performance.now()
    await seedUpstream({
      pg: pool,
      schema,
      dataset: generateDemo({ seed: 42, leads, endAt: Date.parse('2026-06-01T12:00:00Z') }),
      batchSize: 10_000,
    })
    const seedSeconds = (performance.now() - started) / 1000
    // After the seed, so the load does not fill the log; before the sync, so it follows it.
    await installChangeLog(pool, schema, opsManifest)
    await pool.query(`analyze ${table}`)
    const { rows: counts } = await pool.query<{ live: number; max: number }>(
      `select count(*) filter (where deleted_at is null)::int as live, max(id)::int as max from ${table}`,
    )
    const live = counts[0]?.live ?? 0
    const maxId = counts[0]?.max ?? 1
    // Both files are created and migrated here, so a reader can open them at once.
    openStore(cachePath).close()

    say('serving loop, idle…')
    const idleLoop = servingLoop(cachePath, maxId)
    await sleep(3_000)
    const idle = idleLoop.stop()

    // The raw pipeline runs before and after the engine (the machine is
    // shared and noisy): the baseline is the mean of the two.
    const rawRun = async () => {
      say('raw pipeline…')
      openStore(rawPath).close()
      const result = await runChild(job('raw', rawPath)).result
      if (result.rows !== live)
        throw new Error(`raw pipeline copied ${result.rows} of ${live} rows`)
      for (const suffix of ['', '-wal', '-shm']) rmSync(rawPath + suffix, { force: true })
      return result
    }
    const rawBefore = await rawRun()

    say('engine initial sync…')
    const serving = servingLoop(cachePath, maxId)
    const initial = await runChild(job('once')).result
    const loop = serving.stop()
    say('engine initial sync, COPY decoded on the writer thread…')
    openStore(onePath).close()
    const oneThread = await runChild({ ...job('once', onePath), decodeOffThread: false }).result
    for (const suffix of ['', '-wal', '-shm']) rmSync(onePath + suffix, { force: true })
    const rawAfter = await rawRun()
    const check = new Database(cachePath, { readonly: true })
    const cached = check.prepare('SELECT count(*) FROM leads').pluck().get() as number
    check.close()
    if (cached !== live) throw new Error(`the initial sync cached ${cached} of ${live} rows`)

    // Catch-up: changes made while no client runs, by id range, each batch
    // one transaction through the change-log trigger: a day of an office's work
    // (CATCH_UP_MIX) on the first CATCH_UP_CHANGES leads.
    const catchUpChanges = Math.min(CATCH_UP_CHANGES, leads)
    say(`${catchUpChanges.toLocaleString('en-US')} upstream changes while stopped…`)
    const { rows: ownerRows } = await pool.query<{ owner: string }>(
      `select distinct owner from ${table} order by owner`,
    )
    const owners = ownerRows.map((r) => r.owner)
    for (let from = 0; from < catchUpChanges; from += BATCH_ROWS) {
      await pool.query(CATCH_UP_MIX(table), [
        from,
        Math.min(from + BATCH_ROWS, catchUpChanges),
        owners,
      ])
    }
    // A copy of the stopped cache catches up the same changes without row
    // hooks, so the report splits the sync's own cost from the upkeep's.
    const bareCopy = join(dir, `${schema}-bare.sqlite`)
    for (const suffix of ['', '-wal']) {
      if (existsSync(cachePath + suffix)) copyFileSync(cachePath + suffix, bareCopy + suffix)
    }
    say('catch-up…')
    const catchUp = await runChild(job('once')).result
    say('catch-up of the same changes without row hooks…')
    const bare = await runChild({ ...job('once', bareCopy), hooks: 'none' }).result
    for (const suffix of ['', '-wal', '-shm']) rmSync(bareCopy + suffix, { force: true })
    await expectCaughtUp(pool, table, cachePath, 0, catchUpChanges)

    // The worst case for the upkeep: every changed lead goes to an owner never seen (each one a
    // new value in every owner rollup and journey count), on the next leads.
    const stressFrom = Math.min(catchUpChanges, leads - catchUpChanges)
    const stressTo = Math.min(stressFrom + CATCH_UP_CHANGES, leads)
    say(`${(stressTo - stressFrom).toLocaleString('en-US')} changes to owners never seen…`)
    for (let from = stressFrom; from < stressTo; from += BATCH_ROWS) {
      await pool.query(
        `update ${table} set owner = owner || '.', updated_at = now() where id > $1 and id <= $2`,
        [from, Math.min(from + BATCH_ROWS, stressTo)],
      )
    }
    say('catch-up, owners never seen…')
    const stress = await runChild(job('once')).result
    await expectCaughtUp(pool, table, cachePath, stressFrom, stressTo)

    // Latency: 1,000 single-row commits while the demo writer adds 50 changes/s.
    say('commit → cache latency…')
    const { rows: targets } = await pool.query<{ id: string }>(
      `select id::text from ${table} where deleted_at is null order by id limit $1`,
      [LATENCY_COMMITS],
    )
    const follower = runChild(job('follow'))
    await Promise.race([follower.ready, follower.result])
    await redis.connect()
    const stream = `${schema}:events`
    const writerStop = new AbortController()
    const writer = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: 'demo',
      streamKey: stream,
      alertChannel: `${schema}:alerts`,
      ratePerSecond: 50,
      seed: 7,
      signal: writerStop.signal,
    })
    const reader = new Database(cachePath, { readonly: true })
    reader.pragma('busy_timeout = 5000')
    const visible = reader.prepare('SELECT owner FROM leads WHERE id = ?').pluck()
    const latencies: number[] = []
    const commits: number[] = []
    try {
      for (let i = 0; i < LATENCY_COMMITS; i++) {
        const id = Number(targets[i % targets.length]?.id ?? 1)
        const owner = `latency ${i}`
        const t0 = performance.now()
        await pool.query(`update ${table} set owner = $1, updated_at = now() where id = $2`, [
          owner,
          id,
        ])
        commits.push(performance.now() - t0)
        while (visible.get(id) !== owner) {
          if (performance.now() - t0 > LATENCY_GIVE_UP_MS) {
            throw new Error(`commit ${i} (lead ${id}) not visible after ${LATENCY_GIVE_UP_MS} ms`)
          }
          await sleep(1)
        }
        latencies.push(performance.now() - t0)
        await sleep(20)
      }
    } catch (error) {
      // The run's other figures stand; the row shows how many commits were measured.
      say(`latency run stopped: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      reader.close()
      writerStop.abort()
      follower.stop()
    }
    // Awaited before Redis is closed: the writer may be announcing a change.
    const { events: writerEvents } = await writer
    await follower.result
    await redis.del(stream, `${schema}:alerts`)

    latencies.sort((a, b) => a - b)
    commits.sort((a, b) => a - b)
    const syncRowsPerSecond = initial.rows / initial.seconds
    const rawSeconds = (rawBefore.seconds + rawAfter.seconds) / 2
    const rawRowsPerSecond = live / rawSeconds
    return {
      leads,
      seedSeconds,
      syncedRows: initial.rows,
      syncRowsPerSecond,
      syncSeconds: initial.seconds,
      peakRssMb: initial.maxRssMb,
      rawRowsPerSecond,
      rawSeconds,
      rawRunsRowsPerSecond: [live / rawBefore.seconds, live / rawAfter.seconds],
      rawPeakRssMb: Math.max(rawBefore.maxRssMb, rawAfter.maxRssMb),
      ratio: syncRowsPerSecond / rawRowsPerSecond,
      oneThreadRowsPerSecond: oneThread.rows / oneThread.seconds,
      oneThreadPeakRssMb: oneThread.maxRssMb,
      loopP99Ms: loop.p99Ms,
      loopMaxMs: loop.maxMs,
      idleLoopP99Ms: idle.p99Ms,
      idleLoopMaxMs: idle.maxMs,
      servedReads: loop.reads,
      catchUpChanges,
      catchUpRows: catchUp.rows,
      catchUpSeconds: catchUp.seconds,
      catchUpBaselineSeconds: catchUpChanges / rawRowsPerSecond,
      catchUpNoHooksSeconds: bare.seconds,
      catchUpNewOwnersChanges: stressTo - stressFrom,
      catchUpNewOwnersSeconds: stress.seconds,
      latencyCommits: latencies.length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
      latencyMaxMs: latencies[latencies.length - 1] ?? NaN,
      commitP50Ms: percentile(commits, 0.5),
      commitP99Ms: percentile(commits, 0.99),
      writerEvents,
    }
  } finally {
    redis.disconnect()
    await dropUpstream(pool, schema).catch(() => undefined)
    await pool.end()
    for (const path of [rawPath, onePath, cachePath]) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
    }
  }
}
