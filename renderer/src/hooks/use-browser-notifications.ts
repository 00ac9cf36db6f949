import { useCallback, useEffect, useRef, useState } from 'react'
import type { AlertView } from '../../../shared/api/alert-rules.ts'
import {
  NotificationPlanner,
  firingTransitionsBetween,
} from '../../../shared/alerts/notification-plan.ts'

/** The person's choice, kept per browser: a wall that never chose is never asked. */
const CHOICE_KEY = 'watchfloor.alert-notifications'

export type NotifyState = 'unsupported' | 'off' | 'on' | 'blocked'

export interface BrowserNotifications {
  readonly state: NotifyState
  /** Turns notifications on (asking the browser's permission: call it from a click) or off. */
  readonly toggle: () => void
}

const supported = (): boolean => typeof window !== 'undefined' && 'Notification' in window

function readChoice(): boolean {
  try {
    return window.localStorage.getItem(CHOICE_KEY) === 'on'
  } catch {
    return false
  }
}

function stateNow(chosen: boolean): NotifyState {
  if (!supported()) return 'unsupported'
  if (Notification.permission === 'denied') return 'blocked'
  return chosen && Notification.permission === 'granted' ? 'on' : 'off'
}

/**
 * Browser notifications for firing alerts, in the browser host only (the desktop app's are the
 * shell's OS notifications), following the same plan as the desktop's: one per firing
 * transition, a burst grouped into one, at most a few a minute. The browser's permission is asked
 * only from the person's click on the switch, never on load.
 */
export function useBrowserNotifications(
  alerts: readonly AlertView[] | null,
  enabled: boolean,
): BrowserNotifications {
  const [chosen, setChosen] = useState(readChoice)
  const [, setAsked] = useState(0)
  const state = enabled ? stateNow(chosen) : 'unsupported'
  const planner = useRef<NotificationPlanner | null>(null)
  const previous = useRef<readonly AlertView[] | null>(null)
  const latest = useRef<readonly AlertView[]>([])

  useEffect(() => {
    if (alerts === null) return
    planner.current ??= new NotificationPlanner(Date.now)
    // The first list is the baseline; so is the list when notifications are turned on.
    if (previous.current !== null && state === 'on')
      planner.current.offer(firingTransitionsBetween(previous.current, alerts), alerts)
    previous.current = alerts
    latest.current = alerts
    const due = planner.current.dueAt()
    if (due === null) return
    const timer = setTimeout(
      () => {
        const planned = planner.current?.take(latest.current)
        if (planned == null || stateNow(readChoice()) !== 'on') return
        new Notification(planned.title, { body: planned.body, tag: planned.keys.join(' ') })
      },
      Math.max(0, due - Date.now()),
    )
    return () => clearTimeout(timer)
  }, [alerts, state])

  const toggle = useCallback(() => {
    if (!supported()) return
    const keep = (on: boolean) => {
      try {
        window.localStorage.setItem(CHOICE_KEY, on ? 'on' : 'off')
      } catch {
        // A browser that keeps nothing asks again next time; the switch still works now.
      }
      setChosen(on)
    }
    if (chosen && Notification.permission === 'granted') return keep(false)
    if (Notification.permission === 'granted') return keep(true)
    void Notification.requestPermission().then((answer) => {
      setAsked((n) => n + 1)
      keep(answer === 'granted')
    })
  }, [chosen])

  return { state, toggle }
}
