// A report holding the journeys is refused, with a sentence, while they are being inferred (a
// first sync, an upgrade): its steps would be counted over part of the leads and say nothing of
// it. Through runExport, as the app's export service and the CLI run it, on a real cache file.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { ExportFailed, runExport } from '../../main/export/index.ts'
import { JOURNEYS_NOT_READY } from '../../main/export/job.ts'
import { ensureJourneys, journeys } from '../../main/intelligence/journeys.ts'
import { openStore } from '../../main/store/index.ts'
import { exportStartSchema, type ViewId } from '../../shared/api/index.ts'
import { tempDir } from '../support/temp.ts'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

it('refuses the journeys while they are inferred, before and during the rebuild, and writes them after', async () => {
  const dbPath = join(dir, 'cache.sqlite')
  const db = openStore(dbPath)
  const endAt = Date.parse('2026-11-01T12:00:00Z')
  fillCache(db, generateDemo({ seed: 7, leads: 2000, endAt }))
  const now = new Date(endAt + 3_600_000)
  const filters = { range: { preset: 'last90' as const, timeZone: 'America/Detroit' } }
  const exportTo = (view: ViewId, name: string) => {
    const target = join(dir, name)
    return {
      target,
      run: () =>
        runExport({
          request: exportStartSchema.parse({ view, filters, format: 'json' }),
          dbPath,
          db,
          target,
          signal: new AbortController().signal,
          sources: () => [],
          now: () => now,
        }),
    }
  }

  // A filled cache whose journeys were never inferred.
  const before = exportTo('journeys', 'before.json')
  await expect(before.run()).rejects.toThrow(ExportFailed)
  await expect(before.run()).rejects.toThrow(JOURNEYS_NOT_READY)
  expect(existsSync(before.target)).toBe(false)
  // Other tabs export meanwhile.
  const other = exportTo('lead-response', 'other.json')
  await other.run()
  expect(existsSync(other.target)).toBe(true)

  // A rebuild under way: valid again after its first transaction (so the hooks count the
  // changes written between its chunks), not finished until its last.
  ensureJourneys(db)
  db.prepare('UPDATE journey_state SET rebuilt_at = NULL WHERE id = 1').run()
  expect(journeys(db, filters, now).rebuilding).toBe(true)
  const during = exportTo('journeys', 'during.json')
  await expect(during.run()).rejects.toThrow(JOURNEYS_NOT_READY)
  expect(existsSync(during.target)).toBe(false)

  // Finished: the report holds every step the tab shows.
  expect(ensureJourneys(db)).toBe(true)
  const after = exportTo('journeys', 'after.json')
  await after.run()
  const report = JSON.parse(readFileSync(after.target, 'utf8')) as {
    datasets: { id: string; rows: unknown[] }[]
  }
  const steps = report.datasets.find((d) => d.id === 'journeySteps')
  expect(steps?.rows.length).toBe(journeys(db, filters, now).edges.length)
  expect(steps?.rows.length).toBeGreaterThan(0)
  db.close()
})
