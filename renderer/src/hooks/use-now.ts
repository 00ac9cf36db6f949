import { useEffect, useState } from 'react'

/** The current time, re-read every `periodMs`, for "5 min ago" labels that must age on a wall. */
export function useNow(periodMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs)
    return () => clearInterval(timer)
  }, [periodMs])
  return now
}
