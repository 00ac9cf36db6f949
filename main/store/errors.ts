export type StoreErrorCode = 'newer_schema' | 'edited_migration' | 'corrupt' | 'unreadable'

/** A store problem a person can act on; `message` says what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly movedTo?: string,
  ) {
    super(message)
  }
}
