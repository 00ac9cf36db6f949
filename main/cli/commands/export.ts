// `watchfloor export` (issue 12): the report a tab shows for a filter set,
// written to a file from a script (often at 6 a.m., often offline) by the
// same runner the app uses (main/export/job.ts): one snapshot of the cache,
// a temporary file renamed when whole, nothing left behind on failure or
// Ctrl-C, and an existing file replaced only by a finished one.
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { extname } from 'node:path'
import {
  EXPORT_DATASETS,
  EXPORT_FORMATS,
  PAPER_SIZES,
  VIEW_IDS,
  exportStartSchema,
  type ExportDataset,
  type ExportFormat,
  type ExportJob,
  type ExportRequest,
  type FilterValues,
  type Filters,
  type SourceStatus,
  type ViewId,
} from '../../../shared/api/index.ts'
import { demoSourceStatus } from '../../core/core-service.ts'
import {
  ExportCancelled,
  createJobProgress,
  exportFileName,
  failureSentence,
  runExport,
} from '../../export/index.ts'
import { reportDatasets } from '../../export/summary.ts'
import { needsIntelligence, prepareIntelligence } from '../../intelligence/prepare-export.ts'
import { filterValues } from '../../metrics/index.ts'
import { getSetting, openStore, type Store } from '../../store/index.ts'
import { storedSourceStatuses } from '../../sync/stored-status.ts'
import { defaultDbPath } from '../paths.ts'
import { list, parseFilterOption } from '../filter-option.ts'
import { jobProgressPrinter } from '../progress.ts'

export interface ExportCommandOptions {
  readonly db?: string
  readonly dashboard: string
  /** `field=value,value;range=…;tz=…`; repeatable (joined with `;`). */
  readonly filter?: readonly string[]
  readonly format?: string
  readonly out: string
  readonly dataset?: readonly string[]
  readonly paper?: string
  readonly landscape?: boolean
  readonly bom?: boolean
  readonly separator?: string
  readonly localDates?: boolean
  /** Commander's --no-formula-guard: false when given. */
  readonly formulaGuard: boolean
}

/** The format: --format, else --out's extension. */
export function formatOf(format: string | undefined, out: string): ExportFormat {
  const named = (format ?? extname(out).slice(1)).toLowerCase()
  if ((EXPORT_FORMATS as readonly string[]).includes(named)) return named as ExportFormat
  if (format !== undefined)
    throw new Error(`unknown --format "${format.slice(0, 20)}"; use ${list(EXPORT_FORMATS)}`)
  throw new Error(
    `cannot tell the format from --out ${out}: give --format ${EXPORT_FORMATS.join('|')} or an --out ending in .${EXPORT_FORMATS.join(', .')}`,
  )
}

/** The request the app would send for the same choices, checked by the contract's schema. */
export function exportRequestOf(options: ExportCommandOptions, filters: Filters): ExportRequest {
  if (!(VIEW_IDS as readonly string[]).includes(options.dashboard))
    throw new Error(
      `unknown --dashboard "${options.dashboard.slice(0, 40)}"; the dashboards are ${list(VIEW_IDS)}`,
    )
  const datasets = options.dataset?.map((d) => {
    if (!(EXPORT_DATASETS as readonly string[]).includes(d))
      throw new Error(
        `unknown --dataset "${d.slice(0, 40)}"; the datasets are ${list(EXPORT_DATASETS)}`,
      )
    return d as ExportDataset
  })
  const paper = options.paper
    ? PAPER_SIZES.find((p) => p.toLowerCase() === options.paper?.toLowerCase())
    : 'A4'
  if (paper === undefined)
    throw new Error(`unknown --paper "${options.paper?.slice(0, 20)}"; use ${list(PAPER_SIZES)}`)
  const separator = options.separator ?? ','
  if (separator !== ',' && separator !== ';')
    throw new Error(`--separator must be , or ; (not ${JSON.stringify(separator.slice(0, 5))})`)
  const parsed = exportStartSchema.safeParse({
    view: options.dashboard as ViewId,
    filters,
    format: formatOf(options.format, options.out),
    ...(datasets ? { datasets } : {}),
    // The charts are the page's drawings: a report from the command line has none.
    charts: false,
    paper,
    orientation: options.landscape ? 'landscape' : 'portrait',
    csv: {
      bom: options.bom ?? false,
      separator,
      dates: options.localDates ? 'local' : 'iso',
      neutraliseFormulas: options.formulaGuard,
    },
  })
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '))
  return parsed.data
}

