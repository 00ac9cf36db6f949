// Pure parts of the Postgres sync: backoff, COPY text parsing, row decoding,
// failure sentences, durations and redaction.
import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../main/cli/commands/upstream.ts'
import { copyTextRows } from '../../main/sync/postgres/copy-text.ts'
import { MirrorWriter, rowDecoder } from '../../main/sync/local-cache.ts'
import { openStore } from '../../main/store/index.ts'
import { opsManifest } from '../../main/sync/manifest.ts'
import { backoffDelay } from '../../main/sync/source-state.ts'
import {
  describePostgresFailure,
  redactConnectionString,
} from '../../main/sync/postgres/failures.ts'

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield await Promise.resolve(Buffer.from(part))
}

describe('sync units', () => {
  it('backs off with full jitter under a cap', () => {
    expect(backoffDelay(0, { baseMs: 100, random: () => 0.999 })).toBe(99)
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.5 })).toBe(400)
    expect(backoffDelay(40, { baseMs: 100, capMs: 5_000, random: () => 0.999 })).toBe(4995)
    expect(backoffDelay(5, { random: () => 0 })).toBe(0)
  })

  it('parses COPY text rows split anywhere, with escapes and NULLs', async () => {
    const rows: (string | null)[][] = []
    for await (const batch of copyTextRows(chunks('1\ta\\tb\t\\N\n2\tc', 'ity\\\\x\té\n'))) {
      rows.push(...batch)
    }
    expect(rows).toEqual([
      ['1', 'a\tb', null],
      ['2', 'city\\x', 'é'],
    ])
  })

  it('decodes mirror values and rejects what does not fit', () => {
    const leads = opsManifest.tables.find((t) => t.upstream === 'leads')
    if (!leads) throw new Error('no leads table')
    const decode = rowDecoder(leads, 10)
    const good = [
      '7',
      't',
      '1000',
      '2000',
      null,
      's',
      'c',
      'seg',
      'hot',
      'new',
      'o',
      null,
      null,
      '12345',
    ]
    expect(decode(good)).toEqual({
      key: '7',
      values: [7, 't', 1000, 2000, null, 's', 'c', 'seg', 'hot', 'new', 'o', null, null, 12345],
    })
    expect(decode(good.map((v, i) => (i === 13 ? '123.4' : v)))).toMatchObject({
      key: '7',
      reason: expect.stringContaining('deal_value') as unknown,
    })
    expect(decode(good.map((v, i) => (i === 11 ? 'infinity' : v)))).toMatchObject({
      reason: expect.stringContaining('first_response_at') as unknown,
    })
    expect(decode(good.map((v, i) => (i === 6 ? 'x'.repeat(11) : v)))).toMatchObject({
      reason: expect.stringContaining('over the 10 limit') as unknown,
    })
    expect(decode(good.map((v, i) => (i === 6 ? 'a\0b' : v)))).toMatchObject({
      reason: expect.stringContaining('NUL') as unknown,
    })
  })

  it('says what went wrong in one sentence', () => {
    expect(describePostgresFailure({ code: 'ECONNREFUSED' }, '127.0.0.1:5433')).toEqual({
      kind: 'offline',
      message: 'Cannot reach Postgres at 127.0.0.1:5433: connection refused',
    })
    const login = Object.assign(new Error('password authentication failed for user "ops"'), {
      code: '28P01',
    })
    expect(describePostgresFailure(login, 'db:5432')).toEqual({
      kind: 'error',
      message:
        'Postgres at db:5432 refused the login: password authentication failed for user "ops"',
    })
  })

  it('parses durations and redacts passwords', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000)
    expect(parseDuration('90s')).toBe(90_000)
    expect(() => parseDuration('soon')).toThrow(/not a duration/)
    expect(redactConnectionString('postgres://ops:hunter2@db:5432/x')).toBe(
      'postgres://ops:***@db:5432/x',
    )
  })
})

describe('a rejected row in a transaction that rolls back', () => {
  it('is counted and told again by the retry, once, and a committed one is not told twice', () => {
    const leads = opsManifest.tables.find((t) => t.upstream === 'leads')
    if (!leads) throw new Error('no leads table')
    const db = openStore(':memory:')
    const told: string[] = []
    const writer = new MirrorWriter(db, 'pg', leads, undefined, (_t, key) => told.push(key))
    const inTransaction = (fn: () => void) => {
      try {
        db.transaction(fn)()
        writer.committed()
      } catch (error) {
        writer.rolledBack()
        throw error
      }
    }
    const rejects = db.prepare('SELECT key FROM sync_rejects').pluck()
    expect(() =>
      inTransaction(() => {
        writer.reject('7', 'a temperature the cache refuses')
        throw new Error('SQLITE_BUSY at commit')
      }),
    ).toThrow('SQLITE_BUSY')
    expect(rejects.all()).toEqual([])
    inTransaction(() => writer.reject('7', 'a temperature the cache refuses'))
    expect(told).toEqual(['7', '7'])
    expect(rejects.all()).toEqual(['7'])
    // Still rejected on the next pass: stored again, not told again.
    inTransaction(() => writer.reject('7', 'a temperature the cache refuses'))
    expect(told).toEqual(['7', '7'])
    // Mended in a transaction that rolls back: still rejected, so not told again after it.
    expect(() =>
      inTransaction(() => {
        writer.delete('7')
        throw new Error('SQLITE_BUSY at commit')
      }),
    ).toThrow('SQLITE_BUSY')
    expect(rejects.all()).toEqual(['7'])
    inTransaction(() => writer.reject('7', 'a temperature the cache refuses'))
    expect(told).toEqual(['7', '7'])
    db.close()
  })
})
