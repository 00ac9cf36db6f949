import { fillCache } from '../../demo/fill-cache.ts'
import { generateDemo } from '../../demo/generator.ts'
import { demoUpstream } from '../../demo/upstream.ts'
import { openStore } from '../../store/index.ts'
import { defaultDbPath, ensureParentDir } from '../paths.ts'
import { redactUrl } from '../../config/connection-profile.ts'
import { progressReporter } from '../progress.ts'

export function demoFill(options: {
  db?: string
  leads: number
  seed: number
  endAt?: string
}): void {
  const dbPath = options.db ?? defaultDbPath()
  ensureParentDir(dbPath)
  const endAt = options.endAt ? Date.parse(options.endAt) : Date.now()
  if (Number.isNaN(endAt)) throw new Error(`--end-at ${options.endAt} is not a date`)
  const db = openStore(dbPath)
  try {
    const { n } = db.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }
    if (n > 0) {
      throw new Error(
        `${dbPath} already holds ${n.toLocaleString('en-US')} leads; demo data goes only into an empty cache (use another --db).`,
      )
    }
    const started = Date.now()
    const counts = fillCache(
      db,
      generateDemo({ seed: options.seed, leads: options.leads, endAt }),
      {
        onProgress: progressReporter('demo leads'),
      },
    )
    const seconds = (Date.now() - started) / 1000
    process.stdout.write(
      `Filled ${dbPath}: ${counts.leads.toLocaleString('en-US')} leads, ${counts.customers.toLocaleString('en-US')} customers, ` +
        `${counts.projects.toLocaleString('en-US')} projects, ${counts.appointments.toLocaleString('en-US')} appointments, ` +
        `${counts.events.toLocaleString('en-US')} activity events in ${seconds.toFixed(1)} s\n`,
    )
  } finally {
    db.close()
  }
}

export async function runDemoUpstream(options: {
  pg: string
  redis: string
  leads: number
  rate: number
  seed: number
  schema: string
  tenant: string
}): Promise<void> {
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  process.once('SIGTERM', () => controller.abort())
  process.stderr.write(
    `demo upstream: Postgres ${redactUrl(options.pg)}, Redis ${redactUrl(options.redis)}\n`,
  )
  await demoUpstream({
    pgUrl: options.pg,
    redisUrl: options.redis,
    schema: options.schema,
    tenantId: options.tenant,
    leads: options.leads,
    rate: options.rate,
    seed: options.seed,
    signal: controller.signal,
    log: (line) => process.stderr.write(`${line}\n`),
  })
}
