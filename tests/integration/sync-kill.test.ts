// Kill-resume, adversarially (issue 8): the real `watchfloor sync --follow`
// is SIGKILLed at every step boundary of snapshot → index rebuild → replay →
// follow (deterministic kill points, WATCHFLOOR_STEP_POINT=kill:<step>:<n>),
// again over a re-snapshot forced by a prune, and then at random moments —
// while the chaos writer inserts, updates, soft and hard deletes, changes
// keys, moves rows between tenants, rolls back savepoints and holds
// transactions open for seconds. After a final `sync --once` the cache must
// equal upstream row by row and column by column, every time.
//
// One seed runs in `npm test`; `npm run test:stress` runs 50
// (WATCHFLOOR_STRESS_SEEDS=50). A failing seed replays with WF_KILL_SEED=<seed>.
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../main/demo/generator.ts'
import { dropUpstream, seedUpstream } from '../../main/demo/upstream.ts'
import { openStore } from '../../main/store/index.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { STEP_POINT_ENV, SYNC_STEPS, type SyncStep } from '../../main/sync/step-points.ts'
import { diffWithUpstream } from '../../main/sync/postgres/verify.ts'
import { lcg, runChaosWriter } from '../support/chaos-writer.ts'
import { runCli, startCli } from '../support/cli.ts'
import {
  installChangeLogWithCli,
  pruneChangeLogWithCli,
  syncArgs,
  TEST_PG_URL,
} from '../support/upstream-cli.ts'
import { tempDir } from '../support/temp.ts'

const SCHEMA = `wf_sync_kill_${process.pid}_${Date.now()}`
const TENANT = 'demo'
const SEEDS = Math.max(1, Number(process.env.WATCHFLOOR_STRESS_SEEDS ?? 1))
const FIRST_SEED = Number(process.env.WF_KILL_SEED ?? 20260601)
const RANDOM_KILLS = 5
/** A step a run never reaches (no snapshot in it, say) is killed after this long anyway. */
const UNREACHED_MS = 15_000

let pool: Pool
const temp = tempDir('watchfloor-sync-kill-')

beforeAll(async () => {
  pool = new Pool({ connectionString: TEST_PG_URL, max: 6 })
  await seedUpstream({
    pg: pool,
    schema: SCHEMA,
    dataset: generateDemo({ seed: 11, leads: 20_000, endAt: Date.parse('2026-06-01T12:00:00Z') }),
  })
  await installChangeLogWithCli(SCHEMA)
})

afterAll(async () => {
  await dropUpstream(pool, SCHEMA)
  await pool.end()
  temp.cleanup()
})

const syncArgsFor = (db: string, mode: '--follow' | '--once') =>
  syncArgs({ schema: SCHEMA, tenant: TENANT, db, mode, batch: 300 })

/** How far into each step's arrivals a kill may land. */
const SPREAD: Record<SyncStep, number> = {
  'snapshot-begun': 3,
  'snapshot-chunk': 40,
  'snapshot-copied': 3,
  'indexes-rebuilt': 1,
  'pull-read': 6,
  'pull-applied': 6,
  'cycle-done': 4,
}

type Outcome = 'killed at step' | 'killed unreached' | 'killed at random'

/** Runs `sync --follow` until the kill point, or SIGKILLs it after `delayMs` from its first output. */
async function runAndKill(
  db: string,
  plan: { step: SyncStep; nth: number } | { delayMs: number },
): Promise<Outcome> {
  const env = 'step' in plan ? { [STEP_POINT_ENV]: `kill:${plan.step}:${plan.nth}` } : {}
  const sync = startCli(syncArgsFor(db, '--follow'), env)
  let outcome: Outcome = 'step' in plan ? 'killed unreached' : 'killed at random'
  try {
    if ('step' in plan) {
      await sync
        .waitFor(/step point kill at/, UNREACHED_MS)
        .then(() => (outcome = 'killed at step'))
        .catch(() => undefined)
    } else {
      await sync.waitFor(/./)
      await new Promise((resolve) => setTimeout(resolve, plan.delayMs))
    }
  } finally {
    sync.child.kill('SIGKILL')
  }
  const result = await sync.exited
  if (result.signal !== 'SIGKILL') {
    throw new Error(`sync ended on its own (${result.code}):\n${result.stderr}`)
  }
  return outcome
}

