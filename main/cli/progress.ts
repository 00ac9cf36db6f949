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
