// Roles, tokens, the audit log and the connections (issue 15). Who may call each is in
// shared/api/roles.ts and checked by the dispatcher before any of these runs.
import { listAudit } from '../../access/audit.ts'
import { connectionsStatus, testConnections } from '../../access/connections.ts'
import { createStoredToken, listTokens, revokeStoredToken } from '../../access/tokens.ts'
import type { HandlerModule } from './types.ts'

export const accessHandlers = {
  'access.whoami': (_input, _ctx, caller) => ({ role: caller.role, actor: caller.actor }),
  'tokens.list': (_input, ctx) => listTokens(ctx.db),
  'tokens.create': (input, ctx) =>
    createStoredToken(ctx.db, input.name, input.role, ctx.clock().getTime()),
  'tokens.revoke': (input, ctx) => revokeStoredToken(ctx.db, input, ctx.clock().getTime()),
  'audit.list': (input, ctx) => listAudit(ctx.db, input),
  'connections.status': (_input, ctx) => connectionsStatus(ctx.upstream),
  'connections.test': (_input, ctx) => testConnections(ctx.upstream),
} satisfies HandlerModule
