// Deterministic demo data for the ops domain. The same seed and `endAt` give
// byte-identical rows on every run: all randomness comes from seeded sfc32
// streams (random.ts), calendar arithmetic is done on integers, and every
// stored number is rounded to an integer. Leads are streamed in id order, so a million of them never sit in
// memory; only one number per day (the day's lead count) is kept.
//
// Times of day, weekdays and seasons are those of the business, in
// America/Detroit local time (domain.ts has the DST rules). All stored times
// are UTC epoch milliseconds.

import {
  ANNUAL_LEAD_GROWTH,
  CONVERSION_LAG,
  CUSTOMER_FIRST_NAMES,
  CUSTOMER_LAST_NAMES,
  DAILY_NOISE_SIGMA,
  DAY_MS,
  DEAL_VALUE_SIGMA,
  HOUR_MS,
  HOUR_WEIGHTS,
  LOSS_LAG,
  MARKET_SEGMENTS,
  MARKETING_CHANNELS,
  MISSING_DEAL_VALUE_SHARE,
  OWNERS,
  PROJECT_CANCELLED_SHARE,
  RESPONSE,
  RESPONSE_TARGET_SECONDS,
  SEASONALITY,
  SECOND_APPOINTMENT_SHARE,
  SOFT_DELETED_SHARE,
  TEMPERATURES,
  WEEKDAY_WEIGHTS,
  detroitDate,
  detroitMidnightUtc,
  detroitOffsetMs,
  monthlyRevenueTargets,
} from './domain.ts'
import { createRandom, normalCdf, weightedIndex, type Random } from './random.ts'
import type { DemoDataset, DemoOptions } from './types.ts'
import type {
  AppointmentRow,
  CustomerRow,
  LeadRow,
  LeadStatus,
  MarketingChannelRow,
  MarketSegmentRow,
  ProjectRow,
  RevenueTargetRow,
  Temperature,
} from '../store/mirror-rows.ts'

export const DEFAULT_DEMO_DAYS = 730
export const DEFAULT_DEMO_TENANT = 'demo'

// Independent PRNG streams per concern: changing how leads are drawn does not
// move the days they fall on, and the reverse.
const STREAM_DAYS = 1
const STREAM_TIMES = 2
const STREAM_LEADS = 3

const YEAR_MS = 365.25 * DAY_MS

// ---- Conversion model ----------------------------------------------------------
//
// P(won) = tempRate · channelRate / channelMix · responseFactor / E[responseFactor | temp]
// Averaged over channels this is the temperature's rate; averaged over
// temperatures it is the channel's rate times tempMix / channelMix, which
// domain.ts keeps at 1 (0.1975 / 0.197). The response factor makes fast answers
// convert better (the "conversions lost" story of the lead response KPI)
// without moving those averages.

const channelShareTotal = MARKETING_CHANNELS.reduce((sum, c) => sum + c.leadShare, 0)
const channelMix =
  MARKETING_CHANNELS.reduce((sum, c) => sum + c.leadShare * c.demoConversionRate, 0) /
  channelShareTotal

/** P(answered within the target | answered, temperature). */
function fastShareIfAnswered(medianSeconds: number): number {
  const lnTarget = Math.log(RESPONSE_TARGET_SECONDS)
  const ordinary = normalCdf((lnTarget - Math.log(medianSeconds)) / RESPONSE.sigma)
  const slow = normalCdf((lnTarget - Math.log(RESPONSE.slowMedianSeconds)) / RESPONSE.slowSigma)
  return (1 - RESPONSE.slowShare) * ordinary + RESPONSE.slowShare * slow
}

/** Win probability by [temperature][channel][0 = answered within target, 1 = later]. */
const winProbability: readonly (readonly (readonly [number, number])[])[] = TEMPERATURES.map(
  (t) => {
    const fast = fastShareIfAnswered(t.responseMedianSeconds)
    const meanFactor =
      (1 - RESPONSE.neverShare) * (RESPONSE.fastFactor * fast + RESPONSE.slowFactor * (1 - fast))
    return MARKETING_CHANNELS.map((c) => {
      const base = (t.conversionRate * c.demoConversionRate) / channelMix / meanFactor
      return [
        Math.min(0.99, base * RESPONSE.fastFactor),
        Math.min(0.99, base * RESPONSE.slowFactor),
      ] as const
    })
  },
)

