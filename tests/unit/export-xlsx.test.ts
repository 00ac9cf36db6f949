// The Excel writer (issue 12) on hand-made reports, read back with exceljs and,
// where exceljs hides the detail (the raw XML of a cell), with fflate's unzip:
// sheets, header, frozen pane, autofilter, typed cells and formats, the
// Summary, the split past the row limit, wall-clock dates in a zone across DST
// changes, ids as text, hostile text, cancelling, and a slow output.
import { Writable } from 'node:stream'
import { crc32, inflateRawSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { Cell, Column, Dataset, Report, WriteOptions } from '../../main/export/report.ts'
import { writeXlsx } from '../../main/export/xlsx.ts'
import { wallClock } from '../support/wall-clock.ts'

/** An output that keeps what it is given (optionally slowly, with a tiny buffer). */
class Collector extends Writable {
  readonly chunks: Buffer[] = []
  maxBuffered = 0
  constructor(private readonly delayed = false) {
    super({ highWaterMark: delayed ? 1024 : 16 * 1024 })
  }
  override _write(chunk: Buffer, _encoding: string, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk))
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength)
    if (this.delayed) setTimeout(done, 1)
    else done()
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

function options(overrides: Partial<WriteOptions> = {}): WriteOptions {
  return {
    signal: new AbortController().signal,
    onRows: () => {},
    csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
    paper: 'A4',
    orientation: 'portrait',
    ...overrides,
  }
}

function dataset(
  id: Dataset['id'],
  sheet: string,
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  totals?: readonly Cell[],
): Dataset {
  return {
    id,
    title: sheet,
    sheet,
    columns,
    rowCount: rows.length,
    rows: () => rows[Symbol.iterator](),
    ...(totals ? { totals } : {}),
  }
}

const LEAD_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Lead ID', kind: 'id' },
  { key: 'createdAt', label: 'Created', kind: 'datetime' },
  { key: 'source', label: 'Source', kind: 'text' },
  { key: 'firstResponse', label: 'First response', kind: 'seconds' },
  { key: 'dealValue', label: 'Deal value', kind: 'money' },
]

const CHANNEL_COLUMNS: readonly Column[] = [
  { key: 'channel', label: 'Channel', kind: 'text', width: 22 },
  { key: 'leads', label: 'Leads', kind: 'integer' },
  { key: 'rate', label: 'Rate', kind: 'fraction' },
  { key: 'roi', label: 'ROI', kind: 'decimal' },
  { key: 'day', label: 'First lead', kind: 'date' },
]

function report(overrides: Partial<Report> = {}): Report {
  return {
    title: 'Watchfloor — Marketing ROI',
    view: 'marketing',
    generatedAt: new Date('2026-11-30T15:04:05.250Z'),
    dataAsOf: '2026-11-30T14:00:00.000Z',
    timeZone: 'America/New_York',
    rangeText: '1 Sep – 30 Nov 2026 (last 90 days)',
    filterText: ['Last 90 days: 1 Sep – 30 Nov 2026', 'Source: Google LSA'],
    sources: [
      {
        name: 'Postgres leads',
        state: 'live',
        lastGoodSyncAt: '2026-11-30T13:59:00.000Z',
        lastError: null,
      },
      { name: 'Redis events', state: 'offline', lastGoodSyncAt: null, lastError: 'refused' },
    ],
    kpis: [
      {
        id: 'conversionRate',
        label: 'Conversion rate',
        value: 0.543,
        kind: 'fraction',
        text: '54.3 %',
        target: '50.0 %',
        basis: 'lead date',
        note: null,
      },
      {
        id: 'revenue',
        label: 'Revenue',
        value: 12340,
        kind: 'money',
        text: '$12,340',
        target: '$10,000',
        basis: 'close date',
        note: 'maturing',
      },
      {
        id: 'roi',
        label: 'ROI',
        value: null,
        kind: 'fraction',
        text: '—',
        target: null,
        basis: 'close date',
        note: null,
      },
    ],
    datasets: [
      dataset(
        'channels',
        'Channel ROI',
        CHANNEL_COLUMNS,
        [
          ['Google LSA', 120, 0.25, 3.5, '2026-09-01'],
          ['Angi', 80, 0.125, -0.5, '2026-09-02'],
        ],
        ['Total', 200, 0.2, null, null],
      ),
      dataset('leads', 'Leads', LEAD_COLUMNS, [
        ['9123456789012345', Date.parse('2026-09-01T13:00:00Z'), 'Google LSA', 97, 1234.5],
        ['2', Date.parse('2026-09-01T14:30:15Z'), 'Angi', null, null],
      ]),
    ],
    charts: [],
    ...overrides,
  }
}

