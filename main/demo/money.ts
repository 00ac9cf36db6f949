// Money as upstream types it: the demo keeps integer cents (the mirror's
// type), upstream Postgres `numeric(12, 2)` dollars.

/**
 * Integer cents as an exact `numeric` literal ("-1234.05"). `cents / 100` as a
 * float is not exact (0.07 * 100 !== 7), so the string is built from integer
 * division instead.
 */
export function centsToDollars(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an integer amount of cents: ${cents}`)
  const abs = Math.abs(cents)
  const whole = Math.trunc(abs / 100)
  const rest = abs - whole * 100
  return `${cents < 0 ? '-' : ''}${whole}.${String(rest).padStart(2, '0')}`
}
