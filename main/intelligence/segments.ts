// Segments (issue 16): leads clustered on their behaviour features, standardised (z-scores),
// reduced with PCA (ml-pca, from the correlation matrix accumulated in one pass, so a million
// rows never become a million arrays) and clustered with k-means (ml-kmeans, seeded k-means++)
// for each k of INTEL_K_RANGE on a deterministic sample; k is the one with the best mean
// silhouette (on a smaller sample: it costs the square of its size); then every lead joins its
// nearest centroid. Same data and seed, same segments.
import { kmeans } from 'ml-kmeans'
import { Matrix } from 'ml-matrix'
import { PCA } from 'ml-pca'
import { createRandom } from '../demo/random.ts'
import {
  INTEL_FEATURES,
  INTEL_K_RANGE,
  MAX_SEGMENT_POINTS,
  type CentroidFeature,
  type IntelFeature,
  type SegmentPoint,
  type SegmentRow,
} from '../../shared/api/intelligence.ts'
import {
  FEATURE_COUNT,
  LOST_STAGE,
  WON_STAGE,
  columnStats,
  rawValue,
  type FeatureTable,
} from './features.ts'

/** Leads k-means is fitted on (a deterministic sample); all leads are then assigned. */
export const KMEANS_SAMPLE = 20_000
/** Leads the silhouette is measured on (its cost grows with the square). */
export const SILHOUETTE_SAMPLE = 2_000
/** Principal components kept: enough for this share of the variance (at least 2). */
export const PCA_VARIANCE_KEPT = 0.9

export interface Clustering {
  readonly k: number
  /** Segment of each row, 0-based, ordered by size (largest first). */
  readonly labels: Uint8Array
  readonly silhouette: number | null
  readonly silhouetteByK: readonly { k: number; silhouette: number }[]
  readonly explainedVariance: readonly number[]
  /** Each row's first two principal components (row-major n × 2). */
  readonly pc: Float64Array
  /** The rows of the deterministic sample, in sample order (the scatter's points come first from it). */
  readonly sampleOrder: Int32Array
  /** Standardisation used. */
  readonly mean: Float64Array
  readonly sd: Float64Array
}

/** The first `size` indices of a seeded shuffle of 0..n-1 (partial Fisher–Yates). */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  const take = Math.min(n, size)
  const idx = new Int32Array(n)
  for (let i = 0; i < n; i++) idx[i] = i
  const random = createRandom(seed, 16)
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random.next() * (n - i))
    const t = idx[i] as number
    idx[i] = idx[j] as number
    idx[j] = t
  }
  return idx.slice(0, take)
}

/** Euclidean distances between every pair of `points` (n × n, row-major): the same for every k. */
export function pairDistances(points: readonly (readonly number[])[]): Float32Array {
  const n = points.length
  const out = new Float32Array(n * n)
  for (let i = 0; i < n; i++) {
    const p = points[i] as readonly number[]
    for (let j = i + 1; j < n; j++) {
      const q = points[j] as readonly number[]
      let s = 0
      for (let c = 0; c < p.length; c++) {
        const d = (p[c] as number) - (q[c] as number)
        s += d * d
      }
      const d = Math.sqrt(s)
      out[i * n + j] = d
      out[j * n + i] = d
    }
  }
  return out
}

