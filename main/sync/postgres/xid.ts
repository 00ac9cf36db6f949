// Positions in the upstream change log, and the poll feed's watermark: one
// representation and one comparison for every path (issue 8).
//
// Both are unsigned 64-bit integers (an xid8, or epoch milliseconds). As text
// they compare wrongly — '100000' sorts before '99999' — and Postgres happily
// sorts an `xid::text` column that way, which once made a catch-up across
// xid 10^5 skip entries it never read. So:
// - in memory a position is a `bigint`: `<`, `===` and `compareXid` are numeric;
// - in SQLite it is 20-digit zero-padded text, where text order is numeric
//   order, so even a hand-written `ORDER BY watermark` is right;
// - to Postgres it goes as a plain decimal `bigint` parameter. Never send the
//   padded form: Postgres reads a leading 0 in xid8 input as octal
//   ('00012345'::xid8 is 5349).

/** The largest xid8 (2^64 - 1). */
export const MAX_XID = (1n << 64n) - 1n

const STORED_DIGITS = 20
const DECIMAL = /^\d{1,20}$/

/**
 * Reads a position from Postgres text output or from SQLite (padded or not).
 * Throws on anything else: a corrupt cursor must never be guessed at.
 */
export function parseXid(text: string): bigint {
  if (!DECIMAL.test(text))
    throw new RangeError(`"${text.slice(0, 40)}" is not a change-log position`)
  const value = BigInt(text)
  if (value > MAX_XID) throw new RangeError(`${text} is past the largest xid8`)
  return value
}

/** The same, or null for a missing or unreadable stored value (the caller re-snapshots). */
export function readStoredXid(text: string | null): bigint | null {
  if (text === null) return null
  try {
    return parseXid(text)
  } catch {
    return null
  }
}

/** The SQLite form: zero-padded to 20 digits, so text order is numeric order. */
export function storedXid(value: bigint | null): string | null {
  if (value === null) return null
  if (value < 0n || value > MAX_XID) throw new RangeError(`${value} is not a change-log position`)
  return value.toString().padStart(STORED_DIGITS, '0')
}

/** Numeric order of two positions: negative, zero or positive. */
export function compareXid(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
