// The ops domain the demo data describes (DESIGN.md, "The ops domain"): a
// Detroit-area home-improvement business selling through six marketing
// channels into three market segments. Everything the generator draws from is
// declared here, so a dashboard test can state what the demo should show.

import type { Temperature } from '../store/mirror-rows.ts'

export const DAY_MS = 86_400_000
export const HOUR_MS = 3_600_000

// The lead-response target has one home, the KPI registry; the demo reads
// it from there (its responses spread around it).
import { DEFAULT_TARGETS } from '../metrics/registry.ts'
export const RESPONSE_TARGET_SECONDS = DEFAULT_TARGETS.responseSeconds

export interface MarketingChannel {
  readonly name: string
  /** What the business plans to pay per lead (the KPI's target). */
  readonly costPerLeadCents: number
  /** Share of leads expected to become customers (the KPI's target). */
  readonly conversionTarget: number
  /** Relative share of all leads that come through this channel. */
  readonly leadShare: number
  /**
   * The conversion rate the demo actually produces. Set near the target, some
   * above and some below, so the marketing ROI view has winners and losers.
   */
  readonly demoConversionRate: number
  /** What a lead actually costs in the demo (drives `monthly_spend`). */
  readonly demoCostPerLeadCents: number
}

export const MARKETING_CHANNELS: readonly MarketingChannel[] = [
  {
    name: 'Google LSA',
    costPerLeadCents: 7_500,
    conversionTarget: 0.2,
    leadShare: 0.3,
    demoConversionRate: 0.23,
    demoCostPerLeadCents: 7_100,
  },
  {
    name: 'Facebook Ads',
    costPerLeadCents: 7_500,
    conversionTarget: 0.12,
    leadShare: 0.24,
    demoConversionRate: 0.09,
    demoCostPerLeadCents: 8_600,
  },
  {
    name: 'Community Marketing',
    costPerLeadCents: 1_700,
    conversionTarget: 0.15,
    leadShare: 0.14,
    demoConversionRate: 0.16,
    demoCostPerLeadCents: 1_600,
  },
  {
    name: 'Insurance Referral',
    costPerLeadCents: 2_500,
    conversionTarget: 0.4,
    leadShare: 0.1,
    demoConversionRate: 0.37,
    demoCostPerLeadCents: 2_500,
  },
  {
    name: 'Real Estate Agent',
    costPerLeadCents: 3_000,
    conversionTarget: 0.35,
    leadShare: 0.08,
    demoConversionRate: 0.36,
    demoCostPerLeadCents: 2_800,
  },
  {
    name: 'Nextdoor',
    costPerLeadCents: 1_500,
    conversionTarget: 0.18,
    leadShare: 0.14,
    demoConversionRate: 0.13,
    demoCostPerLeadCents: 1_900,
  },
]

export interface City {
  readonly name: string
  /** Relative share of all leads from this city. */
  readonly leadShare: number
}

export interface MarketSegment {
  readonly name: string
  readonly cities: readonly City[]
  readonly targetDealCents: number
  /** Project duration scale: bigger jobs take longer. */
  readonly projectDaysMedian: number
}

export const MARKET_SEGMENTS: readonly MarketSegment[] = [
  {
    name: 'ultra-premium',
    cities: [
      { name: 'Bloomfield Hills', leadShare: 0.07 },
      { name: 'Birmingham', leadShare: 0.08 },
      { name: 'Grosse Pointe', leadShare: 0.06 },
    ],
    targetDealCents: 4_500_000,
    projectDaysMedian: 60,
  },
  {
    name: 'professional',
    cities: [
      { name: 'Troy', leadShare: 0.13 },
      { name: 'Rochester Hills', leadShare: 0.11 },
      { name: 'West Bloomfield', leadShare: 0.1 },
    ],
    targetDealCents: 2_700_000,
    projectDaysMedian: 40,
  },
  {
    name: 'standard',
    cities: [
      { name: 'Royal Oak', leadShare: 0.1 },
      { name: 'Ferndale', leadShare: 0.06 },
      { name: 'Dearborn', leadShare: 0.1 },
      { name: 'Livonia', leadShare: 0.09 },
      { name: 'Southfield', leadShare: 0.1 },
    ],
    targetDealCents: 1_200_000,
    projectDaysMedian: 25,
  },
]

/** Spread of deal values around the segment's target (sigma of the log). */
export const DEAL_VALUE_SIGMA = 0.3
/** Share of won leads whose deal value was never entered on the lead. */
export const MISSING_DEAL_VALUE_SHARE = 0.01

export interface TemperatureProfile {
  readonly temperature: Temperature
  readonly share: number
  readonly conversionRate: number
  /** Median first-response time for this temperature (hot leads go first). */
  readonly responseMedianSeconds: number
  /** Probability that a lead which is not won still got as far as qualified. */
  readonly qualifyShare: number
}

