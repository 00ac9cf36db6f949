// The ops domain's default alert rules (issue 13), shipped enabled and seeded once into an empty
// rule table. Their thresholds are the KPI registry's targets (main/metrics/registry.ts), read
// from the registry the cache is opened with, so an organisation's own targets give its own
// defaults and no number here repeats a target. Once seeded, a setting records it: a default
// the user deleted stays deleted.
import type { AlertRuleSpec, RangePreset } from '../../shared/api/index.ts'
import { registryOf, type KpiTargets } from '../metrics/registry.ts'
import { rollupState } from '../metrics/rollups.ts'
import { getSetting, setSetting, type Store } from '../store/index.ts'
import { insertRule, notifyRulesChanged } from './rules-store.ts'

/** settings key: ISO time the defaults were seeded (or found unneeded: the table had rules). */
export const DEFAULTS_SEEDED_SETTING = 'alertRules.defaultsSeeded'

const MINUTE = 60
const HOUR = 3600

/** Rounded to a hundredth: 0.25 × 0.8 is 0.2, not 0.20000000000000004. */
const hundredths = (x: number): number => Math.round(x * 100) / 100

/**
 * The defaults under `targets`, their ranges read in `timeZone` (the org's zone: the rollups'
 * days). Each says why its numbers are what they are.
 */
export function defaultRules(targets: KpiTargets, timeZone: string): AlertRuleSpec[] {
  const range = (preset: RangePreset) => ({ range: { preset, timeZone } })
  const target = targets.responseSeconds
  const low = targets.conversionBand.low
  return [
    {
      name: 'Lead response over target',
      metric: 'averageResponseSeconds',
      comparator: '>',
      // Over the target is a warning; twice the target means leads are going cold (critical).
      warning: target,
      critical: target * 2,
      // Back under 90 % of the target before it resolves: an average hovering on the line
      // during a busy hour notifies once, not at every answer.
      recovery: Math.round(target * 0.9),
      // Today's leads: the wall must show slipping today, not a week's average that moves by
      // seconds. Fifteen minutes rides out one slow answer early in the day, when few leads
      // make the average.
      forSeconds: 15 * MINUTE,
      filters: range('today'),
      message:
        '{name}: leads are answered in {value} on average today ({severity} over {threshold})',
      enabled: true,
    },
    {
      name: 'Conversion under target',
      metric: 'conversionRate',
      comparator: '<',
      // The band's low end is the target; a fifth under it is critical.
      warning: low,
      critical: hundredths(low * 0.8),
      // One point over the band's low end: a rate wobbling around it notifies once.
      recovery: hundredths(low + 0.01),
      // Thirty days: conversion matures as leads close (the registry's `matures`), so today's
      // cohort always reads low; the engine reads a maturing range's leads old enough to have
      // closed (evaluate.ts maturedConversion), never the young cohort's rate. It moves slowly,
      // so an hour of holding is plenty.
      forSeconds: HOUR,
      filters: range('last30'),
      message:
        '{name}: {value} of the last 30 days’ leads old enough to close converted ({severity} under {threshold})',
      enabled: true,
    },
    {
      name: 'Unprofitable channel',
      metric: 'unprofitableChannels',
      comparator: '>',
      // One channel spending more than it brings is a warning: marketing acts on it over days,
      // nobody is paged. No critical.
      warning: 0,
      critical: null,
      recovery: null,
      // Thirty days: a channel's spend is monthly (the registry's ROI rule), shorter ranges
      // swing with a single deal. An hour of holding ignores a deal being re-entered.
      forSeconds: HOUR,
      filters: range('last30'),
      message: '{name}: {value} channel(s) lost money over the last 30 days',
      enabled: true,
    },
    {
      name: 'Revenue behind target',
      metric: 'monthProgress',
      comparator: '<',
      // Under 85 % of the month's target pro rata is a warning (the issue); under 70 % critical.
      warning: 0.85,
      critical: 0.7,
      // Back to 90 % of pace before it resolves: one booked deal should not end it, the next
      // not start it again.
      recovery: 0.9,
      // Month to date, the period the target is stated for. Six hours: early in a month one
      // deal moves the pace a lot, and revenue is not something an hour changes.
      forSeconds: 6 * HOUR,
      filters: range('mtd'),
      message:
        '{name}: revenue is at {value} of the month’s target pace ({severity} under {threshold})',
      enabled: true,
    },
    {
      name: 'Source offline',
      metric: 'sourceOfflineSeconds',
      comparator: '>=',
      // Ten minutes offline is a warning (the issue); an hour is critical (the screens show
      // stale numbers by then).
      warning: 10 * MINUTE,
      critical: HOUR,
      // None: the value drops to 0 as soon as the source is back, which resolves it.
      recovery: null,
      // The metric already counts how long the source has been gone: no second wait.
      forSeconds: 0,
      filters: null,
      message: '{name}: a data source has been offline for {value} ({severity} at {threshold})',
      enabled: true,
    },
  ]
}

/**
 * Seeds the defaults into an empty rule table once per cache, under the cache's registry and org
 * zone; afterwards (or when the table already had rules) it does nothing, so a deleted default
 * stays deleted. Returns the ids it seeded.
 */
export function ensureDefaultRules(db: Store, now: number): number[] {
  if (getSetting(db, DEFAULTS_SEEDED_SETTING) !== undefined) return []
  const ids = db
    .transaction((): number[] => {
      // Checked again under the write lock: two processes opening a new cache seed once.
      if (getSetting(db, DEFAULTS_SEEDED_SETTING) !== undefined) return []
      const empty = db.prepare('SELECT 1 FROM alert_rules LIMIT 1').get() === undefined
      const seeded = empty
        ? defaultRules(registryOf(db).targets, rollupState(db).timeZone).map((spec) =>
            insertRule(db, spec, true, now),
          )
        : []
      setSetting(db, DEFAULTS_SEEDED_SETTING, new Date(now).toISOString(), now)
      return seeded
    })
    .immediate()
  if (ids.length > 0) notifyRulesChanged(db, { kind: 'seeded', ids })
  return ids
}
