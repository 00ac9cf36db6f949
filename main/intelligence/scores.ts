// Lead scores (issue 16): the probability that an open lead converts, from a logistic regression
// fitted on the cache's closed leads, checked on held-out data and against a baseline that knows
// only the temperature.
//
// Closed leads are ordered by creation time and split: the oldest 64 % fit the model, the next
// 16 % calibrate it (Platt scaling: a one-feature logistic regression on the model's log-odds),
// the newest 20 % test it. The model is fitted by IRLS (Newton's method), each step's linear
// system solved by ml-matrix's Cholesky decomposition. It earns its place only when its test AUC
// beats the baseline's by more than BEATS_BASELINE_Z standard errors of the difference (Hanley
// and McNeil's, summed as if independent: conservative); otherwise the call-first list follows
// the baseline's order and the model card says so.
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import {
  BEATS_BASELINE_Z,
  CALIBRATION_ERROR_BOUND,
  INTEL_SCORE_FEATURES,
  type CalibrationBin,
  type IntelResultBase,
  type ModelCard,
  type ModelCoefficient,
  type ScoreDriver,
  type ScoreSource,
} from '../../shared/api/intelligence.ts'
import {
  FEATURE_COUNT,
  WON_STAGE,
  columnStats,
  featureIndex,
  isOpenStage,
  type FeatureTable,
} from './features.ts'

/** Shares of the closed leads, oldest first: fit, calibrate, test. */
export const SPLIT = { fit: 0.64, calibrate: 0.16, test: 0.2 } as const
/** Fewest closed leads, and of each outcome, to train and test on. */
export const MIN_CLOSED = 60
export const MIN_PER_CLASS = 10
/** Ridge penalty on the standardised weights (not the intercept): keeps IRLS defined when a feature separates. */
const RIDGE = 1
const CALIBRATION_BINS = 10

const sigmoid = (t: number): number =>
  t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t))

/**
 * Logistic regression by IRLS: rows of `design` (n × p, no intercept column; one is added),
 * labels 0/1. Returns [intercept, w1..wp].
 */
export function fitLogistic(
  design: Float64Array,
  p: number,
  y: Uint8Array,
  ridge = RIDGE,
): number[] {
  const n = y.length
  const q = p + 1
  let beta = new Array<number>(q).fill(0)
  // Start at the prior's log-odds: fewer steps, and no step from 0.5 on a rare outcome.
  let pos = 0
  for (let i = 0; i < n; i++) pos += y[i] as number
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, n)))
  beta[0] = Math.log(prior / (1 - prior))
  const h = new Float64Array(q * q)
  const g = new Float64Array(q)
  const row = new Float64Array(q)
  for (let iter = 0; iter < 50; iter++) {
    h.fill(0)
    g.fill(0)
    for (let i = 0; i < n; i++) {
      row[0] = 1
      let eta = beta[0] as number
      for (let j = 0; j < p; j++) {
        const v = design[i * p + j] as number
        row[j + 1] = v
        eta += (beta[j + 1] as number) * v
      }
      const mu = sigmoid(eta)
      const w = Math.max(mu * (1 - mu), 1e-12)
      const r = (y[i] as number) - mu
      for (let a = 0; a < q; a++) {
        const ra = row[a] as number
        g[a] = (g[a] as number) + r * ra
        const wa = w * ra
        for (let b = a; b < q; b++)
          h[a * q + b] = (h[a * q + b] as number) + wa * (row[b] as number)
      }
    }
    const hess: number[][] = []
    for (let a = 0; a < q; a++) {
      const line: number[] = []
      for (let b = 0; b < q; b++) line.push(h[Math.min(a, b) * q + Math.max(a, b)] as number)
      if (a > 0) line[a] = (line[a] as number) + ridge
      hess.push(line)
    }
    const grad = Array.from(g, (v, a) => [a > 0 ? v - ridge * (beta[a] as number) : v])
    const chol = new CholeskyDecomposition(new Matrix(hess))
    if (!chol.isPositiveDefinite()) break
    const step = chol.solve(new Matrix(grad)).getColumn(0)
    beta = beta.map((b, a) => b + (step[a] as number))
    if (Math.max(...step.map(Math.abs)) < 1e-9) break
  }
  return beta
}

