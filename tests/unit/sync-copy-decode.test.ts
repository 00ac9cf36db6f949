// The COPY decode worker (issue 14, main/sync/postgres/copy-decode.ts) gives
// the writer exactly what the one-thread path gives it: the same values, the
// same rejected keys with the same reasons, the same last key, in batches of
// the asked size, whatever the bytes' cuts; a cut row or a failing stream
// ends it with an error, and the worker is gone afterwards.
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  columnSpec,
  rowDecoder,
  type DecodedRow,
  type RejectedRow,
} from '../../main/sync/local-cache.ts'
import { decodedCopyBatches, unpackRows } from '../../main/sync/postgres/copy-decode.ts'
import { COPY_CUT_MESSAGE, copyTextRows } from '../../main/sync/postgres/copy-text.ts'
import { opsManifest } from '../../main/sync/manifest.ts'

const leadsTable = opsManifest.tables.find((t) => t.upstream === 'leads')
if (!leadsTable) throw new Error('no leads table')
const leads = leadsTable
const MAX_TEXT = 40

/** COPY text escaping of one value (the inverse of the parser). */
const escape = (value: string | null): string =>
  value === null
    ? '\\N'
    : value.replace(/[\\\t\n\r\b\f\v]/g, (c) => {
        const map: Record<string, string> = {
          '\\': '\\\\',
          '\t': '\\t',
          '\n': '\\n',
          '\r': '\\r',
          '\b': '\\b',
          '\f': '\\f',
          '\v': '\\v',
        }
        return map[c] ?? c
      })

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('a\tb', 'x\\y', 'line\nbreak', 'nul\0here', 'é€😀', 'x'.repeat(MAX_TEXT + 1)),
)
const number = fc.oneof(
  fc.integer({ min: -1e12, max: 1e12 }).map(String),
  fc.constantFrom('1.5', '', 'NaN', '9007199254740993', 'abc', '-0', '1e3'),
)
/** One row's fields: mostly the leads' shape, now and then one too few or too many. */
const fieldsOf = (id: number) =>
  fc
    .tuple(
      fc.array(fc.option(text, { nil: null, freq: 5 }), {
        minLength: leads.columns.length,
        maxLength: leads.columns.length,
      }),
      fc.array(fc.option(number, { nil: null, freq: 5 }), {
        minLength: leads.columns.length,
        maxLength: leads.columns.length,
      }),
      fc.integer({ min: -1, max: 1 }).chain((d) => fc.constantFrom(0, 0, 0, 0, d)),
    )
    .map(([texts, numbers, extra]) => {
      const fields = leads.columns.map((c, i) =>
        c.type === 'text' || c.type === 'text_array_json' ? texts[i] : numbers[i],
      )
      fields[leads.columns.findIndex((c) => c.upstream === leads.key)] = String(id)
      if (extra < 0) fields.pop()
      if (extra > 0) fields.push('extra')
      return fields as (string | null)[]
    })

const copyText = (rows: (string | null)[][]): Buffer =>
  Buffer.from(rows.map((r) => `${r.map(escape).join('\t')}\n`).join(''), 'utf8')

/** The bytes cut at the given points (fractions of the length), as a stream. */
function streamOf(bytes: Buffer, cuts: number[]): Readable {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let at = 0
  for (const p of [...points, bytes.length]) {
    if (p > at) chunks.push(bytes.subarray(at, p))
    at = Math.max(at, p)
  }
  return Readable.from(chunks, { objectMode: false })
}

async function oneThread(bytes: Buffer) {
  const decode = rowDecoder(leads, MAX_TEXT)
  const out: (DecodedRow | RejectedRow)[] = []
  for await (const rows of copyTextRows(Readable.from([bytes]))) {
    for (const fields of rows) out.push(decode(fields))
  }
  return out
}

async function offThread(bytes: Buffer, cuts: number[], batchRows: number) {
  const spec = columnSpec(leads, MAX_TEXT)
  const rows: (DecodedRow | RejectedRow)[] = []
  const sizes: number[] = []
  const lastKeys: (string | null)[] = []
  for await (const batch of decodedCopyBatches(streamOf(bytes, cuts), spec, batchRows)) {
    sizes.push(batch.rows)
    lastKeys.push(batch.lastKey)
    rows.push(...unpackRows(batch, spec).rows)
  }
  return { rows, sizes, lastKeys }
}

/** Accepted rows first, rejected ones after, as a batch unpacks; by key within each. */
const canonical = (rows: readonly (DecodedRow | RejectedRow)[]) =>
  [...rows].sort((a, b) => {
    const ra = 'reason' in a ? 1 : 0
    const rb = 'reason' in b ? 1 : 0
    return ra - rb || Number(a.key) - Number(b.key)
  })

describe('COPY decoded on a worker thread', () => {
  it('gives the one-thread values, rejects and last keys, in batches of the asked size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.tuple(...Array.from({ length: n }, (_, i) => fieldsOf(i + 1))),
              fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
              fc.integer({ min: 1, max: 25 }),
            ),
          ),
        async ([rows, cuts, batchRows]) => {
          const bytes = copyText(rows)
          const expected = await oneThread(bytes)
          const got = await offThread(bytes, cuts, batchRows)
          expect(canonical(got.rows)).toEqual(canonical(expected))
          const full = Math.floor(rows.length / batchRows)
          expect(got.sizes).toEqual([
            ...Array.from({ length: full }, () => batchRows),
            ...(rows.length % batchRows ? [rows.length % batchRows] : []),
          ])
          expect(got.lastKeys).toEqual(
            got.sizes.map((_, i) => String(Math.min((i + 1) * batchRows, rows.length))),
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  it('ends with an error on output cut inside a row, and on a failing stream', async () => {
    const spec = columnSpec(leads)
    const cut = Readable.from([Buffer.from('1\tx\n2\ty')])
    await expect(async () => {
      for await (const batch of decodedCopyBatches(cut, spec, 10)) void batch
    }).rejects.toThrow(COPY_CUT_MESSAGE)
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection terminated'))
      },
    })
    await expect(async () => {
      for await (const batch of decodedCopyBatches(failing, spec, 10)) void batch
    }).rejects.toThrow('connection terminated')
  })

  it('holds the stream while the writer is behind, and stops the COPY when the writer stops', async () => {
    const spec = columnSpec(leads)
    const row = (id: number) =>
      `${id}\tt\t1000\t2000\t\\N\ts\tc\tseg\thot\tnew\to\t\\N\t\\N\t12345\n`
    let produced = 0
    const total = 200_000
    const source = new Readable({
      read() {
        if (produced >= total) return this.push(null)
        let chunk = ''
        for (let i = 0; i < 1_000; i++) chunk += row(++produced)
        this.push(chunk)
      },
    })
    let batches = 0
    for await (const batch of decodedCopyBatches(source, spec, 1_000)) {
      expect(batch.count).toBe(1_000)
      batches++
      // A writer that has taken 3 batches while the source could give 200:
      // the source was held back, not read to its end.
      if (batches === 3) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect(produced).toBeLessThan(total / 2)
        break
      }
    }
    expect(source.destroyed).toBe(true)
  })
})
