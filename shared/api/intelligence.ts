// Customer intelligence on the local cache (issue 16): segments, journeys, lead scores and the
// model card that says how good the scores are. Computed in the core (main/intelligence/), off
// the thread that answers the api, and stored in SQLite with the hash of the inputs they were
// computed from. Money is in integer cents, durations in milliseconds, rates and probabilities
// as fractions (0.25 = 25 %), times as ISO strings.
import { z } from 'zod'
import { filtersSchema, type Filters, type LEAD_STATUSES } from './filters.ts'

// ---- Features ------------------------------------------------------------------------------

/**
 * The behaviour features computed per lead in SQLite. Segments cluster on all of them; the lead
 * score uses those known while a lead is still open (INTEL_SCORE_FEATURES), so a closed lead's
 * outcome cannot leak into its own prediction.
 */
export const INTEL_FEATURES = [
  'recencyDays',
  'appointments',
  'valueCents',
  'responseSeconds',
  'answeredInTarget',
  'channelQuality',
  'cityTier',
  'temperature',
] as const
export type IntelFeature = (typeof INTEL_FEATURES)[number]

/** What each feature is called on screen, and what it measures. */
export const INTEL_FEATURE_TEXT: Readonly<
  Record<IntelFeature, { readonly label: string; readonly description: string }>
> = {
  recencyDays: {
    label: 'Recency',
    description: 'Days from the lead’s last activity to the newest data in the cache.',
  },
  appointments: {
    label: 'Appointments',
    description: 'Appointments booked for the lead (how often it was visited).',
  },
  valueCents: {
    label: 'Value',
    description: 'Value of the project it became (or its deal value); 0 when none.',
  },
  responseSeconds: {
    label: 'Response time',
    description: 'Seconds to the first response; time waited so far when not yet answered.',
  },
  answeredInTarget: {
    label: 'Answered in target',
    description: 'Whether the first response came within the KPI registry’s response target.',
  },
  channelQuality: {
    label: 'Channel',
    description: 'Conversion target of the lead’s marketing channel (the channel mix, as a rate).',
  },
  cityTier: {
    label: 'City tier',
    description: 'Target deal size of the lead’s market segment (premium cities rank high).',
  },
  temperature: {
    label: 'Temperature',
    description: 'Hot 2, warm 1, cold 0.',
  },
}

/** The features the lead score is trained on: known while the lead is open. */
export const INTEL_SCORE_FEATURES = [
  'responseSeconds',
  'answeredInTarget',
  'channelQuality',
  'cityTier',
  'temperature',
] as const satisfies readonly IntelFeature[]
export type IntelScoreFeature = (typeof INTEL_SCORE_FEATURES)[number]

// ---- Availability ---------------------------------------------------------------------------

/**
 * Whether a result can be shown: `ready`; `not computed` before the first recompute;
 * `insufficient data` when the cache holds too little to compute it (the message says what is
 * missing, e.g. "No closed leads to train on").
 */
export const INTEL_AVAILABILITY = ['ready', 'not computed', 'insufficient data'] as const
export type IntelAvailability = (typeof INTEL_AVAILABILITY)[number]

/** Fields every stored result carries. */
export interface IntelResultBase {
  readonly availability: IntelAvailability
  /** Why it is not ready, as a sentence a person can act on; null when ready. */
  readonly message: string | null
  /** When it was computed (ISO); null before the first recompute. */
  readonly computedAt: string | null
  /** Hash of the inputs it was computed from (rows, features, seed, code version); null before. */
  readonly inputsHash: string | null
  /** ISO time of the newest change in the cache when it was computed; null if none. */
  readonly dataAsOf: string | null
}

// ---- Segments -------------------------------------------------------------------------------

/** The PCA scatter never carries more than this many points (a deterministic sample). */
export const MAX_SEGMENT_POINTS = 5_000

export const segmentsInputSchema = z
  .object({
    /** Most points of the scatter (a deterministic sample, the same for the same data). */
    maxPoints: z.int().min(100).max(MAX_SEGMENT_POINTS).default(2_000),
    /**
     * Count each segment among the leads matching these (created in the range, on the
     * dimensions) and draw only them; the segments themselves are fitted on every lead.
     */
    filters: filtersSchema.optional(),
  })
  .strict()
export type SegmentsInput = z.input<typeof segmentsInputSchema>

/** One lead on the PCA scatter: its first two principal components and its segment. */
export interface SegmentPoint {
  readonly leadId: number
  readonly x: number
  readonly y: number
  readonly segmentId: number
}

/** A centroid's value of one feature: in the feature's own unit, and standardised (z-score). */
export interface CentroidFeature {
  readonly feature: IntelFeature
  readonly value: number
  readonly z: number
}