// The shares are chosen so that the temperature-weighted conversion (0.1975)
// equals the channel-weighted one (0.197): both marginals then hold at once
// under the generator's multiplicative model.
export const TEMPERATURES: readonly TemperatureProfile[] = [
  {
    temperature: 'hot',
    share: 0.21,
    conversionRate: 0.45,
    responseMedianSeconds: 75,
    qualifyShare: 0.6,
  },
  {
    temperature: 'warm',
    share: 0.34,
    conversionRate: 0.25,
    responseMedianSeconds: 105,
    qualifyShare: 0.4,
  },
  {
    temperature: 'cold',
    share: 0.45,
    conversionRate: 0.04,
    responseMedianSeconds: 135,
    qualifyShare: 0.15,
  },
]

export const RESPONSE = {
  /** Spread of ordinary response times (sigma of the log). */
  sigma: 0.75,
  /** Share of leads that are forgotten for a while: a long tail of hours. */
  slowShare: 0.03,
  slowMedianSeconds: 2 * 3600,
  slowSigma: 1,
  /** Share of leads never answered at all. */
  neverShare: 0.025,
  minSeconds: 3,
  /**
   * Conversion multipliers for answered within the target, answered later,
   * and never answered. The generator normalises them per temperature so
   * the configured conversion rates still hold on average.
   */
  fastFactor: 1.15,
  slowFactor: 0.9,
} as const

/** Days from lead to won deal: 2 + lognormal, capped. */
export const CONVERSION_LAG = { minDays: 2, medianDays: 14, sigma: 0.6, maxDays: 90 } as const
/** Days from lead to lost, for leads that are not won. */
export const LOSS_LAG = { minDays: 1, medianDays: 21, sigma: 0.7, maxDays: 180 } as const
/** Leads older than this are settled (won or lost) in the demo. */
export const SETTLED_AFTER_DAYS = LOSS_LAG.maxDays

export const SOFT_DELETED_SHARE = 0.005
export const PROJECT_CANCELLED_SHARE = 0.05
export const SECOND_APPOINTMENT_SHARE = 0.45

export const OWNERS: readonly string[] = [
  'Maria Lopez',
  'James Carter',
  'Aisha Patel',
  'Tom Kowalski',
  'Grace Kim',
  'Daniel Nowak',
  'Olivia Brooks',
  'Marcus Reed',
]

export const CUSTOMER_FIRST_NAMES: readonly string[] = [
  'Emma',
  'Liam',
  'Sophia',
  'Noah',
  'Ava',
  'Ethan',
  'Mia',
  'Lucas',
  'Chloe',
  'Henry',
  'Nora',
  'Samuel',
  'Layla',
  'David',
  'Zoe',
  'Omar',
]

export const CUSTOMER_LAST_NAMES: readonly string[] = [
  'Anderson',
  'Baker',
  'Chen',
  'Dabrowski',
  'Evans',
  'Fischer',
  'Garcia',
  'Haddad',
  'Jackson',
  'Kaminski',
  'Miller',
  'Nguyen',
  'O’Brien',
  'Rossi',
  'Schmidt',
  'Williams',
]

// ---- When leads arrive -------------------------------------------------------

/**
 * Relative lead intensity by local wall-clock hour (America/Detroit): a
 * business-hours plateau, an evening tail, very little at night.
 */
export const HOUR_WEIGHTS: readonly number[] = [
  0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.9, 2, 3.6, 5, 5.6, 5.6, 5.2, 5.4, 5.6, 5.4, 5, 4.2, 3.4, 2.8,
  2.3, 1.8, 1.3, 0.9,
]

/** Relative lead intensity by local weekday, Sunday first (Date#getUTCDay order). */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.4, 1, 1.05, 1, 0.98, 0.9, 0.55]

/** Yearly seasonality: 1 + amplitude · cos(2π (dayOfYear − peakDay) / 365.25). */
export const SEASONALITY = { amplitude: 0.35, peakDayOfYear: 172 } as const

/** Lead volume grows by this factor a year (the business is growing). */
export const ANNUAL_LEAD_GROWTH = 1.8

/** Day-to-day noise of the intensity (sigma of the log): campaigns, weather. */
export const DAILY_NOISE_SIGMA = 0.15

// ---- Revenue targets ---------------------------------------------------------

/**
 * This year's revenue target per lead of the last 365 days. A year of the
 * demo brings in about $4,900 per such lead (at any size: revenue grows with
 * the lead count), so the demo runs just short of its targets, at 100 leads
 * or a million, rather than at 15 times them.
 */
export const REVENUE_TARGET_PER_RECENT_LEAD_CENTS = 500_000

