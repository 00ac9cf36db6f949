// The upstream and the sync as the tests drive them through the real bin:
// the servers' URLs, `sync` argument lists, and `upstream install | prune`
// that fail the test with their stderr when they do not exit 0.
import { runCli, type CliResult } from './cli.ts'

export const TEST_PG_URL =
  process.env.WATCHFLOOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
export const TEST_REDIS_URL = process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

export interface SyncArgs {
  readonly pg?: string
  readonly schema: string
  readonly db: string
  readonly mode?: '--once' | '--follow'
  readonly tenant?: string
  readonly batch?: number
  readonly redis?: string
}

/** `watchfloor sync …` as an argument list. */
export function syncArgs(o: SyncArgs): string[] {
  return [
    'sync',
    o.mode ?? '--once',
    '--pg',
    o.pg ?? TEST_PG_URL,
    '--schema',
    o.schema,
    '--db',
    o.db,
    ...(o.tenant ? ['--tenant', o.tenant] : []),
    ...(o.batch ? ['--batch', String(o.batch)] : []),
    ...(o.redis ? ['--redis', o.redis] : []),
  ]
}

async function succeed(args: string[]): Promise<CliResult> {
  const result = await runCli(args)
  if (result.code !== 0) {
    throw new Error(`watchfloor ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
  }
  return result
}

export const installChangeLogWithCli = (schema: string, pg = TEST_PG_URL) =>
  succeed(['upstream', 'install', '--pg', pg, '--schema', schema])

export const pruneChangeLogWithCli = (schema: string, olderThan: string, pg = TEST_PG_URL) =>
  succeed(['upstream', 'prune', '--pg', pg, '--schema', schema, '--older-than', olderThan])
