import { z } from 'zod'

export const apiErrorCodes = [
  'bad_request',
  'unknown_method',
  'payload_too_large',
  'unavailable',
  'internal',
  /** Not allowed from where it was asked (maintenance over the network). */
  'forbidden',
  /** Refused by what is already under way (a second maintenance job). */
  'conflict',
] as const
export type ApiErrorCode = (typeof apiErrorCodes)[number]

export const apiErrorSchema = z.object({
  code: z.enum(apiErrorCodes),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type ApiErrorData = z.infer<typeof apiErrorSchema>

/**
 * Results cross every transport as values, never as thrown errors, because
 * structured clone and JSON both drop an Error's fields; the client turns a
 * failed result back into a thrown ApiError.
 */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData }

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: ApiErrorCode
  readonly issues: ApiErrorData['issues']
  constructor(data: ApiErrorData) {
    super(data.message)
    this.code = data.code
    this.issues = data.issues
  }
}

export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value
  throw new ApiError(result.error)
}