/**
 * Each year's target against this year's, for the year before last, last
 * year, this year and next year ("this year" being the Detroit calendar year
 * of the newest data, the instant just before `endAt`): $6M, $8M, $18M and
 * $30M for a business of 3,600 recent leads.
 */
export const ANNUAL_TARGET_RATIOS: readonly number[] = [6 / 18, 8 / 18, 1, 30 / 18]

/** Annual targets are whole thousands of dollars. */
const TARGET_ROUNDING_CENTS = 100_000

/** Share of a year's revenue target falling in each month, January first. */
export const MONTHLY_REVENUE_WEIGHTS: readonly number[] = [
  0.055, 0.06, 0.08, 0.09, 0.1, 0.105, 0.105, 0.1, 0.09, 0.08, 0.07, 0.065,
]

export interface MonthlyTarget {
  /** `YYYY-MM` */
  readonly month: string
  readonly targetCents: number
}

/** The four annual targets, in cents, for `recentLeads` leads in the last 365 days. */
export function annualRevenueTargets(recentLeads: number): number[] {
  const thisYear = recentLeads * REVENUE_TARGET_PER_RECENT_LEAD_CENTS
  return ANNUAL_TARGET_RATIOS.map(
    (ratio) => Math.round((thisYear * ratio) / TARGET_ROUNDING_CENTS) * TARGET_ROUNDING_CENTS,
  )
}

/**
 * The 48 monthly targets. Each year's months are rounded by cumulative
 * rounding, so they sum to the annual target to the cent.
 */
export function monthlyRevenueTargets(endAt: number, recentLeads: number): MonthlyTarget[] {
  const thisYear = detroitDate(endAt - 1).year
  const totalWeight = MONTHLY_REVENUE_WEIGHTS.reduce((a, b) => a + b, 0)
  const out: MonthlyTarget[] = []
  annualRevenueTargets(recentLeads).forEach((annual, i) => {
    const year = thisYear - 2 + i
    let cumulativeWeight = 0
    let previous = 0
    MONTHLY_REVENUE_WEIGHTS.forEach((weight, month) => {
      cumulativeWeight += weight
      const upTo = month === 11 ? annual : Math.round((annual * cumulativeWeight) / totalWeight)
      out.push({
        month: `${year}-${String(month + 1).padStart(2, '0')}`,
        targetCents: upTo - previous,
      })
      previous = upTo
    })
  })
  return out
}

// ---- The business's time zone ----------------------------------------------------

// The demo's times of day, weekdays and seasons are those of the business, in
// America/Detroit. The US rules since 2007 (second Sunday of March 02:00 EST
// to first Sunday of November 02:00 EDT) are computed here rather than through
// Intl so generation stays fast and identical across ICU versions; the test
// checks them against Intl.

const EST_OFFSET_MS = -5 * HOUR_MS
const EDT_OFFSET_MS = -4 * HOUR_MS

/** Day of the month of the n-th Sunday of a month (UTC calendar arithmetic). */
function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay()
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1)
}

/** Milliseconds to add to a UTC instant to read Detroit wall-clock time. */
export function detroitOffsetMs(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear()
  const dstStart = Date.UTC(year, 2, nthSunday(year, 2, 2), 7) // 02:00 EST
  const dstEnd = Date.UTC(year, 10, nthSunday(year, 10, 1), 6) // 02:00 EDT
  return utcMs >= dstStart && utcMs < dstEnd ? EDT_OFFSET_MS : EST_OFFSET_MS
}

export interface LocalDate {
  readonly year: number
  /** 0-based, as in Date */
  readonly month: number
  readonly day: number
  /** 0 = Sunday */
  readonly weekday: number
  readonly hour: number
}

/** The Detroit calendar date and hour of a UTC instant. */
export function detroitDate(utcMs: number): LocalDate {
  const local = new Date(utcMs + detroitOffsetMs(utcMs))
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth(),
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    hour: local.getUTCHours(),
  }
}

/**
 * The UTC instant of Detroit midnight starting a calendar date. US
 * transitions happen at 02:00, so midnight itself is never skipped or doubled.
 */
export function detroitMidnightUtc(year: number, month: number, day: number): number {
  const wallMidnight = Date.UTC(year, month, day)
  // The offset at wall midnight read as UTC is off by a few hours at most,
  // which cannot cross a 02:00 transition into another day's rule; check both.
  const guess = wallMidnight - EST_OFFSET_MS
  return detroitOffsetMs(guess) === EDT_OFFSET_MS &&
    detroitOffsetMs(wallMidnight - EDT_OFFSET_MS) === EDT_OFFSET_MS
    ? wallMidnight - EDT_OFFSET_MS
    : guess
}
