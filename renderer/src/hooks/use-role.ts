import type { WhoAmI } from '../../../shared/api/index.ts'
import { useApi } from '../api/client.ts'

/**
 * Who this page is to the core (issue 15): the desktop user and a browser on the machine are
 * admins; a screen over the network has its token's role. The page only hides what its role may
 * not do; the core refuses it anyway. Null until known.
 */
export function useRole(): WhoAmI | null {
  // `dashboards: []`: a sync commit does not change who the page is.
  return useApi('access.whoami', {}, [], { dashboards: [] }).data
}
