// `watchfloor sync`: runs the Postgres sync headless into a cache file, once
// (until caught up) or following changes until Ctrl-C. Prints progress with
// rows/s and never a password. Takes parsed options; the commander wiring
// lives in main/cli/index.ts.
import type { ConnectionProfile } from '../../config/connection-profile.ts'
import { startSources, type Sources } from '../../core/start-sources.ts'
import { openStore, startCheckpointer } from '../../store/index.ts'
import { redactConnectionString } from '../../sync/postgres/failures.ts'
import type { PostgresSyncStatus } from '../../sync/postgres/status.ts'
import { defaultDbPath, ensureParentDir } from '../paths.ts'
import { loadManifest } from './upstream.ts'

export interface SyncCommandOptions {
  readonly pg: string
  readonly schema?: string
  readonly tenant?: string
  readonly db?: string
  readonly manifest?: string
  /** Sync until caught up, then exit (the default unless --follow). */
  readonly once?: boolean
  /** Keep following changes until SIGINT/SIGTERM or `signal`. */
  readonly follow?: boolean
  /** Rows per SQLite transaction. */
  readonly batch?: number
  /** Timer fallback between pulls, ms. */
  readonly interval?: number
  readonly feed?: 'auto' | 'changelog' | 'poll'
  /** With --follow: read the ops event stream here too (it wakes the pull; needs --tenant). */
  readonly redis?: string
  /** With --follow: live pushes from this Socket.IO operations server (token: $WATCHFLOOR_IO_TOKEN). */
  readonly io?: string
}

export interface SyncCommandIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly signal?: AbortSignal
}

const processIo: SyncCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

export async function syncCommand(
  options: SyncCommandOptions,
  io: SyncCommandIo = processIo,
): Promise<PostgresSyncStatus> {
  const dbPath = options.db ?? defaultDbPath()
  const schema = options.schema ?? 'public'
  const follow = options.follow === true && options.once !== true
  ensureParentDir(dbPath)
  const manifest = loadManifest(options.manifest)
  const db = openStore(dbPath)
  const checkpointer = startCheckpointer(db, { log: io.err })
  io.err(
    `sync: ${redactConnectionString(options.pg)} schema "${schema}"` +
      `${options.tenant ? ` tenant "${options.tenant}"` : ''} → ${dbPath}` +
      `${follow ? ' (following; stop with Ctrl-C)' : ''}`,
  )
  const started = Date.now()
  const copied = new Map<string, { rows: number; at: number; startedAt: number }>()
  let lastLine = 0
  let sources: Sources | undefined
  const onStop = () => void sources?.stop()
  process.once('SIGINT', onStop)
  process.once('SIGTERM', onStop)
  io.signal?.addEventListener('abort', onStop, { once: true })
  const tenant = options.tenant
  const hinted = follow && tenant !== undefined
  if ((options.redis || options.io) && !hinted) {
    io.err(
      'sync: --redis and --io are used with --follow and --tenant; ignoring them for a one-off sync',
    )
  }
  // The same wiring as the app's (startSources), from the flags instead of a profile.
  const token = process.env.WATCHFLOOR_IO_TOKEN
  const profile: ConnectionProfile = {
    postgres: { url: options.pg, schema, feed: 'changelog' },
    ...(hinted && options.redis ? { redis: { url: options.redis } } : {}),
    ...(hinted && options.io ? { socketio: { url: options.io, ...(token ? { token } : {}) } } : {}),
    ...(tenant ? { tenant } : {}),
    rowFilters: {},
    syncIntervalMs: options.interval ?? 5_000,
  }
  try {
    sources = startSources(
      db,
      profile,
      {
        log: io.err,
        onProgress: (table, phase, rows) => {
          const now = Date.now()
          const entry = copied.get(table) ?? { rows: 0, at: now, startedAt: now }
          entry.rows = rows
          entry.at = now
          copied.set(table, entry)
          if (now - lastLine >= 1_000) {
            lastLine = now
            const perSecond = rows / Math.max(0.001, (now - entry.startedAt) / 1000)
            io.err(
              `${table}: ${fmt(rows)} rows ${phase === 'snapshot' ? 'copied' : 'applied'} (${fmt(perSecond)} rows/s)`,
            )
          }
        },
      },
      {
        once: !follow,
        feed: options.feed ?? 'auto',
        ...(manifest ? { manifest } : {}),
        ...(options.batch ? { batchRows: options.batch } : {}),
      },
    )
    const sync = sources.postgres
    if (!sync) throw new Error('sync: no Postgres source')
    if (follow) {
      const report = setInterval(() => {
        const s = sync.status()
        io.err(
          `${s.name}: ${s.state}${s.message ? ` — ${s.message}` : ''} (${fmt(s.rowsPerSecond)} rows/s)`,
        )
      }, 10_000)
      report.unref()
      try {
        await sources.done
      } finally {
        clearInterval(report)
      }
    } else {
      await sources.done
    }
    const status = sync.status()
    const rows = status.tables.reduce((sum, t) => sum + t.rowsApplied, 0)
    const seconds = (Date.now() - started) / 1000
    io.out(
      `Synced ${dbPath}: ${status.tables.map((t) => `${t.table} ${t.state}`).join(', ')}; ` +
        `${fmt(rows)} rows applied in total, ${seconds.toFixed(1)} s this run`,
    )
    return status
  } finally {
    process.off('SIGINT', onStop)
    process.off('SIGTERM', onStop)
    await sources?.stop()
    await checkpointer.stop()
    db.close()
  }
}
