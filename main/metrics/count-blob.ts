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

// Sum vectors by slot (the UTC quarter hour tables of 016-quarter-rollups.ts): one blob per key
// holds, for each of `slots` time slots, `width` integer sums (the lead measures). Encoding: for
// each slot with a non-zero sum, in ascending order, varint(gap since the previous such slot)
// then each sum as a zigzag varint (a sum of response times may be negative). Canonical as the
// counts are: no all-zero slot, no trailing bytes.

const zigzag = (n: number): number => (n < 0 ? -2 * n - 1 : 2 * n)
const unzigzag = (z: number): number => (z % 2 === 1 ? -(z + 1) / 2 : z / 2)

/**
 * Calls `fn(slot, values)` for each slot of a sum blob, in ascending order; `values` (length
 * `width`) is reused from call to call: read it before returning.
 */
export function forEachSums(
  blob: Uint8Array,
  width: number,
  fn: (slot: number, values: Float64Array) => void,
): void {
  const values = new Float64Array(width)
  let i = 0
  let slot = -1
  while (i < blob.length) {
    let gap = 0
    let shift = 1
    let byte: number
    do {
      byte = blob[i++] as number
      gap += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    slot += gap + 1
    for (let k = 0; k < width; k++) {
      let z = 0
      shift = 1
      do {
        byte = blob[i++] as number
        z += (byte & 0x7f) * shift
        shift *= 128
      } while (byte & 0x80)
      values[k] = unzigzag(z)
    }
    fn(slot, values)
  }
}

/** Adds a sum blob into a dense vector of `width` sums per slot (slot × width + k). */
export function addSums(into: Float64Array, blob: Uint8Array, width: number): void {
  let i = 0
  let slot = -1
  while (i < blob.length) {
    let gap = 0
    let shift = 1
    let byte: number
    do {
      byte = blob[i++] as number
      gap += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    slot += gap + 1
    const o = slot * width
    for (let k = 0; k < width; k++) {
      let z = 0
      shift = 1
      do {
        byte = blob[i++] as number
        z += (byte & 0x7f) * shift
        shift *= 128
      } while (byte & 0x80)
      into[o + k] = (into[o + k] as number) + unzigzag(z)
    }
  }
}

let scratch = new Uint8Array(4096)

function putVarint(at: number, n: number): number {
  while (n >= 0x80) {
    scratch[at++] = (n % 0x80) | 0x80
    n = Math.floor(n / 0x80)
  }
  scratch[at++] = n
  return at
}

/**
 * The blob of a dense vector of `width` sums per slot, or null when every sum is 0. A slot whose
 * first sum (its count of leads) is not positive while another is non-zero, or a negative count,
 * means the rollups no longer match the leads: a RangeError, as for the counts.
 */
export function encodeSums(dense: Float64Array, width: number): Buffer | null {
  // At most 8 bytes a varint of a safe integer's zigzag (2^53 < 2^56), per value and gap.
  const most = (dense.length / width) * (width + 1) * 8
  if (scratch.length < most) scratch = new Uint8Array(most)
  let at = 0
  let last = -1
  for (let slot = 0; slot * width < dense.length; slot++) {
    const o = slot * width
    let any = false
    for (let k = 0; k < width; k++) if (dense[o + k] !== 0) any = true
    if (!any) continue
    const count = dense[o] as number
    if (count <= 0) throw new RangeError(`rollup count ${count} in slot ${slot}`)
    at = putVarint(at, slot - last - 1)
    for (let k = 0; k < width; k++) {
      const v = dense[o + k] as number
      if (!Number.isSafeInteger(v)) throw new RangeError(`rollup sum ${v} in slot ${slot}`)
      at = putVarint(at, zigzag(v))
    }
    last = slot
  }
  return at === 0 ? null : Buffer.from(scratch.subarray(0, at))
}

// Sections: several sum blobs in one, each under a text key (the quarter tables keep one row per
// UTC day holding all sources' sums, each source's and each owner's, so that a sync batch rewrites
// one row a day, not one per key). Encoding: for each section, in ascending key order (UTF-16
// code units, which both writers use), varint(key bytes) key (UTF-8) varint(body bytes) body.

/** Calls `fn(key, body)` for each section of a blob, in order; `body` is a view into it. */
export function forEachSection(
  blob: Uint8Array,
  fn: (key: string, body: Uint8Array) => void,
): void {
  let i = 0
  const varint = (): number => {
    let n = 0
    let shift = 1
    let byte: number
    do {
      byte = blob[i++] as number
      n += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    return n
  }
  while (i < blob.length) {
    const keyBytes = varint()
    const key = Buffer.from(blob.buffer, blob.byteOffset + i, keyBytes).toString('utf8')
    i += keyBytes
    const bodyBytes = varint()
    fn(key, blob.subarray(i, i + bodyBytes))
    i += bodyBytes
  }
}

/**
 * forEachSection for the sections whose key starts with `prefix` (UTF-8 bytes; empty: every
 * key) and, when `exact`, has no more bytes: keys are compared as bytes and only a match's key is
 * decoded, so a reader of one section of a blob of dozens skips the rest at the cost of a length
 * and a byte compare each.
 */
export function forEachSectionWith(
  blob: Uint8Array,
  prefix: Uint8Array,
  exact: boolean,
  fn: (key: string, body: Uint8Array) => void,
): void {
  let i = 0
  const varint = (): number => {
    let n = 0
    let shift = 1
    let byte: number
    do {
      byte = blob[i++] as number
      n += (byte & 0x7f) * shift
      shift *= 128
    } while (byte & 0x80)
    return n
  }
  while (i < blob.length) {
    const keyBytes = varint()
    const keyAt = i
    i += keyBytes
    const bodyBytes = varint()
    const bodyAt = i
    i += bodyBytes
    if (exact ? keyBytes !== prefix.length : keyBytes < prefix.length) continue
    let match = true
    for (let k = 0; k < prefix.length; k++) {
      if (blob[keyAt + k] !== prefix[k]) {
        match = false
        break
      }
    }
    if (!match) continue
    const key = Buffer.from(blob.buffer, blob.byteOffset + keyAt, keyBytes).toString('utf8')
    fn(key, blob.subarray(bodyAt, bodyAt + bodyBytes))
  }
}

/** The blob of keyed sections (empty bodies left out), or null when every one is empty. */
export function encodeSections(sections: ReadonlyMap<string, Uint8Array | null>): Buffer | null {
  const parts: Buffer[] = []
  for (const key of [...sections.keys()].sort()) {
    const body = sections.get(key)
    if (!body || body.length === 0) continue
    const k = Buffer.from(key, 'utf8')
    const head: number[] = []
    pushVarint(head, k.length)
    parts.push(Buffer.from(head), k)
    head.length = 0
    pushVarint(head, body.length)
    parts.push(Buffer.from(head), Buffer.from(body.buffer, body.byteOffset, body.length))
  }
  return parts.length === 0 ? null : Buffer.concat(parts)
}