/** Mean silhouette of n points labelled `labels`, from their pair distances; a singleton's is 0. */
export function silhouette(distances: Float32Array, labels: ArrayLike<number>, k: number): number {
  const n = labels.length
  if (n < 2) return 0
  const sizes = new Array<number>(k).fill(0)
  for (let i = 0; i < n; i++)
    sizes[labels[i] as number] = (sizes[labels[i] as number] as number) + 1
  const sums = new Float64Array(k)
  let total = 0
  for (let i = 0; i < n; i++) {
    sums.fill(0)
    const o = i * n
    for (let j = 0; j < n; j++) {
      const l = labels[j] as number
      sums[l] = (sums[l] as number) + (distances[o + j] as number)
    }
    const own = labels[i] as number
    if ((sizes[own] as number) <= 1) continue
    const a = (sums[own] as number) / ((sizes[own] as number) - 1)
    let b = Infinity
    for (let c = 0; c < k; c++) {
      if (c === own || (sizes[c] as number) === 0) continue
      b = Math.min(b, (sums[c] as number) / (sizes[c] as number))
    }
    if (b === Infinity) continue
    const m = Math.max(a, b)
    total += m === 0 ? 0 : (b - a) / m
  }
  return total / n
}

/**
 * Clusters the rows of `x` (n × d, any units): standardise, PCA, k-means for each k in range on
 * a sample, k by silhouette, every row to its nearest centroid. Null when the rows are all alike
 * (no variance to cluster on) or fewer than 2.
 */
export function clusterRows(
  x: Float64Array,
  n: number,
  d: number,
  seed: number,
  range: { min: number; max: number } = INTEL_K_RANGE,
): Clustering | null {
  if (n < 2) return null
  const { mean, sd } = columnStats(x, d)
  // The correlation matrix of the standardised rows, in one pass.
  const cov = new Float64Array(d * d)
  const z = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    const o = i * d
    for (let j = 0; j < d; j++) {
      const s = sd[j] as number
      z[j] = s === 0 ? 0 : ((x[o + j] as number) - (mean[j] as number)) / s
    }
    for (let a = 0; a < d; a++) {
      const za = z[a] as number
      if (za === 0) continue
      for (let b = a; b < d; b++)
        cov[a * d + b] = (cov[a * d + b] as number) + za * (z[b] as number)
    }
  }
  const covRows: number[][] = []
  for (let a = 0; a < d; a++) {
    const row: number[] = []
    for (let b = 0; b < d; b++) row.push((cov[Math.min(a, b) * d + Math.max(a, b)] as number) / n)
    covRows.push(row)
  }
  const totalVariance = covRows.reduce((s, r, i) => s + (r[i] as number), 0)
  if (!(totalVariance > 1e-12)) return null
  const pca = new PCA(new Matrix(covRows), { isCovarianceMatrix: true })
  const explained = pca.getExplainedVariance().map((v) => (Number.isFinite(v) ? v : 0))
  const vectors = pca.getEigenvectors()
  const nonZero = explained.filter((v) => v > 1e-9).length
  let m = 0
  let cumulative = 0
  while (m < explained.length && (cumulative < PCA_VARIANCE_KEPT || m < 2)) {
    cumulative += explained[m] as number
    m++
  }
  m = Math.max(1, Math.min(m, nonZero))
  const loadings: number[][] = []
  for (let c = 0; c < Math.max(m, 2) && c < d; c++) loadings.push(vectors.getColumn(c))
  const project = (i: number, out: number[]): number[] => {
    const o = i * d
    for (let c = 0; c < loadings.length; c++) {
      const w = loadings[c] as number[]
      let s = 0
      for (let j = 0; j < d; j++) {
        const sj = sd[j] as number
        if (sj !== 0) s += (w[j] as number) * (((x[o + j] as number) - (mean[j] as number)) / sj)
      }
      out[c] = s
    }
    return out
  }

  const sampleOrder = sampleIndices(n, Math.max(KMEANS_SAMPLE, MAX_SEGMENT_POINTS), seed)
  const fitRows = sampleOrder.subarray(0, Math.min(sampleOrder.length, KMEANS_SAMPLE))
  const fitPoints = Array.from(fitRows, (i) =>
    project(i, new Array<number>(loadings.length)).slice(0, m),
  )
  const silCount = Math.min(fitPoints.length, SILHOUETTE_SAMPLE)
  const distances = pairDistances(fitPoints.slice(0, silCount))
  // Distinct points bound k: k-means cannot find more clusters than there are places.
  const distinct = new Set(fitPoints.map((p) => p.map((v) => v.toFixed(9)).join(','))).size
  const tried: { k: number; silhouette: number; centroids: number[][] }[] = []
  for (let k = range.min; k <= Math.min(range.max, distinct, silCount - 1); k++) {
    const result = kmeans(fitPoints, k, { seed, initialization: 'kmeans++', maxIterations: 100 })
    const labels = result.clusters.slice(0, silCount)
    tried.push({ k, silhouette: silhouette(distances, labels, k), centroids: result.centroids })
  }
  let centroids: number[][]
  let chosen: (typeof tried)[number] | undefined
  for (const t of tried) {
    if (!chosen || t.silhouette > chosen.silhouette + 1e-9) chosen = t
  }
  if (chosen) centroids = chosen.centroids
  else {
    // Too few distinct rows for two segments: one.
    centroids = [new Array<number>(m).fill(0)]
  }
  const k = centroids.length
  const raw = new Uint8Array(n)
  const pc = new Float64Array(n * 2)
  const point = new Array<number>(loadings.length)
  const sizes = new Array<number>(k).fill(0)
  for (let i = 0; i < n; i++) {
    project(i, point)
    pc[i * 2] = point[0] ?? 0
    pc[i * 2 + 1] = point[1] ?? 0
    let best = 0
    let bestD = Infinity
    for (let c = 0; c < k; c++) {
      const cen = centroids[c] as number[]
      let s = 0
      for (let j = 0; j < m; j++) {
        const dv = (point[j] as number) - (cen[j] as number)
        s += dv * dv
      }
      if (s < bestD) {
        bestD = s
        best = c
      }
    }
    raw[i] = best
    sizes[best] = (sizes[best] as number) + 1
  }
  // Largest first (ties by k-means' order), so ids read the same for the same data.
  const order = sizes.map((s, c) => ({ s, c })).sort((a, b) => b.s - a.s || a.c - b.c)
  const rank = new Array<number>(k)
  order.forEach((o, r) => (rank[o.c] = r))
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) labels[i] = rank[raw[i] as number] as number
  return {
    k,
    labels,
    silhouette: chosen ? chosen.silhouette : null,
    silhouetteByK: tried.map((t) => ({ k: t.k, silhouette: t.silhouette })),
    explainedVariance: explained.slice(0, 2),
    pc,
    sampleOrder,
    mean,
    sd,
  }
}

