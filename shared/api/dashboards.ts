// Which dashboards read which cache tables, so a sync commit can tell each
// screen whether its numbers moved (the `data.changed` event's `dashboards`).

export const DASHBOARDS = [
  'leadResponse',
  'conversion',
  'marketing',
  'markets',
  'revenue',
  'funnel',
  'trends',
  'activity',
  'health',
] as const
export type DashboardName = (typeof DASHBOARDS)[number]

const READS: Readonly<Record<DashboardName, readonly string[]>> = {
  leadResponse: ['leads'],
  conversion: ['leads', 'marketing_channels'],
  marketing: ['leads', 'marketing_channels'],
  markets: ['leads', 'market_segments'],
  revenue: ['leads', 'revenue_targets'],
  funnel: ['leads'],
  trends: ['leads'],
  // The feed merges the stream's events with upstream alerts (main/metrics/operations.ts).
  activity: ['events', 'upstream_alerts'],
  // Health shows every source's sync state and the data's age, so any
  // committed table moves it.
  health: ['*'],
}

/** The dashboards whose numbers may have changed after these tables were written. */
export function changedDashboards(tables: readonly string[]): DashboardName[] {
  if (tables.length === 0) return []
  return DASHBOARDS.filter((d) => READS[d].some((t) => t === '*' || tables.includes(t)))
}
