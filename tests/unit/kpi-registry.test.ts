// The KPI registry (main/metrics/registry.ts): one definition per KPI, read
// by the rollups, the raw path, the catalog and the page; rollups built
// under other definitions are never read, and are rebuilt on open.
import { afterAll, describe, expect, it } from 'vitest'
import type {
  DashboardData,
  Filters,
  KpiDefinition,
  KpiTargets,
  LeadResponseStats,
} from '../../shared/api/index.ts'
import { unwrap } from '../../shared/api/index.ts'
import { startCore, type CoreService } from '../../main/core/core-service.ts'
import {
  DEFAULT_TARGETS,
  applyLeadChange,
  createScope,
  ensureRollups,
  leadResponseKpi,
  rebuildRollups,
  registryFor,
  rollupState,
  trendsKpi,
} from '../../main/metrics/index.ts'
import { MEASURES, createRegistry, leadMeasures } from '../../main/metrics/registry.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import { insertLeads, lead } from '../support/leads.ts'
import { tempDir } from '../support/temp.ts'

const at = (iso: string) => Date.parse(iso)
const S = 1000
const clock = () => new Date('2026-03-13T00:00:00Z')
// Answered in 60 s, 100 s (won), 150 s (won, $1,000) and never: 120 s puts two within target, 90 s one.
const LEADS = [
  lead({
    id: 1,
    created_at: at('2026-03-10T09:00:00Z'),
    first_response_at: at('2026-03-10T09:00:00Z') + 60 * S,
  }),
  lead({
    id: 2,
    created_at: at('2026-03-10T10:00:00Z'),
    first_response_at: at('2026-03-10T10:00:00Z') + 100 * S,
    status: 'won',
    converted_at: at('2026-03-11T10:00:00Z'),
  }),
  lead({
    id: 3,
    created_at: at('2026-03-10T11:00:00Z'),
    first_response_at: at('2026-03-10T11:00:00Z') + 150 * S,
    status: 'won',
    converted_at: at('2026-03-11T11:00:00Z'),
    deal_value_cents: 100_000,
  }),
  lead({ id: 4, created_at: at('2026-03-10T12:00:00Z') }),
]
// The org zone of the rollups, so the rollup path is the one taken when they are current.
const filters: Filters = {
  range: { preset: 'custom', from: '2026-03-01', to: '2026-03-12', timeZone: 'America/Detroit' },
}
const NINETY: KpiTargets = { ...DEFAULT_TARGETS, responseSeconds: 90 }

const { dir, cleanup } = tempDir('watchfloor-registry-')
afterAll(cleanup)

/** A cache file whose rollups were built under the default definitions (120 s). */
function oldCache(name: string): string {
  const path = `${dir}/${name}.sqlite`
  const db = openStore(path)
  insertLeads(db, LEADS)
  rebuildRollups(db)
  expect(rollupState(db).valid).toBe(true)
  expect(leadResponseKpi(db, filters, clock).underTarget).toBe(2)
  db.close()
  return path
}

const both = (db: Store) => ({
  rollup: leadResponseKpi(db, filters, clock, createScope(db, filters)),
  raw: leadResponseKpi(db, filters, clock, createScope(db, filters, { raw: true })),
})

