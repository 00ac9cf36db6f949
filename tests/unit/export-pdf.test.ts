// The PDF report writer (main/export/pdf.ts) on hand-made reports, read back with poppler's
// tools as a person's PDF reader would: pdftotext (the text is real text), pdfinfo (paper and
// page count), pdfimages (charts are vectors, nothing is read from disk), pdftoppm (every page
// renders; the PNGs are kept under test-results/export-pdf/ to look at).
import { execFileSync } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { PDF_TABLE_ROW_LIMIT, type Orientation, type PaperSize } from '../../shared/api/index.ts'
import { NO_CHARTS_TEXT, writePdf } from '../../main/export/pdf.ts'
import type { Cell, Column, Dataset, KpiCard, Report } from '../../main/export/report.ts'
import { tempDir } from '../support/temp.ts'

const { dir, cleanup } = tempDir('watchfloor-export-pdf-')
afterAll(cleanup)
const ARTEFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'export-pdf')
const PLOTLY_SVG = readFileSync(join(import.meta.dirname, 'export-pdf-plotly-chart.svg'), 'utf8')

const NAMES = [
  'José Núñez',
  'Zoë Ångström',
  'Łukasz Wójcik',
  'Ελένη Παπαδοπούλου',
  'דוד כהן',
  'محمد علي',
  'Emoji 😀🚀 fan',
  'Ünïcödé Çafé',
]

const LEAD_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Lead id', kind: 'id', width: 17 },
  { key: 'createdAt', label: 'Created', kind: 'datetime' },
  { key: 'name', label: 'Name', kind: 'text', width: 18 },
  { key: 'source', label: 'Source', kind: 'text', width: 12 },
  { key: 'responseSeconds', label: 'First response', kind: 'seconds' },
  { key: 'value', label: 'Deal value', kind: 'money' },
  { key: 'probability', label: 'Win probability', kind: 'fraction' },
]

const rowOf = (i: number): Cell[] => [
  String(9007199254740993n + BigInt(i)),
  Date.UTC(2026, 10, 1) + i * 60_000,
  NAMES[i % NAMES.length] ?? null,
  ['Google LSA', 'Yelp', 'Angi'][i % 3] ?? null,
  30 + ((i * 37) % 4000),
  1000 + i * 13.37,
  (i % 100) / 100,
]

/** Leads made up on the fly: `rowCount` says how many there are, `yielded` how many come out. */
function leads(rowCount: number, yielded = rowCount): Dataset & { released: () => boolean } {
  let opened = 0
  let ranOut = 0
  let closed = 0
  return {
    id: 'leads',
    title: 'Leads',
    sheet: 'Leads',
    columns: LEAD_COLUMNS,
    rowCount,
    totals: [null, null, null, null, null, 1234.5, null],
    rows: () => {
      let i = 0
      opened += 1
      return {
        next: () =>
          i < yielded
            ? {
                done: false,
                value: rowOf(i++),
              }
            : (ranOut++, { done: true, value: undefined }),
        return: () => {
          closed += 1
          return { done: true, value: undefined }
        },
      }
    },
    // Every iterator the writer opened ran out or was closed: none holds the cache's statement.
    released: () => opened > 0 && ranOut + closed === opened,
  }
}

const funnel: Dataset = {
  id: 'funnel',
  title: 'Funnel',
  sheet: 'Funnel',
  columns: [
    { key: 'stage', label: 'Stage', kind: 'text' },
    { key: 'leads', label: 'Leads', kind: 'integer' },
    { key: 'rate', label: 'Conversion', kind: 'fraction' },
  ],
  rowCount: 3,
  rows: () =>
    [
      ['New', 1200, 1],
      ['Quoted', 400, 0.333],
      ['Won', 120, 0.1],
    ].values(),
}

const KPIS: readonly KpiCard[] = [
  {
    id: 'leads',
    label: 'Leads',
    value: 1234,
    kind: 'integer',
    text: '1,234',
    target: null,
    basis: 'lead date',
    note: null,
  },
  {
    id: 'response',
    label: 'Median first response',
    value: 112,
    kind: 'seconds',
    text: '1 min 52 s',
    target: '≤ 2 min',
    basis: 'lead date',
    note: '+12.3 % vs the previous period',
  },
  {
    id: 'conversion',
    label: 'Conversion rate',
    value: 0.543,
    kind: 'fraction',
    text: '54.3 %',
    target: '≥ 50 %',
    basis: 'close date',
    note: 'Maturing: recent leads may still convert',
  },
  {
    id: 'revenue',
    label: 'Revenue',
    value: 12340,
    kind: 'money',
    text: '$12,340',
    target: '$20,000',
    basis: 'close date',
    note: null,
  },
  {
    id: 'empty',
    label: 'Channel ROI',
    value: null,
    kind: 'decimal',
    text: '—',
    target: '≥ 1.5×',
    basis: 'close date',
    note: null,
  },
]

