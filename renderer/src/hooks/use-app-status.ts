import type { AppStatus } from '../../../shared/api/index.ts'
import { useApi, type ApiState } from '../api/client.ts'

/** Source states change without a `data.changed` event; a wall must not show last week's. */
const STATUS_REFRESH_MS = 30_000

/** The app's status (mode, data age, sources), re-asked on a timer. */
export function useAppStatus(): ApiState<AppStatus> {
  return useApi('app.status', {}, [], { refreshIntervalMs: STATUS_REFRESH_MS })
}
