// `watchfloor export` through the real bin, as a script at 6 a.m. runs it:
// exit code, output, and the file — whose numbers equal kpis.dashboard's for
// the same filters. Failures (a folder it may not write, a path through a
// file, a full disk, Ctrl-C, bad filters, a file that is not a cache) exit
// non-zero with one sentence, leave no file or temporary file behind, and
// never replace a file already at the output path.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApi } from '../../main/api/index.ts'
import { getSetting, openStore } from '../../main/store/index.ts'
import type { DashboardData, Filters } from '../../shared/api/index.ts'
import { WATCHFLOOR_BIN, runCli, startCli, type CliResult } from '../support/cli.ts'
import { tempDir } from '../support/temp.ts'

const temp = tempDir('watchfloor-export-cli-')
const dbPath = join(temp.dir, 'cache.sqlite')
/** A larger cache, so that an export runs long enough to be interrupted. */
const bigDbPath = join(temp.dir, 'big.sqlite')
const END_AT = '2026-11-30T12:00:00Z'
const ZONE = 'America/Detroit'
/** A custom range: the same days for the export and the api, whatever the clock says. */
const RANGE = 'range=2026-06-01..2026-11-30'
const mounts: string[] = []

/**
 * `watchfloor export`'s arguments: the cache (`dbPath` unless told), the dashboard, the other
 * flags (--filter, --dataset, --format…), then `--out`.
 */
function exportArgs(
  dashboard: string,
  out: string,
  flags: readonly string[] = [],
  db = dbPath,
): string[] {
  return ['export', '--db', db, '--dashboard', dashboard, ...flags, '--out', out]
}

/** Runs `watchfloor export` with exportArgs' arguments. */
const runExport = (...args: Parameters<typeof exportArgs>): Promise<CliResult> =>
  runCli(exportArgs(...args))

/** No stack trace ever reaches a user without --debug. */
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)

/** Files in a folder (temporary `.…part` files included). */
const filesIn = (dir: string) => readdirSync(dir).sort()

beforeAll(async () => {
  for (const [db, leads] of [
    [dbPath, '5000'],
    [bigDbPath, '100000'],
  ] as const) {
    const fill = await runCli(['demo', 'fill', '--db', db, '--leads', leads, '--end-at', END_AT])
    expect(fill.code, fill.stderr).toBe(0)
  }
}, 180_000)

afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', [dir])
    } catch {
      // Already gone.
    }
  }
  temp.cleanup()
})

/** kpis.dashboard for `filters`, answered by the api over the same cache. */
async function dashboardFor(filters: Filters): Promise<DashboardData> {
  const db = openStore(dbPath, { readonly: true })
  try {
    const api = createApi({
      db,
      clock: () => new Date(),
      version: 'test',
      isDemo: () => getSetting(db, 'demo') !== undefined,
      sources: () => [],
    })
    const result = await api('kpis.dashboard', { filters, dashboards: 'all', maxPoints: 10_000 })
    if (!result.ok) throw new Error(result.error.message)
    return result.value as DashboardData
  } finally {
    db.close()
  }
}

const googleLsa: Filters = {
  range: { preset: 'custom', from: '2026-06-01', to: '2026-11-30', timeZone: ZONE },
  source: ['Google LSA'],
}
const FILTER = `source=Google LSA;${RANGE};tz=${ZONE}`

/** A folder on a tmpfs of its own: tiny (a full disk) or read-only. Null where mounting is not allowed. */
function tmpfs(name: string, options: string): string | null {
  const dir = join(temp.dir, name)
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    return null
  }
  mounts.push(dir)
  return dir
}

