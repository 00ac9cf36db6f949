// Cross-filtering and chips: a value picked on a chart or a table becomes one more value of its
// filter field, in the shape the contract takes; a chip removed takes exactly its value away.
import { describe, expect, it } from 'vitest'
import { FILTER_FIELDS, parseFilters } from '../../../shared/api/index.ts'
import { withPick } from '../../../renderer/src/hooks/use-cross-filter.ts'
import { FILTER_FIELD_LABELS, chipsOf } from '../../../renderer/src/lib/filter-labels.ts'
import { readUrl, withoutValue, writeUrl } from '../../../renderer/src/lib/url-state.ts'

describe('a cross-filter pick', () => {
  it('adds the value to its field, after those already set, leaving other fields alone', () => {
    const dims = { source: ['Nextdoor'], city: ['Detroit'] }
    expect(withPick(dims, { field: 'source', value: 'Google LSA' })).toEqual({
      source: ['Nextdoor', 'Google LSA'],
      city: ['Detroit'],
    })
    expect(withPick({}, { field: 'temperature', value: 'hot' })).toEqual({ temperature: ['hot'] })
    expect(withPick({ owner: [] }, { field: 'status', value: 'won' })).toEqual({ status: ['won'] })
  })

  it('does nothing for a value already set', () => {
    expect(withPick({ source: ['Nextdoor'] }, { field: 'source', value: 'Nextdoor' })).toBeNull()
  })

  it('refuses a value its field cannot hold, so the link never becomes unreadable', () => {
    expect(withPick({}, { field: 'temperature', value: 'Hot' })).toBeNull()
    expect(withPick({}, { field: 'status', value: 'qualified leads' })).toBeNull()
    expect(withPick({}, { field: 'city', value: '' })).toBeNull()
    expect(withPick({}, { field: 'owner', value: 'x'.repeat(201) })).toBeNull()
    const full = { source: Array.from({ length: 100 }, (_, i) => `s${i}`) }
    expect(withPick(full, { field: 'source', value: 'one more' })).toBeNull()
  })

  it('gives filters every picked value survives a round trip through the link', () => {
    let dims = withPick({}, { field: 'source', value: 'Google LSA' }) ?? {}
    dims = withPick(dims, { field: 'city', value: 'Ann Arbor, MI' }) ?? dims
    dims = withPick(dims, { field: 'owner', value: 'Zoë O’Brien' }) ?? dims
    const state = { view: 'marketing' as const, range: { preset: 'qtd' as const, timeZone: 'UTC' } }
    const search = writeUrl('', { ...state, dimensions: dims })
    expect(readUrl(search, 'UTC')).toMatchObject({ problems: [], state: { dimensions: dims } })
    const f = new URLSearchParams(search).get('f') ?? ''
    expect(parseFilters(f).ok).toBe(true)
  })
})

describe('filter chips', () => {
  it('lists one chip per value, field by field in the contract’s order, labelled', () => {
    const chips = chipsOf({ owner: ['Grace Kim'], source: ['Nextdoor', 'Yelp'], city: [] })
    expect(chips).toEqual([
      { field: 'source', value: 'Nextdoor', label: 'Source: Nextdoor' },
      { field: 'source', value: 'Yelp', label: 'Source: Yelp' },
      { field: 'owner', value: 'Grace Kim', label: 'Owner: Grace Kim' },
    ])
    expect(Object.keys(FILTER_FIELD_LABELS)).toEqual([...FILTER_FIELDS])
  })

  it('removes exactly one value, and a field left empty is no filter at all', () => {
    const dims = { source: ['Nextdoor', 'Yelp'], temperature: ['hot' as const] }
    expect(withoutValue(dims, 'source', 'Yelp')).toEqual({
      source: ['Nextdoor'],
      temperature: ['hot'],
    })
    expect(withoutValue(dims, 'temperature', 'hot')).toEqual({ source: ['Nextdoor', 'Yelp'] })
    expect(withoutValue(dims, 'city', 'Detroit')).toEqual(dims)
  })
})
