import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi, type Dispatch } from '../../main/api/index.ts'
import { openStore, type Store } from '../../main/store/index.ts'
import {
  PRESET_LIMIT,
  PRESET_NAME_MAX,
  type Filters,
  type PresetChange,
  type PresetList,
} from '../../shared/api/index.ts'

let db: Store
let api: Dispatch
let clock = Date.parse('2026-11-01T15:00:00Z')

beforeEach(() => {
  db = openStore(':memory:')
  api = createApi({
    db,
    clock: () => new Date(clock),
    version: 'test',
    isDemo: () => false,
    sources: () => [],
  })
})
afterEach(() => db.close())

const hotDetroit: Filters = {
  range: { preset: 'mtd', timeZone: 'America/Detroit' },
  temperature: ['hot'],
  city: ['Detroit', 'Ann Arbor'],
}
const lastYear: Filters = {
  range: { preset: 'custom', from: '2025-01-01', to: '2025-12-31', timeZone: 'UTC' },
  source: ['Google LSA'],
}

async function ok<T>(method: string, input: unknown): Promise<T> {
  const r = await api(method, input)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value as T
}
const list = () => ok<PresetList>('presets.list', {})
const save = (input: unknown) => ok<PresetChange>('presets.save', input)
const idOf = (change: PresetChange): number => {
  if (!change.ok || change.id === null) throw new Error(`not saved: ${JSON.stringify(change)}`)
  return change.id
}

