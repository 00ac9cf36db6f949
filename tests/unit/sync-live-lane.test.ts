// The live lane's guard (main/sync/postgres/feed.ts, withoutFresher): a
// catch-up page fetched before a live pull wrote some of its keys leaves
// those keys alone — their cached rows are newer — and keeps every other key
// and row, chunked as applyKeys pairs them.
import { describe, expect, it } from 'vitest'
import { withoutFresher, type FetchedKeys } from '../../main/sync/postgres/feed.ts'

const row = (key: string): (string | null)[] => [key, `owner of ${key}`]

describe('a page fetched before a live pull', () => {
  const page: FetchedKeys = {
    keys: ['1', '2', '3', '4', '5'],
    // Key 4 is gone upstream (deleted): the page has no row for it.
    chunks: [[row('1'), row('2')], [row('3')], [row('5')]],
    seq: 10,
  }

  it('drops the keys a later fetch wrote, rows and deletes alike', () => {
    const fresher = new Map([
      ['2', 11],
      ['4', 12],
    ])
    expect(withoutFresher(page, fresher, 0, 2)).toEqual({
      keys: ['1', '3', '5'],
      chunks: [[row('1'), row('3')], [row('5')]],
      seq: 10,
    })
  })

  it('keeps keys a live pull wrote from an earlier fetch, and everything when none is fresher', () => {
    expect(withoutFresher(page, new Map([['2', 9]]), 0, 2)).toBe(page)
    expect(withoutFresher(page, new Map(), 0, 2)).toBe(page)
    expect(withoutFresher(page, new Map([['9', 99]]), 0, 2)).toBe(page)
  })

  it('leaves an empty page when every key is fresher', () => {
    const fresher = new Map(page.keys.map((k) => [k, 20]))
    expect(withoutFresher(page, fresher, 0, 2)).toEqual({ keys: [], chunks: [], seq: 10 })
  })
})