describe('the KPI registry', () => {
  it('compiles each measure to SQL and to the upkeep arithmetic from one definition', () => {
    const registry = createRegistry()
    expect(registry.measureSql).toHaveLength(MEASURES.length)
    expect(registry.measureSql[2]).toContain('first_response_at - created_at <= 120000')
    expect(createRegistry(NINETY).measureSql[2]).toContain('<= 90000')
    // The JS twin agrees with the SQL on every lead above, under both targets.
    for (const targets of [DEFAULT_TARGETS, NINETY]) {
      const r = createRegistry(targets)
      const db = openStore(':memory:')
      insertLeads(db, LEADS)
      for (const l of LEADS) {
        const sql = db
          .prepare(`SELECT ${r.measureSql.join(', ')} FROM leads WHERE id = ?`)
          .raw()
          .get(l.id) as number[]
        expect(Object.values(leadMeasures(l, r))).toEqual(sql)
      }
      db.close()
    }
  })

  it('hashes what the rollups depend on: a response target changes it, a conversion band does not', () => {
    const base = createRegistry().definitionsHash
    expect(createRegistry(NINETY).definitionsHash).not.toBe(base)
    expect(
      createRegistry({ ...DEFAULT_TARGETS, conversionBand: { low: 0.2, high: 0.3 } })
        .definitionsHash,
    ).toBe(base)
  })

  it('states each rule once, with the targets it was made from', () => {
    const { kpis } = createRegistry(NINETY)
    expect(kpis.averageResponseSeconds.target).toBe(90)
    expect(kpis.shareUnderTarget.rule).toContain('within 90 s')
    expect(kpis.conversionRate.band).toEqual(DEFAULT_TARGETS.conversionBand)
    for (const k of Object.values(kpis)) {
      expect(k.label.length, k.id).toBeGreaterThan(0)
      expect(k.rule.length, k.id).toBeGreaterThan(10)
    }
  })

  it('says what each KPI counts, how it is written and whether it matures (issue 11)', () => {
    const { kpis } = createRegistry()
    // Overview's deals won count the range's leads; Trends' count the deals booked in it.
    expect(kpis.conversions).toMatchObject({
      label: 'Deals won',
      basis: 'lead date',
      matures: true,
    })
    expect(kpis.dealsBooked).toMatchObject({
      label: 'Deals won',
      basis: 'close date',
      matures: false,
    })
    expect(kpis.revenueBooked.basis).toBe('close date')
    expect(kpis.monthProgress.basis).toBe('close date')
    for (const id of ['conversionRate', 'revenueCents'] as const)
      expect(kpis[id].matures).toBe(true)
    for (const id of ['leads', 'averageResponseSeconds', 'shareUnderTarget'] as const)
      expect(kpis[id].matures, id).toBe(false)
    // One unit per measure: response times are always written in seconds, as the target is.
    expect(kpis.averageResponseSeconds.display).toBe('seconds')
    expect(kpis.medianResponseSeconds.display).toBe('seconds')
    const displays = {
      count: 'integer',
      seconds: 'seconds',
      fraction: 'percent',
      cents: 'money',
      percent: 'percent',
    }
    for (const k of Object.values(kpis)) expect(k.display, k.id).toBe(displays[k.unit])
  })

  it('gives a changed target’s answer on the rollup path and the raw path alike, on an old cache reopened', () => {
    const path = oldCache('reopened')
    const db = openStore(path)
    registryFor(db, NINETY)
    // Built under 120 s: not read, so both paths answer from raw rows at once.
    expect(rollupState(db)).toMatchObject({ valid: false, outdated: true })
    let { rollup, raw } = both(db)
    expect(raw.targetSeconds).toBe(90)
    expect(raw.underTarget).toBe(1)
    expect(rollup).toEqual(raw)
    // The open step rebuilds them under the new definitions; the rollup path then reads them.
    expect(ensureRollups(db)).toBe('outdated')
    expect(rollupState(db)).toMatchObject({ valid: true, outdated: false })
    ;({ rollup, raw } = both(db))
    expect(rollup.underTarget).toBe(1)
    expect(rollup).toEqual(raw)
    expect(trendsKpi(db, filters, clock).deltas.shareUnderTarget.current).toBe(0.25)
    expect(ensureRollups(db)).toBeNull()
    db.close()
    // Reopened with the old target, the rollups (now 90 s) are outdated again.
    const again = openStore(path)
    expect(rollupState(again)).toMatchObject({ valid: false, outdated: true })
    expect(leadResponseKpi(again, filters, clock).underTarget).toBe(2)
    again.close()
  })

  it('reads rollups over no leads under any definitions, and stamps the first rows written into them', () => {
    const path = `${dir}/empty.sqlite`
    const db = openStore(path)
    registryFor(db, NINETY)
    expect(rollupState(db).valid).toBe(true)
    db.transaction(() => {
      insertLeads(db, LEADS)
      for (const l of LEADS) applyLeadChange(db, null, l)
    })()
    const { rollup, raw } = both(db)
    expect(rollup.underTarget).toBe(1)
    expect(rollup).toEqual(raw)
    db.close()
    // Those rows were counted under 90 s: opened with the default 120 s they are not read.
    const again = openStore(path)
    expect(rollupState(again)).toMatchObject({ valid: false, outdated: true })
    expect(leadResponseKpi(again, filters, clock).underTarget).toBe(2)
    again.close()
  })

  it('serves a changed target through the core: definitions, dashboards and a rebuilt cache', async () => {
    const path = oldCache('core')
    const lines: string[] = []
    const core: CoreService = startCore(
      { dbPath: path, demo: null, version: 'test', kpiTargets: NINETY },
      { log: (l) => lines.push(l), emit: () => {} },
    )
    try {
      expect(lines.join('\n')).toMatch(/KPI definitions changed/)
      expect(rollupState(core.db).valid).toBe(true)
      const list = unwrap(await core.dispatch('kpis.definitions', {})) as KpiDefinition[]
      expect(list.find((d) => d.id === 'averageResponseSeconds')?.target).toBe(90)
      const dash = unwrap(
        await core.dispatch('kpis.dashboard', { filters, dashboards: ['leadResponse'] }),
      ) as DashboardData
      const kpi = dash.leadResponse as LeadResponseStats
      expect(kpi).toMatchObject({ targetSeconds: 90, underTarget: 1, overTarget: 3 })
      expect(kpi.statusRule).toContain('within 90 s')
    } finally {
      await core.close()
    }
  })
})