// ---- Names -----------------------------------------------------------------------------------

/** Words for a centroid far above (high) or below (low) the average on a feature. */
const WORDS: Readonly<Record<IntelFeature, { high: string; low: string }>> = {
  recencyDays: { high: 'lapsed', low: 'recent' },
  appointments: { high: 'repeat visits', low: 'no visits' },
  valueCents: { high: 'high-value', low: 'low-value' },
  responseSeconds: { high: 'slow answer', low: 'fast answer' },
  answeredInTarget: { high: 'answered in target', low: 'answered late' },
  channelQuality: { high: 'strong channels', low: 'weak channels' },
  cityTier: { high: 'premium cities', low: 'standard cities' },
  temperature: { high: 'hot', low: 'cold' },
}

/** How far (in standard deviations) a centroid must sit from the mean for a word. */
const NAME_Z = 0.35

/** A readable name from a centroid's z-scores: its two or three most distinctive features. */
export function segmentName(centroid: readonly CentroidFeature[]): string {
  const words = [...centroid]
    .filter((c) => Math.abs(c.z) >= NAME_Z)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, 3)
    .map((c) => (c.z > 0 ? WORDS[c.feature].high : WORDS[c.feature].low))
  if (words.length === 0) return 'Typical leads'
  const text = words.join(', ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface SegmentsBody {
  readonly rows: number
  readonly k: number | null
  readonly silhouette: number | null
  readonly silhouetteByK: readonly { k: number; silhouette: number }[]
  readonly seed: number
  readonly explainedVariance: readonly number[]
  readonly segments: readonly SegmentRow[]
  /** MAX_SEGMENT_POINTS points in sample order; the api returns a prefix. */
  readonly points: readonly SegmentPoint[]
  readonly pointsTotal: number
}