/** The bin under `prlimit --fsize`: a write past `bytes` fails with EFBIG. */
function runSizeLimited(args: readonly string[], bytes: number): Promise<CliResult> {
  const child = spawn('prlimit', [`--fsize=${bytes}`, process.execPath, WATCHFLOOR_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

interface JsonReport {
  readonly filters: string[]
  readonly kpis: { id: string; text: string }[]
  readonly datasets: {
    id: string
    columns: { key: string }[]
    rows: unknown[][]
    totals: unknown[] | null
  }[]
}

describe('watchfloor export', () => {
  it('is listed in --help', async () => {
    const help = await runCli(['--help'])
    expect(help.stdout).toMatch(/^ {2}export\b/m)
    const own = await runCli(['export', '--help'])
    expect(own.code).toBe(0)
    for (const flag of ['--dashboard', '--filter', '--format', '--out', '--dataset', '--paper'])
      expect(own.stdout).toContain(flag)
  })

  it('writes JSON whose rows and totals equal kpis.dashboard for the same filters', async () => {
    const out = join(temp.dir, 'marketing.json')
    const run = await runExport('marketing', out, ['--filter', FILTER])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(
      /^Wrote .*marketing\.json: [\d,]+ rows, [\d.,]+ [KM]B, in [\d.]+ s\n$/,
    )
    // Not a terminal: plain lines, one per phase.
    expect(run.stderr).toContain('Writing Channel ROI')
    expect(run.stderr).not.toContain('\r')
    noStack(run.stderr)
    const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport
    const data = await dashboardFor(googleLsa)
    const leads = report.datasets.find((d) => d.id === 'leads')
    const channels = report.datasets.find((d) => d.id === 'channels')
    expect(leads?.rows).toHaveLength(data.leadResponse?.leads ?? -1)
    expect(leads?.rows.length).toBeGreaterThan(50)
    const source = leads?.columns.findIndex((c) => c.key === 'source') ?? -1
    expect(new Set(leads?.rows.map((r) => r[source]))).toEqual(new Set(['Google LSA']))
    const roi = data.marketing
    const leadsCol = channels?.columns.findIndex((c) => c.key === 'leads') ?? -1
    expect(channels?.totals?.[leadsCol]).toBe(roi?.totals.leads)
    expect(report.filters.join(' ')).toContain('Google LSA')
    expect(filesIn(temp.dir).filter((f) => f.endsWith('.part'))).toEqual([])
  })

  it('draws a progress bar on a terminal', () => {
    const out = join(temp.dir, 'tty.csv')
    // script(1) gives the bin a pseudo-terminal, as a person at a shell has.
    const command = [
      process.execPath,
      WATCHFLOOR_BIN,
      ...exportArgs('overview', out, ['--filter', FILTER, '--dataset', 'leads']),
    ]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ')
    const shown = execFileSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' })
    // Each redraw returns to the line's start and clears it (ESC [2K) before the bar.
    expect(shown).toContain('\r\u001b[2K[------------------------]   0 %')
    expect(shown).toMatch(/\[#{24}\] 100 % [\d,]+ \/ [\d,]+ rows/)
    expect(shown).toMatch(/Wrote .*tty\.csv/)
  })

  it('writes one CSV table with the api’s row count, the format told by --out', async () => {
    const out = join(temp.dir, 'leads.csv')
    const run = await runExport('overview', out, [
      '--filter',
      FILTER,
      '--dataset',
      'leads',
      '--separator',
      ';',
      '--bom',
    ])
    expect(run.code, run.stderr).toBe(0)
    const text = readFileSync(out, 'utf8')
    expect(text.startsWith('\uFEFF')).toBe(true)
    const rows: string[][] = parse(text, { bom: true, delimiter: ';' })
    const data = await dashboardFor(googleLsa)
    expect(rows.length - 1).toBe(data.leadResponse?.leads)
    expect(rows[0]).toContain('Source')
  })

  it('writes an Excel workbook whose Channel ROI totals equal the api’s', async () => {
    const out = join(temp.dir, 'report.xlsx')
    const run = await runExport('marketing', out, ['--filter', FILTER, '--format', 'xlsx'])
    expect(run.code, run.stderr).toBe(0)
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(out)
    expect(book.worksheets.map((w) => w.name)).toEqual(
      expect.arrayContaining(['Summary', 'Channel ROI', 'Leads']),
    )
    const data = await dashboardFor(googleLsa)
    const leadsSheet = book.getWorksheet('Leads')
    expect((leadsSheet?.actualRowCount ?? 0) - 1).toBe(data.leadResponse?.leads)
    const roiSheet = book.getWorksheet('Channel ROI')
    const header = (roiSheet?.getRow(1).values as unknown[]).map(String)
    const leadsCol = header.indexOf('Leads')
    expect(leadsCol).toBeGreaterThan(0)
    const last = roiSheet?.getRow(roiSheet.actualRowCount)
    expect(last?.getCell(leadsCol).value).toBe(data.marketing?.totals.leads)
  })

  it('writes a PDF whose text holds the title, the filters and every KPI value', async () => {
    const pdf = join(temp.dir, 'overview.pdf')
    const json = join(temp.dir, 'overview.json')
    for (const out of [pdf, json]) {
      const run = await runExport('overview', out, [
        '--filter',
        FILTER,
        '--paper',
        'Letter',
        '--landscape',
      ])
      expect(run.code, run.stderr).toBe(0)
    }
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    expect(text).toContain('Watchfloor — Overview')
    expect(text).toContain('Google LSA')
    const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport
    expect(report.kpis.length).toBeGreaterThan(3)
    for (const kpi of report.kpis) expect(text).toContain(kpi.text)
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
    // Letter in landscape: 792 x 612 points.
    expect(info).toMatch(/Page size:\s+792 x 612 pts/)
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(1)
  })

  it('reads a range preset by its name and refuses what it does not know, naming what it does', async () => {
    const out = join(temp.dir, 'preset.json')
    const ok = await runExport('revenue', out, [
      '--filter',
      'source=google lsa;range=last_90_days;tz=Europe/London',
    ])
    expect(ok.code, ok.stderr).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport
    expect(report.filters[0]).toMatch(/^Last 90 days/)
    for (const [filter, sentence] of [
      [
        'colour=red',
        /unknown filter field "colour".*the fields are source, segment, city, temperature, status, owner, range and tz/,
      ],
      ['source=Gogle LSA', /unknown source "Gogle LSA".*Google LSA/],
      ['temperature=tepid', /unknown temperature "tepid".*hot, warm and cold/],
      ['range=fortnight', /unknown range "fortnight".*last90/],
      ['tz=Mars/Base', /unknown time zone "Mars\/Base"/],
      ['range=2026-12-01..2026-01-01', /--filter: .*range/],
    ] as const) {
      const bad = await runExport('revenue', join(temp.dir, 'bad.json'), ['--filter', filter])
      expect(bad.code, filter).toBe(1)
      expect(bad.stderr).toMatch(/^watchfloor: /)
      expect(bad.stderr).toMatch(sentence)
      noStack(bad.stderr)
    }
    const csvTwo = await runExport('overview', join(temp.dir, 'bad.csv'), [
      '--dataset',
      'leads',
      '--dataset',
      'channels',
    ])
    expect(csvTwo.code).toBe(1)
    expect(csvTwo.stderr).toMatch(/A CSV file holds one table; choose one of Leads, Channel ROI/)
    const badView = await runExport('sales', join(temp.dir, 'bad.json'))
    expect(badView.stderr).toMatch(/unknown --dashboard "sales"; the dashboards are overview, /)
    const noFormat = await runExport('revenue', join(temp.dir, 'report.txt'))
    expect(noFormat.stderr).toMatch(
      /cannot tell the format from --out .*report\.txt: give --format/,
    )
    expect(filesIn(temp.dir).filter((f) => f.startsWith('bad') || f === 'report.txt')).toEqual([])
  })

  it('refuses a cache that is missing or is not a database, and leaves it where it was', async () => {
    const nowhere = join(temp.dir, 'nope.sqlite')
    const missing = await runExport('revenue', join(temp.dir, 'x.json'), [], nowhere)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/there is no cache at .*nope\.sqlite; check --db/)
    const notDb = join(temp.dir, 'notes.sqlite')
    writeFileSync(notDb, 'these are my notes, not a database\n')
    const bad = await runExport('revenue', join(temp.dir, 'x.json'), [], notDb)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/notes\.sqlite is not a Watchfloor cache \(not an SQLite database\)/)
    noStack(bad.stderr)
    expect(readFileSync(notDb, 'utf8')).toBe('these are my notes, not a database\n')
    expect(filesIn(temp.dir)).not.toContain('x.json')
  })

  it('says clearly when it may not write the path, and leaves nothing', async () => {
    // Root ignores permission bits: a read-only file system refuses root too.
    const readOnly = process.getuid?.() === 0 ? tmpfs('read-only', 'ro,size=64k') : null
    let locked = readOnly
    if (locked === null) {
      locked = join(temp.dir, 'locked')
      mkdirSync(locked, { mode: 0o555 })
    }
    const denied = await runExport('revenue', join(locked, 'r.json'))
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(
      readOnly
        ? /Cannot write .*r\.json: .* is on a read-only file system\. Choose another folder\./
        : /Cannot write .*r\.json: this user may not write in .*locked\. Choose a folder you can write to\./,
    )
    noStack(denied.stderr)
    expect(filesIn(locked)).toEqual([])

    const aFile = join(temp.dir, 'plain-file')
    writeFileSync(aFile, 'x')
    const through = await runExport('revenue', join(aFile, 'r.json'))
    expect(through.code).toBe(1)
    expect(through.stderr).toMatch(
      /Cannot write .*plain-file\/r\.json: part of that path is a file, not a folder\./,
    )

    const noFolder = await runExport('revenue', join(temp.dir, 'no-such-folder', 'r.json'))
    expect(noFolder.code).toBe(1)
    expect(noFolder.stderr).toMatch(/the folder .*no-such-folder does not exist/)

    const folder = join(temp.dir, 'a-folder.json')
    mkdirSync(folder)
    const isFolder = await runExport('revenue', folder)
    expect(isFolder.code).toBe(1)
    expect(isFolder.stderr).toMatch(
      /Cannot write .*a-folder\.json: it is a folder\. Give a file name/,
    )
    expect(filesIn(folder)).toEqual([])
  })

  it('says the disk is full, leaves no partial file, and keeps the file that was there', async () => {
    let full = process.getuid?.() === 0 ? tmpfs('full-disk', 'size=256k') : null
    // Without mount rights: a file size limit on the child makes writes fail (EFBIG) instead.
    const limit = full === null
    if (full === null) {
      full = join(temp.dir, 'size-limited')
      mkdirSync(full)
    }
    const out = join(full, 'leads.csv')
    writeFileSync(out, 'the previous report\n')
    const args = exportArgs('overview', out, ['--filter', 'range=ytd', '--dataset', 'leads'])
    const run = limit ? await runSizeLimited(args, 128 * 1024) : await runCli(args)
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toMatch(
      limit
        ? /The export grew larger than the largest file this system lets this user write/
        : /The disk holding .*full-disk is full: the export was not written\. Free some space or choose another disk, then export again\./,
    )
    noStack(run.stderr)
    expect(filesIn(full)).toEqual(['leads.csv'])
    expect(readFileSync(out, 'utf8')).toBe('the previous report\n')
  })

  it('replaces an existing file once the export has finished', async () => {
    const out = join(temp.dir, 'replace.json')
    writeFileSync(out, 'old')
    const run = await runExport('funnel', out, ['--filter', FILTER])
    expect(run.code, run.stderr).toBe(0)
    expect(statSync(out).size).toBeGreaterThan(1000)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ view: 'funnel' })
  })

  it('stops on Ctrl-C mid-export with exit 130, leaving no file and keeping the old one', async () => {
    const dir = join(temp.dir, 'interrupted')
    mkdirSync(dir)
    const out = join(dir, 'all.xlsx')
    writeFileSync(out, 'the previous workbook')
    const running = startCli(
      exportArgs('overview', out, ['--filter', 'range=2020-01-01..2026-11-30'], bigDbPath),
    )
    await running.waitFor(/Writing Leads: [\d,]+ \/ [\d,]+ rows/)
    running.child.kill('SIGINT')
    const result = await running.exited
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toMatch(/The export was cancelled; no file was written\./)
    noStack(result.stderr)
    expect(filesIn(dir)).toEqual(['all.xlsx'])
    expect(readFileSync(out, 'utf8')).toBe('the previous workbook')
  })
})
