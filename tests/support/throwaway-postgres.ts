// A throwaway PostgreSQL server of a test's own: initdb into a temp folder,
// its own port, run as the postgres user; never the machine's shared server.
// For what the shared server must not see: a restart mid-sync, or
// transaction ids burned past a power of ten.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Pool } from 'pg'
import { freePort } from './wait.ts'

const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : []
const BIN = versions.length ? `/usr/lib/postgresql/${versions.sort().at(-1)}/bin` : ''

/** initdb and pg_ctl are installed and we are root (they must run as postgres). */
export const canRunThrowawayPostgres = BIN !== '' && process.getuid?.() === 0

export interface ThrowawayPostgres {
  readonly dir: string
  readonly url: string
  start(): void
  stop(): void
  /** Stops the server if it runs and removes its files. */
  cleanup(): void
}

const asPostgres = (args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', timeout: 120_000 })

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const port = await freePort()
  const pgCtl = (action: 'start' | 'stop') =>
    asPostgres([
      `${BIN}/pg_ctl`,
      '-D',
      data,
      '-w',
      '-t',
      '120',
      '-l',
      join(dir, 'log'),
      // Durability is not what these servers test: no fsync keeps burning
      // a hundred thousand transaction ids quick.
      ...(action === 'start'
        ? [
            '-o',
            `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
          ]
        : ['-m', 'fast']),
      action,
    ])
  asPostgres([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  pgCtl('start')
  return {
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl('start'),
    stop: () => pgCtl('stop'),
    cleanup() {
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          pgCtl('stop')
        } catch {
          // Already stopping: the files go anyway.
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Commits empty transactions (each takes an xid) until the next xid is at
 * least `target`: a procedure looping over COMMIT, one round trip in all.
 */
export async function burnXidsTo(pool: Pool, target: bigint): Promise<bigint> {
  const client = await pool.connect()
  try {
    // A procedure in pg_temp is visible to its own session only: create and call on one.
    await client.query(`create or replace procedure pg_temp.watchfloor_burn_xids(target xid8)
      language plpgsql as $$
      begin
        while pg_current_xact_id() < target loop
          commit;
        end loop;
        commit;
      end $$`)
    await client.query('call pg_temp.watchfloor_burn_xids($1::xid8)', [target.toString()])
    const { rows } = await client.query<{ next: string }>(
      'select pg_snapshot_xmax(pg_current_snapshot())::text as next',
    )
    return BigInt(rows[0]?.next ?? '0')
  } finally {
    client.release()
  }
}
