// The parts of customer intelligence (issue 16) that more than one tab shows: a result that is
// not ready says why, the "call first" list (Lead response shows its head, Lead scores all of it)
// and the model card that says how good the scores are.
import type {
  CallFirstResult,
  CallFirstRow,
  IntelResultBase,
  IntelScoreFeature,
  ModelCard,
  ModelCoefficient,
} from '../../../shared/api/intelligence.ts'
import { INTEL_FEATURE_TEXT } from '../../../shared/api/intelligence.ts'
import { driverText, driversSentence } from '../lib/intel-figures.ts'
import { formatDateTime, formatInteger, formatMoney, formatPercent } from '../lib/format.ts'
import { DataTable, type Column } from './data-table.tsx'
import { NoData } from './panel.tsx'
import '../styles/intelligence.css'

/** Why a stored result is not shown: its own sentence, or what it waits for. */
export function intelUnavailableText(result: IntelResultBase, what: string): string {
  if (result.message !== null && result.message !== '') return result.message
  return result.availability === 'not computed'
    ? `${what} have not been computed yet: Watchfloor computes them after a sync and on demand.`
    : `There is too little data in the cache to compute ${what.toLowerCase()}.`
}

/** A result's "not ready" note in place of its chart or table. */
export function IntelUnavailable({
  result,
  what,
}: {
  readonly result: IntelResultBase
  readonly what: string
}) {
  return <NoData testId="intel-unavailable">{intelUnavailableText(result, what)}</NoData>
}

/** The order in use, in words: the subtitle of every call-first list. */
export function scoreSourceText(result: Pick<CallFirstResult, 'scoreSource'>): string {
  return result.scoreSource === 'model'
    ? 'by score × expected deal value'
    : 'by temperature alone: the model does not beat this baseline'
}

const dash = <span className="muted">—</span>

/** The score, with the features that drove it beneath (none for the baseline's order). */
function ScoreCell({ row }: { readonly row: CallFirstRow }) {
  return (
    <span className="score-cell" title={driversSentence(row.drivers)}>
      <span className="score-value">{formatPercent(row.score)}</span>
      {row.drivers.length > 0 && (
        <span className="score-drivers" data-testid="score-drivers">
          {row.drivers.map((d) => (
            <span
              key={d.feature}
              className={d.direction === 'up' ? 'driver driver-up' : 'driver driver-down'}
            >
              {driverText(d)}
            </span>
          ))}
        </span>
      )}
    </span>
  )
}

const PRIORITY: Column<CallFirstRow> = {
  id: 'priority',
  header: '#',
  numeric: true,
  cell: (r) => formatInteger(r.priority),
  sortValue: (r) => r.priority,
}
const LEAD: Column<CallFirstRow> = {
  id: 'lead',
  header: 'Lead',
  cell: (r) => `#${r.leadId}`,
  sortValue: (r) => r.leadId,
}
const SCORE: Column<CallFirstRow> = {
  id: 'score',
  header: 'Score · drivers',
  numeric: true,
  cell: (r) => <ScoreCell row={r} />,
  sortValue: (r) => r.score,
}
const EXPECTED: Column<CallFirstRow> = {
  id: 'expected',
  header: 'Expected value',
  numeric: true,
  cell: (r) => formatMoney(r.expectedValueCents),
  sortValue: (r) => r.expectedValueCents,
}
/** The lead's own words: the columns that are text on the lead. */
type LeadText = 'temperature' | 'status' | 'source' | 'city' | 'owner'
const text = (id: LeadText, header: string): Column<CallFirstRow> => ({
  id,
  header,
  cell: (r) => (r[id] === '' ? dash : r[id]),
  sortValue: (r) => r[id],
})
const CREATED: Column<CallFirstRow> = {
  id: 'created',
  header: 'Created',
  cell: (r) => formatDateTime(r.createdAt),
  sortValue: (r) => r.createdAt,
}

/**
 * Lead response's short list, beside its charts: who to call, why and who calls; Lead scores adds
 * the lead's temperature, stage, where it came from and when.
 */
const COMPACT_COLUMNS = [PRIORITY, LEAD, SCORE, EXPECTED, text('owner', 'Owner')]
const FULL_COLUMNS = [
  PRIORITY,
  LEAD,
  SCORE,
  EXPECTED,
  text('temperature', 'Temperature'),
  text('status', 'Status'),
  text('source', 'Source'),
  text('city', 'City'),
  text('owner', 'Owner'),
  CREATED,
]

interface CallFirstTableProps {
  /** null until the first answer arrives. */
  readonly result: CallFirstResult | null
  readonly compact?: boolean
}

