import { z } from 'zod'

/** A calendar day, `YYYY-MM-DD`, read in the request's time zone. */
const isoDay = z.iso.date()

const timeZone = z
  .string()
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz })
        return true
      } catch {
        return false
      }
    },
    { message: 'unknown time zone' },
  )

/** Inclusive range of local days; `to` may equal `from` (a single day). */
export const dateRangeSchema = z
  .object({ from: isoDay, to: isoDay, timeZone })
  .strict()
  .refine((r) => r.from <= r.to, { message: '"from" must not be after "to"', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 20 * 366 * 86_400_000, {
    message: 'the range may span at most 20 years',
    path: ['to'],
  })
export type DateRange = z.infer<typeof dateRangeSchema>