/**
 * The conversion rate the generator aims at for a channel, averaged over
 * temperatures (what a per-channel check should compare against).
 */
export function expectedChannelConversion(channelName: string): number {
  const channel = MARKETING_CHANNELS.find((c) => c.name === channelName)
  if (!channel) throw new RangeError(`unknown channel ${channelName}`)
  const tempMix =
    TEMPERATURES.reduce((sum, t) => sum + t.share * t.conversionRate, 0) /
    TEMPERATURES.reduce((sum, t) => sum + t.share, 0)
  return (channel.demoConversionRate * tempMix) / channelMix
}

// ---- Days --------------------------------------------------------------------

/** Cumulative hour weights of one local day, by elapsed hour since midnight. */
interface HourProfile {
  /** cumulative[h] = weight of elapsed hours before h; length hours + 1 */
  readonly cumulative: Float64Array
  readonly weights: Float64Array
}

const profileCache = new Map<string, HourProfile>()

/**
 * Elapsed hour h of a day maps to a wall-clock hour that differs from h after
 * 02:00 on the two DST days (23 and 25 hours long), so weights are looked up
 * by the wall hour of each elapsed hour.
 */
function hourProfile(midnight: number, nextMidnight: number): HourProfile {
  const hours = Math.round((nextMidnight - midnight) / HOUR_MS)
  const wallHours: number[] = []
  for (let h = 0; h < hours; h++) {
    const t = midnight + h * HOUR_MS
    wallHours.push(Math.floor(((((t + detroitOffsetMs(t)) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS))
  }
  const key = wallHours.join(',')
  let profile = profileCache.get(key)
  if (!profile) {
    const weights = new Float64Array(wallHours.map((h) => HOUR_WEIGHTS[h] as number))
    const cumulative = new Float64Array(hours + 1)
    for (let h = 0; h < hours; h++) {
      cumulative[h + 1] = (cumulative[h] as number) + (weights[h] as number)
    }
    profile = { cumulative, weights }
    profileCache.set(key, profile)
  }
  return profile
}

/** Hour-weight mass before `elapsedMs` since midnight. */
function massBefore(profile: HourProfile, elapsedMs: number): number {
  const hours = profile.weights.length
  const h = Math.min(Math.floor(elapsedMs / HOUR_MS), hours)
  if (h >= hours) return profile.cumulative[hours] as number
  return (
    (profile.cumulative[h] as number) +
    ((profile.weights[h] as number) * (elapsedMs - h * HOUR_MS)) / HOUR_MS
  )
}

/** One local day, clipped to the demo's span. */
interface DayPlan {
  readonly midnights: Float64Array
  readonly nextMidnights: Float64Array
  /** First and past-the-last allowed elapsed ms since midnight (the clip). */
  readonly from: Float64Array
  readonly to: Float64Array
  readonly counts: Int32Array
}

function planDays(seed: number, leads: number, endAt: number, days: number): DayPlan {
  const spanStart = endAt - days * DAY_MS
  const random = createRandom(seed, STREAM_DAYS)
  const midnights: number[] = []
  const nextMidnights: number[] = []
  const from: number[] = []
  const to: number[] = []
  const weights: number[] = []

  const first = detroitDate(spanStart)
  let date = { year: first.year, month: first.month, day: first.day }
  let midnight = detroitMidnightUtc(date.year, date.month, date.day)
  while (midnight < endAt) {
    const next = detroitMidnightUtc(date.year, date.month, date.day + 1)
    const profile = hourProfile(midnight, next)
    const a = Math.max(midnight, spanStart) - midnight
    const b = Math.min(next, endAt) - midnight
    const clipped =
      (massBefore(profile, b) - massBefore(profile, a)) / massBefore(profile, next - midnight)

    const dayOfYear =
      (Date.UTC(date.year, date.month, date.day) - Date.UTC(date.year, 0, 1)) / DAY_MS
    const season =
      1 +
      SEASONALITY.amplitude *
        Math.cos((2 * Math.PI * (dayOfYear - SEASONALITY.peakDayOfYear)) / 365.25)
    const growth = Math.exp((Math.log(ANNUAL_LEAD_GROWTH) * (midnight - spanStart)) / YEAR_MS)
    const weekday = WEEKDAY_WEIGHTS[new Date(Date.UTC(date.year, date.month, date.day)).getUTCDay()]
    const noise = random.lognormal(-(DAILY_NOISE_SIGMA ** 2) / 2, DAILY_NOISE_SIGMA)

    midnights.push(midnight)
    nextMidnights.push(next)
    from.push(a)
    to.push(b)
    weights.push(Math.max(0, clipped) * season * growth * (weekday as number) * noise)

    const nextDate = new Date(Date.UTC(date.year, date.month, date.day + 1))
    date = {
      year: nextDate.getUTCFullYear(),
      month: nextDate.getUTCMonth(),
      day: nextDate.getUTCDate(),
    }
    midnight = next
  }

  // Each lead independently picks its day in proportion to the day's weight:
  // an exact multinomial, so the total is exactly `leads` and small datasets
  // still look like Poisson arrivals rather than a regular 1-2-1-2 pattern.
  const cumulative = new Float64Array(weights.length)
  let total = 0
  weights.forEach((w, i) => {
    total += w
    cumulative[i] = total
  })
  const counts = new Int32Array(weights.length)
  const last = weights.length - 1
  for (let i = 0; i < leads; i++) {
    const u = random.next() * total
    let lo = 0
    let hi = last
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((cumulative[mid] as number) > u) hi = mid
      else lo = mid + 1
    }
    counts[lo] = (counts[lo] as number) + 1
  }
  return {
    midnights: Float64Array.from(midnights),
    nextMidnights: Float64Array.from(nextMidnights),
    from: Float64Array.from(from),
    to: Float64Array.from(to),
    counts,
  }
}

/**
 * An elapsed time in [from, to) drawn from the day's hour profile, by inverting
 * its cumulative weight; `lo` and `hi` are massBefore(from) and massBefore(to).
 */
function sampleElapsed(
  profile: HourProfile,
  from: number,
  to: number,
  lo: number,
  hi: number,
  u: number,
): number {
  const mass = lo + u * (hi - lo)
  const { cumulative, weights } = profile
  let h = 0
  while (h < weights.length - 1 && (cumulative[h + 1] as number) <= mass) h++
  const elapsed =
    h * HOUR_MS + ((mass - (cumulative[h] as number)) / (weights[h] as number)) * HOUR_MS
  return Math.min(Math.max(Math.floor(elapsed), from), to - 1)
}

// ---- Leads -------------------------------------------------------------------

// Once transpiled (tsx, vitest), imported bindings are read through getter
// functions; at a million leads that cost a tenth of the run, so the hot loop
// below reads only these module-local copies.
const DAY = DAY_MS
const HOUR = HOUR_MS
const TARGET_RESPONSE_MS = RESPONSE_TARGET_SECONDS * 1000
const NEVER_ANSWERED = RESPONSE.neverShare
const SLOW_SHARE = RESPONSE.slowShare
const SLOW_SIGMA = RESPONSE.slowSigma
const LN_SLOW_MEDIAN = Math.log(RESPONSE.slowMedianSeconds)
const RESPONSE_SIGMA = RESPONSE.sigma
const MIN_RESPONSE_SECONDS = RESPONSE.minSeconds
const SOFT_DELETED = SOFT_DELETED_SHARE
const CANCELLED = PROJECT_CANCELLED_SHARE
const SECOND_APPOINTMENT = SECOND_APPOINTMENT_SHARE
const MISSING_DEAL_VALUE = MISSING_DEAL_VALUE_SHARE
const DEAL_SIGMA = DEAL_VALUE_SIGMA
const PROJECT_START_LN_MEDIAN_DAYS = Math.log(10)

interface Lag {
  readonly minDays: number
  readonly lnMedianDays: number
  readonly sigma: number
  readonly maxExtraDays: number
}
const lagOf = (lag: typeof CONVERSION_LAG | typeof LOSS_LAG): Lag => ({
  minDays: lag.minDays,
  lnMedianDays: Math.log(lag.medianDays),
  sigma: lag.sigma,
  maxExtraDays: lag.maxDays - lag.minDays,
})
const WIN_LAG = lagOf(CONVERSION_LAG)
const LOSS = lagOf(LOSS_LAG)

const channelNames: readonly string[] = MARKETING_CHANNELS.map((c) => c.name)
const temperatureNames = TEMPERATURES.map((t) => t.temperature)
const qualifyShares = TEMPERATURES.map((t) => t.qualifyShare)
const lnResponseMedian = TEMPERATURES.map((t) => Math.log(t.responseMedianSeconds))
const owners: readonly string[] = [...OWNERS]
const firstNames: readonly string[] = [...CUSTOMER_FIRST_NAMES]
const lastNames: readonly string[] = [...CUSTOMER_LAST_NAMES]

interface CityModel {
  readonly name: string
  readonly segment: string
  /** mu of a lognormal whose mean is the segment's target deal, in dollars */
  readonly dealMu: number
  readonly lnProjectDays: number
}
const cities: readonly CityModel[] = MARKET_SEGMENTS.flatMap((segment) =>
  segment.cities.map((city) => ({
    name: city.name,
    segment: segment.name,
    dealMu: Math.log(segment.targetDealCents / 100) - DEAL_SIGMA ** 2 / 2,
    lnProjectDays: Math.log(segment.projectDaysMedian),
  })),
)

const pickChannel = weightedIndex(MARKETING_CHANNELS.map((c) => c.leadShare))
const pickCity = weightedIndex(MARKET_SEGMENTS.flatMap((s) => s.cities.map((c) => c.leadShare)))
const pickTemperature = weightedIndex(TEMPERATURES.map((t) => t.share))

function lagMs(random: Random, lag: Lag): number {
  const days = Math.min(random.lognormal(lag.lnMedianDays, lag.sigma), lag.maxExtraDays)
  return Math.round((lag.minDays + days) * DAY)
}

type LeadItem = ReturnType<DemoDataset['leads']> extends Generator<infer T> ? T : never

function validate(options: DemoOptions): Readonly<Required<DemoOptions>> {
  const days = options.days ?? DEFAULT_DEMO_DAYS
  const tenantId = options.tenantId ?? DEFAULT_DEMO_TENANT
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer')
  if (!Number.isSafeInteger(options.leads) || options.leads < 1) {
    throw new RangeError('leads must be a positive integer')
  }
  if (!Number.isSafeInteger(options.endAt)) {
    throw new RangeError('endAt must be an integer epoch-millisecond time')
  }
  if (!Number.isSafeInteger(days) || days < 1)
    throw new RangeError('days must be a positive integer')
  if (tenantId === '') throw new RangeError('tenantId must not be empty')
  return { seed: options.seed, leads: options.leads, endAt: options.endAt, days, tenantId }
}

export function generateDemo(options: DemoOptions): DemoDataset {
  const resolved = validate(options)
  const { seed, endAt, tenantId } = resolved
  const plan = planDays(seed, resolved.leads, endAt, resolved.days)

  // Spend is what the last 30 days of leads cost, at the demo's actual cost per
  // lead, so cost per lead against target reads sensibly on the dashboard.
  let recentLeads = 0
  // Revenue targets follow the last year's volume (see annualRevenueTargets).
  let yearLeads = 0
  plan.midnights.forEach((midnight, d) => {
    if (midnight >= endAt - 30 * DAY_MS) recentLeads += plan.counts[d] as number
    if (midnight >= endAt - 365 * DAY_MS) yearLeads += plan.counts[d] as number
  })
  const marketingChannels: MarketingChannelRow[] = MARKETING_CHANNELS.map((c, i) => ({
    id: i + 1,
    tenant_id: tenantId,
    name: c.name,
    cost_per_lead_cents: c.costPerLeadCents,
    conversion_target: c.conversionTarget,
    monthly_spend_cents: Math.round(
      ((recentLeads * c.leadShare) / channelShareTotal) * c.demoCostPerLeadCents,
    ),
    updated_at: endAt,
    deleted_at: null,
  }))
  const marketSegments: MarketSegmentRow[] = MARKET_SEGMENTS.map((s, i) => ({
    id: i + 1,
    tenant_id: tenantId,
    name: s.name,
    cities: JSON.stringify(s.cities.map((c) => c.name)),
    target_deal_size_cents: s.targetDealCents,
    updated_at: endAt,
    deleted_at: null,
  }))
  const revenueTargets: RevenueTargetRow[] = monthlyRevenueTargets(endAt, yearLeads).map(
    (t, i) => ({
      id: i + 1,
      tenant_id: tenantId,
      month: t.month,
      target_cents: t.targetCents,
      updated_at: endAt,
      deleted_at: null,
    }),
  )

  function* leads(): Generator<LeadItem> {
    const timeRandom = createRandom(seed, STREAM_TIMES)
    const r = createRandom(seed, STREAM_LEADS)
    let leadId = 0
    let customerId = 0
    let projectId = 0
    let appointmentId = 0
    let times = new Float64Array(256)

    const appointment = (
      leadId: number,
      bookedAt: number,
      plannedFor: number,
      leadWon: boolean,
    ): AppointmentRow => {
      // Every stored time is at most endAt (the demo is a snapshot taken then),
      // so a visit planned after it is kept as 'booked', outcome not yet
      // recorded, at a time drawn inside the window instead.
      let scheduledAt = plannedFor
      let status: AppointmentRow['status']
      let updatedAt = bookedAt
      if (plannedFor > endAt) {
        scheduledAt = bookedAt + Math.floor(r.next() * (endAt - bookedAt + 1))
        status = 'booked'
      } else {
        const u = r.next()
        status = leadWon || u < 0.82 ? 'completed' : u < 0.92 ? 'no_show' : 'cancelled'
        updatedAt = Math.min(endAt, scheduledAt + Math.round(r.uniform(0.5, 3) * HOUR))
      }
      return {
        id: ++appointmentId,
        tenant_id: tenantId,
        lead_id: leadId,
        scheduled_at: scheduledAt,
        status,
        created_at: bookedAt,
        updated_at: updatedAt,
        deleted_at: null,
      }
    }

    for (let d = 0; d < plan.counts.length; d++) {
      const n = plan.counts[d] as number
      if (n === 0) continue
      const midnight = plan.midnights[d] as number
      const profile = hourProfile(midnight, plan.nextMidnights[d] as number)
      const from = plan.from[d] as number
      const to = plan.to[d] as number
      if (times.length < n) times = new Float64Array(Math.max(n, times.length * 2))
      const lo = massBefore(profile, from)
      const hi = massBefore(profile, to)
      for (let k = 0; k < n; k++) {
        times[k] = sampleElapsed(profile, from, to, lo, hi, timeRandom.next())
      }
      const sorted = times.subarray(0, n).sort()

      for (let k = 0; k < n; k++) {
        const createdAt = midnight + (sorted[k] as number)
        const id = ++leadId
        const channel = pickChannel(r)
        const city = cities[pickCity(r)] as CityModel
        const t = pickTemperature(r)
        const owner = r.pick(owners)

        // First response: lognormal around the temperature's median, a tail of
        // forgotten leads answered hours later, and a few never answered.
        let responseMs = -1
        if (!r.chance(NEVER_ANSWERED)) {
          const seconds = r.chance(SLOW_SHARE)
            ? r.lognormal(LN_SLOW_MEDIAN, SLOW_SIGMA)
            : r.lognormal(lnResponseMedian[t] as number, RESPONSE_SIGMA)
          responseMs = Math.round(Math.max(MIN_RESPONSE_SECONDS, seconds) * 1000)
        }
        const answered = responseMs >= 0
        const pWin = answered
          ? (winProbability[t]?.[channel]?.[responseMs <= TARGET_RESPONSE_MS ? 0 : 1] as number)
          : 0
        const willWin = r.next() < pWin

        // The lead's path: contacted at first response, then qualified and
        // proposal part-way to the outcome, then won or lost.
        const outcomeLag = lagMs(r, willWin ? WIN_LAG : LOSS)
        const reachesQualified = willWin || (answered && r.chance(qualifyShares[t] as number))
        const reachesProposal = willWin || (reachesQualified && r.chance(0.5))
        const contactedAt = answered ? createdAt + responseMs : -1
        const qualifiedAt = Math.max(
          createdAt + Math.round(outcomeLag * (willWin ? 0.3 : 0.35)),
          contactedAt + 1,
        )
        const proposalAt = Math.max(
          createdAt + Math.round(outcomeLag * (willWin ? 0.65 : 0.7)),
          qualifiedAt + 1,
        )
        const outcomeAt = Math.max(createdAt + outcomeLag, proposalAt + 1)

        let status: LeadStatus = 'new'
        let lastEvent = createdAt
        if (answered && contactedAt <= endAt) {
          status = 'contacted'
          lastEvent = contactedAt
        }
        if (reachesQualified && qualifiedAt <= endAt) {
          status = 'qualified'
          lastEvent = qualifiedAt
        }
        if (reachesProposal && proposalAt <= endAt) {
          status = 'proposal'
          lastEvent = proposalAt
        }
        if (outcomeAt <= endAt) {
          status = willWin ? 'won' : 'lost'
          lastEvent = outcomeAt
        }
        const won = status === 'won'

        let dealCents = 0
        if (won) {
          dealCents = Math.round(r.lognormal(city.dealMu, DEAL_SIGMA)) * 100
        }
        const dealValueMissing = won && r.chance(MISSING_DEAL_VALUE)
        const deletedAt = r.chance(SOFT_DELETED)
          ? createdAt + Math.floor(r.next() * (endAt - createdAt + 1))
          : null

        const lead: LeadRow = {
          id,
          tenant_id: tenantId,
          created_at: createdAt,
          updated_at: deletedAt === null ? lastEvent : Math.max(lastEvent, deletedAt),
          deleted_at: deletedAt,
          source: channelNames[channel] as string,
          city: city.name,
          segment: city.segment,
          temperature: temperatureNames[t] as Temperature,
          status,
          owner,
          first_response_at: answered && contactedAt <= endAt ? contactedAt : null,
          converted_at: won ? outcomeAt : null,
          deal_value_cents: won && !dealValueMissing ? dealCents : null,
        }

        const appointments: AppointmentRow[] = []
        if (status === 'qualified' || status === 'proposal' || won) {
          const visitAt = qualifiedAt + Math.round(r.uniform(0.2, 0.8) * (proposalAt - qualifiedAt))
          appointments.push(appointment(id, qualifiedAt, visitAt, won))
          if (status !== 'qualified' && r.chance(SECOND_APPOINTMENT)) {
            const followUpAt =
              proposalAt + Math.round(r.uniform(0.2, 0.8) * (outcomeAt - proposalAt))
            appointments.push(appointment(id, proposalAt, followUpAt, won))
          }
        }

        let customer: CustomerRow | null = null
        let project: ProjectRow | null = null
        if (won) {
          customer = {
            id: ++customerId,
            tenant_id: tenantId,
            lead_id: id,
            name: `${r.pick(firstNames)} ${r.pick(lastNames)}`,
            city: city.name,
            segment: city.segment,
            created_at: outcomeAt,
            updated_at: outcomeAt,
            deleted_at: null,
          }
          const startAt =
            outcomeAt + Math.round(r.lognormal(PROJECT_START_LN_MEDIAN_DAYS, 0.5) * DAY)
          const completeAt = startAt + Math.round(r.lognormal(city.lnProjectDays, 0.4) * DAY)
          const cancelAt = r.chance(CANCELLED)
            ? outcomeAt + Math.floor(r.next() * (completeAt - outcomeAt))
            : -1
          let projectStatus: ProjectRow['status']
          let startedAt: number | null = startAt <= endAt ? startAt : null
          let completedAt: number | null = null
          let updatedAt: number
          if (cancelAt >= 0 && cancelAt <= endAt) {
            projectStatus = 'cancelled'
            if (startAt > cancelAt) startedAt = null
            updatedAt = cancelAt
          } else if (startAt > endAt) {
            projectStatus = 'planned'
            updatedAt = outcomeAt
          } else if (completeAt > endAt) {
            projectStatus = 'active'
            updatedAt = startAt
          } else {
            projectStatus = 'completed'
            completedAt = completeAt
            updatedAt = completeAt
          }
          project = {
            id: ++projectId,
            tenant_id: tenantId,
            customer_id: customer.id,
            value_cents: dealCents,
            status: projectStatus,
            started_at: startedAt,
            completed_at: completedAt,
            created_at: outcomeAt,
            updated_at: updatedAt,
            deleted_at: null,
          }
        }

        yield { lead, customer, project, appointments }
      }
    }
  }

  return { options: resolved, marketingChannels, marketSegments, revenueTargets, leads }
}
