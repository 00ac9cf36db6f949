// `watchfloor export` of the customer-intelligence tables (issue 16) through the real bin, on a
// cache filled by the command line that no core ever opened: nothing was recomputed and no
// journey inferred. The export computes them first, saying so on stderr, and writes the tables
// the api answers for the same filters; a second export finds them current and says that.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readResult } from '../../main/intelligence/compute.ts'
import { journeysValid } from '../../main/intelligence/journeys.ts'
import { callFirst, segmentsResult } from '../../main/intelligence/read.ts'
import { openStore } from '../../main/store/index.ts'
import type { Filters } from '../../shared/api/index.ts'
import { runCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-cli-export-intel-')
const dbPath = join(temp.dir, 'cache.sqlite')
const END_AT = '2026-11-30T12:00:00Z'
const ZONE = 'America/Detroit'
const FILTER = `range=2026-06-01..2026-11-30;tz=${ZONE}`
const FILTERS: Filters = {
  range: { preset: 'custom', from: '2026-06-01', to: '2026-11-30', timeZone: ZONE },
}
const INTEL_TABLES = ['customerSegments', 'callFirst', 'journeySteps'] as const

interface JsonReport {
  readonly datasets: { id: string; columns: { key: string }[]; rows: unknown[][] }[]
}

const exportIntel = (out: string) =>
  runCli([
    'export',
    '--db',
    dbPath,
    '--dashboard',
    'segments',
    ...INTEL_TABLES.flatMap((d) => ['--dataset', d]),
    '--filter',
    FILTER,
    '--out',
    out,
  ])

beforeAll(async () => {
  const fill = await runCli(['demo', 'fill', '--db', dbPath, '--leads', '3000', '--end-at', END_AT])
  expect(fill.code, fill.stderr).toBe(0)
}, 180_000)

afterAll(() => temp.cleanup())

describe('watchfloor export of the intelligence tables', () => {
  it('computes them first on a cache that never recomputed, says so, and writes the api’s rows', async () => {
    {
      const db = openStore(dbPath, { readonly: true })
      expect(readResult(db, 'segments')).toBeNull()
      expect(journeysValid(db)).toBe(false)
      db.close()
    }
    const out = join(temp.dir, 'segments.json')
    const run = await exportIntel(out)
    expect(run.code, run.stderr).toBe(0)
    // The demo deletes a few of its 3,000 leads: the live ones are computed on.
    expect(run.stderr).toMatch(/Customer intelligence \(2\/5\): Clustering 2,9\d\d leads/)
    expect(run.stderr).toMatch(/Customer intelligence: Recomputed from 2,9\d\d leads: \d segments/)
    expect(run.stderr).toMatch(/Lead journeys inferred for 2,9\d\d leads in [\d.]+ s\./)
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

    const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport
    const db = openStore(dbPath, { readonly: true })
    try {
      const table = (id: string) => report.datasets.find((d) => d.id === id)
      const segments = segmentsResult(db, 100, FILTERS, new Date())
      expect(segments.availability).toBe('ready')
      const sizeCol = table('customerSegments')?.columns.findIndex((c) => c.key === 'leads') ?? -1
      expect(table('customerSegments')?.rows.map((r) => r[sizeCol])).toEqual(
        segments.segments.map((s) => s.size),
      )
      const calls = callFirst(db, FILTERS, 10_000, new Date())
      expect(calls.rows.length).toBeGreaterThan(0)
      expect(table('callFirst')?.rows).toHaveLength(calls.rows.length)
      expect(table('journeySteps')?.rows.length).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })

  it('finds them current the next time and does not compute again', async () => {
    const run = await exportIntel(join(temp.dir, 'again.json'))
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('Customer intelligence: the stored results are current.')
    expect(run.stderr).not.toContain('Recomputed from')
    expect(run.stderr).not.toContain('Lead journeys')
  })
})
