import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rollupState } from '../../main/metrics/index.ts'
import { openStore } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir()
afterAll(temp.cleanup)

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/watchfloor.mjs'), ...args], {
    encoding: 'utf8',
  })

describe('watchfloor rollups rebuild', () => {
  it('rebuilds in a new org time zone and says so; an unknown zone is refused and changes nothing', () => {
    const file = join(temp.dir, 'cache.sqlite')
    const db = openStore(file)
    insertLeads(db, [lead({ id: 1, created_at: Date.parse('2026-03-02T03:30:00Z') })])
    db.close()

    const bad = cli('rollups', 'rebuild', '--db', file, '--time-zone', 'Mars/Base')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('unknown time zone "Mars/Base"')
    const untouched = openStore(file)
    expect(rollupState(untouched).timeZone).toBe('America/Detroit')
    untouched.close()

    const missing = cli('rollups', 'rebuild', '--db', join(temp.dir, 'typo.sqlite'))
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('there is no cache at')

    // Any spelling the runtime knows; stored canonical.
    const good = cli('rollups', 'rebuild', '--db', file, '--time-zone', 'europe/london')
    expect(good.stderr).toContain('rollups: 1 / 1 (100 %')
    expect(good.stdout).toMatch(
      /rebuilt in [\d.]+ s, org time zone Europe\/London \(was America\/Detroit\)/,
    )
    expect(good.status).toBe(0)

    const after = openStore(file)
    try {
      expect(rollupState(after)).toEqual({
        timeZone: 'Europe/London',
        valid: true,
        outdated: false,
      })
      expect(after.prepare('SELECT day, leads FROM rollup_leads_day_source').all()).toEqual([
        { day: Date.UTC(2026, 2, 2) / 86_400_000, leads: 1 },
      ])
    } finally {
      after.close()
    }
  })
})
