// `rules.*` over the real socket of the browser host, to the core in its own process, kept in the
// cache file (issue 13): the defaults seeded once, a rule saved, replaced, disabled and deleted;
// hostile input refused with sentences and nothing stored; a row damaged in the table listed
// apart; and a LAN screen refused every write with the rules' own sentence.
import { mkdirSync, writeFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import {
  RULES_ADMIN_ONLY_MESSAGE,
  unknownMetricSentence,
  type AlertRule,
  type AlertRuleList,
  type ApiResult,
} from '../../shared/api/index.ts'
import { apiPage, type ApiPage } from '../support/api-page.ts'
import { openApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'

const TOKEN = 'alert-rules-test-token-0123456789abcdef'

/** An IPv4 address of this machine other than loopback: a LAN client's way in. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

type Page = ApiPage<unknown>
const page = async (url: string): Promise<Page> =>
  apiPage(await openApiSocket(url, { query: `?token=${TOKEN}` }), 'alerts.changed')

async function value<T>(p: Page, method: string, input: unknown): Promise<T> {
  const r = await p.call<T>(method, input)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value
}

/** The error a call was refused with. */
async function refused(p: Page, method: string, input: unknown) {
  const r: ApiResult<unknown> = await p.call(method, input)
  if (r.ok) throw new Error(`${method} was accepted: ${JSON.stringify(r.value).slice(0, 200)}`)
  return r.error
}

const rule = {
  name: 'Slow answers in Detroit',
  metric: 'averageResponseSeconds',
  comparator: '>',
  warning: 150,
  critical: 300,
  recovery: 140,
  forSeconds: 600,
  filters: { range: { preset: 'today', timeZone: 'America/Detroit' }, city: ['Detroit'] },
  message: '{name}: {value} s',
}

describe('alert rules through the browser host', () => {
  const temp = tempDir('watchfloor-rules-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  let core: CoreClient
  let host: Host
  let local: Page

  beforeAll(async () => {
    openStore(dbPath).close()
    const staticDir = join(temp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 60_000 })
    host = await startHost({ core, staticDir, port: 0, host: '0.0.0.0', token: TOKEN })
    local = await page(`http://127.0.0.1:${new URL(host.url).port}/`)
  })

  afterAll(async () => {
    local?.close()
    await host?.close()
    await core?.close()
    temp.cleanup()
  })

  it('lists the defaults, then saves, replaces, disables and deletes a rule', async () => {
    const first = await value<AlertRuleList>(local, 'rules.list', {})
    expect(first.unreadable).toEqual([])
    expect(first.rules.map((r) => r.metric).sort()).toEqual([
      'averageResponseSeconds',
      'conversionRate',
      'monthProgress',
      'sourceOfflineSeconds',
      'unprofitableChannels',
    ])
    expect(first.rules.every((r) => r.builtIn && r.enabled)).toBe(true)

    const saved = await value<AlertRule>(local, 'rules.save', rule)
    expect(saved).toMatchObject({ ...rule, enabled: true, builtIn: false })
    const replaced = await value<AlertRule>(local, 'rules.save', {
      ...rule,
      id: saved.id,
      warning: 200,
    })
    expect(replaced).toMatchObject({ id: saved.id, warning: 200, createdAt: saved.createdAt })
    expect(
      await value<AlertRule>(local, 'rules.setEnabled', { id: saved.id, enabled: false }),
    ).toMatchObject({ id: saved.id, enabled: false })
    const defaults = first.rules[0] as AlertRule
    expect(await value(local, 'rules.delete', { id: defaults.id })).toEqual({ id: defaults.id })
    const after = await value<AlertRuleList>(local, 'rules.list', {})
    // The deleted default is not seeded again; the saved rule is kept, disabled.
    expect(after.rules).toHaveLength(5)
    expect(after.rules.some((r) => r.id === defaults.id)).toBe(false)
    expect(after.rules.find((r) => r.id === saved.id)?.enabled).toBe(false)
    expect(await refused(local, 'rules.delete', { id: defaults.id })).toMatchObject({
      code: 'bad_request',
      message: `There is no alert rule ${defaults.id} (it may have been deleted elsewhere).`,
    })
  })

  it('refuses hostile input with sentences and stores nothing', async () => {
    const before = await value<AlertRuleList>(local, 'rules.list', {})
    expect((await refused(local, 'rules.save', { ...rule, name: 'x'.repeat(10_000) })).code).toBe(
      'bad_request',
    )
    expect(
      (await refused(local, 'rules.save', { ...rule, name: 'Big', warning: 1e300 })).code,
    ).toBe('bad_request')
    expect(
      (await refused(local, 'rules.save', { ...rule, name: 'Vibes', metric: 'vibes' })).message,
    ).toContain(unknownMetricSentence('vibes'))
    expect(
      (
        await refused(local, 'rules.save', {
          ...rule,
          name: 'Colour',
          filters: { ...rule.filters, colour: ['red'] },
        })
      ).message,
    ).toContain('A rule cannot filter on "colour"')
    expect(
      await refused(local, 'rules.save', { ...rule, name: 'Backwards', recovery: 400 }),
    ).toEqual({
      code: 'bad_request',
      message:
        'The recovery 400 lies on the alerting side of the warning threshold 150: with ">" it must be at most 150, so the alert can resolve.',
    })
    expect(
      (
        await refused(local, 'rules.save', {
          ...rule,
          name: 'Percent',
          metric: 'conversionRate',
          comparator: '<',
          warning: 25,
          critical: null,
          recovery: null,
          filters: null,
        })
      ).message,
    ).toBe(
      'conversionRate is a fraction from 0 to 1 (25 % is 0.25); the warning threshold 25 lies outside it.',
    )
    expect(await value<AlertRuleList>(local, 'rules.list', {})).toEqual(before)
  })

  it('lists a rule row damaged in the table apart, and deletes it', async () => {
    const db = new Database(dbPath)
    const id = Number(
      db
        .prepare(
          "INSERT INTO alert_rules (name, metric, comparator, warning, filters, message, created_at, updated_at) VALUES ('Damaged', 'leads', '>', 1, '{\"range\": [', 'm', 0, 0)",
        )
        .run().lastInsertRowid,
    )
    db.close()
    const list = await value<AlertRuleList>(local, 'rules.list', {})
    expect(list.unreadable).toEqual([
      { id, name: 'Damaged', reason: 'its filters are not readable JSON' },
    ])
    expect(list.rules.some((r) => r.id === id)).toBe(false)
    expect((await refused(local, 'rules.setEnabled', { id, enabled: false })).message).toContain(
      'can no longer be read',
    )
    await value(local, 'rules.delete', { id })
    expect((await value<AlertRuleList>(local, 'rules.list', {})).unreadable).toEqual([])
  })

  it.runIf(lanAddress !== undefined)(
    'refuses every rule write to a LAN client with a sentence, and still lists',
    async () => {
      const lan = await page(`http://${lanAddress}:${new URL(host.url).port}/`)
      try {
        const before = await value<AlertRuleList>(lan, 'rules.list', {})
        const id = (before.rules[0] as AlertRule).id
        for (const [method, input] of [
          ['rules.save', { ...rule, name: 'From the LAN' }],
          ['rules.delete', { id }],
          ['rules.setEnabled', { id, enabled: false }],
        ] as const)
          expect(await refused(lan, method, input)).toEqual({
            code: 'forbidden',
            message: RULES_ADMIN_ONLY_MESSAGE,
          })
        expect(await value<AlertRuleList>(local, 'rules.list', {})).toEqual(before)
      } finally {
        lan.close()
      }
    },
  )
})
