import { accessHandlers } from './handlers/access.ts'
import { activityHandlers } from './handlers/activity.ts'
import { alertEngineHandlers } from './handlers/alert-engine.ts'
import { alertHandlers } from './handlers/alerts.ts'
import { appHandlers } from './handlers/app.ts'
import { exportHandlers } from './handlers/exports.ts'
import { filterHandlers } from './handlers/filters.ts'
import { intelligenceHandlers } from './handlers/intelligence.ts'
import { kpiHandlers } from './handlers/kpis.ts'
import { maintenanceHandlers } from './handlers/maintenance.ts'
import { presetHandlers } from './handlers/presets.ts'
import { ruleHandlers } from './handlers/rules.ts'
import { composeHandlers } from './compose.ts'
import type { CoreContext } from './context.ts'
import { createDispatcher, type Dispatch } from './dispatch.ts'

export type { CoreContext } from './context.ts'
export type { Dispatch } from './dispatch.ts'
export { composeHandlers } from './compose.ts'

/** The whole api served by the core, over the given context. */
export function createApi(
  ctx: CoreContext,
  log?: (line: string) => void,
  onDamagedCache?: () => void,
): Dispatch {
  return createDispatcher(
    composeHandlers(
      appHandlers,
      kpiHandlers,
      activityHandlers,
      filterHandlers,
      alertHandlers,
      alertEngineHandlers,
      presetHandlers,
      ruleHandlers,
      maintenanceHandlers,
      exportHandlers,
      intelligenceHandlers,
      accessHandlers,
    ),
    ctx,
    log,
    onDamagedCache,
  )
}
