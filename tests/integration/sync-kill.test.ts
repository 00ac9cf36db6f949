// Kill-resume: `watchfloor sync` killed with SIGKILL at random points (mid
// snapshot, mid batch, mid catch-up) while the demo writer keeps writing;
// after a final run the cache equals upstream, with no row missing or twice.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, runUpstreamWriter, seedUpstream } from '../../main/demo/upstream.ts'
import { syncCommand } from '../../main/cli/commands/sync.ts'
import { openStore } from '../../main/store/index.ts'
import { installChangeLog } from '../../main/sync/change-log.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { compareWithUpstream } from '../../main/sync/verify.ts'
import { tempDir } from '../support/temp.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const SCHEMA = `wf_sync_kill_${process.pid}_${Date.now()}`
const STREAM = `${SCHEMA}:events`
const KILLS = 20
const TSX = import.meta.resolve('tsx')
const SYNC_MODULE = fileURLToPath(new URL('../../main/cli/commands/sync.ts', import.meta.url))

let pool: Pool
let redis: Redis
const temp = tempDir('watchfloor-sync-kill-')

beforeAll(async () => {
  pool = new Pool({ connectionString: PG_URL, max: 4 })
  redis = new Redis(REDIS_URL, { lazyConnect: true })
  await redis.connect()
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 11, leads: 20_000, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLog(pool, SCHEMA, opsManifest)
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await redis.del(STREAM, `${SCHEMA}:alerts`)
  await redis.quit()
  await pool.end()
  temp.cleanup()
})

/** A seeded generator, so a failing run's kill points can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

/** Runs `sync --follow` in a child and SIGKILLs it `delayMs` after its first output. */
function runAndKill(dbPath: string, delayMs: number): Promise<string> {
  const script = `
    const { syncCommand } = await import(${JSON.stringify(SYNC_MODULE)})
    await syncCommand({ pg: ${JSON.stringify(PG_URL)}, schema: ${JSON.stringify(SCHEMA)},
      db: ${JSON.stringify(dbPath)}, follow: true, batch: 300, interval: 100 })
  `
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', TSX, '--input-type=module', '--eval', script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    let timer: NodeJS.Timeout | undefined
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString()
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs)
    }
    child.stdout.on('data', onOutput)
    child.stderr.on('data', onOutput)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal === 'SIGKILL') resolve(output)
      else reject(new Error(`sync exited on its own (${code}): ${output}`))
    })
  })
}

it(`converges after being killed with SIGKILL ${KILLS} times while upstream keeps writing`, async () => {
  const dbPath = `${temp.dir}/cache.sqlite`
  const random = lcg(Number(process.env.WF_KILL_SEED ?? 20260601))
  const controller = new AbortController()
  const writer = runUpstreamWriter({
    pg: pool,
    redis,
    schema: SCHEMA,
    tenantId: 'demo',
    streamKey: STREAM,
    alertChannel: `${SCHEMA}:alerts`,
    ratePerSecond: 300,
    seed: 5,
    signal: controller.signal,
  })
  const phases = new Set<string>()
  try {
    for (let i = 0; i < KILLS; i++) {
      // Early kills land in the first snapshot, later ones in catch-up.
      const output = await runAndKill(dbPath, Math.floor(random() * 700))
      if (/rows copied/.test(output)) phases.add('snapshot')
      const db = openStore(dbPath)
      const state = db.prepare("SELECT phase FROM sync_state WHERE table_name = 'leads'").get() as
        { phase: string } | undefined
      phases.add(state?.phase ?? 'none')
      db.close()
    }
  } finally {
    controller.abort()
    await writer
  }
  expect(phases).toContain('snapshot')
  expect(phases).toContain('follow')

  const status = await syncCommand(
    { pg: PG_URL, schema: SCHEMA, db: dbPath, once: true },
    { out: () => undefined, err: () => undefined },
  )
  expect(status.tables.every((t) => t.state === 'live')).toBe(true)
  const db = openStore(dbPath)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const tables = await compareWithUpstream(pool, SCHEMA, db, opsManifest)
    expect(JSON.stringify(tables.filter((t) => !t.equal))).toBe('[]')
    expect(db.prepare('SELECT count(*) AS n FROM sync_dropped_indexes').get()).toEqual({ n: 0 })
  } finally {
    db.close()
  }
})
