// Segments (issue 16): planted clusters are recovered (adjusted Rand index >= 0.9) through the
// standardisation, PCA and k-means with k chosen by silhouette; the same seed gives the same
// segments; rows with no variance, one row, or none, give no segments rather than NaN.
import { describe, expect, it } from 'vitest'
import { readFeatures } from '../../main/intelligence/features.ts'
import { clusterRows, segmentLeads, segmentName } from '../../main/intelligence/segments.ts'
import { createRandom } from '../../main/demo/random.ts'
import { openStore } from '../../main/store/index.ts'
import { INTEL_FEATURES } from '../../shared/api/intelligence.ts'
import { insertLeads, lead } from '../support/leads.ts'

/** Adjusted Rand index of two labellings (Hubert and Arabie). */
function adjustedRand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  const table = new Map<string, number>()
  const rows = new Map<number, number>()
  const cols = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`
    table.set(key, (table.get(key) ?? 0) + 1)
    rows.set(a[i] as number, (rows.get(a[i] as number) ?? 0) + 1)
    cols.set(b[i] as number, (cols.get(b[i] as number) ?? 0) + 1)
  }
  const pairs = (m: number) => (m * (m - 1)) / 2
  let index = 0
  for (const v of table.values()) index += pairs(v)
  let sa = 0
  for (const v of rows.values()) sa += pairs(v)
  let sb = 0
  for (const v of cols.values()) sb += pairs(v)
  const expected = (sa * sb) / pairs(n)
  return (index - expected) / ((sa + sb) / 2 - expected)
}

/** Gaussian blobs around planted centres in d dimensions, in shuffled order. */
function blobs(sizes: readonly number[], d: number, spread: number, seed: number) {
  const r = createRandom(seed, 1)
  const centres = sizes.map(() => Array.from({ length: d }, () => r.uniform(-6, 6)))
  const labels: number[] = []
  sizes.forEach((s, c) => {
    for (let i = 0; i < s; i++) labels.push(c)
  })
  for (let i = labels.length - 1; i > 0; i--) {
    const j = r.int(0, i + 1)
    ;[labels[i], labels[j]] = [labels[j] as number, labels[i] as number]
  }
  const x = new Float64Array(labels.length * d)
  labels.forEach((c, i) => {
    for (let j = 0; j < d; j++) x[i * d + j] = (centres[c]?.[j] as number) + r.normal(0, spread)
  })
  return { x, labels, n: labels.length }
}

describe('segments', () => {
  it('recover planted clusters (adjusted Rand index >= 0.9), k by silhouette, same seed same segments', () => {
    const d = INTEL_FEATURES.length
    for (const [sizes, seed] of [
      [[1500, 1000, 500], 1],
      [[800, 800, 600, 400], 2],
      [[24_000, 6_000], 3],
    ] as const) {
      const { x, labels, n } = blobs(sizes, d, 1.2, seed)
      const c = clusterRows(x, n, d, 16)
      expect(c).not.toBeNull()
      expect(c?.k).toBe(sizes.length)
      expect(adjustedRand(labels, c?.labels ?? [])).toBeGreaterThanOrEqual(0.9)
      const again = clusterRows(x, n, d, 16)
      expect(again?.labels).toEqual(c?.labels)
      expect(again?.silhouetteByK).toEqual(c?.silhouetteByK)
    }
  })

  it('give no segments for no rows, one row, or rows all alike; a constant feature is no NaN', () => {
    const d = 4
    expect(clusterRows(new Float64Array(0), 0, d, 1)).toBeNull()
    expect(clusterRows(new Float64Array([1, 2, 3, 4]), 1, d, 1)).toBeNull()
    expect(clusterRows(new Float64Array(40).fill(7), 10, d, 1)).toBeNull()
    // Two planted groups on column 0, columns 1-3 constant (zero variance).
    const x = new Float64Array(200 * d)
    for (let i = 0; i < 200; i++) {
      x[i * d] = i < 120 ? 0 + (i % 7) * 0.01 : 10 + (i % 5) * 0.01
      x[i * d + 1] = 3
      x[i * d + 2] = 0
      x[i * d + 3] = -1
    }
    const c = clusterRows(x, 200, d, 1)
    expect(c?.k).toBe(2)
    expect(Array.from(c?.pc ?? []).every(Number.isFinite)).toBe(true)
    expect(
      Array.from(c?.labels ?? [])
        .slice(0, 120)
        .every((l) => l === 0),
    ).toBe(true)
    // Two distinct points only: k cannot exceed them.
    const two = new Float64Array(20 * d)
    for (let i = 10; i < 20; i++) two[i * d] = 1
    expect(clusterRows(two, 20, d, 1)?.k).toBe(2)
  })

  it('name segments from their centroids', () => {
    const centroid = INTEL_FEATURES.map((feature) => ({
      feature,
      value: 0,
      z:
        feature === 'valueCents'
          ? 1.4
          : feature === 'cityTier'
            ? 0.9
            : feature === 'appointments'
              ? 0.6
              : 0.1,
    }))
    expect(segmentName(centroid)).toBe('High-value, premium cities, repeat visits')
    expect(segmentName(centroid.map((c) => ({ ...c, z: 0 })))).toBe('Typical leads')
  })

  it('segment leads from the cache: empty, one lead, and hostile dates give answers without NaN', () => {
    const db = openStore(':memory:')
    expect(segmentLeads(readFeatures(db), 16)).toBeNull()
    insertLeads(db, [lead({ id: 1, created_at: Date.parse('2026-01-01T00:00:00Z') })])
    expect(segmentLeads(readFeatures(db), 16)).toBeNull()
    const far = Date.parse('9999-12-31T00:00:00Z')
    insertLeads(
      db,
      Array.from({ length: 60 }, (_, i) =>
        lead({
          id: i + 2,
          created_at: i % 2 === 0 ? far : Date.parse('2026-01-01T00:00:00Z'),
          updated_at: i % 2 === 0 ? far : Date.parse('2026-01-02T00:00:00Z'),
          temperature: i % 3 === 0 ? 'hot' : 'cold',
          first_response_at: i % 2 === 0 ? far + 1000 : null,
        }),
      ),
    )
    const t = readFeatures(db)
    expect(Array.from(t.x).every(Number.isFinite)).toBe(true)
    const s = segmentLeads(t, 16)
    expect(s?.rows).toBe(61)
    // Numbers all finite (a segment without closed leads has a null conversion, not NaN).
    const finite = (v: unknown): boolean =>
      typeof v === 'number'
        ? Number.isFinite(v)
        : v !== null && typeof v === 'object'
          ? Object.values(v).every(finite)
          : true
    expect(finite(s)).toBe(true)
    expect(s?.segments.every((g) => g.conversion === null && g.revenueShare === null)).toBe(true)
  })
})
