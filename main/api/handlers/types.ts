import type { Caller, MethodName, MethodOutput, ParsedInput } from '../../../shared/api/index.ts'
import type { CoreContext } from '../context.ts'

/**
 * A handler receives input already parsed by the method's schema, and who calls (already
 * allowed by the method's role: shared/api/roles.ts).
 */
export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: CoreContext,
  caller: Caller,
) => MethodOutput<M> | Promise<MethodOutput<M>>

export type HandlerModule = { readonly [M in MethodName]?: Handler<M> }
export type HandlerMap = { readonly [M in MethodName]: Handler<M> }
