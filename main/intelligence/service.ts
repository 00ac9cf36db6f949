// The core's intelligence service (issue 16): runs a recompute off the thread that answers the
// api, after syncs moved enough lead rows and on demand, one at a time, and reports its progress
// as `intel.changed`. A request while one runs is run after it (once, whatever asked).
//
// Where the worker's code comes from: from the TypeScript sources (tests, tsx, the CLI or app
// run from a checkout) the worker registers tsx and imports main/intelligence/worker.ts; a build
// that ships `intel-worker.js` beside the core runs that. A build with neither (a packaged app
// whose bundler was not given the worker entry) recomputes on the core's thread, and logs it.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { KpiTargets } from '../../shared/api/index.ts'
import type { IntelStatus } from '../../shared/api/intelligence.ts'
import { liveLeadCount } from '../metrics/index.ts'
import { DEFAULT_TARGETS } from '../metrics/registry.ts'
import type { Store } from '../store/index.ts'
import { readResult, recompute, type RecomputeOutcome } from './compute.ts'
import { rebuildJourneys } from './journeys.ts'
import type { WorkerInput, WorkerMessage } from './worker.ts'

/** Progress events at most this often while a phase runs (state changes always go out). */
const PROGRESS_EVERY_MS = 200
/** Lead rows a sync must move before a recompute: this many, or this share of the leads. */
export const RECOMPUTE_MIN_ROWS = 1_000
export const RECOMPUTE_SHARE = 0.02

export type IntelTrigger = NonNullable<IntelStatus['trigger']>

export interface IntelligenceDeps {
  readonly db: Store
  /** The cache file; ':memory:' recomputes in-process (a worker cannot share it). */
  readonly dbPath: string
  readonly nativeBinding?: string
  readonly targets?: KpiTargets
  readonly log: (line: string) => void
  readonly emit: (status: IntelStatus) => void
  /** Lead rows that trigger a recompute (default: max(RECOMPUTE_MIN_ROWS, 2 % of the leads)). */
  readonly recomputeAfterChanges?: number
  readonly now?: () => number
}

export interface Intelligence {
  status(): IntelStatus
  /** Starts a recompute (or queues one behind the running one) and answers at once. */
  recompute(trigger: IntelTrigger, force?: boolean): IntelStatus
  /** A sync committed `rows` lead changes. */
  noteChanges(rows: number): void
  /** Starts a first recompute when nothing is stored yet (the first read of a view asks). */
  ensureComputed(): void
  /**
   * Infers every lead's journey again in the worker (at start when they are stale, after a bulk
   * load): seconds to a minute at a million leads, which must not hold the api's thread.
   */
  rebuildJourneys(): void
  close(): Promise<void>
}

type Source =
  | { readonly kind: 'file'; readonly url: URL }
  | { readonly kind: 'tsx'; readonly entry: string; readonly tsx: string }

/** How the worker is started here, or null when it cannot be (then in-process). */
export function workerSource(self: string = import.meta.url): Source | null {
  // tsx's ESM api (its `import` export): the require condition's CommonJS build cannot load
  // the ESM half from a worker. Read from its package.json, which resolves the same under tsx,
  // vitest and a bundle.
  const tsxApi = (): string | null => {
    try {
      const pkgPath = createRequire(self).resolve('tsx/package.json')
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
        exports?: Record<string, { import?: string | { default?: string } }>
      }
      const entry = pkg.exports?.['./esm/api']?.import
      const file = typeof entry === 'string' ? entry : entry?.default
      return file ? new URL(file, pathToFileURL(pkgPath)).href : null
    } catch {
      return null
    }
  }
  if (self.endsWith('.ts')) {
    const tsx = tsxApi()
    return tsx ? { kind: 'tsx', entry: new URL('./worker.ts', self).href, tsx } : null
  }
  const built = new URL('./intel-worker.js', self)
  if (existsSync(fileURLToPath(built))) return { kind: 'file', url: built }
  // A bundle in out/<name>/ of a checkout: the sources are two levels up.
  const source = new URL('../../main/intelligence/worker.ts', self)
  const tsx = tsxApi()
  if (tsx && existsSync(fileURLToPath(source))) return { kind: 'tsx', entry: source.href, tsx }
  return null
}

