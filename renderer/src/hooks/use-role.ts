import {
  METHOD_ROLES,
  roleAllows,
  type MethodName,
  type WhoAmI,
} from '../../../shared/api/index.ts'
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

/**
 * Whether the page may offer `method` (shared/api/roles.ts is the one rule): false until the
 * role is known, so a viewer's wall never flashes a button the core would refuse.
 */
export function useMayCall(method: MethodName): boolean {
  const who = useRole()
  return who !== null && roleAllows(who.role, METHOD_ROLES[method])
}
