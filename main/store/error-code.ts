// The code an error carries (a Node errno, a Postgres SQLSTATE, an SQLite result code), read one
// way everywhere. A leaf: the Electron shell's export save imports it without the store.

/** The error's `code`, looking inside a dual-stack connect's AggregateError for its first part's. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  // A refused dual-stack connect is an AggregateError whose parts carry the code.
  if (error instanceof AggregateError) return errorCode(error.errors[0])
  return undefined
}