function report(overrides: Partial<Report> = {}): Report {
  return {
    title: 'Watchfloor — Overview',
    view: 'overview',
    generatedAt: new Date('2026-11-30T14:41:00Z'),
    dataAsOf: '2026-11-30T14:00:00Z',
    timeZone: 'America/New_York',
    rangeText: '1 Sep – 30 Nov 2026 (last 90 days)',
    filterText: [
      'Last 90 days: 1 Sep – 30 Nov 2026',
      'Source: Google LSA, Yelp',
      'Segment: Résidentiel',
    ],
    sources: [
      { name: 'Postgres', state: 'live', lastGoodSyncAt: '2026-11-30T14:40:00Z', lastError: null },
    ],
    kpis: KPIS,
    datasets: [funnel, leads(120)],
    charts: [],
    ...overrides,
  }
}

interface Written {
  readonly file: string
  readonly pages: number
  /** Each page's extracted text. */
  readonly text: readonly string[]
  readonly info: string
  readonly rowsSeen: readonly number[]
}

let counter = 0
async function write(
  r: Report,
  paper: PaperSize = 'A4',
  orientation: Orientation = 'portrait',
): Promise<Written> {
  const file = join(dir, `report-${++counter}.pdf`)
  const rowsSeen: number[] = []
  await writePdf(r, createWriteStream(file), {
    signal: new AbortController().signal,
    onRows: (done) => rowsSeen.push(done),
    csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
    paper,
    orientation,
  })
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1])
  const all = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  // pdftotext ends every page with a form feed.
  const text = all.split('\f').slice(0, pages)
  return { file, pages, text, info, rowsSeen }
}

/** Renders pages to PNG (pdftoppm fails loudly on a broken page) and keeps them as artefacts. */
function render(w: Written, name: string, last = w.pages): string[] {
  const folder = join(ARTEFACTS, name)
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
  execFileSync('pdftoppm', [
    '-r',
    '60',
    '-png',
    '-f',
    '1',
    '-l',
    String(last),
    w.file,
    join(folder, 'page'),
  ])
  const pngs = execFileSync('ls', [folder], { encoding: 'utf8' }).trim().split('\n')
  for (const png of pngs) {
    expect(readFileSync(join(folder, png)).subarray(1, 4).toString()).toBe('PNG')
  }
  return pngs
}

const flat = (text: string): string => text.replace(/\s+/g, ' ')
/** A check that names what is missing without printing a whole report's text. */
const expectText = (text: string, part: string, present = true): void => {
  expect(text.includes(part), `${present ? 'missing' : 'unexpected'}: ${part}`).toBe(present)
}

