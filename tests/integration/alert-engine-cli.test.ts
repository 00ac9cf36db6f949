// `watchfloor alerts list|ack|silence` through the real bin on a real cache:
// each evaluates the cache first (a script at 6 a.m. sees the alerts as they
// stand), and the changes it makes are kept in the cache.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillCache } from '../../main/demo/fill-cache.ts'
import { generateDemo } from '../../main/demo/generator.ts'
import { openStore } from '../../main/store/index.ts'
import type { ActiveAlerts } from '../../shared/api/index.ts'
import { insertRule } from '../support/alert-fixture.ts'
import { runCli } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-alert-cli-')
const db = join(temp.dir, 'cache.sqlite')
let busy = 0

beforeAll(() => {
  const store = openStore(db)
  fillCache(store, generateDemo({ seed: 4, leads: 2_000, endAt: Date.now(), days: 30 }))
  busy = insertRule(store, {
    name: 'Busy week',
    metric: 'leads',
    comparator: '>',
    warning: 1,
    critical: 1e9,
  })
  store.close()
})
afterAll(() => temp.cleanup())

const json = async (...args: string[]): Promise<ActiveAlerts> => {
  const r = await runCli(['alerts', ...args, '--db', db, '--json'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as ActiveAlerts
}

describe('watchfloor alerts', () => {
  it('list evaluates the cache and prints the firing rule, as lines and as JSON', async () => {
    const text = await runCli(['alerts', 'list', '--db', db])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^Tray: warning$/m)
    expect(text.stdout).toMatch(
      new RegExp(
        `^WARNING +rule:${busy} +Busy week: Leads is [\\d,]+ \\(warning at 1\\) \\(firing for \\d+ s\\)$`,
        'm',
      ),
    )
    const list = await json('list')
    expect(list.alerts).toMatchObject([{ key: `rule:${busy}`, state: 'firing' }])
  })

  it('silence --for 2h, then ack one and --all', async () => {
    const before = Date.now()
    const silenced = await json('silence', `rule:${busy}`, '--for', '2h')
    const until = Date.parse(silenced.alerts[0]?.silencedUntil ?? '')
    expect(until - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000)
    expect(until - before).toBeLessThan(2 * 3600_000 + 60_000)
    const acked = await json('ack', `rule:${busy}`)
    expect(acked.alerts[0]?.acknowledgedAt).not.toBeNull()
    expect(acked.tray).toBe('ok')
    // Kept in the cache: the next run still lists it acknowledged and silenced.
    const again = await json('list')
    expect(again.alerts[0]).toMatchObject({ silencedUntil: silenced.alerts[0]?.silencedUntil })
    expect(again.alerts[0]?.acknowledgedAt).toBe(acked.alerts[0]?.acknowledgedAt)
    const all = await runCli(['alerts', 'ack', '--all', '--db', db])
    expect(all.stdout).toMatch(/^Acknowledged 0 alert\(s\)\.$/m)
  })

  it('refuses an unknown key, a bad duration and a missing cache with a sentence', async () => {
    const unknown = await runCli(['alerts', 'ack', 'rule:9999', '--db', db])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('There is no active alert "rule:9999"')
    const both = await runCli(['alerts', 'ack', `rule:${busy}`, '--all', '--db', db])
    expect(both.code).toBe(1)
    expect(both.stderr).toContain('give one alert key')
    const bad = await runCli(['alerts', 'silence', `rule:${busy}`, '--for', 'soon', '--db', db])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--for must be a duration such as 90s, 5m, 1h or 2d (not "soon")')
    const tooLong = await runCli(['alerts', 'silence', `rule:${busy}`, '--for', '90d', '--db', db])
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toContain('A silence ends after now and within 30 days')
    const missing = await runCli(['alerts', 'list', '--db', join(temp.dir, 'nope.sqlite')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('there is no cache at')
  })
})
