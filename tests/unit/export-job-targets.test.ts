// The export reads on a connection of its own, but the core may run with an organisation's own
// KPI targets (registryFor binds them to the core's connection): a report must judge its cards
// by the targets the screen uses, not the defaults.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { runExport } from '../../main/export/index.ts'
import { DEFAULT_TARGETS, registryFor } from '../../main/metrics/index.ts'
import { openStore } from '../../main/store/index.ts'
import { exportStartSchema } from '../../shared/api/index.ts'
import { tempDir } from '../support/temp.ts'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

it('writes the cards against the targets the core runs with', async () => {
  const dbPath = join(dir, 'cache.sqlite')
  const db = openStore(dbPath)
  fillCache(db, generateDemo({ seed: 7, leads: 3000, endAt: Date.parse('2026-11-01T12:00:00Z') }))
  registryFor(db, { ...DEFAULT_TARGETS, responseSeconds: 300 })
  const now = new Date('2026-11-01T15:00:00Z')
  const filters = { range: { preset: 'last90' as const, timeZone: 'America/Detroit' } }
  const target = join(dir, 'report.json')
  await runExport({
    request: exportStartSchema.parse({ view: 'lead-response', filters, format: 'json' }),
    dbPath,
    db,
    target,
    signal: new AbortController().signal,
    sources: () => [],
    now: () => now,
  })
  const report = JSON.parse(readFileSync(target, 'utf8')) as {
    kpis: { id: string; label: string; target: string | null }[]
  }
  const card = (id: string) => report.kpis.find((k) => k.id === id)
  expect(card('average-response')?.target).toBe('300 s')
  expect(card('share-under-target')?.label).toBe('Answered within 300 s')
  db.close()
})
