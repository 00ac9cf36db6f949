// The page's other pure parts: chart readiness, the page's data-state, and
// the data table's sort.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allDrawnFor, createChartReadiness } from '../../../renderer/src/lib/chart-readiness.ts'
import { failure, maxPointsFor, readinessOf } from '../../../renderer/src/lib/page-state.ts'
import { nextSort, sortRows } from '../../../renderer/src/lib/table-sort.ts'

describe('chart readiness', () => {
  it('waits for every chart on screen to draw the answer the page holds', () => {
    const readiness = createChartReadiness()
    const [a, b] = [Symbol('a'), Symbol('b')]
    const first = { answer: 1 }
    const second = { answer: 2 }
    let changes = 0
    const stop = readiness.subscribe(() => (changes += 1))

    // No chart on the tab: nothing to wait for.
    expect(allDrawnFor(readiness.snapshot(), first)).toBe(true)
    readiness.register(a)
    readiness.register(b)
    expect(allDrawnFor(readiness.snapshot(), first)).toBe(false)
    readiness.drawn(a, first)
    expect(allDrawnFor(readiness.snapshot(), first)).toBe(false)
    readiness.drawn(b, first)
    expect(allDrawnFor(readiness.snapshot(), first)).toBe(true)
    // A new answer: the charts have drawn the previous one only.
    expect(allDrawnFor(readiness.snapshot(), second)).toBe(false)
    readiness.drawn(a, second)
    readiness.unregister(b)
    expect(allDrawnFor(readiness.snapshot(), second)).toBe(true)
    expect(changes).toBe(6)

    stop()
    readiness.register(b)
    expect(changes).toBe(6)
  })

  it('changes its snapshot only when something changed, and forgets charts that left', () => {
    const readiness = createChartReadiness()
    const chart = Symbol('chart')
    const empty = readiness.snapshot()
    readiness.unregister(chart)
    readiness.drawn(chart, 'late draw of a chart that left')
    expect(readiness.snapshot()).toBe(empty)
    readiness.register(chart)
    const registered = readiness.snapshot()
    readiness.register(chart)
    expect(readiness.snapshot()).toBe(registered)
    readiness.drawn(chart, 'x')
    const drawn = readiness.snapshot()
    readiness.drawn(chart, 'x')
    expect(readiness.snapshot()).toBe(drawn)
    expect(registered.size).toBe(1)
  })
})

describe('the page’s data-state', () => {
  const ok = { error: null, loading: false }
  it('is ready only when every request has its answer and every chart drew it', () => {
    expect(readinessOf([], [ok, ok], true)).toBe('ready')
    expect(readinessOf([], [ok, { error: null, loading: true }], true)).toBe('loading')
    expect(readinessOf([], [ok, ok], false)).toBe('loading')
  })

  it('is an error whenever the banner has a line', () => {
    const state = {
      error: { code: 'unavailable', message: 'Watchfloor host unreachable' },
      loading: false,
    }
    const errors = failure('Loading status', state)
    expect(errors).toEqual([
      { context: 'Loading status', message: 'Watchfloor host unreachable', code: 'unavailable' },
    ])
    expect(readinessOf(errors, [ok, { error: null, loading: true }], false)).toBe('error')
    expect(failure('Loading status', ok)).toEqual([])
  })

  it('asks for at most one point per pixel of a chart, in steps of 100', () => {
    expect(maxPointsFor(1440, 1)).toBe(1400)
    expect(maxPointsFor(1440, 2)).toBe(700)
    expect(maxPointsFor(1499, 1)).toBe(1400)
    expect(maxPointsFor(50, 2)).toBe(3)
  })
})

describe('sorting a table', () => {
  type Row = { name: string; n: number | null; i: number }
  const rowArb = fc.array(
    fc.record({
      name: fc.constantFrom('a', 'B', 'c10', 'c9'),
      n: fc.option(fc.integer({ min: -5, max: 5 })),
    }),
    { maxLength: 30 },
  )

  it('orders numbers, keeps ties in the data’s order, and puts rows without a value last', () => {
    fc.assert(
      fc.property(
        rowArb,
        fc.constantFrom('ascending' as const, 'descending' as const),
        (raw, direction) => {
          const rows: Row[] = raw.map((r, i) => ({ ...r, i }))
          const sorted = sortRows(rows, (r) => r.n, direction)
          expect([...sorted].sort((x, y) => x.i - y.i)).toEqual(rows)
          const values = sorted.filter((r) => r.n !== null)
          expect(sorted.slice(values.length).every((r) => r.n === null)).toBe(true)
          for (let k = 1; k < values.length; k++) {
            const [p, q] = [values[k - 1] as Row, values[k] as Row]
            const order =
              direction === 'ascending' ? (p.n ?? 0) - (q.n ?? 0) : (q.n ?? 0) - (p.n ?? 0)
            expect(order).toBeLessThanOrEqual(0)
            if (p.n === q.n) expect(p.i).toBeLessThan(q.i)
          }
        },
      ),
    )
  })

  it('orders text as people read it: case aside, numbers by value', () => {
    const rows = ['c10', 'B', 'c9', 'a'].map((name) => ({ name }))
    expect(sortRows(rows, (r) => r.name, 'ascending').map((r) => r.name)).toEqual([
      'a',
      'B',
      'c9',
      'c10',
    ])
    expect(sortRows(rows, (r) => r.name, 'descending').map((r) => r.name)).toEqual([
      'c10',
      'c9',
      'B',
      'a',
    ])
  })

  it('flips a column on a second click; a new column starts with the largest figures or A to Z', () => {
    expect(nextSort(null, 'leads', true)).toEqual({ column: 'leads', direction: 'descending' })
    expect(nextSort(null, 'channel', false)).toEqual({ column: 'channel', direction: 'ascending' })
    const once = nextSort(null, 'leads', true)
    expect(nextSort(once, 'leads', true)).toEqual({ column: 'leads', direction: 'ascending' })
    expect(nextSort(once, 'channel', false)).toEqual({ column: 'channel', direction: 'ascending' })
  })
})
