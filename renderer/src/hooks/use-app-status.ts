import { useEffect } from 'react'
import type { AppStatus } from '../../../shared/api/index.ts'
import { useApi, useApiClient, type ApiState } from '../api/client.ts'

/** Source states change without a `data.changed` event; a wall must not show last week's. */
const STATUS_REFRESH_MS = 30_000

/**
 * How often the page checks that the host and core still answer: "Offline" must show within
 * 5 s of the core going away even while the host's socket stays open. The host answers a
 * recent status from memory, so a room of screens costs the core about one call a second.
 */
export const LIVENESS_PROBE_MS = 2_500

/** The app's status (mode, data age, sources), re-asked on a timer. */
export function useAppStatus(): ApiState<AppStatus> {
  useLivenessProbe()
  return useApi('app.status', {}, [], { refreshIntervalMs: STATUS_REFRESH_MS })
}

/**
 * Asks for the status on a short period only so that the client sees whether calls are answered
 * (see `useReachability`); the answer itself is not shown, so the page does not re-render.
 */
function useLivenessProbe(): void {
  const client = useApiClient()
  useEffect(() => {
    const timer = setInterval(() => {
      client.call('app.status', {}).catch(() => {
        // An unreachable host is what the probe is for; the client has noted it.
      })
    }, LIVENESS_PROBE_MS)
    return () => clearInterval(timer)
  }, [client])
}