// Plain JavaScript (an eval'd worker is CommonJS): registers tsx's loader in this thread, then
// imports the TypeScript entry.
const TSX_BOOTSTRAP = `
const { workerData } = require('node:worker_threads')
import(workerData.tsx).then((api) => { api.register(); return import(workerData.entry) })
`

function startWorker(source: Source, input: WorkerInput): Worker {
  if (source.kind === 'file') return new Worker(source.url, { workerData: input })
  return new Worker(TSX_BOOTSTRAP, {
    eval: true,
    workerData: { ...input, entry: source.entry, tsx: source.tsx },
  })
}

export function createIntelligence(deps: IntelligenceDeps): Intelligence {
  const now = deps.now ?? Date.now
  const targets = deps.targets ?? DEFAULT_TARGETS
  const iso = (ms: number) => new Date(ms).toISOString()
  const stored = readResult<unknown>(deps.db, 'model')
  let state: IntelStatus = {
    state: 'idle',
    trigger: null,
    phase: stored ? 'Results stored' : 'Not computed yet',
    done: 0,
    total: 0,
    startedAt: null,
    endedAt: null,
    result: null,
    computedAt: stored ? iso(stored.computedAt) : null,
    inputsHash: stored?.inputsHash ?? null,
    changedSinceRecompute: 0,
    recomputeAfterChanges: deps.recomputeAfterChanges ?? RECOMPUTE_MIN_ROWS,
  }
  let queued: { trigger: IntelTrigger; force: boolean } | null = null
  let worker: Worker | null = null
  let closed = false
  let lastSent = 0
  let warnedInProcess = false

  const update = (patch: Partial<IntelStatus>, force = true) => {
    state = { ...state, ...patch }
    const t = now()
    if (force || t - lastSent >= PROGRESS_EVERY_MS) {
      lastSent = t
      deps.emit(state)
    }
  }
  const threshold = (): number =>
    deps.recomputeAfterChanges ??
    Math.max(RECOMPUTE_MIN_ROWS, Math.round(RECOMPUTE_SHARE * liveLeadCount(deps.db)))

  const finished = (outcome: RecomputeOutcome | null, error: string | null) => {
    worker = null
    if (closed) return
    if (outcome) {
      deps.log(`intelligence: ${outcome.sentence}`)
      update({
        state: 'done',
        phase: 'Done',
        done: state.total,
        result: outcome.sentence,
        endedAt: iso(now()),
        computedAt: iso(outcome.computedAt),
        inputsHash: outcome.inputsHash,
      })
    } else {
      deps.log(`intelligence: recompute failed: ${error}`)
      update({ state: 'failed', phase: 'Failed', result: error, endedAt: iso(now()) })
    }
    const next = queued
    queued = null
    if (next) run(next.trigger, next.force)
  }

  const run = (trigger: IntelTrigger, force: boolean) => {
    update({
      state: 'running',
      trigger,
      phase: 'Starting',
      done: 0,
      total: 0,
      startedAt: iso(now()),
      endedAt: null,
      result: null,
      changedSinceRecompute: 0,
      recomputeAfterChanges: threshold(),
    })
    const progress = (phase: string, done: number, total: number) =>
      update({ phase, done, total }, phase === state.phase ? false : true)
    const source = deps.dbPath === ':memory:' ? null : workerSource()
    if (!source) {
      if (deps.dbPath !== ':memory:' && !warnedInProcess) {
        warnedInProcess = true
        deps.log(
          'intelligence: no worker entry in this build (intel-worker.js); recomputing on the core thread',
        )
      }
      setImmediate(() => {
        if (closed) return
        try {
          finished(recompute(deps.db, { targets, force, progress }), null)
        } catch (error) {
          finished(null, error instanceof Error ? error.message : String(error))
        }
      })
      return
    }
    const w = startWorker(source, {
      marker: 'watchfloor-intel',
      path: deps.dbPath,
      nativeBinding: deps.nativeBinding ?? null,
      targets,
      force,
      task: 'recompute',
    })
    worker = w
    let answered = false
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') progress(m.phase, m.done, m.total)
      else if (m.type !== 'journeys') {
        answered = true
        void w.terminate()
        finished(m.type === 'done' ? m.outcome : null, m.type === 'error' ? m.message : null)
      }
    })
    w.once('error', (error) => {
      if (answered) return
      answered = true
      finished(null, error.message)
    })
    w.once('exit', (code) => {
      if (answered) return
      answered = true
      finished(null, `the recompute worker ended (code ${code})`)
    })
  }

  let journeysWorker: Worker | null = null
  let journeysRunning = false
  // After a failed inference (the write lock held past the worker's patience, a full disk) the
  // core asks again every tick while the journeys are unfinished: it starts again only after a
  // pause that doubles from 1 s up to a minute.
  let journeysPauseMs = 0
  let journeysRetryAt = 0
  const journeysDone = (text: string, failed = false) => {
    journeysRunning = false
    journeysWorker = null
    journeysPauseMs = failed ? Math.min(60_000, Math.max(1_000, journeysPauseMs * 2)) : 0
    journeysRetryAt = failed ? now() + journeysPauseMs : 0
    if (closed) return
    deps.log(`intelligence: ${text}`)
    // Views showing the Sankey read it again.
    update({ phase: text })
  }
  const rebuildJourneysOffThread = () => {
    if (closed || journeysRunning || now() < journeysRetryAt) return
    journeysRunning = true
    const started = now()
    const source = deps.dbPath === ':memory:' ? null : workerSource()
    if (!source) {
      setImmediate(() => {
        if (closed) return
        try {
          const n = rebuildJourneys(deps.db)
          journeysDone(
            `Lead journeys inferred for ${n.toLocaleString('en-US')} leads in ${((now() - started) / 1000).toFixed(1)} s`,
          )
        } catch (error) {
          journeysDone(`Inferring lead journeys failed: ${(error as Error).message}`, true)
        }
      })
      return
    }
    const w = startWorker(source, {
      marker: 'watchfloor-intel',
      path: deps.dbPath,
      nativeBinding: deps.nativeBinding ?? null,
      targets,
      force: false,
      task: 'journeys',
    })
    journeysWorker = w
    let answered = false
    const end = (text: string, failed = true) => {
      if (answered) return
      answered = true
      void w.terminate()
      journeysDone(text, failed)
    }
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'journeys')
        end(
          `Lead journeys inferred for ${m.leads.toLocaleString('en-US')} leads in ${m.seconds.toFixed(1)} s`,
          false,
        )
      else if (m.type === 'error') end(`Inferring lead journeys failed: ${m.message}`)
    })
    w.once('error', (error) => end(`Inferring lead journeys failed: ${error.message}`))
    w.once('exit', (code) => end(`The journeys worker ended (code ${code})`))
  }

  return {
    status: () => state,
    rebuildJourneys: rebuildJourneysOffThread,
    recompute(trigger, force = false) {
      if (closed) return state
      if (state.state === 'running') {
        queued = { trigger, force: force || (queued?.force ?? false) }
        return state
      }
      run(trigger, force)
      return state
    },
    noteChanges(rows) {
      if (closed || rows <= 0) return
      const changed = state.changedSinceRecompute + rows
      const limit = threshold()
      update({ changedSinceRecompute: changed, recomputeAfterChanges: limit }, false)
      if (changed >= limit) {
        if (state.state === 'running') queued ??= { trigger: 'sync', force: false }
        else run('sync', false)
      }
    },
    ensureComputed() {
      if (state.computedAt === null && state.state === 'idle') run('demand', false)
    },
    async close() {
      closed = true
      queued = null
      const w = worker
      worker = null
      if (w) await w.terminate()
      const j = journeysWorker
      journeysWorker = null
      if (j) await j.terminate()
    },
  }
}
