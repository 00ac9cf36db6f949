// The Redis side of sync (DESIGN.md, "Sync", Redis): the ops event stream
// read with XREAD from the position stored in SQLite, gap detection against
// XINFO STREAM, and the live-only alert channel.
import type Database from 'better-sqlite3'
import type { SourceStatus } from '../../../shared/api/index.ts'
import {
  createRedisClient,
  describeTarget,
  explainRedisError,
  type FailureKind,
  type RedisClient,
  type RedisTarget,
} from './connection.ts'
import { startAlertChannel } from './alert-channel.ts'
import { detectGap, parseStreamInfo, type StreamInfo } from './gap-detection.ts'
import { readMetricSnapshots, type SnapshotResult } from './metric-snapshots.ts'
import {
  backoffDelay,
  createSourceStateReporter,
  type BackoffOptions,
  type SourceCondition,
} from '../source-state.ts'
import {
  STREAM_TABLES,
  parseStreamEntryBytes,
  type StreamEvent,
  type UpstreamAlert,
} from './stream-events.ts'
import {
  lastReportedDeletion,
  openStreamGaps,
  readStreamPosition,
  recordStreamError,
  recordStreamGap,
  storeStreamBatch,
  type AlertOrigin,
  type StreamGap,
} from './stream-store.ts'
import {
  createStreamWriter,
  type RawEntry,
  type RefusedEntry,
  type StoredEntries,
} from './stream-writer.ts'

export interface RedisSyncOptions {
  readonly db: Database.Database
  readonly redis: RedisTarget
  readonly tenant: string
  /** Default `ops:{tenant}:events`. */
  readonly streamKey?: string
  /** Default `ops:{tenant}:alerts`. */
  readonly alertChannel?: string
  /** Wake-up after each stored batch: these tables changed upstream (a hint, not the truth). */
  readonly onChange?: (tables: readonly string[]) => void
  /** Entries were lost before we read them: re-pull `gap.tables`, then resolveStreamGap(db, gap.id). */
  readonly onGap?: (gap: StreamGap) => void
  /** A new upstream alert (already stored in upstream_alerts, once per id). */
  readonly onAlert?: (alert: UpstreamAlert, origin: AlertOrigin) => void
  /** Each change of the source's state. */
  readonly onStatus?: (status: SourceStatus) => void
  readonly log: (line: string) => void
  /** Name shown in the status footer (default "Redis"). */
  readonly name?: string
  /** Tables a gap may hide changes to (default every table the stream announces). */
  readonly gapTables?: readonly string[]
  /** Where a cache that never read the stream starts (default the oldest entry kept). */
  readonly startFrom?: 'beginning' | 'now'
  /** Entries per XREAD, stored in one transaction (default STREAM_BATCH_SIZE). */
  readonly batchSize?: number
  /** XREAD BLOCK time; also how often a caught-up reader rechecks for gaps at the latest (default 5 s). */
  readonly blockMs?: number
  /** How often XINFO STREAM is compared with our position while connected (default 30 s). */
  readonly gapCheckIntervalMs?: number
  readonly backoff?: BackoffOptions
  readonly connectTimeoutMs?: number
  /** Path to better-sqlite3's .node file built for another ABI (Electron), for the writer thread. */
  readonly nativeBinding?: string
}

export interface RedisSyncStats {
  readonly lastId: string | null
  readonly stored: number
  readonly rejected: number
  readonly duplicates: number
  readonly gaps: number
  readonly alerts: number
}

export interface RedisSync {
  status(): SourceStatus
  stats(): RedisSyncStats
  /** Reads `analytics:metrics:{tenant}:{name}` (all names when none are given) into SQLite. */
  readMetricSnapshots(names?: readonly string[]): Promise<SnapshotResult>
  /** Closes the connections and resolves once the reader loop has ended. */
  stop(): Promise<void>
}

/**
 * Entries per XREAD by default, stored in one transaction. The bench's bare
 * XRANGE baseline reads pages of this size too, so the two compare like for like.
 */
export const STREAM_BATCH_SIZE = 1_000

/**
 * XREAD's reply left as bytes (`xreadBuffer`): only the values the checks read are decoded
 * (parseStreamEntryBytes).
 */
type XReadReply = [key: Buffer, entries: RawEntry[]][] | null

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