async function write(r: Report, opts: Partial<WriteOptions> = {}): Promise<Buffer> {
  const out = new Collector()
  await writeXlsx(r, out, options(opts))
  return out.bytes()
}

async function readBack(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  return workbook
}

function sheetOf(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = workbook.getWorksheet(name)
  if (!sheet)
    throw new Error(`no sheet ${name}: ${workbook.worksheets.map((w) => w.name).join(', ')}`)
  return sheet
}

/** Every text cell of a sheet's column A, in order. */
function columnTexts(sheet: ExcelJS.Worksheet, column = 1): string[] {
  const texts: string[] = []
  sheet.eachRow((row) => {
    const value = row.getCell(column).value
    if (typeof value === 'string') texts.push(value)
  })
  return texts
}

/**
 * ST_Xstring (ECMA-376 22.9.2.19): `_xHHHH_` in a cell's text stands for that character. Excel
 * and LibreOffice decode it; exceljs leaves it as is, so the test decodes as they do.
 */
const decodeXstring = (text: string) =>
  text.replace(/_x([0-9A-F]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))

interface ZipEntry {
  name: string
  crc: number
  compressedSize: number
  size: number
  offset: number
}

/** The zip's central directory (APPNOTE 4.3.12–4.3.16), read by hand: no library's view of it. */
function centralDirectory(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  expect(end).toBeGreaterThan(0)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
    })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