export interface SegmentRow {
  /** 0-based; stable for the same data and seed (segments ordered by size, largest first). */
  readonly id: number
  /** Readable, from the centroid, e.g. "High-value repeat, premium cities". */
  readonly name: string
  /** Leads in it. */
  readonly size: number
  /** Its share of all segmented leads. */
  readonly share: number
  /** Revenue (won deal value) of its leads, and that as a share of all revenue. */
  readonly revenueCents: number
  readonly revenueShare: number | null
  /** Won over closed (won + lost) among its leads; null when none is closed. */
  readonly conversion: number | null
  readonly centroid: readonly CentroidFeature[]
}

export interface SegmentsResult extends IntelResultBase {
  /** Leads clustered. */
  readonly rows: number
  /** Number of segments (k), chosen by silhouette within INTEL_K_RANGE. */
  readonly k: number | null
  /** Mean silhouette of the chosen k (on a sample), and of every k tried. */
  readonly silhouette: number | null
  readonly silhouetteByK: readonly { readonly k: number; readonly silhouette: number }[]
  readonly seed: number
  /** Variance explained by PC1 and PC2 (fractions). */
  readonly explainedVariance: readonly number[]
  readonly segments: readonly SegmentRow[]
  readonly points: readonly SegmentPoint[]
  /** Leads the points were sampled from: those matching the filters (= rows without filters). */
  readonly pointsTotal: number
  /**
   * The filters the sizes, shares, conversions and points were counted under (as parsed), or
   * null for every lead. Counted on the leads as the last recompute read them (`dataAsOf`).
   */
  readonly filters: Filters | null
}

/** The k tried by silhouette. */
export const INTEL_K_RANGE = { min: 2, max: 6 } as const

// ---- Journeys -------------------------------------------------------------------------------

export const journeysInputSchema = z
  .object({
    filters: filtersSchema,
    /** How many of the slowest edges to call out. */
    slowest: z.int().min(1).max(10).default(3),
  })
  .strict()
export type JourneysInput = z.input<typeof journeysInputSchema>

/** A stage of the journey: the lead statuses, in order. */
export type JourneyStage = (typeof LEAD_STATUSES)[number]

export interface JourneyNode {
  readonly stage: JourneyStage
  /** Leads (matching the filters) that entered this stage. */
  readonly leads: number
}

export interface JourneyEdge {
  readonly from: JourneyStage
  readonly to: JourneyStage
  /** Leads that moved from `from` to `to`. */
  readonly count: number
  /** Median time spent in `from` before moving to `to`, in ms (exact). */
  readonly medianMs: number
}

export interface JourneysResult {
  /** The filters it was computed under (as parsed: defaults filled). */
  readonly filters: Filters
  /** Leads matching the filters (the journey counts leads created in the range). */
  readonly leads: number
  readonly nodes: readonly JourneyNode[]
  /** Ordered by from-stage, then to-stage (LEAD_STATUSES order). */
  readonly edges: readonly JourneyEdge[]
  /** The edges with the longest median, slowest first. */
  readonly slowest: readonly JourneyEdge[]
  /**
   * How the history is known: stage changes are observed during sync from the moment the cache
   * has intelligence; before that they are inferred from created_at, first_response_at,
   * converted_at and updated_at. Leads with inferred history among those counted.
   */
  readonly inferredLeads: number
  /** ISO time of the newest change in the cache; null when it holds no lead. */
  readonly asOf: string | null
  readonly noData: boolean
  /**
   * The journeys are being inferred from the cache (a first load, a cache from before
   * intelligence), from before the inference starts until it ends: the counts are not whole yet,
   * and a page says so instead of "no lead moved"; an export refuses to write them.
   */
  readonly rebuilding: boolean
}

/** What a page says while the journeys are being inferred (JourneysResult.rebuilding). */
export const JOURNEYS_REBUILDING_TEXT =
  'Inferring the leads’ journeys from the cache; the flows fill in when it ends'

// ---- Lead scores ----------------------------------------------------------------------------

/** A feature that drove a lead's score, and which way. */
export interface ScoreDriver {
  readonly feature: IntelScoreFeature
  /** Its contribution to the log-odds (coefficient × standardised value). */
  readonly contribution: number
  readonly direction: 'up' | 'down'
}

/** Which order the call-first list follows: the model's, or the baseline's when it did not beat it. */
export type ScoreSource = 'model' | 'baseline'

export interface CallFirstRow {
  readonly leadId: number
  /** Calibrated probability that the lead converts (of the score source in use). */
  readonly score: number
  /** score × the expected won deal of the lead's segment (the average won deal there), in cents. */
  readonly expectedValueCents: number
  /** 1 = call first. */
  readonly priority: number
  readonly status: JourneyStage
  readonly temperature: string
  readonly source: string
  readonly city: string
  readonly segment: string
  readonly owner: string
  /** ISO */
  readonly createdAt: string
  /** The two or three features that drove the model's score (empty for the baseline). */
  readonly drivers: readonly ScoreDriver[]
}