describe('named filter presets', () => {
  it('saves a whole filter set and reads it back exactly, by name regardless of case', async () => {
    expect(await list()).toEqual({ presets: [], unreadable: [] })
    idOf(await save({ name: '  wall: hot Detroit  ', filters: hotDetroit }))
    idOf(await save({ name: 'Audit 2025', filters: lastYear }))
    const { presets, unreadable } = await list()
    expect(unreadable).toEqual([])
    expect(presets.map((p) => p.name)).toEqual(['Audit 2025', 'wall: hot Detroit'])
    expect(presets[1]).toMatchObject({
      name: 'wall: hot Detroit',
      filters: hotDetroit,
      isDefault: false,
      updatedAt: '2026-11-01T15:00:00.000Z',
    })
    expect(presets[0]?.filters).toEqual(lastYear)
  })

  it('refuses a taken name (in any case) unless asked to replace, and renames', async () => {
    const id = idOf(await save({ name: 'Wall', filters: hotDetroit }))
    const refused = await save({ name: 'wall', filters: lastYear })
    expect(refused).toMatchObject({ ok: false, reason: 'name-taken' })
    expect(!refused.ok && refused.message).toContain('"Wall" already exists')
    clock += 60_000
    expect(await save({ name: 'WALL', filters: lastYear, replace: true })).toEqual({ ok: true, id })
    expect((await list()).presets).toMatchObject([{ id, name: 'WALL', filters: lastYear }])

    const other = idOf(await save({ name: 'Desk', filters: hotDetroit }))
    expect(await ok('presets.rename', { id: other, name: 'wall' })).toMatchObject({
      ok: false,
      reason: 'name-taken',
    })
    expect(await ok('presets.rename', { id: other, name: ' Lobby ' })).toEqual({
      ok: true,
      id: other,
    })
    // A preset may be renamed to itself in another case.
    expect(await ok('presets.rename', { id, name: 'Wall' })).toEqual({ ok: true, id })
    expect((await list()).presets.map((p) => p.name)).toEqual(['Lobby', 'Wall'])
    expect(await ok('presets.rename', { id: 999, name: 'x' })).toMatchObject({
      ok: false,
      reason: 'not-found',
    })
  })

  it('keeps at most one default, cleared by unset or by deleting it', async () => {
    const a = idOf(await save({ name: 'A', filters: hotDetroit }))
    const b = idOf(await save({ name: 'B', filters: lastYear }))
    const defaults = async () =>
      (await list()).presets.filter((p) => p.isDefault).map((p) => p.name)
    expect(await ok('presets.setDefault', { id: a })).toEqual({ ok: true, id: a })
    expect(await defaults()).toEqual(['A'])
    await ok('presets.setDefault', { id: b })
    expect(await defaults()).toEqual(['B'])
    await ok('presets.setDefault', { id: null })
    expect(await defaults()).toEqual([])
    await ok('presets.setDefault', { id: b })
    expect(await ok('presets.setDefault', { id: 12345 })).toMatchObject({ reason: 'not-found' })
    expect(await defaults()).toEqual(['B'])
    expect(await ok('presets.delete', { id: b })).toEqual({ ok: true, id: b })
    expect(await ok('presets.delete', { id: b })).toMatchObject({ ok: false, reason: 'not-found' })
    expect(await defaults()).toEqual([])
    expect((await list()).presets.map((p) => p.name)).toEqual(['A'])
  })

  it('refuses a new preset past the limit, but still replaces one', async () => {
    const insert = db.prepare(
      'INSERT INTO filter_presets (name, filters, created_at, updated_at) VALUES (?, ?, 0, 0)',
    )
    for (let i = 0; i < PRESET_LIMIT; i++) insert.run(`p${i}`, 'r-last7.z-UTC')
    const refused = await save({ name: 'one more', filters: hotDetroit })
    expect(refused).toMatchObject({ ok: false, reason: 'limit' })
    expect(!refused.ok && refused.message).toContain(`At most ${PRESET_LIMIT} presets`)
    expect(await save({ name: 'p7', filters: hotDetroit, replace: true })).toMatchObject({
      ok: true,
    })
  })

  it('lists a stored preset that no longer parses as unreadable, with why', async () => {
    idOf(await save({ name: 'Good', filters: hotDetroit }))
    const insert = db.prepare(
      'INSERT INTO filter_presets (name, filters, created_at, updated_at) VALUES (?, ?, 0, 0)',
    )
    insert.run('Old zone', 'r-last7.z-Mars*2FOlympus')
    insert.run('Gone field', 'r-last7.z-UTC.region-West')
    insert.run('Garbage', '{"range":1}')
    const { presets, unreadable } = await list()
    expect(presets.map((p) => p.name)).toEqual(['Good'])
    expect(unreadable.map((p) => p.name)).toEqual(['Garbage', 'Gone field', 'Old zone'])
    expect(unreadable.find((p) => p.name === 'Old zone')?.problem).toMatch(/unknown time zone/)
    expect(unreadable.find((p) => p.name === 'Gone field')?.problem).toMatch(/region/)
    // It can still be deleted.
    const id = unreadable[0]?.id ?? 0
    expect(await ok('presets.delete', { id })).toEqual({ ok: true, id })
  })

  it('refuses bad input by name before any handler runs', async () => {
    const refused = async (method: string, input: unknown, path: RegExp) => {
      const r = await api(method, input)
      expect(r.ok, `${method} ${JSON.stringify(input)}`).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('bad_request')
        expect(r.error.message).toMatch(path)
      }
    }
    await refused('presets.save', { name: '   ', filters: hotDetroit }, /name: a preset needs/)
    await refused(
      'presets.save',
      { name: 'x'.repeat(PRESET_NAME_MAX + 1), filters: hotDetroit },
      /at most 80/,
    )
    await refused('presets.save', { name: 'x'.repeat(10_000), filters: hotDetroit }, /name/)
    await refused('presets.save', { name: 'x', filters: { range: { preset: 'ever' } } }, /range/)
    await refused(
      'presets.save',
      { name: 'x', filters: { ...hotDetroit, temperature: ['lukewarm'] } },
      /temperature/,
    )
    await refused('presets.save', { name: 'x', filters: hotDetroit, sql: '1' }, /sql|Unrecognized/)
    await refused('presets.rename', { id: 0, name: 'x' }, /id/)
    await refused('presets.rename', { id: 1.5, name: 'x' }, /id/)
    await refused('presets.delete', { id: '1' }, /id/)
    await refused('presets.setDefault', {}, /id/)
    // Exactly 80 characters after trimming is a name.
    expect(
      await save({ name: ` ${'n'.repeat(PRESET_NAME_MAX)} `, filters: hotDetroit }),
    ).toMatchObject({ ok: true })
  })
})
