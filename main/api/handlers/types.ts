import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/api/index.ts'
import type { CoreContext } from '../context.ts'

/** A handler receives input already parsed by the method's schema. */
export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: CoreContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>

export type HandlerModule = { readonly [M in MethodName]?: Handler<M> }
export type HandlerMap = { readonly [M in MethodName]: Handler<M> }
