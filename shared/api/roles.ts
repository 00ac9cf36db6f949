// Who may call what (issue 15, "Roles"): the one home of the rule. Every api method names the
// least role that may call it; the core's dispatcher refuses any other caller with `forbidden`
// and one of the sentences below, whatever transport the call came by, and writes the refusal
// to the audit log. A Record over MethodName makes a new method a compile error until it says
// who may call it.
//
// viewer: reads dashboards (every wall screen). analyst: filters and presets, acknowledging and
// silencing alerts. admin: exports, maintenance, alert rules, connections, tokens, the audit log.
import { z } from 'zod'
import type { MethodName } from './contract.ts'
import { roleSchema, type Role } from './role-names.ts'

export { ROLES, roleAllows, roleSchema, type Role } from './role-names.ts'

/** What each role is for, as the settings screen and `watchfloor token create --help` say it. */
export const ROLE_TEXT: Readonly<Record<Role, string>> = {
  viewer: 'reads dashboards and alerts (wall screens)',
  analyst: 'also saves filter presets and acknowledges or silences alerts',
  admin: 'also exports, runs maintenance, edits alert rules, manages connections and tokens',
}

/** The least role of every api method. */
export const METHOD_ROLES: Readonly<Record<MethodName, Role>> = {
  'app.status': 'viewer',
  'kpis.dashboard': 'viewer',
  'kpis.definitions': 'viewer',
  'activity.page': 'viewer',
  'filters.values': 'viewer',
  'alerts.recent': 'viewer',
  'alerts.active': 'viewer',
  'alerts.history': 'viewer',
  'maintenance.status': 'viewer',
  'presets.list': 'viewer',
  'rules.list': 'viewer',
  // Acknowledging or silencing changes what every screen is told (issue 13).
  'alerts.acknowledge': 'analyst',
  'alerts.acknowledgeAll': 'analyst',
  'alerts.silence': 'analyst',
  'presets.save': 'analyst',
  'presets.rename': 'analyst',
  'presets.delete': 'analyst',
  'presets.setDefault': 'analyst',
  // Maintenance rewrites the cache; an export is a report of all the data (issue 12).
  'maintenance.start': 'admin',
  'export.start': 'admin',
  'export.status': 'admin',
  'export.cancel': 'admin',
  // A rule decides what every screen is alerted about.
  'rules.save': 'admin',
  'rules.delete': 'admin',
  'rules.setEnabled': 'admin',
  'access.whoami': 'viewer',
  'tokens.list': 'admin',
  'tokens.create': 'admin',
  'tokens.revoke': 'admin',
  'audit.list': 'admin',
  'connections.status': 'admin',
  'connections.test': 'admin',
  // Intelligence (issue 16): reading is viewing; a recompute costs the machine seconds of work.
  'intel.segments': 'viewer',
  'intel.journeys': 'viewer',
  'intel.callFirst': 'viewer',
  'intel.leadScores': 'viewer',
  'intel.modelCard': 'viewer',
  'intel.status': 'viewer',
  'intel.recompute': 'analyst',
}

/** How a person gets a role they lack, said at the end of every refusal. */
const HOW_TO_GET = (role: Role) =>
  role === 'admin'
    ? 'use the desktop app or a browser on the machine Watchfloor runs on, or a screen opened with an admin token'
    : `use a screen opened with an ${role} or admin token (watchfloor token create --role ${role})`

/** Said when maintenance is asked for by a caller that is not an admin. */
export const ADMIN_ONLY_MESSAGE = `Maintenance needs the admin role: ${HOW_TO_GET('admin')}.`
/** Said when an export is asked for by a caller that is not an admin. */
export const EXPORT_ADMIN_ONLY_MESSAGE = `Exports need the admin role: ${HOW_TO_GET('admin')}.`
/** Said when a caller that is not an admin asks to change a rule. */
export const RULES_ADMIN_ONLY_MESSAGE = `Changing alert rules needs the admin role: ${HOW_TO_GET('admin')}.`
/** Said when a viewer acknowledges or silences: that changes what every screen is told. */
export const ALERT_ACTION_REMOTE_MESSAGE = `Acknowledging or silencing an alert needs the analyst role: ${HOW_TO_GET('analyst')}.`
/** Said when a viewer saves, renames, deletes or picks the default preset. */
export const PRESETS_ANALYST_MESSAGE = `Saving or changing filter presets needs the analyst role: ${HOW_TO_GET('analyst')}.`
/** Said when a caller that is not an admin asks for tokens, connections or the audit log. */
export const ACCESS_ADMIN_ONLY_MESSAGE = `Tokens, connections and the audit log need the admin role: ${HOW_TO_GET('admin')}.`
/** Said for every call made with a token that was revoked after the screen opened. */
export const TOKEN_REVOKED_MESSAGE =
  'This screen’s token was revoked; ask an admin for a new one and open the page with it.'

/** The refusal of `method` to a caller whose role is too low: one sentence per domain. */
export function refusalFor(method: MethodName): string {
  const domain = method.slice(0, method.indexOf('.'))
  switch (domain) {
    case 'maintenance':
      return ADMIN_ONLY_MESSAGE
    case 'export':
      return EXPORT_ADMIN_ONLY_MESSAGE
    case 'rules':
      return RULES_ADMIN_ONLY_MESSAGE
    case 'alerts':
      return ALERT_ACTION_REMOTE_MESSAGE
    case 'presets':
      return PRESETS_ANALYST_MESSAGE
    case 'tokens':
    case 'audit':
    case 'connections':
      return ACCESS_ADMIN_ONLY_MESSAGE
  }
  const role = METHOD_ROLES[method]
  return `${method} needs the ${role} role: ${HOW_TO_GET(role)}.`
}

/**
 * Who makes a call, as the transport that carried it says (the core trusts its parent process,
 * never the page): the Electron desktop user and a browser on this machine are admins; a
 * screen over the network has its token's role and id (re-checked against the token table on
 * every call, so a revoked token stops at once).
 */
export const callerSchema = z
  .object({
    role: roleSchema,
    /** 'desktop', 'loopback', 'cli', or the token's name. */
    actor: z.string().min(1).max(100),
    /** The row in the token table, for a screen that opened with a stored token. */
    tokenId: z.int().positive().optional(),
  })
  .strict()
export type Caller = z.infer<typeof callerSchema>

/** The person at the desktop app (and the CLI on the same machine): admin by default. */
export const DESKTOP_CALLER: Caller = { role: 'admin', actor: 'desktop' }
/** A browser on the machine the host runs on. */
export const LOOPBACK_CALLER: Caller = { role: 'admin', actor: 'loopback' }