/** Resolves when `client` is ready, or when `signal` aborts. */
function whenReady(client: RedisClient, signal: AbortSignal): Promise<void> {
  if (client.status === 'ready' || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      client.off('ready', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    client.on('ready', done)
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Starts reading the tenant's stream and alert channel into `db`. Never
 * throws for an unreachable or misconfigured Redis: that is a state
 * (`offline` with the next retry, or `error` with a sentence), and it keeps
 * retrying with capped, fully jittered backoff.
 */
export function startRedisSync(options: RedisSyncOptions): RedisSync {
  const { db, tenant, log } = options
  const stream = options.streamKey ?? `ops:${tenant}:events`
  const channel = options.alertChannel ?? `ops:${tenant}:alerts`
  const endpoint = describeTarget(options.redis)
  const gapTables = options.gapTables ?? STREAM_TABLES
  const batchSize = options.batchSize ?? STREAM_BATCH_SIZE
  const blockMs = options.blockMs ?? 5_000
  const gapCheckIntervalMs = options.gapCheckIntervalMs ?? 30_000
  const reporter = createSourceStateReporter(options.name ?? 'Redis', options.onStatus)
  const abort = new AbortController()
  const counts = { stored: 0, rejected: 0, duplicates: 0, gaps: 0, alerts: 0 }

  let position = readStreamPosition(db, stream)
  let reportedDeletion = lastReportedDeletion(db, stream)
  let failure: { kind: FailureKind; message: string } | undefined
  let lastLogged: string | undefined

  const safely = (what: string, fn: () => void) => {
    try {
      fn()
    } catch (error) {
      // A failing callback is the caller's bug; it must not stop the reader.
      log(
        `Redis sync: ${what} callback failed: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
  const setState = (next: SourceCondition) => reporter.set(next)
  const noteFailure = (error: unknown) => {
    failure = explainRedisError(endpoint, error)
    if (failure.message !== lastLogged) {
      lastLogged = failure.message
      log(failure.message)
    }
    if (failure.kind === 'auth') setState({ state: 'error', message: failure.message })
  }

  const reader = createRedisClient(
    options.redis,
    {
      backoff: options.backoff,
      connectTimeoutMs: options.connectTimeoutMs,
      onRetry(delay) {
        if (abort.signal.aborted) return
        const message =
          failure?.message ?? `Cannot reach Redis at ${endpoint}: the connection was lost`
        setState(
          failure?.kind === 'auth'
            ? { state: 'error', message }
            : { state: 'offline', nextRetryAt: new Date(Date.now() + delay), message },
        )
      },
    },
    `watchfloor-stream-${tenant}`,
  )
  let commands: RedisClient | undefined

  reader.on('error', noteFailure)
  // Every new connection may face a different stream (a restarted server):
  // compare positions before the next read.
  let connection = 0
  reader.on('ready', () => {
    connection++
    failure = undefined
    lastLogged = undefined
  })
  const reportGap = (gap: StreamGap) => {
    log(
      `Redis stream ${gap.stream}: ${gap.kind === 'reset' ? 'the stream was reset' : 'entries were trimmed'} ` +
        `after ${gap.lastId ?? 'the start'} (oldest kept: ${gap.firstAvailable ?? 'none'}); ` +
        `re-pulling ${gap.tables.join(', ')} from Postgres`,
    )
    if (options.onGap) safely('onGap', () => options.onGap?.(gap))
  }

  const deliverAlert = (alert: UpstreamAlert, origin: AlertOrigin) => {
    counts.alerts++
    if (options.onAlert) safely('onAlert', () => options.onAlert?.(alert, origin))
  }

  /** Sends XINFO STREAM now (so it is pipelined ahead of any command sent after it). */
  const readInfo = (): Promise<StreamInfo | null> =>
    reader.call('XINFO', 'STREAM', stream).then(parseStreamInfo, (error: unknown) => {
      if (error instanceof Error && /no such key/i.test(error.message)) return null
      throw error
    })

  // The last entry read: ahead of `position` (the last stored) while a batch is being stored.
  // Reads go on from here; a failed store sets it back to the position.
  let readPosition = position
  // The batch being stored while the next is read (a backlog's; see run), and its entries.
  let storing: { readonly done: Promise<void>; readonly entries: readonly RawEntry[] } | undefined
  /** Waits for the batch being stored, if any (its failure is thrown here). */
  const drain = async () => {
    const batch = storing
    storing = undefined
    if (batch) await batch.done
  }
  /** Whether `id` is an entry of the batch being stored (read, not yet stored). */
  const beingStored = (id: string) =>
    storing?.entries.some(([entry]) => entry.toString('latin1') === id) ?? false

  // What the previous gap check saw, for deletions between two checks.
  let checkedPosition = position
  const rejectedSinceCheck = new Set<string>()
  const wasStored = db.prepare('SELECT 1 FROM events WHERE stream_id = ?')

  /** `infoRequest`: an XINFO STREAM already sent (see the read-ahead in run). */
  const checkForGap = async (infoRequest: Promise<StreamInfo | null> = readInfo()) => {
    const info = await infoRequest
    if (position === null) {
      position = options.startFrom === 'now' ? (info?.lastGeneratedId ?? '0-0') : '0-0'
      readPosition = position
      checkedPosition = position
      return
    }
    // Against what has been read: a batch being stored is in hand, and if its store fails the
    // reader goes back to the position, where the next check looks again.
    const read = readPosition ?? position
    const decision = detectGap(read, info, reportedDeletion, {
      position: checkedPosition,
      wasRead: (id) =>
        rejectedSinceCheck.has(id) || wasStored.get(id) !== undefined || beingStored(id),
    })
    checkedPosition = read
    rejectedSinceCheck.clear()
    if (!decision.gap) return
    // Recorded (with a reset's new position) after the batch being stored, which moves the
    // position too.
    await drain()
    const gap = recordStreamGap(
      db,
      {
        stream,
        kind: decision.kind,
        lastId: read,
        firstAvailable: decision.firstAvailable,
        maxDeletedId: decision.maxDeletedId,
        tables: gapTables,
      },
      decision.newPosition,
    )
    counts.gaps++
    if (decision.maxDeletedId !== null) reportedDeletion = decision.maxDeletedId
    if (decision.newPosition !== null) {
      position = decision.newPosition
      readPosition = position
      reportedDeletion = null
    }
    reportGap(gap)
  }

  // A backlog's batches are checked and stored on a thread of its own while this one decodes
  // the next reply (stream-writer.ts).
  const writer = createStreamWriter(db, { nativeBinding: options.nativeBinding, log })

  /** Checks and stores a batch on this thread. */
  const storeHere = (entries: readonly RawEntry[], last: string): StoredEntries => {
    const events: StreamEvent[] = []
    const refused: RefusedEntry[] = []
    for (const [idBytes, fields] of entries) {
      // Stream ids are ASCII ("<ms>-<seq>").
      const id = idBytes.toString('latin1')
      const parsed = parseStreamEntryBytes(id, fields, tenant)
      if (parsed.ok) events.push(parsed.event)
      else refused.push({ streamId: id, reason: parsed.reason })
    }
    return { result: storeStreamBatch(db, stream, tenant, events, last), refused }
  }

  const storeReply = async (reply: XReadReply) => {
    for (const [, entries] of reply ?? []) {
      const lastBytes = entries.at(-1)?.[0]
      if (lastBytes === undefined) continue
      const last = lastBytes.toString('latin1')
      const { result, refused } = await writer.store(
        { stream, tenant, entries, lastId: last },
        () => storeHere(entries, last),
      )
      for (const entry of refused) {
        counts.rejected++
        rejectedSinceCheck.add(entry.streamId)
        log(`Redis stream ${stream}: skipped entry ${entry.streamId}: ${entry.reason}`)
      }
      position = last
      counts.stored += result.stored
      counts.duplicates += result.duplicates
      if (result.tables.length > 0 && options.onChange) {
        safely('onChange', () => options.onChange?.(result.tables))
      }
      for (const alert of result.newAlerts) deliverAlert(alert, 'stream')
    }
  }

  // The next XREAD, sent before the current batch was stored (from: the id it reads after).
  let readAhead: { readonly from: string; readonly reply: Promise<XReadReply> } | undefined

  const run = async () => {
    let attempt = 0
    // Gaps found before a restart whose re-pull was never confirmed.
    for (const gap of openStreamGaps(db, stream)) reportGap(gap)
    while (!abort.signal.aborted) {
      try {
        await whenReady(reader, abort.signal)
        if (abort.signal.aborted) break
        setState({ state: 'syncing' })
        let checkedConnection = connection
        await checkForGap()
        let lastCheck = Date.now()
        setState({ state: 'live' })
        attempt = 0
        while (!abort.signal.aborted) {
          const from = readPosition ?? position ?? '0-0'
          const ahead = readAhead
          readAhead = undefined
          const reply: XReadReply =
            ahead !== undefined && ahead.from === from
              ? await ahead.reply
              : await reader.xreadBuffer(
                  'COUNT',
                  batchSize,
                  'BLOCK',
                  blockMs,
                  'STREAMS',
                  stream,
                  from,
                )
          // A full batch means we are catching up on a backlog, which is when
          // producer trimming (XADD MAXLEN) can overtake us: check before
          // every such read, while our position is still in the stream.
          const entries = reply?.[0]?.[1]
          const full = (entries?.length ?? 0) >= batchSize
          let infoRequest: Promise<StreamInfo | null> | undefined
          if (full) {
            // On a backlog, send that check and the next read now, before
            // storing this batch: Redis answers both while SQLite writes,
            // instead of two round trips after it. On one connection they
            // run in order, so XINFO still precedes the read it vouches for.
            // The next read does not block (the batch was full, so more is
            // likely waiting), and is dropped unharmed if this batch fails
            // to store or the check moves the position (a reset stream).
            infoRequest = readInfo()
            const next = entries?.at(-1)?.[0].toString('latin1') ?? from
            readAhead = {
              from: next,
              reply: reader.xreadBuffer('COUNT', batchSize, 'STREAMS', stream, next),
            }
            // Their failures surface where they are awaited, if they are.
            infoRequest.catch(() => {})
            readAhead.reply.catch(() => {})
          }
          // A backlog's batch is stored while the next is read and decoded: the batch before
          // it is waited for first, so at most two are in hand (one being stored, one given).
          const done = storeReply(reply)
          done.catch(() => {})
          const last = entries?.at(-1)?.[0]
          if (last !== undefined) readPosition = last.toString('latin1')
          const previous = storing
          storing = full && entries ? { done, entries } : undefined
          if (previous) await previous.done
          if (!full) await done
          if (
            infoRequest !== undefined ||
            Date.now() - lastCheck >= gapCheckIntervalMs ||
            checkedConnection !== connection
          ) {
            checkedConnection = connection
            await checkForGap(infoRequest)
            lastCheck = Date.now()
          }
          if (reporter.current().state !== 'live') setState({ state: 'live' })
        }
      } catch (error) {
        readAhead = undefined
        // A batch given after a failed one is not stored: go on from the position.
        await drain().catch(() => {})
        readPosition = position
        writer.resume()
        if (abort.signal.aborted) break
        const explained = explainRedisError(endpoint, error)
        if (reader.status === 'ready' || explained.kind === 'other') {
          // Connected but failing (a wrong key type, a full disk under SQLite):
          // say so, keep the position, and retry on the backoff schedule.
          const message =
            explained.kind === 'other' && !(error instanceof Error && 'command' in error)
              ? `Redis sync could not store the stream: ${error instanceof Error ? error.message : String(error)}`
              : explained.message
          if (message !== lastLogged) log(message)
          lastLogged = message
          try {
            recordStreamError(db, stream, message)
          } catch {
            // The cache itself failing is reported by the message above.
          }
          setState({ state: 'error', message })
          await sleep(backoffDelay(attempt++, options.backoff), abort.signal)
        }
        // Otherwise the connection dropped: the client's retry schedule and
        // its events drive the state; wait for it to be ready again.
      }
    }
    // Stopped: the batch being stored settles (and says what it stored) before the writer ends.
    await drain().catch(() => {})
  }

  void reader.connect().catch(() => {
    // Reported through the 'error' event; ioredis keeps retrying.
  })
  const alerts = startAlertChannel(db, options, channel, endpoint, {
    stored: (alert) => deliverAlert(alert, 'pubsub'),
    rejected: () => counts.rejected++,
  })
  const running = run()

  return {
    status: () => reporter.status(),
    stats: () => ({ lastId: position, ...counts }),
    async readMetricSnapshots(names) {
      if (!commands) {
        commands = createRedisClient(
          options.redis,
          {
            backoff: options.backoff,
            connectTimeoutMs: options.connectTimeoutMs,
            onRetry: () => {},
          },
          `watchfloor-metrics-${tenant}`,
        )
        commands.on('error', () => {})
        await commands.connect()
      }
      try {
        return await readMetricSnapshots(commands, db, tenant, names)
      } catch (error) {
        throw new Error(explainRedisError(endpoint, error).message, { cause: error })
      }
    },
    async stop() {
      abort.abort()
      reader.disconnect()
      alerts.disconnect()
      commands?.disconnect()
      await running
      await writer.close()
    },
  }
}