/** Area under the ROC curve (Mann–Whitney, ties counted half); null without both outcomes. */
export function auc(scores: Float64Array, y: Uint8Array): number | null {
  const n = y.length
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  )
  let pos = 0
  let rankSum = 0
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) {
      if (y[order[k] as number] === 1) {
        pos++
        rankSum += rank
      }
    }
    i = j + 1
  }
  const neg = n - pos
  if (pos === 0 || neg === 0) return null
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg)
}

/** Hanley and McNeil's standard error of an AUC. */
export function aucSe(a: number, pos: number, neg: number): number {
  const q1 = a / (2 - a)
  const q2 = (2 * a * a) / (1 + a)
  const v = (a * (1 - a) + (pos - 1) * (q1 - a * a) + (neg - 1) * (q2 - a * a)) / (pos * neg)
  return Math.sqrt(Math.max(0, v))
}

/** Expected calibration error over equal-width bins, and the non-empty bins. */
export function calibration(
  p: Float64Array,
  y: Uint8Array,
): { error: number | null; bins: CalibrationBin[] } {
  const count = new Array<number>(CALIBRATION_BINS).fill(0)
  const predicted = new Array<number>(CALIBRATION_BINS).fill(0)
  const observed = new Array<number>(CALIBRATION_BINS).fill(0)
  for (let i = 0; i < y.length; i++) {
    const v = p[i] as number
    const b = Math.min(CALIBRATION_BINS - 1, Math.floor(v * CALIBRATION_BINS))
    count[b] = (count[b] as number) + 1
    predicted[b] = (predicted[b] as number) + v
    observed[b] = (observed[b] as number) + (y[i] as number)
  }
  let error = 0
  const bins: CalibrationBin[] = []
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const c = count[b] as number
    if (c === 0) continue
    const pr = (predicted[b] as number) / c
    const ob = (observed[b] as number) / c
    error += (c / y.length) * Math.abs(pr - ob)
    bins.push({
      low: b / CALIBRATION_BINS,
      high: (b + 1) / CALIBRATION_BINS,
      count: c,
      predicted: pr,
      observed: ob,
    })
  }
  return { error: y.length === 0 ? null : error, bins }
}

export interface ScoredLead {
  readonly leadId: number
  readonly modelScore: number
  readonly baselineScore: number
  readonly modelValue: number
  readonly baselineValue: number
  readonly drivers: readonly ScoreDriver[]
}

/** The model card without its result header (shared/api/intelligence.ts is the one shape). */
export type ModelBody = Omit<ModelCard, keyof IntelResultBase> & {
  /** Why the model could not be trained (too few closed leads), or null. */
  readonly insufficient: string | null
}

const MODEL = 'Logistic regression (IRLS, ridge 1) on standardised features, Platt-calibrated'
const BASELINE = 'Temperature alone: each temperature’s conversion among the training leads'
const iso = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms)
    ? null
    : new Date(Math.min(Math.max(ms, -8.64e15), 8.64e15)).toISOString()
const fmt = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3))

