import { methodNames } from '../../shared/api/index.ts'
import type { HandlerMap, HandlerModule } from './handlers/types.ts'

/**
 * Merges per-domain handler modules into the one map the dispatcher serves.
 * A name defined twice, or a contract method left without a handler, is a
 * startup error rather than a silent override or a runtime "not found".
 */
export function composeHandlers(...modules: HandlerModule[]): HandlerMap {
  const merged: Record<string, unknown> = {}
  for (const module of modules) {
    for (const [name, handler] of Object.entries(module)) {
      if (name in merged) throw new Error(`api method "${name}" is defined twice`)
      merged[name] = handler
    }
  }
  const missing = methodNames.filter((m) => !(m in merged))
  if (missing.length > 0) throw new Error(`api methods without a handler: ${missing.join(', ')}`)
  const unknown = Object.keys(merged).filter((m) => !(methodNames as string[]).includes(m))
  if (unknown.length > 0)
    throw new Error(`handlers for methods not in the contract: ${unknown.join(', ')}`)
  return merged as HandlerMap
}