async function killSeed(seed: number): Promise<void> {
  const db = `${temp.dir}/cache-${seed}.sqlite`
  const random = lcg(seed)
  const nth = (step: SyncStep) => 1 + Math.floor(random() * SPREAD[step])
  const controller = new AbortController()
  const writer = runChaosWriter({
    pool,
    schema: SCHEMA,
    seed,
    signal: controller.signal,
    tenants: [TENANT, 'elsewhere'],
  })
  const reached = new Set<string>()
  const log: string[] = []
  try {
    // The first copy, then a re-copy over cached rows (forced by a prune):
    // a kill between every pair of steps of each.
    for (const round of ['first copy', 're-copy'] as const) {
      if (round === 're-copy') await pruneChangeLogWithCli(SCHEMA, '0s')
      for (const step of SYNC_STEPS) {
        // A round's first kill lands in its first snapshot; in the first copy
        // the end of the leads' copy is killed, so the next run rebuilds the
        // indexes dropped for it (a small table may have none to rebuild).
        const n =
          step === 'snapshot-begun' || (round === 'first copy' && step === 'snapshot-copied')
            ? 1
            : nth(step)
        const outcome = await runAndKill(db, { step, nth: n })
        log.push(`${round}: ${step}:${n} ${outcome}`)
        if (outcome === 'killed at step') reached.add(`${round} ${step}`)
      }
    }
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const delayMs = Math.floor(random() * 2_500)
      log.push(`random ${delayMs} ms: ${await runAndKill(db, { delayMs })}`)
    }
  } finally {
    controller.abort()
  }
  const written = await writer
  expect(written.committed).toBeGreaterThan(50)
  for (const kind of ['key change', 'tenant move', 'hard delete', 'savepoint rollback']) {
    expect(written.operations[kind] ?? 0, kind).toBeGreaterThan(0)
  }
  const final = await runCli(syncArgsFor(db, '--once'))
  expect(final.code, final.stderr).toBe(0)
  expect(final.stdout).toMatch(/leads live/)
  const cache = openStore(db)
  try {
    expect(cache.pragma('integrity_check', { simple: true })).toBe('ok')
    const differences = await diffWithUpstream(pool, SCHEMA, cache, opsManifest, {
      tenant: TENANT,
    })
    expect(differences, `seed ${seed}:\n${log.join('\n')}`).toEqual([])
    expect(cache.prepare('SELECT count(*) AS n FROM sync_dropped_indexes').get()).toEqual({ n: 0 })
    expect(cache.prepare('SELECT count(*) AS n FROM sync_rejects').get()).toEqual({ n: 0 })
  } finally {
    cache.close()
  }
  // Every step of the first copy was reached and killed; most of the
  // re-copy's (a step count past what a run reaches is killed unreached).
  for (const step of SYNC_STEPS) {
    expect([...reached], log.join('\n')).toContain(`first copy ${step}`)
  }
  expect([...reached].filter((r) => r.startsWith('re-copy')).length).toBeGreaterThan(2)
}

describe('sync killed at every step and at random, with an adversarial writer', () => {
  it(
    `converges exactly over ${SEEDS} seed(s)`,
    async () => {
      for (let i = 0; i < SEEDS; i++) {
        const seed = FIRST_SEED + i
        try {
          await killSeed(seed)
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          throw new Error(`seed ${seed} (replay with WF_KILL_SEED=${seed}): ${message}`, {
            cause: error,
          })
        }
      }
    },
    SEEDS * 600_000,
  )
})