/** Trains, tests and calibrates the model on the closed leads of `t`, and scores its open leads. */
export function trainAndScore(t: FeatureTable): { body: ModelBody; scored: ScoredLead[] } {
  const d = FEATURE_COUNT
  const cols = INTEL_SCORE_FEATURES.map(featureIndex)
  const p = cols.length
  const iTemp = featureIndex('temperature')
  const closed: number[] = []
  const open: number[] = []
  for (let i = 0; i < t.n; i++) (isOpenStage(t.stage[i] as number) ? open : closed).push(i)
  closed.sort(
    (a, b) =>
      (t.createdAt[a] as number) - (t.createdAt[b] as number) ||
      (t.ids[a] as number) - (t.ids[b] as number),
  )
  const label = (i: number): number => (t.stage[i] === WON_STAGE ? 1 : 0)
  const wins = closed.reduce((s, i) => s + label(i), 0)
  const nTest = Math.ceil(closed.length * SPLIT.test)
  const rest = closed.length - nTest
  const nCal = Math.ceil(rest * (SPLIT.calibrate / (SPLIT.fit + SPLIT.calibrate)))
  const fitRows = closed.slice(0, rest - nCal)
  const calRows = closed.slice(rest - nCal, rest)
  const testRows = closed.slice(rest)
  const fitWins = fitRows.reduce((s, i) => s + label(i), 0)
  let insufficient: string | null = null
  if (closed.length < MIN_CLOSED)
    insufficient = `Only ${closed.length} closed leads; the model needs at least ${MIN_CLOSED} to train and test on.`
  else if (wins < MIN_PER_CLASS || closed.length - wins < MIN_PER_CLASS)
    insufficient = `The closed leads hold ${wins} won and ${closed.length - wins} lost; the model needs at least ${MIN_PER_CLASS} of each.`
  else if (fitWins === 0 || fitWins === fitRows.length)
    insufficient =
      'The oldest closed leads are all of one outcome; there is nothing to learn from them.'

  // The baseline: conversion by temperature among the fit and calibration leads, shrunk toward
  // the overall rate (2 leads' worth), so a temperature with few leads reads near the average.
  const known = closed.slice(0, rest)
  const prior = known.length > 0 ? known.reduce((s, i) => s + label(i), 0) / known.length : 0
  const tWins = [0, 0, 0]
  const tAll = [0, 0, 0]
  for (const i of known) {
    const tv = Math.round(t.x[i * d + iTemp] as number)
    tWins[tv] = (tWins[tv] as number) + label(i)
    tAll[tv] = (tAll[tv] as number) + 1
  }
  const baselineOf = (i: number): number => {
    const tv = Math.round(t.x[i * d + iTemp] as number)
    return ((tWins[tv] ?? 0) + 2 * prior) / ((tAll[tv] ?? 0) + 2)
  }

  // Standardised with the fit leads' statistics (all leads' when there are none to fit).
  const statRows = fitRows.length > 0 ? fitRows : open
  const picked = new Float64Array(statRows.length * p)
  statRows.forEach((i, r) => {
    for (let j = 0; j < p; j++) picked[r * p + j] = t.x[i * d + (cols[j] as number)] as number
  })
  const { mean, sd } = columnStats(picked, p)
  const designOf = (rows: readonly number[]): Float64Array => {
    const out = new Float64Array(rows.length * p)
    rows.forEach((i, r) => {
      for (let j = 0; j < p; j++) {
        const s = sd[j] as number
        out[r * p + j] =
          s === 0 ? 0 : ((t.x[i * d + (cols[j] as number)] as number) - (mean[j] as number)) / s
      }
    })
    return out
  }
  const labelsOf = (rows: readonly number[]): Uint8Array => Uint8Array.from(rows, label)

  let beta: number[] = new Array<number>(p + 1).fill(0)
  let platt = [0, 1]
  let aucModel: number | null = null
  let aucBase: number | null = null
  let diffSe: number | null = null
  let calError: number | null = null
  let baseError: number | null = null
  let bins: CalibrationBin[] = []
  let beats = false
  if (insufficient === null) {
    beta = fitLogistic(designOf(fitRows), p, labelsOf(fitRows))
    const logit = (design: Float64Array, r: number): number => {
      let s = beta[0] as number
      for (let j = 0; j < p; j++) s += (beta[j + 1] as number) * (design[r * p + j] as number)
      return s
    }
    const calDesign = designOf(calRows)
    const calLabels = labelsOf(calRows)
    const calWins = calLabels.reduce((s, v) => s + v, 0)
    if (calWins > 0 && calWins < calLabels.length) {
      platt = fitLogistic(
        Float64Array.from(calRows, (_, r) => logit(calDesign, r)),
        1,
        calLabels,
        1e-6,
      )
    }
    const testDesign = designOf(testRows)
    const testLabels = labelsOf(testRows)
    const pModel = Float64Array.from(testRows, (_, r) =>
      sigmoid((platt[0] as number) + (platt[1] as number) * logit(testDesign, r)),
    )
    const pBase = Float64Array.from(testRows, baselineOf)
    aucModel = auc(pModel, testLabels)
    aucBase = auc(pBase, testLabels)
    const pos = testLabels.reduce((s, v) => s + v, 0)
    const neg = testLabels.length - pos
    if (aucModel !== null && aucBase !== null) {
      diffSe = Math.hypot(aucSe(aucModel, pos, neg), aucSe(aucBase, pos, neg))
      beats = aucModel - aucBase > BEATS_BASELINE_Z * diffSe
    } else {
      insufficient =
        'The newest 20 % of closed leads are all of one outcome; the model cannot be tested.'
    }
    const cm = calibration(pModel, testLabels)
    calError = cm.error
    bins = cm.bins
    baseError = calibration(pBase, testLabels).error
  }
  const scoreSource: ScoreSource = beats ? 'model' : 'baseline'
  const verdict =
    insufficient !== null
      ? `${insufficient} The call-first list follows the temperature-only baseline.`
      : beats
        ? `The model beats the temperature-only baseline on the newest 20 % of closed leads (AUC ${fmt(aucModel)} against ${fmt(aucBase)}); the call-first list follows its scores.`
        : `The model does not beat the temperature-only baseline on the newest 20 % of closed leads (AUC ${fmt(aucModel)} against ${fmt(aucBase)}, within ${BEATS_BASELINE_Z} standard errors ${fmt(diffSe)}); the call-first list follows the baseline’s order instead.`

  // Open leads: both scores, the model's drivers, expected values.
  const openDesign = designOf(open)
  const scored: ScoredLead[] = open.map((i, r) => {
    let s = beta[0] as number
    const contributions: ScoreDriver[] = []
    for (let j = 0; j < p; j++) {
      const c = (beta[j + 1] as number) * (openDesign[r * p + j] as number)
      s += c
      if (Math.abs(c) >= 0.01)
        contributions.push({
          feature: INTEL_SCORE_FEATURES[j] as (typeof INTEL_SCORE_FEATURES)[number],
          contribution: Math.round(c * 1000) / 1000,
          direction: c > 0 ? 'up' : 'down',
        })
    }
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    const modelScore =
      insufficient === null ? sigmoid((platt[0] as number) + (platt[1] as number) * s) : 0
    const baselineScore = baselineOf(i)
    const deal = t.averageDealCents[t.segment[i] as number] ?? t.overallDealCents ?? 0
    return {
      leadId: t.ids[i] as number,
      modelScore,
      baselineScore,
      modelValue: Math.round(modelScore * deal),
      baselineValue: Math.round(baselineScore * deal),
      drivers: insufficient === null ? contributions.slice(0, 3) : [],
    }
  })
  const coefficients: ModelCoefficient[] = [
    { feature: 'intercept', weight: beta[0] as number },
    ...INTEL_SCORE_FEATURES.map((feature, j) => ({ feature, weight: beta[j + 1] as number })),
  ]
  return {
    body: {
      model: MODEL,
      baseline: BASELINE,
      features: [...INTEL_SCORE_FEATURES],
      trainingRows: fitRows.length,
      calibrationRows: calRows.length,
      testRows: testRows.length,
      split: {
        description: `Closed leads (won or lost) by creation time: the oldest ${SPLIT.fit * 100} % fit the model, the next ${SPLIT.calibrate * 100} % calibrate it, the newest ${SPLIT.test * 100} % test it.`,
        trainFrom: iso(t.createdAt[fitRows[0] ?? -1]),
        trainTo: iso(t.createdAt[fitRows.at(-1) ?? -1]),
        testFrom: iso(t.createdAt[testRows[0] ?? -1]),
        testTo: iso(t.createdAt[testRows.at(-1) ?? -1]),
      },
      auc: { model: aucModel, baseline: aucBase, differenceSe: diffSe },
      calibration: {
        method:
          'Platt scaling on the calibration leads; expected calibration error over 10 equal-width bins of the test leads',
        error: calError,
        baselineError: baseError,
        bound: CALIBRATION_ERROR_BOUND,
        bins,
      },
      beatsBaseline: beats,
      verdict,
      scoreSource,
      coefficients,
      insufficient,
    },
    scored,
  }
}
