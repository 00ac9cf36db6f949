// An adversarial upstream writer for the sync's exactness tests (issue 8):
// what a real organisation's database does to a change feed, at a rate a
// test can afford. Three lanes write at once on the seeded ops schema:
// - quick transactions: inserts, updates, soft deletes and undeletes, hard
//   deletes, key changes, tenant moves, awkward values;
// - long transactions held open for a while (the horizon stops at them, and
//   their rows commit "behind" later ones), some rolled back;
// - savepoint transactions whose middle part is rolled back, and channel
//   name swaps that pass through a UNIQUE value.
// Every choice comes from a seeded generator, so a failing seed replays.
import { escapeIdentifier, type Pool, type PoolClient } from 'pg'

export interface ChaosWriterOptions {
  readonly pool: Pool
  readonly schema: string
  readonly seed: number
  readonly signal: AbortSignal
  /** The synced tenant and the one rows move to and from. */
  readonly tenants?: readonly [string, string]
  /** Longest time a long transaction stays open (default 2,000 ms). */
  readonly holdMs?: number
  /** Pause between quick transactions (default 5 ms). */
  readonly pauseMs?: number
}

export interface ChaosWriterResult {
  readonly committed: number
  readonly rolledBack: number
  /** Operations by kind. */
  readonly operations: Readonly<Record<string, number>>
}

/** Text a mirror must carry unchanged. */
export const AWKWARD_TEXT = [
  'tab\there',
  'line\nbreak',
  'crlf\r\nend',
  '\\N',
  'NULL',
  '',
  ' leading and trailing ',
  'emoji 🚀👩‍💻',
  'quotes "double" and \'single\'',
  'back\\slash\\',
  'comma, semi; colon:',
  'ünïcödé ß ﬁ',
  '{braces}',
]
/** numeric(12, 2) values at its edges. */
const AWKWARD_MONEY = ['-0.01', '9999999999.99', '-9999999999.99', '0.00', '0.01', null]
/** Timestamps before 1970, with sub-millisecond parts, and far ahead. */
const AWKWARD_TIMES = [
  '1969-12-31 23:59:59.999999+00',
  '1970-01-01 00:00:00.000500+00',
  '1900-01-01 00:00:00.000001+00',
  '1969-07-20 20:17:40.123456+00',
  '2099-12-31 23:59:59.999+00',
]
const AWKWARD_ARRAYS = [['a"b', '{c}', 'd,e', '\\N', '', 'NULL', 'tab\tx'], [], ['only']]
const STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost']
const TEMPERATURES = ['hot', 'warm', 'cold']

