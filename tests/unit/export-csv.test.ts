// The CSV writer (main/export/csv.ts) on reports made by hand: RFC 4180
// quoting read back by a standard parser (csv-parse), formula neutralising by
// column kind, BOM, `;` with decimal commas, ISO and local dates across DST
// changes, abort, a slow consumer, a stream that fails.
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { CSV_NO_DATASET_MESSAGE, CHUNK_ROWS, writeCsv } from '../../main/export/csv.ts'
import type { Cell, Column } from '../../main/export/report.ts'
import {
  ID_AND_NAME,
  cancelledAt,
  collector,
  generatedDataset,
  handDataset,
  handReport,
  writeOptions,
} from './export-csv-fixture.ts'
import { tempDir } from '../support/temp.ts'

/** Writes a one-dataset report and returns the file's text. */
async function csvOf(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  options: Parameters<typeof writeOptions>[0] = {},
  report: Partial<Parameters<typeof handReport>[1]> = {},
): Promise<string> {
  const out = collector()
  await writeCsv(handReport([handDataset(columns, rows)], report), out, writeOptions(options))
  return out.text()
}

const read = (text: string, delimiter = ','): string[][] => {
  const rows: unknown = parse(text, { bom: true, delimiter, relax_column_count: false })
  return rows as string[][]
}