/** The sources as the cache last recorded them (nothing syncs here), and the demo data's. */
function recordedSources(db: Store): readonly SourceStatus[] {
  const demo = getSetting(db, 'demo') !== undefined && getSetting(db, 'upstream') === undefined
  return [...(demo ? [demoSourceStatus(db)] : []), ...storedSourceStatuses(db)]
}

const kb = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('en-US')} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`

const SQLITE_HEADER = 'SQLite format 3\0'

function isSqliteFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r')
    try {
      const head = Buffer.alloc(SQLITE_HEADER.length)
      readSync(fd, head, 0, head.length, 0)
      return head.toString('latin1') === SQLITE_HEADER
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    throw new Error(`cannot read the cache ${path}: ${(error as Error).message}`, { cause: error })
  }
}

export async function exportCommand(options: ExportCommandOptions): Promise<void> {
  const dbPath = options.db ?? defaultDbPath()
  // A mistyped path must not become a new, empty cache exported as an empty report.
  if (!existsSync(dbPath)) throw new Error(`there is no cache at ${dbPath}; check --db`)
  // Checked here because opening a file that is not a database moves it aside as damaged:
  // right for the app's own cache, not for a report read from a path someone typed.
  if (!isSqliteFile(dbPath))
    throw new Error(`${dbPath} is not a Watchfloor cache (not an SQLite database); check --db`)
  const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone
  let cacheValues: FilterValues
  {
    let db: Store
    try {
      db = openStore(dbPath, { readonly: true, integrityCheck: 'header' })
    } catch (error) {
      throw new Error(`cannot open the cache to export from it: ${(error as Error).message}`, {
        cause: error,
      })
    }
    try {
      cacheValues = filterValues(db)
    } finally {
      db.close()
    }
  }
  const filters = parseFilterOption((options.filter ?? []).join(';'), cacheValues, machineZone)
  const request = exportRequestOf(options, filters)
  // Intelligence tables on a cache the core never recomputed (or journeys never inferred)
  // would be written empty: computed here first, said on stderr (prepare-export.ts).
  const datasets = reportDatasets(request)
  if (needsIntelligence(datasets)) {
    const db = openStore(dbPath)
    try {
      prepareIntelligence(db, datasets, (line) => process.stderr.write(`${line}\n`))
    } catch (error) {
      throw new Error(
        `cannot compute the customer intelligence this export holds: ${(error as Error).message}`,
        { cause: error },
      )
    } finally {
      db.close()
    }
  }

  const controller = new AbortController()
  const interrupt = () => controller.abort()
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  const printer = jobProgressPrinter(process.stderr)
  const started = new Date()
  const first: ExportJob = {
    id: 'cli',
    view: request.view,
    format: request.format,
    state: 'running',
    phase: 'Starting',
    rowsDone: 0,
    rowsTotal: 0,
    secondsLeft: null,
    startedAt: started.toISOString(),
    endedAt: null,
    fileName: exportFileName(request.view, request.format, started, filters.range.timeZone),
    bytes: null,
    error: null,
  }
  const progress = createJobProgress(first, (job) => printer.show(job))
  try {
    const result = await runExport({
      request,
      dbPath,
      target: options.out,
      signal: controller.signal,
      onProgress: (p) => progress.progress(p),
      sources: recordedSources,
    })
    printer.end()
    const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1)
    process.stdout.write(
      `Wrote ${result.path}: ${result.rows.toLocaleString('en-US')} rows, ${kb(result.bytes)}, in ${seconds} s\n`,
    )
  } catch (error) {
    printer.end()
    if (error instanceof ExportCancelled) {
      process.exitCode = 130
      process.stderr.write(`watchfloor: ${error.message}\n`)
      return
    }
    throw new Error(failureSentence(error), { cause: error })
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
  }
}
