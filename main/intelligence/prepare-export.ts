// Before an export reads the intelligence tables (issue 16): the stored results and the leads'
// journeys are written by the core after it starts and after syncs, off its api thread. A
// report made without the core (`watchfloor export` from a script, on a cache filled or synced
// by the command line) would otherwise read a cache that never recomputed and write empty
// tables without a word. So the export brings them up to date first, on its own connection,
// saying what it does: a recompute when the stored results are missing or were computed from
// other inputs (the inputs' hash; skipped when current), the journeys when they are stale.
import type { ExportDataset } from '../../shared/api/index.ts'
import type { Store } from '../store/index.ts'
import { recompute } from './compute.ts'
import { ensureJourneys, journeysStale } from './journeys.ts'

/** The tables read from the recompute's stored results. */
const FROM_RESULTS: ReadonlySet<ExportDataset> = new Set(['customerSegments', 'callFirst'])
/** The tables read from the leads' inferred journeys. */
const FROM_JOURNEYS: ReadonlySet<ExportDataset> = new Set(['journeySteps'])

/** Whether an export of `datasets` reads anything this must prepare. */
export const needsIntelligence = (datasets: readonly ExportDataset[]): boolean =>
  datasets.some((d) => FROM_RESULTS.has(d) || FROM_JOURNEYS.has(d))

/**
 * Recomputes (when not current) and infers the journeys (when stale) that `datasets` read, on
 * `db` (a writable connection), each step told to `say` as a sentence.
 */
export function prepareIntelligence(
  db: Store,
  datasets: readonly ExportDataset[],
  say: (line: string) => void,
): void {
  if (datasets.some((d) => FROM_RESULTS.has(d))) {
    let lastPhase = ''
    const outcome = recompute(db, {
      progress: (phase, done, total) => {
        if (phase === lastPhase || done === 0) return
        lastPhase = phase
        say(`Customer intelligence (${done}/${total}): ${phase}`)
      },
    })
    say(
      outcome.skipped
        ? 'Customer intelligence: the stored results are current.'
        : `Customer intelligence: ${outcome.sentence}`,
    )
  }
  if (datasets.some((d) => FROM_JOURNEYS.has(d)) && journeysStale(db)) {
    say('Lead journeys: inferring every lead’s stage history…')
    ensureJourneys(db, (line) => say(`${line}.`))
  }
}