/** Open leads in the order to call them: the rows as the core ordered them, sortable. */
export function CallFirstTable({ result, compact = false }: CallFirstTableProps) {
  if (result !== null && result.availability !== 'ready')
    return <IntelUnavailable result={result} what="Lead scores" />
  if (result !== null && result.rows.length === 0)
    return <NoData testId="call-first-empty">No open leads match these filters</NoData>
  return (
    <DataTable
      caption={`Open leads to call first, ${result === null ? '' : scoreSourceText(result)}`}
      captionHidden
      columns={compact ? COMPACT_COLUMNS : FULL_COLUMNS}
      rows={result?.rows ?? []}
      rowKey={(r) => String(r.leadId)}
      rowHeader="lead"
      rowAttributes={(r) => ({
        'data-testid': 'call-first-row',
        'data-lead-id': r.leadId,
        'data-priority': r.priority,
        'data-score': r.score,
        'data-expected-value': r.expectedValueCents,
        'data-drivers': r.drivers.map((d) => `${d.feature}:${d.direction}`).join(','),
      })}
      testId="call-first-table"
    />
  )
}

/** The call-first list's subtitle: how many open leads, in which order. */
export function callFirstSubtitle(result: CallFirstResult | null): string | undefined {
  if (result === null || result.availability !== 'ready') return undefined
  const shown = result.rows.length
  const of =
    shown < result.openLeads
      ? `top ${formatInteger(shown)} of ${formatInteger(result.openLeads)} open leads`
      : `${formatInteger(result.openLeads)} open leads`
  return `${of}, ${scoreSourceText(result)}`
}

const auc = (value: number | null): string => (value === null ? '—' : value.toFixed(3))

/** A share of the held-out leads' probability error, as percentage points. */
const points = (value: number | null): string =>
  value === null ? '—' : `${(value * 100).toFixed(1)} pts`

/**
 * The model card: what the score was trained and tested on, how well it separates converting
 * leads from the rest (AUC) against temperature alone, how well its probabilities match what
 * happened (calibration), and the verdict in one sentence, loud when the model loses.
 */
export function ModelCardBody({ card }: { readonly card: ModelCard | null }) {
  if (card === null) return <p className="model-card-pending muted">Loading the model card…</p>
  if (card.availability !== 'ready') return <IntelUnavailable result={card} what="Lead scores" />
  const calibrated =
    card.calibration.error !== null && card.calibration.error <= card.calibration.bound
  const weights = card.coefficients
    .filter(
      (c): c is ModelCoefficient & { feature: IntelScoreFeature } => c.feature !== 'intercept',
    )
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
  return (
    <div
      className="model-card"
      data-testid="model-card"
      data-beats-baseline={card.beatsBaseline ? 'true' : 'false'}
      data-auc-model={card.auc.model ?? ''}
      data-auc-baseline={card.auc.baseline ?? ''}
      data-training-rows={card.trainingRows}
      data-score-source={card.scoreSource}
    >
      <p
        className={card.beatsBaseline ? 'model-verdict verdict-good' : 'model-verdict verdict-warn'}
        data-testid="model-verdict"
        role="note"
      >
        {card.verdict}
      </p>
      <dl className="model-facts">
        <div>
          <dt>AUC on the test leads</dt>
          <dd data-testid="model-auc">
            <strong>{auc(card.auc.model)}</strong> model vs {auc(card.auc.baseline)} temperature
            alone
            {card.auc.differenceSe !== null && (
              <span className="muted"> (± {card.auc.differenceSe.toFixed(3)} s.e.)</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Calibration error</dt>
          <dd data-testid="model-calibration">
            <strong className={calibrated ? 'cell-good' : 'cell-bad'}>
              {points(card.calibration.error)}
            </strong>{' '}
            against a bound of {points(card.calibration.bound)}; baseline{' '}
            {points(card.calibration.baselineError)}
            <span className="muted"> · {card.calibration.method}</span>
          </dd>
        </div>
        <div>
          <dt>Closed leads</dt>
          <dd data-testid="model-rows">
            {formatInteger(card.trainingRows)} to train, {formatInteger(card.calibrationRows)} to
            calibrate, {formatInteger(card.testRows)} to test
          </dd>
        </div>
        <div>
          <dt>Time split</dt>
          <dd data-testid="model-split">{card.split.description}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            {card.model}; baseline: {card.baseline}
          </dd>
        </div>
        {weights.length > 0 && (
          <div>
            <dt>Weights (log-odds per s.d.)</dt>
            <dd>
              <ul className="model-weights">
                {weights.map((w) => (
                  <li key={w.feature}>
                    {INTEL_FEATURE_TEXT[w.feature].label}{' '}
                    <span className={w.weight >= 0 ? 'driver-up' : 'driver-down'}>
                      {w.weight >= 0 ? '+' : '−'}
                      {Math.abs(w.weight).toFixed(2)}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
      </dl>
      {card.dataAsOf !== null && (
        <p className="rule">trained and tested on the data as of {formatDateTime(card.dataAsOf)}</p>
      )}
    </div>
  )
}
