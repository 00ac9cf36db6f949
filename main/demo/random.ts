// A small seeded PRNG for the demo data. The demo must be identical for the
// same seed wherever it is generated, so nothing here touches Math.random:
// sfc32 works on 32-bit integers only, and the derived helpers use plain IEEE
// arithmetic plus V8's Math.log/exp/sin/cos (fdlibm ports, the same on every
// platform). sfc32 is from PractRand (Chris Doty-Humphrey); splitmix32's
// finaliser turns an arbitrary seed into the four state words, so nearby seeds
// give unrelated streams.

const TWO_POW_32 = 4_294_967_296

/** The splitmix32 finaliser: a bijective 32-bit mix. */
function mix32(value: number): number {
  let z = value | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

export interface Random {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number
  /** Integer uniform in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** Normal deviate (Box-Muller). */
  normal(mean?: number, sd?: number): number
  /** exp(N(mu, sigma)): the median is exp(mu), the mean exp(mu + sigma² / 2). */
  lognormal(mu: number, sigma: number): number
  /** One item, each equally likely. */
  pick<T>(items: readonly T[]): T
}

class Sfc32 implements Random {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare = 0
  private hasSpare = false

  constructor(seed: number, stream: number) {
    // Fold a seed of up to 53 bits and the stream number into splitmix32's state.
    const lo = seed >>> 0
    const hi = Math.floor(seed / TWO_POW_32) >>> 0
    let state = mix32(lo ^ mix32(hi ^ 0x9e3779b9) ^ mix32(stream + 0x632be5ab))
    const nextWord = (): number => {
      state = (state + 0x9e3779b9) | 0
      return mix32(state)
    }
    this.a = nextWord()
    this.b = nextWord()
    this.c = nextWord()
    this.d = nextWord()
    // sfc32's first outputs are still correlated with the seed words.
    for (let i = 0; i < 15; i++) this.next()
  }

  next(): number {
    const t0 = (this.a + this.b) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.d = (this.d + 1) | 0
    const t = (t0 + this.d) | 0
    this.c = (this.c + t) | 0
    return (t >>> 0) / TWO_POW_32
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  int(min: number, maxExclusive: number): number {
    return min + Math.floor((maxExclusive - min) * this.next())
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  normal(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return mean + sd * this.spare
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()))
    const angle = 2 * Math.PI * this.next()
    this.spare = radius * Math.sin(angle)
    this.hasSpare = true
    return mean + sd * radius * Math.cos(angle)
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma))
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs at least one item')
    return items[this.int(0, items.length)] as T
  }
}

/**
 * A generator for `seed` (any safe integer). Different `stream` numbers give
 * independent sequences from the same seed, so that changing how one part of
 * the demo draws numbers does not shift every other part.
 */
export function createRandom(seed: number, stream = 0): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
  if (!Number.isSafeInteger(stream) || stream < 0) {
    throw new RangeError(`stream must be a non-negative integer, got ${stream}`)
  }
  return new Sfc32(seed, stream)
}

/**
 * A sampler of indices 0..weights.length-1 in proportion to `weights`. Linear
 * scan: the demo's lists are short, and that beats a binary search there.
 */
export function weightedIndex(weights: readonly number[]): (random: Random) => number {
  if (weights.length === 0) throw new RangeError('weightedIndex() needs at least one weight')
  let total = 0
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`invalid weight ${w}`)
    total += w
  }
  if (total <= 0) throw new RangeError('weights must not all be zero')
  const cumulative = new Float64Array(weights.length)
  let running = 0
  weights.forEach((w, i) => {
    running += w / total
    cumulative[i] = running
  })
  const last = weights.length - 1
  return (random) => {
    const u = random.next()
    for (let i = 0; i < last; i++) if (u < (cumulative[i] as number)) return i
    return last
  }
}

/** `weightedIndex` returning the items themselves. */
export function weightedPick<T>(
  items: readonly T[],
  weights: readonly number[],
): (random: Random) => T {
  if (items.length !== weights.length) throw new RangeError('one weight per item')
  const index = weightedIndex(weights)
  return (random) => items[index(random)] as T
}

/** Standard normal CDF (Abramowitz & Stegun 26.2.17; absolute error < 7.5e-8). */
export function normalCdf(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.2316419 * z)
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  const tail = (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly
  return x >= 0 ? 1 - tail : tail
}