export const callFirstInputSchema = z
  .object({
    /** Only open leads matching these filters (optional: all open leads). */
    filters: filtersSchema.optional(),
    limit: z.int().min(1).max(500).default(50),
  })
  .strict()
export type CallFirstInput = z.input<typeof callFirstInputSchema>

export interface CallFirstResult extends IntelResultBase {
  readonly scoreSource: ScoreSource
  /** Open leads scored (matching the filters). */
  readonly openLeads: number
  readonly rows: readonly CallFirstRow[]
}

/** Scores of given leads (the lead tables' score column). */
export const leadScoresInputSchema = z
  .object({ leadIds: z.array(z.int().min(1)).min(1).max(500) })
  .strict()
export type LeadScoresInput = z.input<typeof leadScoresInputSchema>

export interface LeadScore {
  readonly leadId: number
  readonly score: number
  readonly drivers: readonly ScoreDriver[]
}

export interface LeadScoresResult extends IntelResultBase {
  readonly scoreSource: ScoreSource
  /** Open leads among those asked; closed or unknown leads are left out. */
  readonly scores: readonly LeadScore[]
}

// ---- Model card -----------------------------------------------------------------------------

export interface CalibrationBin {
  /** Predicted probability range [low, high). */
  readonly low: number
  readonly high: number
  readonly count: number
  /** Mean predicted probability and observed conversion rate of the test leads in it. */
  readonly predicted: number
  readonly observed: number
}

export interface ModelCoefficient {
  readonly feature: IntelScoreFeature | 'intercept'
  /** Per standard deviation of the feature (log-odds). */
  readonly weight: number
}

/**
 * The model does not beat the baseline unless its test AUC exceeds the baseline's by more than
 * this many standard errors of the difference (so noise is never reported as a win).
 */
export const BEATS_BASELINE_Z = 1.96

/** Expected calibration error the model card states as its bound on held-out data. */
export const CALIBRATION_ERROR_BOUND = 0.05

export interface ModelCard extends IntelResultBase {
  readonly model: string
  readonly baseline: string
  readonly features: readonly IntelScoreFeature[]
  /** Closed leads used to fit the model, to calibrate it, and to test it. */
  readonly trainingRows: number
  readonly calibrationRows: number
  readonly testRows: number
  /** The time split in words, and its bounds (ISO, by lead creation time). */
  readonly split: {
    readonly description: string
    readonly trainFrom: string | null
    readonly trainTo: string | null
    readonly testFrom: string | null
    readonly testTo: string | null
  }
  /** Test AUC of the model and of the temperature-only baseline. */
  readonly auc: {
    readonly model: number | null
    readonly baseline: number | null
    /** Standard error of the difference. */
    readonly differenceSe: number | null
  }
  readonly calibration: {
    readonly method: string
    /** Expected calibration error on the test leads (weighted mean |predicted − observed|). */
    readonly error: number | null
    readonly baselineError: number | null
    readonly bound: number
    readonly bins: readonly CalibrationBin[]
  }
  readonly beatsBaseline: boolean
  /** The verdict as a sentence, e.g. "The model does not beat the temperature-only baseline…". */
  readonly verdict: string
  readonly scoreSource: ScoreSource
  readonly coefficients: readonly ModelCoefficient[]
}

// ---- Recompute ------------------------------------------------------------------------------

export const INTEL_RECOMPUTE_STATES = ['idle', 'running', 'done', 'failed'] as const
export const INTEL_RECOMPUTE_TRIGGERS = ['sync', 'demand', 'start'] as const

export const intelStatusSchema = z.object({
  state: z.enum(INTEL_RECOMPUTE_STATES),
  trigger: z.enum(INTEL_RECOMPUTE_TRIGGERS).nullable(),
  /** What the recompute is doing now, e.g. "Clustering 812,000 leads". */
  phase: z.string(),
  /** Steps done and in all. */
  done: z.number(),
  total: z.number(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** The outcome as a sentence once done or failed. */
  result: z.string().nullable(),
  /** When the stored results were computed, and their inputs' hash; null before the first. */
  computedAt: z.string().nullable(),
  inputsHash: z.string().nullable(),
  /** Lead rows changed by syncs since the last recompute, and the count that triggers one. */
  changedSinceRecompute: z.number(),
  recomputeAfterChanges: z.number(),
})
export type IntelStatus = z.infer<typeof intelStatusSchema>

export const recomputeInputSchema = z
  .object({
    /** Recompute even when the inputs' hash says nothing changed. */
    force: z.boolean().default(false),
  })
  .strict()
export type RecomputeInput = z.input<typeof recomputeInputSchema>

/** The `intel.changed` event: results were recomputed (or a recompute moved on / failed). */
export const intelChangedSchema = intelStatusSchema
export type IntelChanged = IntelStatus
