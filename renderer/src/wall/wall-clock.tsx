import { useEffect, useState } from 'react'

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
})

/** The time of day, re-rendered when the minute turns (and only this component). */
export function WallClock() {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setTimeout(() => setNow(Date.now()), 60_000 - (now % 60_000) + 50)
    return () => clearTimeout(timer)
  }, [now])
  const at = new Date(now)
  return (
    <p className="wall-clock" data-testid="wall-clock">
      <time dateTime={at.toISOString()}>{clockFormat.format(at)}</time>
      <span className="wall-clock-day">{dayFormat.format(at)}</span>
    </p>
  )
}
