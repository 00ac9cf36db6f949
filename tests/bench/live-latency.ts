// The live path end to end, quiet and loaded (issue 14): an upstream commit →
// its row in the cache → the `data.changed` event at a page's socket, through
// the real `watchfloor serve` synced from Postgres (change log, LISTEN) and
// Redis (the stream the demo writer fills, which wakes the pull), while the
// demo writer changes 50 leads a second. Baseline: the commit's own round
// trip, measured in the same phase. The same commits run quiet, then beside
// two busy loops (one a core on the 2-core machine).
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { Pool } from 'pg'
import WebSocket from 'ws'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { installChangeLog } from '../../main/sync/postgres/change-log.ts'
import { opsManifest, qualified } from '../../main/sync/manifest.ts'
import { busyLoad, loadLabel } from '../support/busy-load.ts'
import { sessionCookie } from './api-client.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const CLI = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))
/** A commit not in the cache (or not announced) after this long counts as lost. */
const GIVE_UP_MS = 20_000
/** The demo writer's background changes per second, as the sync bench's latency run. */
const WRITER_RATE = 50

export interface LivePhase {
  /** quiet, or loaded (n busy loops). */
  readonly load: string
  readonly commits: number
  /** Commits whose row (or event) never came within GIVE_UP_MS. */
  readonly lost: number
  /** Commit sent → row visible in the cache file. */
  readonly rowMs: readonly number[]
  /** Commit sent → `data.changed` (leads) at the socket client, the row then in the cache. */
  readonly eventMs: readonly number[]
  /** Baseline: the commit's round trip (sent → acknowledged). */
  readonly commitMs: readonly number[]
}

export interface LiveLatencyFigures {
  readonly leads: number
  readonly phases: readonly LivePhase[]
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const say = (line: string) => process.stderr.write(`  live latency: ${line}\n`)

/** `watchfloor serve` synced from the upstream; resolves with its page URL. */
async function serve(
  dbPath: string,
  schema: string,
  tenant: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      '0',
      '--db',
      dbPath,
      '--no-demo',
      '--pg',
      PG_URL,
      '--pg-schema',
      schema,
      '--redis',
      REDIS_URL,
      '--tenant',
      tenant,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /open (http:\/\/[^\s?]+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`watchfloor serve exited (${code}): ${err}`)))
  })
  return { url, child }
}

/** A page's socket that notes when each `data.changed` naming leads arrives. */
async function listen(url: string): Promise<{ onLeads: (fn: () => void) => void; close(): void }> {
  const cookie = await sessionCookie(url)
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}api`, {
    origin: new URL(url).origin,
    headers: { cookie },
  })
  let handler: () => void = () => undefined
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as {
      m?: string
      a?: [string, { tables?: string[] }]
    }
    if (frame.m === 'event' && frame.a?.[0] === 'data.changed') {
      if (frame.a[1]?.tables?.includes('leads')) handler()
    }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { onLeads: (fn) => (handler = fn), close: () => ws.close() }
}

export async function benchLiveLatency(
  dir: string,
  options: { leads?: number; commits?: number; loops?: readonly number[] } = {},
): Promise<LiveLatencyFigures> {
  const leads = options.leads ?? 20_000
  const commits = options.commits ?? 300
  const loops = options.loops ?? [0, 2]
  const schema = `wf_live_bench_${process.pid}_${Date.now()}`
  const tenant = `lb${process.pid}${Date.now()}`
  const table = qualified(schema, 'leads')
  const dbPath = join(dir, `${schema}.sqlite`)
  const pool = new Pool({ connectionString: PG_URL, max: 4 })
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  const load = busyLoad()
  let host: { url: string; child: ChildProcess } | undefined
  const writerStop = new AbortController()
  let writer: Promise<unknown> = Promise.resolve()
  let socket: Awaited<ReturnType<typeof listen>> | undefined
  let reader: Database.Database | undefined
  try {
    say(`seeding ${leads.toLocaleString('en-US')} leads upstream…`)
    await seedUpstream({
      pg: pool,
      schema,
      dataset: generateDemo({ seed: 5, leads, endAt: Date.now(), tenantId: tenant }),
      batchSize: 10_000,
    })
    await installChangeLog(pool, schema, opsManifest)
    const { rows: counted } = await pool.query<{ live: number }>(
      `select count(*)::int as live from ${table} where deleted_at is null`,
    )
    const live = counted[0]?.live ?? 0
    say('watchfloor serve, first sync…')
    host = await serve(dbPath, schema, tenant)
    const started = Date.now()
    for (;;) {
      try {
        reader ??= new Database(dbPath, { readonly: true, fileMustExist: true })
        reader.pragma('busy_timeout = 5000')
        const n = reader.prepare('SELECT count(*) FROM leads').pluck().get() as number
        if (n >= live) break
      } catch {
        // The host has not created the file yet.
        reader?.close()
        reader = undefined
      }
      if (Date.now() - started > 300_000) throw new Error('the first sync did not end in 5 min')
      await sleep(200)
    }
    socket = await listen(host.url)
    writer = runUpstreamWriter({
      pg: pool,
      redis,
      schema,
      tenantId: tenant,
      ratePerSecond: WRITER_RATE,
      seed: 11,
      signal: writerStop.signal,
    })
    const { rows: targets } = await pool.query<{ id: string }>(
      `select id::text from ${table} where deleted_at is null order by id limit $1`,
      [commits],
    )
    const owner = reader.prepare('SELECT owner FROM leads WHERE id = ?').pluck()
    const phases: LivePhase[] = []
    for (const busy of loops) {
      await load.start(busy)
      say(`${commits} commits, ${loadLabel(busy)}…`)
      await sleep(1_000) // the loops at full speed before the first commit
      const rowMs: number[] = []
      const eventMs: number[] = []
      const commitMs: number[] = []
      let lost = 0
      for (let i = 0; i < commits; i++) {
        const id = Number(targets[i % targets.length]?.id ?? 1)
        const value = `live ${busy} ${i}`
        let rowAt: number | null = null
        let eventAt: number | null = null
        // The first data.changed at which the row is in the cache is the one
        // that announced it: any earlier one was sent before its commit.
        socket.onLeads(() => {
          if (eventAt === null && owner.get(id) === value) eventAt = performance.now()
        })
        const t0 = performance.now()
        await pool.query(`update ${table} set owner = $1, updated_at = now() where id = $2`, [
          value,
          id,
        ])
        commitMs.push(performance.now() - t0)
        while (rowAt === null || eventAt === null) {
          if (rowAt === null && owner.get(id) === value) rowAt = performance.now()
          if (performance.now() - t0 > GIVE_UP_MS) break
          await sleep(1)
        }
        if (rowAt === null || eventAt === null) lost++
        else {
          rowMs.push(rowAt - t0)
          eventMs.push(eventAt - t0)
        }
        await sleep(20)
      }
      await load.stop()
      phases.push({ load: loadLabel(busy), commits, lost, rowMs, eventMs, commitMs })
    }
    return { leads, phases }
  } finally {
    await load.stop()
    writerStop.abort()
    await writer.catch(() => undefined)
    socket?.close()
    reader?.close()
    if (host && host.child.exitCode === null) {
      const exited = new Promise((resolve) => host?.child.once('exit', resolve))
      host.child.kill('SIGTERM')
      await exited
    }
    await redis.del(`ops:${tenant}:events`).catch(() => undefined)
    redis.disconnect()
    await dropUpstream(pool, schema).catch(() => undefined)
    await pool.end()
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })
  }
}
