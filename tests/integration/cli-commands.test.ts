// Every command in `watchfloor --help`, run through the real bin as a user
// runs it: exit code, output, effect; a bad flag or an unreachable server
// exits 1 with one sentence and no stack trace. (`upstream`, `sync` and
// `status` against real servers: cli-sync.test.ts; `rollups rebuild`:
// tests/unit/cli-rollups.test.ts; `serve` in a browser: tests/e2e/.)
import { existsSync } from 'node:fs'
import { Pool } from 'pg'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { runCli, startCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'
import { TEST_PG_URL, TEST_REDIS_URL } from '../support/upstream-cli.ts'
import { freePort } from '../support/wait.ts'

const temp = tempDir('watchfloor-cli-')
const SCHEMA = `wf_cli_demo_${process.pid}_${Date.now()}`
const TENANT = `cli_demo_${process.pid}_${Date.now()}`
let pool: Pool
let redis: Redis

beforeAll(async () => {
  pool = new Pool({ connectionString: TEST_PG_URL, max: 2 })
  redis = new Redis(TEST_REDIS_URL, { lazyConnect: true })
  await redis.connect()
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await redis.del(`ops:${TENANT}:events`, `ops:${TENANT}:alerts`)
  await redis.quit()
  await pool.end()
  temp.cleanup()
})

/** No stack trace ever reaches a user without --debug. */
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

describe('watchfloor', () => {
  it('--help lists every command and --version prints the version', async () => {
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['serve', 'upstream', 'sync', 'demo', 'rollups', 'status']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
    const version = await runCli(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('refuses an unknown command, an unknown flag and a bad value with one sentence', async () => {
    for (const args of [
      ['frobnicate'],
      ['status', '--dbb', 'x'],
      ['demo', 'fill', '--leads', 'many'],
      ['demo', 'fill', '--leads', '5'],
      ['serve', '--port', '70000'],
      ['rollups', 'rebuild', '--time-zone', 'Mars/Base'],
    ]) {
      const result = await runCli(args)
      expect(result.code, args.join(' ')).toBe(1)
      expect(result.stderr, args.join(' ')).toMatch(/error: |expected a whole number|unknown/)
      noStack(result.stderr)
    }
  })
})

describe('watchfloor demo fill', () => {
  it('fills an empty cache, reports what it wrote, and refuses to fill it twice', async () => {
    const db = `${temp.dir}/demo.sqlite`
    const fill = await runCli([
      'demo',
      'fill',
      '--db',
      db,
      '--leads',
      '1000',
      '--seed',
      '7',
      '--end-at',
      '2026-11-01T12:00:00Z',
    ])
    expect(fill.code, fill.stderr).toBe(0)
    expect(fill.stdout).toMatch(/^Filled .*demo\.sqlite: 1,000 leads, [\d,]+ customers/)
    const cache = openStore(db, { readonly: true })
    expect(cache.prepare('SELECT count(*) AS n FROM leads').get()).toEqual({ n: 1000 })
    cache.close()
    const status = await runCli(['status', '--db', db])
    expect(status.code).toBe(0)
    const parsed = JSON.parse(status.stdout) as { mode: string; leadCount: number; sources: [] }
    // leadCount counts the leads not deleted.
    expect(parsed).toMatchObject({ mode: 'demo', sources: [] })
    expect(parsed.leadCount).toBeGreaterThan(950)

    const again = await runCli(['demo', 'fill', '--db', db, '--leads', '1000'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(
      /already holds 1,000 leads; demo data goes only into an empty cache/,
    )
    const badDate = await runCli([
      'demo',
      'fill',
      '--db',
      `${temp.dir}/x.sqlite`,
      '--end-at',
      'soon',
    ])
    expect(badDate.code).toBe(1)
    expect(badDate.stderr).toMatch(/--end-at soon is not a date/)
    noStack(badDate.stderr)
  })
})

describe('watchfloor serve', () => {
  it('serves a cache on the port asked for, answers HTTP, and stops cleanly on SIGTERM', async () => {
    const db = `${temp.dir}/serve.sqlite`
    const port = await freePort()
    const serve = startCli(['serve', '--port', String(port), '--db', db, '--demo-leads', '1000'])
    try {
      const url = await serve.waitFor(/open http:\/\/127\.0\.0\.1:\d+\/?/)
      expect(url).toContain(`:${port}`)
      // The page, or (before `npm run build:renderer`) a sentence saying how to build it.
      const response = await fetch(`http://127.0.0.1:${port}/`)
      const body = await response.text()
      if (response.status === 503) expect(body).toMatch(/The renderer is not built/)
      else expect([response.status, body]).toEqual([200, expect.stringContaining('<html')])
      // The port is taken now: a second host says so in a sentence.
      const clash = await runCli(['serve', '--port', String(port), '--db', `${temp.dir}/b.sqlite`])
      expect(clash.code).toBe(1)
      expect(clash.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`))
      noStack(clash.stderr)
    } finally {
      serve.child.kill('SIGTERM')
    }
    const result = await serve.exited
    expect(result.code, result.stderr).toBe(0)
    expect(existsSync(db)).toBe(true)
  })

  it('refuses to listen beyond loopback without a token', async () => {
    const result = await runCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--no-demo',
      '--db',
      `${temp.dir}/lan.sqlite`,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/token/)
    noStack(result.stderr)
    // Refused before any data work: not even the cache file was made.
    expect(existsSync(`${temp.dir}/lan.sqlite`)).toBe(false)
  })

  it('refuses a weak token before any data work, and takes a strong one from token create', async () => {
    const weak = await runCli([
      'serve',
      '--token',
      'short',
      '--port',
      '0',
      '--db',
      `${temp.dir}/weak.sqlite`,
    ])
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/at least 22/)
    noStack(weak.stderr)
    expect(existsSync(`${temp.dir}/weak.sqlite`)).toBe(false)
    const created = await runCli(['token', 'create'])
    expect(created.code).toBe(0)
    const token = created.stdout.trim()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await runCli(['token', 'create'])).stdout.trim()).not.toBe(token)
  })
})

describe('watchfloor demo upstream', () => {
  it('seeds Postgres, writes changes and stream events until interrupted, then exits 0', async () => {
    const run = startCli([
      'demo',
      'upstream',
      '--pg',
      TEST_PG_URL,
      '--redis',
      TEST_REDIS_URL,
      '--leads',
      '1000',
      '--rate',
      '50',
      '--schema',
      SCHEMA,
      '--tenant',
      TENANT,
    ])
    try {
      await run.waitFor(/^Writing/m)
      const deadline = Date.now() + 60_000
      while ((await redis.xlen(`ops:${TENANT}:events`)) < 5) {
        if (Date.now() > deadline) throw new Error('no stream events within a minute')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      run.child.kill('SIGINT')
    }
    const result = await run.exited
    expect(result.code, result.stderr).toBe(0)
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from "${SCHEMA}".leads where tenant_id = $1`,
      [TENANT],
    )
    expect(rows[0]?.n).toBeGreaterThanOrEqual(1000)
  })

  it('says in one sentence that Postgres cannot be reached', async () => {
    const result = await runCli([
      'demo',
      'upstream',
      '--pg',
      'postgres://someone:secret@127.0.0.1:1/nowhere',
      '--redis',
      TEST_REDIS_URL,
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Cannot reach Postgres at 127\.0\.0\.1:1/)
    expect(result.stderr).not.toContain('secret')
    noStack(result.stderr)
  })
})
