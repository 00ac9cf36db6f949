// `watchfloor upstream install | uninstall | prune`: manages the change log
// in the upstream Postgres (DESIGN.md, "Sync"). Takes parsed options; the
// commander wiring lives in main/cli/index.ts.
import { readFileSync } from 'node:fs'
import { Pool } from 'pg'
import {
  installChangeLog,
  pruneChangeLog,
  uninstallChangeLog,
} from '../../sync/postgres/change-log.ts'
import { opsManifest, parseManifest, type SyncManifest } from '../../sync/manifest.ts'
import {
  describePostgresFailure,
  endpointOf,
  redactConnectionString,
} from '../../sync/postgres/failures.ts'

export interface UpstreamOptions {
  readonly pg: string
  readonly schema?: string
  /** A JSON manifest file; default the ops manifest. */
  readonly manifest?: string
}

export interface CommandOutput {
  readonly out: (line: string) => void
}

const stdout: CommandOutput = { out: (line) => process.stdout.write(`${line}\n`) }

export function loadManifest(file: string | undefined): SyncManifest {
  if (!file) return opsManifest
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the manifest ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`The manifest ${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return parseManifest(json)
}

/** `30d`, `12h`, `15m`, `90s`, `500ms` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(text.trim())
  if (!match) throw new Error(`"${text}" is not a duration; write it like 30d, 12h, 15m or 90s`)
  const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd' | 'w'
  ]
  return Number(match[1]) * unit
}

async function withPool<T>(url: string, body: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({
    connectionString: url,
    max: 1,
    connectionTimeoutMillis: 5_000,
    application_name: 'watchfloor-upstream',
  })
  pool.on('error', () => undefined)
  try {
    return await body(pool)
  } catch (error) {
    if (error instanceof Error && !('code' in error)) throw error
    throw new Error(describePostgresFailure(error, endpointOf(url)).message, { cause: error })
  } finally {
    await pool.end().catch(() => undefined)
  }
}

export async function upstreamInstall(
  options: UpstreamOptions,
  io: CommandOutput = stdout,
): Promise<void> {
  const schema = options.schema ?? 'public'
  const manifest = loadManifest(options.manifest)
  await withPool(options.pg, async (pool) => {
    await installChangeLog(pool, schema, manifest)
  })
  io.out(
    `Installed the Watchfloor change log in schema "${schema}" at ${redactConnectionString(options.pg)} ` +
      `(${manifest.tables.length} tables: ${manifest.tables.map((t) => t.upstream).join(', ')})`,
  )
}

export async function upstreamUninstall(
  options: UpstreamOptions,
  io: CommandOutput = stdout,
): Promise<void> {
  const schema = options.schema ?? 'public'
  const manifest = loadManifest(options.manifest)
  await withPool(options.pg, (pool) => uninstallChangeLog(pool, schema, manifest))
  io.out(
    `Removed the Watchfloor change log from schema "${schema}" at ${redactConnectionString(options.pg)}; ` +
      'clients fall back to polling (approximate)',
  )
}

export async function upstreamPrune(
  options: UpstreamOptions & { readonly olderThan: string },
  io: CommandOutput = stdout,
): Promise<void> {
  const schema = options.schema ?? 'public'
  const olderThanMs = parseDuration(options.olderThan)
  const result = await withPool(options.pg, (pool) => pruneChangeLog(pool, schema, olderThanMs))
  io.out(
    `Pruned ${result.deleted.toLocaleString('en-US')} change-log entries older than ${options.olderThan} ` +
      `from schema "${schema}"; clients behind xid ${result.prunedThrough} will re-copy their tables`,
  )
}
