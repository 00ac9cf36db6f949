// Demo generation into a fresh cache, against the floor SQLite sets: the same
// lead rows through a bare single-row prepared INSERT. The real path is timed
// end to end (generation, leads and the customers, projects and appointments
// they lead to, index rebuild); the baseline's rows are generated beforehand
// and not timed. Both count leads per second, so ratio ≥ 1 means the whole
// demo fill is at least as fast as inserting its leads alone.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fillCache, insertLeadsBare } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import type { LeadRow } from '../../main/store/mirror-rows.ts'
import { openStore } from '../../main/store/index.ts'

export interface DemoGenerationBench {
  name: string
  rowsPerSecond: number
  baselineRowsPerSecond: number
  ratio: number
  seconds: number
  baselineSeconds: number
}

const SEED = 20_260_101
const END_AT = Date.UTC(2026, 10, 1)

export async function benchDemoGeneration(leads: number): Promise<DemoGenerationBench> {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-bench-demo-'))
  try {
    // The real path: generate and fill, timed together.
    const db = openStore(join(dir, 'demo.sqlite'))
    let seconds: number
    try {
      const start = performance.now()
      fillCache(db, generateDemo({ seed: SEED, leads, endAt: END_AT }))
      seconds = (performance.now() - start) / 1000
    } finally {
      db.close()
    }

    // The baseline: rows materialised first (untimed), then a bare insert into
    // a fresh file migrated the same way, so its lead indexes are in place as
    // the real path found them.
    const rows: LeadRow[] = []
    for (const item of generateDemo({ seed: SEED, leads, endAt: END_AT }).leads()) {
      rows.push(item.lead)
    }
    const baselineDb = openStore(join(dir, 'baseline.sqlite'))
    let baselineSeconds: number
    try {
      const start = performance.now()
      insertLeadsBare(baselineDb, rows)
      baselineSeconds = (performance.now() - start) / 1000
    } finally {
      baselineDb.close()
    }

    const rowsPerSecond = leads / seconds
    const baselineRowsPerSecond = leads / baselineSeconds
    // An async signature keeps it uniform with the other benches; yielding
    // once lets a runner's progress output flush between benches.
    await new Promise<void>((resolve) => setImmediate(resolve))
    return {
      name: `demo generation + fill (${leads.toLocaleString('en-US')} leads)`,
      rowsPerSecond,
      baselineRowsPerSecond,
      ratio: rowsPerSecond / baselineRowsPerSecond,
      seconds,
      baselineSeconds,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
