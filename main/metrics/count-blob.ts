// Sparse count vectors stored as one blob per rollup key (the response-time
// histograms and the hour-of-week counts of 005-metric-rollups.ts). Encoding:
// for each non-zero bucket in ascending order, varint(gap since the previous
// non-zero bucket) then varint(count). Canonical — no zero buckets, no
// trailing bytes — so an incrementally maintained blob and a rebuilt one are
// byte-identical, which the property tests compare.

/** Adds the counts of `blob` (× sign) into `into`, indexed by bucket. */
export function addCounts(into: Float64Array, blob: Uint8Array, sign = 1): void {
  let i = 0
  let bucket = -1
  while (i < blob.length) {
    let gap = 0
    let shift = 1
    let byte: number
    do {
      byte = blob[i++] as number
      gap += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    let count = 0
    shift = 1
    do {
      byte = blob[i++] as number
      count += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    bucket += gap + 1
    into[bucket] = (into[bucket] ?? 0) + sign * count
  }
}

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
}

/**
 * The blob of a dense count vector, or null when every count is 0 (the row
 * is then deleted, as a rebuild would not create it). A negative count means
 * the rollups no longer match the leads, which only a bug can cause.
 */
export function encodeCounts(counts: Float64Array): Buffer | null {
  const out: number[] = []
  let last = -1
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b] as number
    if (c === 0) continue
    if (c < 0 || !Number.isSafeInteger(c)) throw new RangeError(`rollup count ${c} in bucket ${b}`)
    pushVarint(out, b - last - 1)
    pushVarint(out, c)
    last = b
  }
  return out.length === 0 ? null : Buffer.from(out)
}
