// Redis stream → SQLite: ingest rate of the reader against bare XRANGE reads
// of the same events in the same run (only the ratio travels between
// machines), and XADD → row visible in SQLite latency. The events are lead
// changes with an alert among every 200, as the demo upstream writes them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { openStore, startCheckpointer } from '../../main/store/index.ts'
import { STREAM_BATCH_SIZE, startRedisSync } from '../../main/sync/redis/index.ts'

export interface StreamIngestFigures {
  readonly events: number
  readonly eventsPerSecond: number
  readonly seconds: number
  readonly baselineEventsPerSecond: number
  readonly baselineSeconds: number
  /**
   * Bare XRANGE of the same events with the replies left as bytes (`xrangeBuffer`), as the reader
   * reads them: the floor under the reader, which then checks and stores (median of the rounds).
   */
  readonly bytesBaselineEventsPerSecond: number
  /** Reader throughput / bare XRANGE throughput (≤ 1; higher is better): the median round's. */
  readonly ratio: number
  /** Reader throughput / the bytes floor's, the median round's. */
  readonly bytesRatio: number
  /** Each round's ratio, in order: on a shared 2-core machine one round alone says little. */
  readonly roundRatios: readonly number[]
  /**
   * This process's CPU time (user + system) for the bare read and for the reader, medians of
   * the rounds, and each round's bare / reader CPU ratio: what each event costs here,
   * whatever the load (Redis's own time is not in it: both read the same entries from it).
   */
  readonly cpuSeconds: number
  readonly baselineCpuSeconds: number
  readonly roundCpuRatios: readonly number[]
  readonly latencySamples: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

const median = (xs: readonly number[]) => quantile([...xs], 0.5)

/** One entry in this many is an alert, the rest lead changes (the demo upstream's mix). */
const ALERT_EVERY = 200

/** Seconds of this process's CPU (user + system) since `start`. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1e6
}

export async function benchStreamIngest(
  options: { events?: number; latencySamples?: number; redisUrl?: string; rounds?: number } = {},
): Promise<StreamIngestFigures> {
  const events = options.events ?? 100_000
  // Rounds alternate the baseline and the reader, so a burst of load from
  // elsewhere hits both sides of one round; the median round is reported.
  const rounds = options.rounds ?? 5
  const samples = options.latencySamples ?? 1_000
  const url = options.redisUrl ?? process.env.WATCHFLOOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'
  const tenant = `bench${process.pid}${Date.now()}`
  const stream = `ops:${tenant}:events`
  const redis = new Redis(url)
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-stream-'))
  const fieldsOf = (n: number) => {
    const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()
    // An alert among every ALERT_EVERY changes, as the demo upstream writes them.
    if (n % ALERT_EVERY === ALERT_EVERY - 1) {
      const alert = { id: `${tenant}-${n}`, tenant, kind: 'pipeline_drop', severity: 'warning' }
      return [
        ...['type', 'alert', 'tenant', tenant, 'at', at, 'data'],
        JSON.stringify({ ...alert, message: `Last ${ALERT_EVERY} changes`, value: 3, at }),
      ]
    }
    return [
      'type',
      'lead_updated',
      'table',
      'leads',
      'id',
      String(n),
      'tenant',
      tenant,
      'at',
      at,
      'data',
      JSON.stringify({ id: n, status: 'contacted', owner: 'Dana', updated_at: at }),
    ]
  }
  try {
    let lastId = ''
    for (let start = 0; start < events; start += 1_000) {
      const pipeline = redis.pipeline()
      for (let n = start; n < Math.min(events, start + 1_000); n++)
        pipeline.xadd(stream, '*', ...fieldsOf(n))
      const results = (await pipeline.exec()) ?? []
      lastId = String(results.at(-1)?.[1])
    }

    // Baseline: the same events read with bare XRANGE pages of the reader's batch size, over
    // the same kind of connection (one ioredis client, TCP), each page asked for once the
    // previous one has arrived; the replies decoded to strings, as any client reads them by
    // default (the baseline), or left as bytes, as the reader reads them (its floor).
    const bareRead = async (bytes = false) => {
      const cpu = process.cpuUsage()
      const start = performance.now()
      let read = 0
      let cursor = '-'
      for (;;) {
        const page = bytes
          ? await redis.xrangeBuffer(stream, cursor, '+', 'COUNT', STREAM_BATCH_SIZE)
          : await redis.xrange(stream, cursor, '+', 'COUNT', STREAM_BATCH_SIZE)
        if (page.length === 0) break
        read += page.length
        cursor = `(${String(page.at(-1)?.[0])}`
      }
      const seconds = (performance.now() - start) / 1000
      if (read !== events) throw new Error(`XRANGE read ${read} of ${events} events`)
      return { seconds, cpu: cpuSince(cpu) }
    }

    // The reader, from an empty cache to the last id stored.
    const ingest = async (round: number) => {
      const db = openStore(join(dir, `ingest-${round}.sqlite`))
      // Checkpoints on their own thread, as the core's (main/core/core-service.ts).
      const checkpointer = startCheckpointer(db)
      try {
        const cpu = process.cpuUsage()
        const start = performance.now()
        let done: () => void = () => {}
        const finished = new Promise<void>((resolve) => (done = resolve))
        const sync = startRedisSync({
          db,
          redis: { url },
          tenant,
          log: () => {},
          onChange: () => {
            if (sync.stats().lastId === lastId) done()
          },
          // A last batch of alerts alone announces no table.
          onAlert: () => {
            if (sync.stats().lastId === lastId) done()
          },
        })
        await finished
        const took = { seconds: (performance.now() - start) / 1000, cpu: cpuSince(cpu) }
        await sync.stop()
        const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n
        if (stored !== events) throw new Error(`stored ${stored} of ${events} events`)
        return took
      } finally {
        await checkpointer.stop()
        db.close()
      }
    }

    const baselineRuns: number[] = []
    const ingestRuns: number[] = []
    const roundRatios: number[] = []
    const baselineCpu: number[] = []
    const ingestCpu: number[] = []
    const roundCpuRatios: number[] = []
    const bytesRatios: number[] = []
    const bytesRuns: number[] = []
    for (let round = 0; round < rounds; round++) {
      const bare = await bareRead()
      const floor = await bareRead(true)
      const took = await ingest(round)
      bytesRuns.push(floor.seconds)
      bytesRatios.push(floor.seconds / took.seconds)
      baselineRuns.push(bare.seconds)
      ingestRuns.push(took.seconds)
      roundRatios.push(bare.seconds / took.seconds)
      baselineCpu.push(bare.cpu)
      ingestCpu.push(took.cpu)
      roundCpuRatios.push(bare.cpu / took.cpu)
    }
    const baselineSeconds = median(baselineRuns)
    const seconds = median(ingestRuns)

    // Latency: one XADD at a time, until its row is committed (onChange runs after the commit).
    const latencies: number[] = []
    let visible: (() => void) | undefined
    let live: () => void = () => {}
    const isLive = new Promise<void>((resolve) => (live = resolve))
    const latencyDb = openStore(join(dir, 'latency.sqlite'))
    const stopLatency = startRedisSync({
      db: latencyDb,
      redis: { url },
      tenant,
      startFrom: 'now',
      log: () => {},
      onChange: () => visible?.(),
      // An alert among the samples is visible once stored too.
      onAlert: () => visible?.(),
      onStatus: (s) => s.state === 'live' && live(),
    })
    await isLive
    for (let i = 0; i < samples; i++) {
      const seen = new Promise<void>((resolve) => (visible = resolve))
      const t0 = performance.now()
      await redis.xadd(stream, '*', ...fieldsOf(events + i))
      await seen
      latencies.push(performance.now() - t0)
    }
    await stopLatency.stop()
    latencyDb.close()

    return {
      events,
      eventsPerSecond: events / seconds,
      seconds,
      baselineEventsPerSecond: events / baselineSeconds,
      baselineSeconds,
      bytesBaselineEventsPerSecond: events / median(bytesRuns),
      ratio: median(roundRatios),
      bytesRatio: median(bytesRatios),
      roundRatios,
      cpuSeconds: median(ingestCpu),
      baselineCpuSeconds: median(baselineCpu),
      roundCpuRatios,
      latencySamples: samples,
      latencyP50Ms: quantile(latencies, 0.5),
      latencyP99Ms: quantile(latencies, 0.99),
    }
  } finally {
    await redis.del(stream)
    await redis.quit()
    rmSync(dir, { recursive: true, force: true })
  }
}

// `npx tsx tests/bench/stream-ingest.ts` prints the figures on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStreamIngest(), null, 2))
}
