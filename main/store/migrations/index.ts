import opsMirror from './001-ops-mirror.ts'
import appState from './002-app-state.ts'
import leadIndexes from './003-lead-indexes.ts'
import syncState from './004-sync-state.ts'
import metricRollups from './005-metric-rollups.ts'
import streamState from './006-stream-state.ts'
import dealIndex from './007-deal-index.ts'
import paddedCursors from './008-padded-cursors.ts'
import rollupDefinitions from './009-rollup-definitions.ts'
import presetDefault from './010-preset-default.ts'
import hourRollups from './011-hour-rollups.ts'
import alertRules from './012-alert-rules.ts'
import ownerRollups from './013-owner-rollups.ts'
import intelligence from './015-intelligence.ts'
import quarterRollups from './016-quarter-rollups.ts'
import access from './014-access.ts'
import leadSegments from './017-lead-segments.ts'
import journeyDims from './018-journey-dims.ts'
import facetRollups from './019-facet-rollups.ts'
import journeyDimsInBatches from './020-journey-dims-in-batches.ts'
import journeyDimsFromLeads from './021-journey-dims-from-leads.ts'
import journeyRebuildRun from './022-journey-rebuild-run.ts'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

// Migrations are TypeScript modules holding SQL text rather than .sql files so
// that the same import works under tsx (CLI, tests) and in the electron-vite
// bundle without copying assets. Append only: an applied migration's content
// hash is recorded and checked at every start.
export const migrations: readonly Migration[] = [
  { version: 1, name: 'ops-mirror', sql: opsMirror },
  { version: 2, name: 'app-state', sql: appState },
  { version: 3, name: 'lead-indexes', sql: leadIndexes },
  { version: 4, name: 'sync-state', sql: syncState },
  { version: 5, name: 'metric-rollups', sql: metricRollups },
  { version: 6, name: 'stream-state', sql: streamState },
  { version: 7, name: 'deal-index', sql: dealIndex },
  { version: 8, name: 'padded-cursors', sql: paddedCursors },
  { version: 9, name: 'rollup-definitions', sql: rollupDefinitions },
  { version: 10, name: 'preset-default', sql: presetDefault },
  { version: 11, name: 'hour-rollups', sql: hourRollups },
  { version: 12, name: 'alert-rules', sql: alertRules },
  { version: 13, name: 'owner-rollups', sql: ownerRollups },
  { version: 14, name: 'access', sql: access },
  { version: 15, name: 'intelligence', sql: intelligence },
  { version: 16, name: 'quarter-rollups', sql: quarterRollups },
  { version: 17, name: 'lead-segments', sql: leadSegments },
  { version: 18, name: 'journey-dims', sql: journeyDims },
  { version: 19, name: 'facet-rollups', sql: facetRollups },
  { version: 20, name: 'journey-dims-in-batches', sql: journeyDimsInBatches },
  { version: 21, name: 'journey-dims-from-leads', sql: journeyDimsFromLeads },
  { version: 22, name: 'journey-rebuild-run', sql: journeyRebuildRun },
]
