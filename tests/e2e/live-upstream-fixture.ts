// A live demo upstream for end-to-end tests: `watchfloor demo upstream` writing to a schema and
// stream of its own, and `watchfloor serve` synced from it. One home for the start and the
// clean-up the live, alert and other upstream specs share.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { serveCache } from './host-fixture.ts'

const PG_URL = process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
const cli = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))

/**
 * `watchfloor demo upstream` writing to its own schema and stream, and `watchfloor serve` synced
 * from it; `stop()` ends both and removes what they made.
 */
export async function liveUpstream(rate: number): Promise<{
  url: string
  tenant: string
  /** Ends the writer only: the stream goes quiet, the host stays. */
  stopWriter: () => Promise<void>
  stop: () => Promise<void>
}> {
  const schema = `wf_e2e_${process.pid}_${Date.now()}`
  const tenant = `te${process.pid}${Date.now()}`
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-live-'))
  const writer: ChildProcess = spawn(
    process.execPath,
    [
      cli,
      'demo',
      'upstream',
      '--pg',
      PG_URL,
      '--redis',
      REDIS_URL,
      '--schema',
      schema,
      '--tenant',
      tenant,
      '--leads',
      '2000',
      '--rate',
      String(rate),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let host: Awaited<ReturnType<typeof serveCache>> | undefined
  const stopWriter = async () => {
    if (writer.exitCode !== null) return
    const exited = new Promise((resolve) => writer.once('exit', resolve))
    writer.kill('SIGTERM')
    await exited
  }
  const stop = async () => {
    host?.child.kill('SIGTERM')
    writer.kill('SIGTERM')
    await Promise.all(
      [host?.child, writer]
        .filter((c): c is ChildProcess => c !== undefined && c.exitCode === null)
        .map((c) => new Promise((resolve) => c.once('exit', resolve))),
    )
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
    const redis = new Redis(REDIS_URL)
    await redis.del(`ops:${tenant}:events`)
    redis.disconnect()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let err = ''
      writer.stderr?.on('data', (d: Buffer) => {
        err += d.toString()
        if (err.includes('Writing')) resolve()
      })
      writer.once('exit', (code) => reject(new Error(`demo upstream exited (${code}): ${err}`)))
    })
    host = await serveCache(join(dir, 'cache.sqlite'), [
      '--pg',
      PG_URL,
      '--pg-schema',
      schema,
      '--redis',
      REDIS_URL,
      '--tenant',
      tenant,
    ])
    return { url: host.url, tenant, stopWriter, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