/** A seeded generator (LCG), so a failing run's choices replay. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

const EXPECTED_CODES = new Set([
  '40P01', // deadlock: lanes touch random rows in random order
  '23505', // a key change or a swap met a concurrent one
  '40001',
  '55P03',
])

export async function runChaosWriter(options: ChaosWriterOptions): Promise<ChaosWriterResult> {
  const { pool, signal } = options
  const [home, away] = options.tenants ?? ['demo', 'elsewhere']
  const holdMs = options.holdMs ?? 2_000
  const pauseMs = options.pauseMs ?? 5
  const s = escapeIdentifier(options.schema)
  const leads = `${s}.leads`
  const ids = `${s}.watchfloor_chaos_ids`
  await pool.query(`create sequence if not exists ${ids} start 50000000`)
  const { rows } = await pool.query<{ max: string | null }>(
    `select max(id)::text as max from ${leads}`,
  )
  const seededMax = Number(rows[0]?.max ?? 1000)
  const operations: Record<string, number> = {}
  let committed = 0
  let rolledBack = 0

  const lane = async (
    laneSeed: number,
    body: (c: PoolClient, r: () => number) => Promise<boolean>,
  ) => {
    const random = lcg(options.seed * 31 + laneSeed)
    while (!signal.aborted) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('begin')
        const commit = await body(client, random)
        await client.query(commit ? 'commit' : 'rollback')
        if (commit) committed++
        else rolledBack++
      } catch (error) {
        await client.query('rollback').catch(() => undefined)
        const code = (error as { code?: string }).code
        if (!code || !EXPECTED_CODES.has(code)) {
          broken = error as Error
          throw error
        }
        rolledBack++
      } finally {
        client.release(broken)
      }
      await sleep(pauseMs * (0.5 + random()), signal)
    }
  }

  const pick = <T>(random: () => number, list: readonly T[]): T =>
    list[Math.floor(random() * list.length)] as T
  /** An id that probably exists: seeded ones and, now and then, a chaos-made one. */
  const someId = async (c: PoolClient, random: () => number): Promise<string> => {
    if (random() < 0.8) return String(1 + Math.floor(random() * seededMax))
    const r = await c.query<{ id: string | null }>(
      `select id::text from ${leads} where id >= 50000000 order by id desc limit 1 offset $1`,
      [Math.floor(random() * 50)],
    )
    return r.rows[0]?.id ?? '1'
  }
  const count = (kind: string) => (operations[kind] = (operations[kind] ?? 0) + 1)

  /** One change to the leads table, of a random kind. */
  const change = async (c: PoolClient, random: () => number): Promise<void> => {
    const roll = random()
    if (roll < 0.2) {
      count('insert')
      await c.query(
        `insert into ${leads} (id, tenant_id, created_at, updated_at, source, city, segment,
           temperature, status, owner, first_response_at, deal_value)
         values (nextval('${ids}'), $1, coalesce($2::timestamptz, now()), now(), $3, $4, $5, $6, $7,
           $8, case when $9 then now() - interval '5 minutes' end, $10::numeric)`,
        [
          random() < 0.9 ? home : away,
          random() < 0.3 ? pick(random, AWKWARD_TIMES) : null,
          random() < 0.3 ? pick(random, AWKWARD_TEXT) : 'Google Ads',
          random() < 0.3 ? pick(random, AWKWARD_TEXT) : 'Detroit',
          'Premium',
          pick(random, TEMPERATURES),
          pick(random, STATUSES),
          random() < 0.5 ? pick(random, AWKWARD_TEXT) : 'Alex',
          random() < 0.5,
          random() < 0.5 ? pick(random, AWKWARD_MONEY) : null,
        ],
      )
      return
    }
    const id = await someId(c, random)
    if (roll < 0.55) {
      count('update')
      await c.query(
        `update ${leads} set status = $2, owner = $3, city = $4, deal_value = $5::numeric,
           created_at = coalesce($6::timestamptz, created_at), updated_at = now()
         where id = $1`,
        [
          id,
          pick(random, STATUSES),
          random() < 0.4 ? pick(random, AWKWARD_TEXT) : `Owner ${Math.floor(random() * 9)}`,
          random() < 0.4 ? pick(random, AWKWARD_TEXT) : 'Ann Arbor',
          pick(random, AWKWARD_MONEY),
          random() < 0.2 ? pick(random, AWKWARD_TIMES) : null,
        ],
      )
    } else if (roll < 0.65) {
      count('soft delete')
      await c.query(`update ${leads} set deleted_at = now(), updated_at = now() where id = $1`, [
        id,
      ])
    } else if (roll < 0.72) {
      count('undelete')
      await c.query(
        `update ${leads} set deleted_at = null, updated_at = now()
         where id = (select id from ${leads} where deleted_at is not null order by id limit 1 offset $1)`,
        [Math.floor(random() * 20)],
      )
    } else if (roll < 0.82) {
      count('hard delete')
      await c.query(`delete from ${leads} where id = $1`, [id])
    } else if (roll < 0.91) {
      count('key change')
      await c.query(
        `update ${leads} set id = nextval('${ids}'), updated_at = now() where id = $1`,
        [id],
      )
    } else {
      count('tenant move')
      await c.query(
        `update ${leads} set tenant_id = case when tenant_id = $2 then $3 else $2 end,
           updated_at = now() where id = $1`,
        [id, home, away],
      )
    }
  }

  const quick = lane(1, async (c, random) => {
    const n = 1 + Math.floor(random() * 4)
    for (let i = 0; i < n; i++) await change(c, random)
    return true
  })

  const long = lane(2, async (c, random) => {
    await change(c, random)
    await sleep(holdMs * random(), signal)
    await change(c, random)
    const commit = random() < 0.85
    count(commit ? 'long transaction' : 'long transaction rolled back')
    return commit
  })

  const savepoints = lane(3, async (c, random) => {
    await change(c, random)
    await c.query('savepoint chaos')
    await change(c, random)
    await change(c, random)
    await c.query('rollback to savepoint chaos')
    count('savepoint rollback')
    await change(c, random)
    if (random() < 0.3) {
      // Two channels swap names: one passes through the other's UNIQUE value.
      count('channel swap')
      await c.query(
        `with pair as (select id, name from ${s}.marketing_channels where tenant_id = $1
                       order by id limit 2 offset $2)
         update ${s}.marketing_channels m set name = m.name || ' (swapping)', updated_at = now()
         from pair where m.id = pair.id`,
        [home, Math.floor(random() * 4)],
      )
      await c.query(
        `with pair as (select id, name from ${s}.marketing_channels
                       where tenant_id = $1 and name like '% (swapping)' order by id),
              swapped as (select a.id, replace(b.name, ' (swapping)', '') as name
                          from pair a join pair b on a.id <> b.id)
         update ${s}.marketing_channels m set name = swapped.name, updated_at = now()
         from swapped where m.id = swapped.id`,
        [home],
      )
    }
    if (random() < 0.3) {
      count('segment cities')
      await c.query(
        `update ${s}.market_segments set cities = $2::text[], updated_at = now()
         where id = (select id from ${s}.market_segments where tenant_id = $1 order by id
                     limit 1 offset $3)`,
        [home, pick(random, AWKWARD_ARRAYS), Math.floor(random() * 3)],
      )
    }
    return true
  })

  await Promise.all([quick, long, savepoints])
  return { committed, rolledBack, operations }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal.addEventListener('abort', done, { once: true })
  })
}
