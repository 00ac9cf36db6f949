// Which api calls only an admin may make, and who is one (issue 11,
// maintenance). The browser host serves wall screens over the LAN with a
// token; such a screen reads dashboards but must not rewrite the cache. A
// call from the machine itself (a loopback client, or the Electron app,
// which does not come through the host) is the admin's.
import {
  ADMIN_ONLY_MESSAGE,
  ALERT_ACTION_REMOTE_MESSAGE,
  EXPORT_ADMIN_ONLY_MESSAGE,
  RULES_ADMIN_ONLY_MESSAGE,
  type ApiResult,
  type MethodName,
} from '../../shared/api/index.ts'

/**
 * Methods only an admin may call, each with its refusal: maintenance changes the cache, an
 * export writes a report of all the data (issue 12: an admin right over the LAN).
 */
const ADMIN_ONLY: ReadonlyMap<MethodName, string> = new Map<MethodName, string>([
  ['maintenance.start', ADMIN_ONLY_MESSAGE],
  ['export.start', EXPORT_ADMIN_ONLY_MESSAGE],
  ['export.status', EXPORT_ADMIN_ONLY_MESSAGE],
  ['export.cancel', EXPORT_ADMIN_ONLY_MESSAGE],
  // A rule decides what every screen is alerted about (DESIGN.md, Security: rules are admin's).
  ['rules.save', RULES_ADMIN_ONLY_MESSAGE],
  ['rules.delete', RULES_ADMIN_ONLY_MESSAGE],
  ['rules.setEnabled', RULES_ADMIN_ONLY_MESSAGE],
  // Acknowledging or silencing changes what every screen is told (issue 13: analyst or admin).
  ['alerts.acknowledge', ALERT_ACTION_REMOTE_MESSAGE],
  ['alerts.acknowledgeAll', ALERT_ACTION_REMOTE_MESSAGE],
  ['alerts.silence', ALERT_ACTION_REMOTE_MESSAGE],
])

export const ADMIN_METHODS: ReadonlySet<MethodName> = new Set(ADMIN_ONLY.keys())

/** Whether a socket's peer address is this machine (127.0.0.0/8, ::1, or v4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

/** The refusal for an admin call from another machine; null when the call may go on. */
export function adminRefusal(method: unknown, peer: string | undefined): ApiResult<never> | null {
  const message = ADMIN_ONLY.get(method as MethodName)
  if (message === undefined || isLoopbackAddress(peer)) return null
  return { ok: false, error: { code: 'forbidden', message } }
}