describe('writeXlsx', () => {
  it('writes the Summary first, then each dataset on its sheet with a bold frozen header and an autofilter', async () => {
    const workbook = await readBack(await write(report()))
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'Channel ROI', 'Leads'])

    const channels = sheetOf(workbook, 'Channel ROI')
    expect(channels.getRow(1).values).toEqual([
      undefined,
      'Channel',
      'Leads',
      'Rate',
      'ROI',
      'First lead',
    ])
    for (let c = 1; c <= 5; c++) expect(channels.getRow(1).getCell(c).font?.bold).toBe(true)
    expect(channels.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' })
    // The header and the two channels; the totals row stays out of the filter (and the sort).
    expect(channels.autoFilter).toBe('A1:E3')
    const total = channels.getRow(4)
    expect(total.getCell(1).value).toBe('Total')
    expect(total.getCell(2).value).toBe(200)
    expect(total.getCell(2).font?.bold).toBe(true)
    expect(total.getCell(2).numFmt).toBe('#,##0')

    const leads = sheetOf(workbook, 'Leads')
    expect(leads.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
    expect(leads.autoFilter).toBe('A1:E3')
    // Widths: the column's own hint, else room for the header and its filter button.
    expect(channels.getColumn(1).width).toBe(22)
    expect(leads.getColumn(4).width).toBeGreaterThanOrEqual('First response'.length + 3)
  })

  it('types each cell by its column: numbers as numbers with their formats, dates as dates, ids as text', async () => {
    const workbook = await readBack(await write(report()))
    const channels = sheetOf(workbook, 'Channel ROI')
    const row = channels.getRow(2)
    expect(row.getCell(1)).toMatchObject({ type: ExcelJS.ValueType.String, value: 'Google LSA' })
    expect(row.getCell(2)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 120 })
    expect(row.getCell(2).numFmt).toBe('#,##0')
    expect(row.getCell(3)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 0.25 })
    expect(row.getCell(3).numFmt).toBe('0.0%')
    expect(row.getCell(4)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 3.5 })
    expect(row.getCell(4).numFmt).toBe('#,##0.00')
    expect(row.getCell(5).type).toBe(ExcelJS.ValueType.Date)
    expect((row.getCell(5).value as Date).toISOString()).toBe('2026-09-01T00:00:00.000Z')
    expect(row.getCell(5).numFmt).toBe('yyyy-mm-dd')

    const leads = sheetOf(workbook, 'Leads')
    const lead = leads.getRow(2)
    // 9123456789012345 is past 2^53: as a number it would read back as …344.
    expect(lead.getCell(1)).toMatchObject({
      type: ExcelJS.ValueType.String,
      value: '9123456789012345',
    })
    expect(lead.getCell(1).numFmt).toBe('@')
    expect(lead.getCell(2).type).toBe(ExcelJS.ValueType.Date)
    expect(lead.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss')
    // 13:00 UTC is 09:00 in New York (EDT) on 1 September.
    expect((lead.getCell(2).value as Date).toISOString()).toBe('2026-09-01T09:00:00.000Z')
    expect(lead.getCell(4)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 97 })
    expect(lead.getCell(4).numFmt).toBe('#,##0" s"')
    expect(lead.getCell(5)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 1234.5 })
    expect(lead.getCell(5).numFmt).toBe('"$"#,##0.00')
    // A null is an empty cell, not a zero or "null".
    expect(leads.getRow(3).getCell(4).type).toBe(ExcelJS.ValueType.Null)
  })

  it('says on the Summary what the report is: title, times, sources, filters in words, KPI cards with targets', async () => {
    const workbook = await readBack(await write(report()))
    expect(workbook.worksheets[0]?.name).toBe('Summary')
    const summary = sheetOf(workbook, 'Summary')
    expect(summary.getCell('A1').value).toBe('Watchfloor — Marketing ROI')
    expect(summary.getCell('A1').font?.bold).toBe(true)
    const texts = columnTexts(summary)
    expect(texts).toEqual(
      expect.arrayContaining(['Last 90 days: 1 Sep – 30 Nov 2026', 'Source: Google LSA']),
    )
    const rowOf = (label: string) => {
      let found: ExcelJS.Row | undefined
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) found ??= row
      })
      if (!found) throw new Error(`no Summary row "${label}"`)
      return found
    }
    // Generated at 15:04:05 UTC: 10:04:05 in New York (EST), cut to the second.
    expect((rowOf('Generated at').getCell(2).value as Date).toISOString()).toBe(
      '2026-11-30T10:04:05.000Z',
    )
    expect((rowOf('Data as of').getCell(2).value as Date).toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    )
    expect(rowOf('Range').getCell(2).value).toBe('1 Sep – 30 Nov 2026 (last 90 days)')
    expect(rowOf('Postgres leads').getCell(2).value).toBe('live')
    expect(rowOf('Redis events').getCell(3).value).toBe('never')
    expect(rowOf('Redis events').getCell(4).value).toBe('refused')

    const conversion = rowOf('Conversion rate')
    expect(conversion.getCell(2)).toMatchObject({ type: ExcelJS.ValueType.Number, value: 0.543 })
    expect(conversion.getCell(2).numFmt).toBe('0.0%')
    expect(conversion.getCell(3).value).toBe('54.3 %')
    expect(conversion.getCell(4).value).toBe('50.0 %')
    expect(conversion.getCell(5).value).toBe('lead date')
    const revenue = rowOf('Revenue')
    expect(revenue.getCell(2).numFmt).toBe('"$"#,##0.00')
    expect(revenue.getCell(4).value).toBe('$10,000')
    expect(revenue.getCell(6).value).toBe('maturing')
    // Nothing to show: no number, the screen's dash.
    expect(rowOf('ROI').getCell(2).type).toBe(ExcelJS.ValueType.Null)
    expect(rowOf('ROI').getCell(3).value).toBe('—')

    expect(rowOf('Channel ROI').getCell(3).value).toBe(2)
    expect(rowOf('Leads').getCell(3).value).toBe(2)
  })

  it('continues a dataset past the row limit on "Leads (2)", "Leads (3)" and says so on the Summary', async () => {
    const rows = Array.from({ length: 11 }, (_, i): Cell[] => [
      String(i + 1),
      null,
      `lead ${i + 1}`,
      i,
      i * 10,
    ])
    const r = report({
      datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows, ['', null, 'Total', null, 550])],
    })
    const done: number[] = []
    const workbook = await readBack(
      await write(r, { xlsxRowLimit: 5, onRows: (n) => done.push(n) }),
    )
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Leads',
      'Leads (2)',
      'Leads (3)',
    ])
    // Each sheet: the header and at most 4 rows; the totals row after the last lead.
    const ids = (name: string) => {
      const sheet = sheetOf(workbook, name)
      expect(sheet.getRow(1).getCell(1).value).toBe('Lead ID')
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
      return columnTexts(sheet).slice(1)
    }
    expect(ids('Leads')).toEqual(['1', '2', '3', '4'])
    expect(ids('Leads (2)')).toEqual(['5', '6', '7', '8'])
    expect(ids('Leads (3)')).toEqual(['9', '10', '11'])
    expect(sheetOf(workbook, 'Leads').autoFilter).toBe('A1:E5')
    expect(sheetOf(workbook, 'Leads (3)').autoFilter).toBe('A1:E4')
    expect(sheetOf(workbook, 'Leads (3)').getCell('C5').value).toBe('Total')
    expect(done.at(-1)).toBe(11)

    const summary = columnTexts(sheetOf(workbook, 'Summary'), 4).join('\n')
    expect(summary).toContain('Rows 1–4 of 11.')
    expect(summary).toContain('continues on Leads (2).')
    expect(summary).toContain('Rows 5–8 of 11. Continued from Leads.')
    expect(summary).toContain('Rows 9–11 of 11. Continued from Leads (2).')
  })

  it('refuses a row limit that cannot hold a header and a row', async () => {
    await expect(write(report(), { xlsxRowLimit: 1 })).rejects.toThrow(/xlsxRowLimit/)
  })

  it.each([
    [
      'America/New_York',
      [
        '2026-03-08T06:59:59Z', // 01:59:59 EST, the last second before the clocks jump
        '2026-03-08T07:00:00Z', // 03:00:00 EDT
        '2026-11-01T05:30:00Z', // 01:30 EDT, the first of two 01:30s
        '2026-11-01T06:30:00Z', // 01:30 EST, the second
        '2026-12-31T23:59:59.999Z', // the local day before UTC's
      ],
    ],
    [
      'Europe/London',
      [
        '2026-03-29T00:59:59Z', // 00:59:59 GMT
        '2026-03-29T01:00:00Z', // 02:00:00 BST
        '2026-10-25T00:30:00Z', // 01:30 BST
        '2026-10-25T01:30:00Z', // 01:30 GMT
        '2026-06-30T23:30:00Z', // 00:30 on 1 July
      ],
    ],
  ])(
    'writes datetimes as the wall clock of %s across its DST changes, with no shift to UTC',
    async (timeZone, instants) => {
      const rows = instants.map((iso, i): Cell[] => [String(i), Date.parse(iso), iso, null, null])
      const r = report({ timeZone, datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows)] })
      const leads = sheetOf(await readBack(await write(r)), 'Leads')
      const read = instants.map((_, i) =>
        (leads.getRow(i + 2).getCell(2).value as Date).toISOString(),
      )
      expect(read).toEqual(instants.map((iso) => wallClock(Date.parse(iso), timeZone)))
    },
  )

  it('keeps hostile text as text: formula-looking strings, XML specials, control characters, emoji, right-to-left', async () => {
    const hostile = [
      '=1+2',
      '=HYPERLINK("http://example.com","click")',
      '+SUM(A1:A2)',
      '-2+3',
      '@cmd',
      '<b>bold</b> & "quoted" \'single\'',
      ']]></t></is></c><c><f>1+1</f></c>',
      'bell\u0007 vtab\u000b nul\u0000 esc\u001b',
      'literal _x0041_ stays',
      '👩🏽‍💻 emoji 🎉',
      'مرحبا بالعالم (RTL) עברית',
      '  spaces both ends  ',
      'two\nlines',
      'windows\r\nline and a lone\rreturn',
      '\ttab first',
      '\uFFFE not a character',
    ]
    const rows = hostile.map((text, i): Cell[] => [String(i), null, text, null, null])
    const bytes = await write(report({ datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows)] }))
    const leads = sheetOf(await readBack(bytes), 'Leads')
    const read = hostile.map((_, i) => {
      const cell = leads.getRow(i + 2).getCell(3)
      expect(cell.type).toBe(ExcelJS.ValueType.String)
      expect(cell.formula).toBeUndefined()
      return decodeXstring(cell.text)
    })
    expect(read).toEqual(hostile)

    // The raw sheet: inline strings only, and no formula anywhere.
    const parts = unzipSync(new Uint8Array(bytes))
    const sheet = strFromU8(parts['xl/worksheets/sheet2.xml']!)
    expect(sheet).not.toContain('<f>')
    expect(sheet).toContain('<t>=1+2</t>')
    // eslint-disable-next-line no-control-regex -- proving none is left
    expect(sheet).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/)
  })

  it('cuts a text past 32,767 characters (Excel cannot hold it) and says so on the Summary', async () => {
    const rows: Cell[][] = [['1', null, 'x'.repeat(40_000), null, null]]
    const workbook = await readBack(
      await write(report({ datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows)] })),
    )
    expect(sheetOf(workbook, 'Leads').getCell('C2').text).toHaveLength(32_767)
    expect(columnTexts(sheetOf(workbook, 'Summary')).join('\n')).toContain(
      "1 text was longer than Excel's 32,767 characters",
    )
  })

  it('makes legal, unique sheet names', async () => {
    const columns: Column[] = [{ key: 'a', label: 'A', kind: 'text' }]
    const r = report({
      datasets: [
        dataset('leads', 'Summary', columns, [['x']]),
        dataset('channels', 'a/b:c*d?e[f]g\\h and a name far too long for Excel', columns, [['y']]),
      ],
    })
    const names = (await readBack(await write(r))).worksheets.map((w) => w.name)
    expect(names).toEqual(['Summary', 'Summary (2)', 'a-b-c-d-e-f-g-h and a name far'])
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31)
  })

  it('writes a sound zip: every part inflates to its recorded size and CRC-32, across many deflated chunks', async () => {
    // 30,000 rows: about 9 MB of sheet XML, deflated as dozens of chunks joined into one stream.
    const rows = Array.from({ length: 30_000 }, (_, i): Cell[] => [
      String(i),
      Date.UTC(2026, 0, 1) + i * 61_000,
      `lead ${i} ${'ab'.repeat(i % 40)}`,
      i % 500,
      i * 0.01,
    ])
    const bytes = await write(report({ datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows)] }))
    const entries = centralDirectory(bytes)
    expect(entries.map((e) => e.name).sort()).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'docProps/core.xml',
        'xl/_rels/workbook.xml.rels',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
      ].sort(),
    )
    for (const entry of entries) {
      // The local header: 30 bytes, then the name and the extra field, then the data.
      const nameLength = bytes.readUInt16LE(entry.offset + 26)
      const extraLength = bytes.readUInt16LE(entry.offset + 28)
      const start = entry.offset + 30 + nameLength + extraLength
      const data = inflateRawSync(bytes.subarray(start, start + entry.compressedSize))
      expect(data.length, entry.name).toBe(entry.size)
      expect(crc32(data), entry.name).toBe(entry.crc)
    }
    const sheet = entries.find((e) => e.name === 'xl/worksheets/sheet2.xml')!
    expect(sheet.size).toBeGreaterThan(5_000_000)
  })

  it('writes a valid package: every part the content types name is there', async () => {
    const parts = unzipSync(new Uint8Array(await write(report())))
    const types = strFromU8(parts['[Content_Types].xml']!)
    for (const name of [
      'xl/workbook.xml',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet3.xml',
    ]) {
      expect(parts[name], name).toBeDefined()
      expect(types).toContain(`PartName="/${name}"`)
    }
    expect(strFromU8(parts['xl/workbook.xml']!)).toContain('_xlnm._FilterDatabase')
  })

  it('rejects with an AbortError when cancelled mid-way, and reads no further', async () => {
    const controller = new AbortController()
    let pulled = 0
    const many: Dataset = {
      ...dataset('leads', 'Leads', LEAD_COLUMNS, []),
      rowCount: 1_000_000,
      rows: function* () {
        for (let i = 0; i < 1_000_000; i++) {
          pulled++
          yield [String(i), Date.UTC(2026, 0, 1) + i * 1000, 'Google LSA', 60, 100]
        }
      },
    }
    const out = new Collector()
    const writing = writeXlsx(
      report({ datasets: [many] }),
      out,
      options({
        signal: controller.signal,
        onRows: (n) => {
          if (n >= 5_000) controller.abort()
        },
      }),
    )
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' })
    expect(pulled).toBeLessThan(20_000)
    expect(out.writableFinished).toBe(false)
  })

  it('rejects at once with an AbortError when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const out = new Collector()
    await expect(
      writeXlsx(report(), out, options({ signal: controller.signal })),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(out.chunks).toHaveLength(0)
  })

  it('honours a slow output: waits for it to drain, lets the event loop run, and finishes a valid file', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i): Cell[] => [
      String(i),
      Date.UTC(2026, 0, 1) + i * 60_000,
      `lead ${i} ${'x'.repeat(i % 50)}`,
      i % 300,
      (i % 1000) * 1.25,
    ])
    const out = new Collector(true)
    let turns = 0
    const ticker = setInterval(() => turns++, 0)
    let progress = 0
    try {
      await writeXlsx(
        report({ datasets: [dataset('leads', 'Leads', LEAD_COLUMNS, rows)] }),
        out,
        options({ onRows: (n) => (progress = n) }),
      )
    } finally {
      clearInterval(ticker)
    }
    expect(out.writableFinished).toBe(true)
    expect(progress).toBe(20_000)
    // Backpressure: the output never held more than a chunk's worth beyond its own buffer.
    expect(out.maxBuffered).toBeLessThan(2 * 1024 * 1024)
    expect(turns).toBeGreaterThan(10)
    const leads = sheetOf(await readBack(out.bytes()), 'Leads')
    expect(leads.rowCount).toBe(20_001)
    expect(leads.getCell('C20001').value).toBe(`lead 19999 ${'x'.repeat(19999 % 50)}`)
  })

  it('rejects with the output error when the output fails', async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('ENOSPC: no space left on device'))
      },
    })
    await expect(writeXlsx(report(), out, options())).rejects.toThrow(/ENOSPC/)
  })

  it('refuses a time zone the system does not know, with a sentence', async () => {
    await expect(write(report({ timeZone: 'Mars/Olympus_Mons' }))).rejects.toThrow(
      /time zone "Mars\/Olympus_Mons" is not one this system knows/,
    )
  })
})