describe('the PDF report', () => {
  it('holds the title, the filters and every KPI card as text; a table header on every page of the table', async () => {
    const w = await write(report({ datasets: [funnel, leads(300)] }))
    const all = flat(w.text.join(' '))
    expectText(all, 'Watchfloor — Overview')
    for (const filter of report().filterText) expectText(all, filter)
    for (const card of KPIS) {
      expectText(all, card.label)
      expectText(all, card.text)
      if (card.target !== null) expectText(all, card.target)
    }
    expectText(all, 'By close date · Maturing: recent leads may still convert')
    expectText(all, 'Generated Nov 30, 2026, 9:41 AM')
    expectText(all, 'Data as of Nov 30, 2026, 9:00 AM')
    expectText(all, NO_CHARTS_TEXT)
    // Latin accents come out as written; other scripts and emoji do not break the report.
    for (const name of [
      'José Núñez',
      'Zoë Ångström',
      'Łukasz Wójcik',
      'Ünïcödé Çafé',
      'Ελένη Παπαδοπούλου',
    ]) {
      expectText(all, name)
    }
    // Ids stay digits (no 9.0E+15), money and percentages as on screen, times in the zone.
    expectText(all, '9007199254740993')
    expectText(all, '$1,000.00')
    expectText(all, 'Oct 31, 2026, 8:00 PM')

    const tablePages = w.text
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => t.includes('Leads (continued)') || /Leads\s+300 rows/.test(t))
    expect(tablePages.length).toBeGreaterThanOrEqual(6)
    for (const { t } of tablePages) {
      for (const header of ['Lead id', 'Created', 'Deal value']) expect(t).toContain(header)
    }
    for (let page = 1; page <= w.pages; page++) {
      expect(w.text[page - 1]).toContain(`Page ${page} of ${w.pages}`)
    }
    expect(w.rowsSeen.at(-1)).toBe(303)
    expect(w.rowsSeen).toEqual([...w.rowsSeen].sort((a, b) => a - b))
    expect(render(w, 'summary-and-table')).toHaveLength(w.pages)
  })

  it('caps a table at PDF_TABLE_ROW_LIMIT rows, says so, and keeps the page count sane', async () => {
    const huge = leads(1_000_000, PDF_TABLE_ROW_LIMIT + 500)
    const w = await write(report({ datasets: [huge] }))
    const all = flat(w.text.join(' '))
    expectText(all, 'First 10,000 of 1,000,000 rows — export CSV or Excel for all.')
    // About 50 rows a portrait A4 page: 10,000 rows on ~200 pages, not 20,000.
    expect(w.pages).toBeGreaterThan(PDF_TABLE_ROW_LIMIT / 70)
    expect(w.pages).toBeLessThan(PDF_TABLE_ROW_LIMIT / 40)
    // The iterator was released although not run to its end.
    expect(huge.released()).toBe(true)
    // Progress reaches the table's whole count (the rest is passed over, not pending).
    expect(w.rowsSeen.at(-1)).toBe(1_000_000)
    render(w, 'row-limit', 2)
  })

  it('pages grow with the table: about rows ÷ rows-per-page', async () => {
    const small = await write(report({ datasets: [leads(500)], kpis: [] }))
    const large = await write(report({ datasets: [leads(2500)], kpis: [] }))
    const perPage = 2000 / (large.pages - small.pages)
    expect(perPage).toBeGreaterThan(40)
    expect(perPage).toBeLessThan(70)
  })

  it('A4 and Letter, portrait and landscape, as asked', async () => {
    const sizes: [PaperSize, Orientation, string][] = [
      ['A4', 'portrait', '595.28 x 841.89'],
      ['A4', 'landscape', '841.89 x 595.28'],
      ['Letter', 'portrait', '612 x 792'],
      ['Letter', 'landscape', '792 x 612'],
    ]
    for (const [paper, orientation, size] of sizes) {
      const w = await write(
        report({ charts: [{ title: 'Leads per day', svg: PLOTLY_SVG }] }),
        paper,
        orientation,
      )
      expect(w.info).toMatch(new RegExp(`Page size:\\s+${size} pts`))
      render(w, `paper-${paper}-${orientation}`)
    }
  })

  it('draws a Plotly chart as vectors: its title and ticks are text, no raster image', async () => {
    const w = await write(report({ charts: [{ title: 'Leads per day', svg: PLOTLY_SVG }] }))
    const all = flat(w.text.join(' '))
    expectText(all, 'Leads per day')
    expectText(all, 'Google LSA')
    expectText(all, 'Nov 15')
    expectText(all, NO_CHARTS_TEXT, false)
    const images = execFileSync('pdfimages', ['-list', w.file], { encoding: 'utf8' })
    expect(images.trim().split('\n')).toHaveLength(2) // the list's two header lines only
    render(w, 'plotly-chart', 1)
  })

  it('survives hostile SVG: malformed, external references, scripts, links, expansion, size', async () => {
    const secret = join(dir, 'secret.png')
    writeFileSync(secret, tinyPng())
    const nested = ['<g id="l0"><rect width="10" height="10"/></g>']
    for (let i = 1; i < 30; i++) {
      nested.push(`<g id="l${i}">${`<use href="#l${i - 1}"/>`.repeat(4)}</g>`)
    }
    const hostile: [string, string][] = [
      ['Malformed', '<svg xmlns="http://www.w3.org/2000/svg"><g><path d="M0 0 L10'],
      ['Not SVG', '{"hello": "world"}'],
      [
        'Expanding',
        `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs>${nested.join('')}</defs><use href="#l29"/></svg>`,
      ],
      [
        'Too many elements',
        `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(150_000)}</svg>`,
      ],
      [
        'External use',
        '<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#thing"/></svg>',
      ],
      [
        'Deep',
        `<svg xmlns="http://www.w3.org/2000/svg">${'<g>'.repeat(40_000)}${'</g>'.repeat(40_000)}</svg>`,
      ],
      [
        'Reaching out',
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="200">
          <script>fetch('http://127.0.0.1:9/leak')</script>
          <style>@import url(http://127.0.0.1:9/x.css);</style>
          <image href="${secret}" x="0" y="0" width="100" height="100"/>
          <image xlink:href="file://${secret}" x="0" y="0" width="100" height="100"/>
          <image href="http://127.0.0.1:9/pixel.png" width="10" height="10"/>
          <a href="http://127.0.0.1:9/phish"><text x="10" y="150" onclick="alert(1)">Still drawn</text></a>
        </svg>`,
      ],
    ]
    const w = await write(
      report({
        charts: [
          ...hostile.map(([title, svg]) => ({ title, svg })),
          { title: 'Leads per day', svg: PLOTLY_SVG },
        ],
      }),
    )
    const all = flat(w.text.join(' '))
    for (const title of [
      'Malformed',
      'Not SVG',
      'Expanding',
      'Too many elements',
      'External use',
      'Deep',
    ]) {
      expectText(all, `${title} This chart could not be drawn:`)
    }
    expectText(all, 'Still drawn')
    expectText(all, 'Nov 15') // the good chart after the bad ones
    expectText(all, 'Reaching out This chart could not be drawn', false)
    // No file was read into the PDF, and no link leads out of it.
    expect(
      execFileSync('pdfimages', ['-list', w.file], { encoding: 'utf8' }).trim().split('\n'),
    ).toHaveLength(2)
    expect(readFileSync(w.file).includes('/URI')).toBe(false)
    render(w, 'hostile-svg')
  })

  it('draws an inline PNG (a heat map raster) but not one whose header claims a huge size', async () => {
    const ok = tinyPng()
    const bomb = Buffer.from(ok)
    bomb.writeUInt32BE(100_000, 16)
    bomb.writeUInt32BE(100_000, 20)
    const svg = (png: Buffer) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><image href="data:image/png;base64,${png.toString('base64')}" width="100" height="100"/></svg>`
    const w = await write(
      report({
        charts: [
          { title: 'Heat', svg: svg(ok) },
          { title: 'Bomb', svg: svg(bomb) },
        ],
      }),
    )
    const images = execFileSync('pdfimages', ['-list', w.file], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/).slice(2, 5).join(' '))
    // The small one, with its transparency as a soft mask; nothing of the "100,000 × 100,000" one.
    expect(images).toEqual(['image 2 2', 'smask 2 2'])
  })

  it('rejects with an AbortError when cancelled, before and during the rows', async () => {
    const controller = new AbortController()
    controller.abort()
    const options = (signal: AbortSignal, onRows: (n: number) => void) => ({
      signal,
      onRows,
      csv: { bom: false, separator: ',' as const, dates: 'iso' as const, neutraliseFormulas: true },
      paper: 'A4' as const,
      orientation: 'portrait' as const,
    })
    await expect(
      writePdf(
        report(),
        createWriteStream(join(dir, 'cancelled-early.pdf')),
        options(controller.signal, () => {}),
      ),
    ).rejects.toMatchObject({ name: 'AbortError' })

    const midway = new AbortController()
    const dataset = leads(5000)
    let seen = 0
    await expect(
      writePdf(
        report({ datasets: [dataset] }),
        createWriteStream(join(dir, 'cancelled-midway.pdf')),
        options(midway.signal, (n) => {
          seen = n
          if (n >= 500) midway.abort()
        }),
      ),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(seen).toBeLessThan(5000)
    expect(dataset.released()).toBe(true)
  })

  it('rejects with the file system’s error when the file cannot be written', async () => {
    await expect(
      writePdf(report(), createWriteStream(join(dir, 'no-such-folder', 'report.pdf')), {
        signal: new AbortController().signal,
        onRows: () => {},
        csv: { bom: false, separator: ',', dates: 'iso', neutraliseFormulas: true },
        paper: 'A4',
        orientation: 'portrait',
      }),
    ).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('lets the event loop run between chunks of rows', async () => {
    let turns = 0
    let running = true
    const spin = (): void => {
      turns += 1
      if (running) setImmediate(spin)
    }
    setImmediate(spin)
    await write(report({ datasets: [leads(3000)] }))
    running = false
    // 3,000 rows in chunks of 250: at least one turn between each.
    expect(turns).toBeGreaterThanOrEqual(10)
  })
})

/** A 2 × 2 RGBA PNG (with transparency, so PDFKit decodes it). */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer): number => {
    let c = 0xffffffff
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), body.length + 4)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(2, 0)
  ihdr.writeUInt32BE(2, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  const raw = Buffer.from([0, 255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 0, 255, 255, 0, 0, 0, 64])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