const round = (v: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** Segments of the leads in `t`: the clustering, each segment's size, revenue, conversion and name. */
export function segmentLeads(t: FeatureTable, seed: number): SegmentsBody | null {
  return segmentLeadRows(t, seed)?.body ?? null
}

/** segmentLeads, with each lead's segment and first two components (to store per lead). */
export function segmentLeadRows(
  t: FeatureTable,
  seed: number,
): { body: SegmentsBody; labels: Uint8Array; pc: Float64Array } | null {
  const d = FEATURE_COUNT
  const c = clusterRows(t.x, t.n, d, seed)
  if (!c) return null
  const { k, labels } = c
  const size = new Array<number>(k).fill(0)
  const revenue = new Array<number>(k).fill(0)
  const won = new Array<number>(k).fill(0)
  const lost = new Array<number>(k).fill(0)
  const zSum = new Float64Array(k * d)
  const rawSum = new Float64Array(k * d)
  let allRevenue = 0
  for (let i = 0; i < t.n; i++) {
    const s = labels[i] as number
    size[s] = (size[s] as number) + 1
    revenue[s] = (revenue[s] as number) + (t.dealCents[i] as number)
    allRevenue += t.dealCents[i] as number
    if (t.stage[i] === WON_STAGE) won[s] = (won[s] as number) + 1
    else if (t.stage[i] === LOST_STAGE) lost[s] = (lost[s] as number) + 1
    for (let j = 0; j < d; j++) {
      const v = t.x[i * d + j] as number
      const sj = c.sd[j] as number
      zSum[s * d + j] =
        (zSum[s * d + j] as number) + (sj === 0 ? 0 : (v - (c.mean[j] as number)) / sj)
      rawSum[s * d + j] =
        (rawSum[s * d + j] as number) + rawValue(INTEL_FEATURES[j] as IntelFeature, v)
    }
  }
  const used = new Set<string>()
  const segments: SegmentRow[] = []
  for (let s = 0; s < k; s++) {
    const n = size[s] as number
    const centroid: CentroidFeature[] = INTEL_FEATURES.map((feature, j) => ({
      feature,
      value: n === 0 ? 0 : round((rawSum[s * d + j] as number) / n, 4),
      z: n === 0 ? 0 : round((zSum[s * d + j] as number) / n, 4),
    }))
    let name = segmentName(centroid)
    for (let dup = 2; used.has(name); dup++) name = `${segmentName(centroid)} (${dup})`
    used.add(name)
    const closed = (won[s] as number) + (lost[s] as number)
    segments.push({
      id: s,
      name,
      size: n,
      share: n / t.n,
      revenueCents: revenue[s] as number,
      revenueShare: allRevenue > 0 ? (revenue[s] as number) / allRevenue : null,
      conversion: closed > 0 ? (won[s] as number) / closed : null,
      centroid,
    })
  }
  const points: SegmentPoint[] = []
  for (const i of c.sampleOrder.subarray(0, MAX_SEGMENT_POINTS)) {
    points.push({
      leadId: t.ids[i] as number,
      x: round(c.pc[i * 2] as number, 4),
      y: round(c.pc[i * 2 + 1] as number, 4),
      segmentId: labels[i] as number,
    })
  }
  const body: SegmentsBody = {
    rows: t.n,
    k,
    silhouette: c.silhouette,
    silhouetteByK: c.silhouetteByK,
    seed,
    explainedVariance: c.explainedVariance,
    segments,
    points,
    pointsTotal: t.n,
  }
  return { body, labels, pc: c.pc }
}
