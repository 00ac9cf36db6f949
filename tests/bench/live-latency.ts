// The live path end to end, quiet and loaded (issue 14): an upstream commit →
// its row in the cache → the `data.changed` event at a page's socket, through
// the real `watchfloor serve` synced from Postgres (change log, LISTEN) and
// Redis (the stream the demo writer fills, which wakes the pull), while the
// demo writer changes 50 leads a second. Baseline: the commit's own round
// trip, measured in the same phase. The same commits run quiet, then beside
// two busy loops (one a core on the 2-core machine).
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import { Pool } from 'pg'
import WebSocket from 'ws'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { LIVE_TRACE_ENV, traceNow, type TraceMark } from '../../main/core/live-trace.ts'
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
/**
 * BENCH_LIVE_TRACE=<file>: the core traces the live path (main/core/live-trace.ts) and the
 * slowest commits of each phase are written to <file> with the core's marks around them.
 */
const TRACE_OUT = process.env.BENCH_LIVE_TRACE || null
/** Longest wait for the journeys' inference after the first sync (see the warm-up). */
const JOURNEYS_WAIT_MS = 120_000
/** Slowest commits of a phase whose timelines the trace report shows. */
const TRACED_COMMITS = 12

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
  traceFile: string | null,
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
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: traceFile ? { ...process.env, [LIVE_TRACE_ENV]: traceFile } : process.env,
    },
  )
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    // With a trace, the host's and the core's log beside it (a core restarted by the watchdog).
    if (TRACE_OUT) appendFileSync(`${TRACE_OUT}.log`, d)
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (TRACE_OUT) appendFileSync(`${TRACE_OUT}.log`, d)
      const m = /open (http:\/\/[^\s?]+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`watchfloor serve exited (${code}): ${err}`)))
  })
  return { url, child }
}

/** A page's socket that notes when each `data.changed` naming leads arrives. */
async function listen(url: string): Promise<{
  onLeads: (fn: () => void) => void
  /** Whether an `intel.changed` said the lead journeys were inferred (after the first sync). */
  journeysInferred(): boolean
  close(): void
}> {
  const cookie = await sessionCookie(url)
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}api`, {
    origin: new URL(url).origin,
    headers: { cookie },
  })
  let handler: () => void = () => undefined
  let journeys = false
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as {
      m?: string
      a?: [string, { tables?: string[]; phase?: string }]
    }
    if (frame.m === 'event' && frame.a?.[0] === 'data.changed') {
      if (frame.a[1]?.tables?.includes('leads')) handler()
    }
    if (frame.m === 'event' && frame.a?.[0] === 'intel.changed') {
      if (frame.a[1]?.phase?.startsWith('Lead journeys inferred')) journeys = true
    }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    onLeads: (fn) => (handler = fn),
    journeysInferred: () => journeys,
    close: () => ws.close(),
  }
}

/** One commit's figures on the trace's clock (main/core/live-trace.ts traceNow). */
interface TracedCommit {
  readonly load: string
  readonly sentAt: number
  readonly ackMs: number
  readonly rowMs: number
  readonly eventMs: number
}

function readMarks(file: string): TraceMark[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as TraceMark)
    .sort((a, b) => a.at - b.at)
}

/**
 * The slowest commits of each phase with the core's marks from 100 ms before each was sent to
 * its row in the cache, in ms from the send: where the time went (a wake-up that came late, a
 * pull queued behind another cycle, a slow query, a stall of the core's thread).
 */
function traceReport(commits: readonly TracedCommit[], marks: readonly TraceMark[]): string {
  const out: string[] = []
  for (const load of [...new Set(commits.map((c) => c.load))]) {
    const slow = commits
      .filter((c) => c.load === load)
      .sort((a, b) => b.rowMs - a.rowMs)
      .slice(0, TRACED_COMMITS)
    out.push(`# ${load}: the ${slow.length} slowest commits`)
    for (const c of slow) {
      out.push(
        `\n## row ${c.rowMs.toFixed(1)} ms, event ${c.eventMs.toFixed(1)} ms, commit round trip ${c.ackMs.toFixed(1)} ms`,
      )
      for (const m of marks) {
        if (m.at < c.sentAt - 100 || m.at > c.sentAt + c.rowMs + 5) continue
        out.push(`${(m.at - c.sentAt).toFixed(1).padStart(8)}  ${m.mark} ${m.detail ?? ''}`)
      }
    }
    out.push('')
  }
  return out.join('\n')
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
    const traceFile = TRACE_OUT ? join(dir, `${schema}.trace`) : null
    host = await serve(dbPath, schema, tenant, traceFile)
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
    // The leads are copied first; the other tables' first copies follow in the same cycle. A
    // commit that lands once they are done is measured against the live path, not the first sync.
    const probeId = Number(targets[0]?.id ?? 1)
    await pool.query(`update ${table} set owner = 'warm-up', updated_at = now() where id = $1`, [
      probeId,
    ])
    const warming = Date.now()
    while (owner.get(probeId) !== 'warm-up') {
      if (Date.now() - warming > 300_000) throw new Error('the first sync did not end in 5 min')
      await sleep(50)
    }
    // Then the work a first sync leaves (the rollups rebuilt, the journeys inferred in the
    // intelligence worker): once, not the live path's. A core that infers none goes on after
    // JOURNEYS_WAIT_MS.
    while (!socket.journeysInferred() && Date.now() - warming < JOURNEYS_WAIT_MS) await sleep(100)
    const phases: LivePhase[] = []
    const traced: TracedCommit[] = []
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
        const sentAt = traceNow()
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
          traced.push({
            load: loadLabel(busy),
            sentAt,
            ackMs: commitMs[commitMs.length - 1] ?? 0,
            rowMs: rowAt - t0,
            eventMs: eventAt - t0,
          })
        }
        await sleep(20)
      }
      await load.stop()
      phases.push({ load: loadLabel(busy), commits, lost, rowMs, eventMs, commitMs })
    }
    if (TRACE_OUT && traceFile) {
      await sleep(500) // the core's last marks written
      writeFileSync(TRACE_OUT, traceReport(traced, readMarks(traceFile)))
      say(`trace of the slowest commits in ${TRACE_OUT}`)
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
