/**
 * Progress for long commands: a line rewritten in place on a terminal, and
 * one line per 10 % when output goes to a file or CI log.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1
  let lastDone = -1
  const started = Date.now()
  return (done: number, total: number): void => {
    // A step reported twice (by a batch and by the end of the work) is printed once.
    if (done === lastDone) return
    lastDone = done
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000)
    const line = `${label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${pct} %, ${Math.round(rate).toLocaleString('en-US')}/s)`
    if (stream.isTTY) {
      stream.write(`\r${line}${done >= total ? '\n' : ''}`)
    } else if (Math.floor(pct / 10) !== lastDecile || done >= total) {
      lastDecile = Math.floor(pct / 10)
      stream.write(`${line}\n`)
    }
  }
}

/** What a job's progress line shows (an ExportJob is one). */
export interface JobProgress {
  readonly phase: string
  readonly rowsDone: number
  readonly rowsTotal: number
  /** Null until the rate so far can tell. */
  readonly secondsLeft: number | null
}

const BAR_WIDTH = 24

/** "1 min 05 s", "12 s". */
const duration = (seconds: number): string =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`
    : `${seconds} s`

/**
 * A job's progress (an export): on a terminal, a bar rewritten in place with rows done and time
 * left; in a file or CI log, a line when the phase changes and one per 10 % of rows.
 */
export function jobProgressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let lastPhase = ''
  let lastDecile = -1
  let drawn = false
  return {
    show(p: JobProgress): void {
      const pct = p.rowsTotal > 0 ? Math.min(100, Math.floor((p.rowsDone / p.rowsTotal) * 100)) : 0
      const rows =
        p.rowsTotal > 0
          ? ` ${p.rowsDone.toLocaleString('en-US')} / ${p.rowsTotal.toLocaleString('en-US')} rows`
          : ''
      const left = p.secondsLeft === null ? '' : `, ${duration(p.secondsLeft)} left`
      if (stream.isTTY) {
        const filled = Math.round((pct / 100) * BAR_WIDTH)
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(pct).padStart(3)} %`
        // \x1b[2K clears what a longer line before it left.
        stream.write(`\r\x1b[2K${bar}${rows}${left} · ${p.phase}`)
        drawn = true
        return
      }
      const decile = Math.floor(pct / 10)
      if (p.phase === lastPhase && (p.rowsTotal === 0 || decile === lastDecile)) return
      lastPhase = p.phase
      lastDecile = decile
      stream.write(`${p.phase}${p.rowsTotal > 0 ? `:${rows} (${pct} %${left})` : ''}\n`)
    },
    /** Ends the bar's line, so what follows starts on its own. */
    end(): void {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}
