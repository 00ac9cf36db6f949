// The page's one way of saying that the host or core does not answer: the
// header, the footer and Health all say it in these words.
import { formatDateTime } from './format.ts'

/** "Offline — showing data as of Nov 1, 2026, 12:00 PM" (or "… no data" before any arrived). */
export function offlineSentence(dataAsOf: string | null | undefined): string {
  return dataAsOf
    ? `Offline — showing data as of ${formatDateTime(dataAsOf)}`
    : 'Offline — no data received yet'
}

/** What the footer adds: the page goes on trying by itself. */
export const RECONNECTING = 'reconnecting by itself; the numbers on screen stay until then'