describe('writeCsv: RFC 4180 quoting through a standard parser', () => {
  const awkward = [
    'plain',
    'comma, inside',
    'say "hi"',
    '"quoted"',
    'two\r\nlines (CRLF)',
    'two\nlines (LF)',
    'carriage\rreturn',
    'emoji 🚀👩‍👩‍👧 and ✓',
    'مرحبا بالعالم، 123',
    'שלום עולם',
    '  leading and trailing spaces  ',
    '',
    'semi;colon',
    'ends with a quote"',
  ]

  it('round-trips every awkward value exactly, with CRLF row ends', async () => {
    const rows = awkward.map((v, i) => [String(1000 + i), v])
    const text = await csvOf(ID_AND_NAME, rows)
    expect(read(text)).toEqual([['Lead id', 'Name'], ...rows])
    // Quoted only where RFC 4180 needs it; every row ends with CRLF.
    expect(text.startsWith('Lead id,Name\r\n1000,plain\r\n1001,"comma, inside"\r\n')).toBe(true)
    expect(text).toContain('1002,"say ""hi"""\r\n')
    expect(text).toContain('1010,  leading and trailing spaces  \r\n')
    expect(text).toContain('1012,semi;colon\r\n')
    expect(text.endsWith('1013,"ends with a quote"""\r\n')).toBe(true)
  })

  it('writes UTF-8 (emoji and right-to-left text as their UTF-8 bytes)', async () => {
    const out = collector()
    const rows = [['1', 'שלום 🚀']]
    await writeCsv(handReport([handDataset(ID_AND_NAME, rows)]), out, writeOptions())
    expect(out.bytes().includes(Buffer.from('שלום 🚀', 'utf8'))).toBe(true)
  })

  it('writes a null as an empty field', async () => {
    expect(read(await csvOf(ID_AND_NAME, [['7', null]]))).toEqual([
      ['Lead id', 'Name'],
      ['7', ''],
    ])
  })

  it('keeps a 16-digit id (and one beyond 2^53) exact text', async () => {
    const ids = ['1234567890123456', '9007199254740993', '0012']
    const parsed = read(
      await csvOf(
        ID_AND_NAME,
        ids.map((id) => [id, 'x']),
      ),
    )
    expect(parsed.slice(1).map((r) => r[0])).toEqual(ids)
  })

  it('adds a BOM only when asked, and the text is the same either way', async () => {
    const rows = [['1', 'ä']]
    const without = collector()
    await writeCsv(handReport([handDataset(ID_AND_NAME, rows)]), without, writeOptions())
    const withBom = collector()
    await writeCsv(
      handReport([handDataset(ID_AND_NAME, rows)]),
      withBom,
      writeOptions({ csv: { bom: true } }),
    )
    expect([...without.bytes().subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf])
    expect([...withBom.bytes().subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(withBom.bytes().subarray(3)).toEqual(without.bytes())
    expect(read(withBom.text())).toEqual(read(without.text()))
  })

  it('writes only the first dataset, without its totals row', async () => {
    const first = handDataset(ID_AND_NAME, [['1', 'a']], { totals: [null, 'Total'] })
    const second = handDataset(ID_AND_NAME, [['2', 'b']], { id: 'channels' })
    const out = collector()
    await writeCsv(handReport([first, second]), out, writeOptions())
    expect(read(out.text())).toEqual([
      ['Lead id', 'Name'],
      ['1', 'a'],
    ])
  })

  it('refuses a report with no dataset in a sentence, writing nothing', async () => {
    const out = collector()
    await expect(writeCsv(handReport([]), out, writeOptions())).rejects.toThrow(
      CSV_NO_DATASET_MESSAGE,
    )
    expect(out.writes()).toBe(0)
  })
})

const NUMBER_COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Name', kind: 'text' },
  { key: 'count', label: 'Leads', kind: 'integer' },
  { key: 'delta', label: 'Change', kind: 'decimal' },
  { key: 'deal', label: 'Deal value', kind: 'money' },
  { key: 'rate', label: 'Close rate', kind: 'fraction' },
  { key: 'response', label: 'First response', kind: 'seconds' },
]

describe('writeCsv: formula injection neutralised, numbers kept numbers', () => {
  const injections = [
    '=1+1',
    '+1',
    '-1',
    '@SUM(A1:A9)',
    '\tTab first',
    '\rCR first',
    '=HYPERLINK("http://x")',
  ]

  it("prefixes text starting with = + - @ tab or CR with ', and leaves negative numbers alone", async () => {
    const rows = injections.map((v) => [v, -7, -12.5, -3, -0.25, -1])
    const parsed = read(await csvOf(NUMBER_COLUMNS, rows))
    expect(parsed.slice(1).map((r) => r[0])).toEqual(injections.map((v) => `'${v}`))
    for (const r of parsed.slice(1))
      expect(r.slice(1)).toEqual(['-7', '-12.5', '-3.00', '-0.25', '-1'])
  })

  it('treats a string in a number column as text (neutralised), a number as a number', async () => {
    const parsed = read(await csvOf(NUMBER_COLUMNS, [['x', '-5', '=2', '-3.00', '+1', '@x']]))
    expect(parsed[1]).toEqual(['x', "'-5", "'=2", "'-3.00", "'+1", "'@x"])
  })

  it('neutralises a header that could run as a formula', async () => {
    const columns: Column[] = [{ key: 'x', label: '=cmd|calc', kind: 'text' }]
    expect(read(await csvOf(columns, [['a']]))[0]).toEqual(["'=cmd|calc"])
  })

  it('writes text as given when neutralising is turned off', async () => {
    const rows = injections.map((v) => [v, 1, 1, 1, 1, 1])
    const parsed = read(await csvOf(NUMBER_COLUMNS, rows, { csv: { neutraliseFormulas: false } }))
    expect(parsed.slice(1).map((r) => r[0])).toEqual(injections)
  })

  it('writes numbers for machines: money with two decimals, fractions as fractions', async () => {
    const text = await csvOf(NUMBER_COLUMNS, [
      ['a', 1234567, 0.1 + 0.2, 12340.5, 0.543, 112],
      ['b', 0, 1e-7, 0.005, 1, 0.5],
      ['c', null, Number.NaN, Number.POSITIVE_INFINITY, null, null],
    ])
    expect(read(text).slice(1)).toEqual([
      ['a', '1234567', '0.30000000000000004', '12340.50', '0.543', '112'],
      ['b', '0', '1e-7', '0.01', '1', '0.5'],
      ['c', '', '', '', '', ''],
    ])
  })

  it('with ; writes decimal commas (what Excel in comma locales reads as numbers) and round-trips', async () => {
    const rows = [
      ['semi;colon, comma', 1234, -12.5, 12340.5, 0.543, 97.25],
      ['=1;2', -1, 0, -0.5, 1, 0],
    ]
    const text = await csvOf(NUMBER_COLUMNS, rows, { csv: { separator: ';' } })
    expect(text.split('\r\n')[0]).toBe('Name;Leads;Change;Deal value;Close rate;First response')
    expect(read(text, ';').slice(1)).toEqual([
      ['semi;colon, comma', '1234', '-12,5', '12340,50', '0,543', '97,25'],
      ["'=1;2", '-1', '0', '-0,50', '1', '0'],
    ])
    // A comma needs no quotes when it is not the separator.
    expect(text).toContain(';-12,5;12340,50;0,543;97,25\r\n')
  })
})

describe('writeCsv: ISO and local dates in the report zone, across DST changes', () => {
  const columns: readonly Column[] = [
    { key: 'at', label: 'Created', kind: 'datetime' },
    { key: 'day', label: 'Day', kind: 'date' },
  ]
  const at = (iso: string) => Date.parse(iso)
  // Intl puts a narrow no-break space before AM/PM in newer ICU; compare with plain spaces.
  const spaces = (s: string) => s.replace(/\s/g, ' ')

  it('America/New_York, spring forward on 2026-03-08', async () => {
    const rows = [
      [at('2026-03-08T06:59:00Z'), '2026-03-08'],
      [at('2026-03-08T07:01:00Z'), '2026-03-08'],
      [at('2026-11-01T05:30:00.250Z'), '2026-11-01'],
      [at('2026-11-01T06:30:00Z'), '2026-11-01'],
    ]
    const iso = read(await csvOf(columns, rows, {}, { timeZone: 'America/New_York' }))
    expect(iso.slice(1)).toEqual([
      ['2026-03-08T01:59:00-05:00', '2026-03-08'],
      ['2026-03-08T03:01:00-04:00', '2026-03-08'],
      ['2026-11-01T01:30:00.250-04:00', '2026-11-01'],
      ['2026-11-01T01:30:00-05:00', '2026-11-01'],
    ])
    // Each ISO time is the same instant as the cell it came from.
    expect(iso.slice(1).map((r) => Date.parse(r[0]!))).toEqual(rows.map((r) => r[0]))

    const local = read(
      await csvOf(columns, rows, { csv: { dates: 'local' } }, { timeZone: 'America/New_York' }),
    )
    expect(local.slice(1).map((r) => r.map(spaces))).toEqual([
      ['Mar 8, 2026, 1:59 AM', 'Mar 8, 2026'],
      ['Mar 8, 2026, 3:01 AM', 'Mar 8, 2026'],
      ['Nov 1, 2026, 1:30 AM', 'Nov 1, 2026'],
      ['Nov 1, 2026, 1:30 AM', 'Nov 1, 2026'],
    ])
  })

  it('Europe/London, spring forward on 2026-03-29 and back on 2026-10-25', async () => {
    const rows = [
      [at('2026-03-29T00:59:00Z'), '2026-03-29'],
      [at('2026-03-29T01:00:00Z'), '2026-03-29'],
      [at('2026-10-25T00:30:00Z'), '2026-10-25'],
      [at('2026-10-25T01:30:00Z'), '2026-10-25'],
    ]
    const iso = read(await csvOf(columns, rows, {}, { timeZone: 'Europe/London' }))
    expect(iso.slice(1).map((r) => r[0])).toEqual([
      '2026-03-29T00:59:00+00:00',
      '2026-03-29T02:00:00+01:00',
      '2026-10-25T01:30:00+01:00',
      '2026-10-25T01:30:00+00:00',
    ])
    const local = read(
      await csvOf(columns, rows, { csv: { dates: 'local' } }, { timeZone: 'Europe/London' }),
    )
    expect(local.slice(1).map((r) => spaces(r[0]!))).toEqual([
      'Mar 29, 2026, 12:59 AM',
      'Mar 29, 2026, 2:00 AM',
      'Oct 25, 2026, 1:30 AM',
      'Oct 25, 2026, 1:30 AM',
    ])
  })

  it('local dates with ; need no quotes; with , they are quoted and round-trip', async () => {
    const rows = [[at('2026-07-04T16:00:00Z'), '2026-07-04']]
    const comma = await csvOf(columns, rows, { csv: { dates: 'local' } })
    expect(comma.split('\r\n')[1]).toMatch(/^"Jul 4, 2026, 12:00\sPM","Jul 4, 2026"$/)
    const semi = await csvOf(columns, rows, { csv: { dates: 'local', separator: ';' } })
    expect(semi.split('\r\n')[1]).toMatch(/^Jul 4, 2026, 12:00\sPM;Jul 4, 2026$/)
  })
})

describe('writeCsv: streaming discipline', () => {
  const columns: readonly Column[] = [
    ...ID_AND_NAME,
    { key: 'deal', label: 'Deal value', kind: 'money' },
  ]
  const row = (i: number): Cell[] => [String(100000 + i), `lead "${i}", ok`, i / 4]

  it('rejects with an AbortError when cancelled mid-way, and closes the rows iterator', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => row(i))
    const dataset = handDataset(columns, rows)
    const out = collector()
    const { writing, progress } = cancelledAt(writeCsv, dataset, 3 * CHUNK_ROWS, out)
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' })
    expect(Math.max(...progress)).toBeLessThan(rows.length)
    expect(dataset.closed()).toBe(1)
    expect(out.writableEnded).toBe(false)
  })

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const out = collector()
    await expect(
      writeCsv(
        handReport([handDataset(columns, [row(1)])]),
        out,
        writeOptions({ signal: controller.signal }),
      ),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(out.writes()).toBe(0)
  })

  it('cancels while waiting for a slow consumer to drain', async () => {
    const controller = new AbortController()
    // A consumer that never finishes its first write: the writer waits on 'drain' forever.
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined })
    const writing = writeCsv(
      handReport([generatedDataset(10_000, columns, row)]),
      stuck,
      writeOptions({ signal: controller.signal }),
    )
    setImmediate(() => controller.abort())
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('gives a slow consumer everything, in order, never more than a chunk ahead', async () => {
    const n = 5 * CHUNK_ROWS + 17
    const out = collector({ highWaterMark: 512, delayMs: 2 })
    let buffered = 0
    const write = out._write.bind(out)
    out._write = (chunk: Buffer, encoding, done) => {
      buffered = Math.max(buffered, out.writableLength)
      write(chunk, encoding, done)
    }
    const options = writeOptions()
    await writeCsv(handReport([generatedDataset(n, columns, row)]), out, options)
    const parsed = read(out.text())
    expect(parsed.length).toBe(n + 1)
    expect(parsed.slice(1)).toEqual(
      Array.from({ length: n }, (_, i) => [
        String(100000 + i),
        `lead "${i}", ok`,
        (i / 4).toFixed(2),
      ]),
    )
    expect(options.progress.at(-1)).toBe(n)
    expect(options.progress).toEqual([...options.progress].sort((a, b) => a - b))
    // Backpressure honoured: the stream never held more than the chunk being written.
    const longestChunk =
      Math.max(
        ...out
          .text()
          .split('\r\n')
          .map((l) => l.length + 2),
      ) * CHUNK_ROWS
    expect(buffered).toBeLessThanOrEqual(longestChunk)
    expect(out.writableFinished).toBe(true)
  })

  it('yields to the event loop between chunks (others get the thread mid-export)', async () => {
    const n = 10 * CHUNK_ROWS
    const seen: number[] = []
    let latest = 0
    let running = true
    const poll = () => {
      seen.push(latest)
      if (running) setImmediate(poll)
    }
    setImmediate(poll)
    const options = writeOptions()
    await writeCsv(handReport([generatedDataset(n, columns, row)]), collector(), {
      ...options,
      onRows: (done) => (latest = done),
    })
    running = false
    expect(seen.some((done) => done > 0 && done < n)).toBe(true)
  })

  it('rejects with the file system error of a file that cannot be opened', async () => {
    const { dir, cleanup } = tempDir('watchfloor-export-csv-')
    try {
      const out = createWriteStream(join(dir, 'no-such-folder', 'leads.csv'))
      await expect(
        writeCsv(handReport([generatedDataset(10_000, columns, row)]), out, writeOptions()),
      ).rejects.toMatchObject({ code: 'ENOENT' })
    } finally {
      cleanup()
    }
  })

  it('rejects with the stream error when the stream fails mid-way, and closes the iterator', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => row(i))
    const dataset = handDataset(columns, rows)
    let writes = 0
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        writes += 1
        done(writes === 3 ? new Error('ENOSPC: no space left on device') : null)
      },
    })
    await expect(writeCsv(handReport([dataset]), failing, writeOptions())).rejects.toThrow('ENOSPC')
    expect(dataset.closed()).toBe(1)
  })
})
