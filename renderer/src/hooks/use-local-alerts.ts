import { useCallback, useEffect, useState } from 'react'
import type { ActiveAlerts } from '../../../shared/api/alert-engine.ts'
import { useApi, useApiClient } from '../api/client.ts'

export interface LocalAlerts {
  /** The core's active alerts and tray state; null until first read. */
  readonly active: ActiveAlerts | null
  /** Bumped on every change the core reports: the history re-reads on it. */
  readonly changes: number
  readonly acknowledge: (key: string) => Promise<void>
  /** Silences one alert's notifications for `ms` from now. */
  readonly silence: (key: string, ms: number) => Promise<void>
}

/**
 * The core's active alerts: read once (and again after a reconnect, an event naming no table),
 * then as `alerts.changed` pushes them. An acknowledgement or a silence answers with the new list.
 */
export function useLocalAlerts(): LocalAlerts {
  const client = useApiClient()
  const [reconnects, setReconnects] = useState(0)
  const [pushed, setPushed] = useState<{ at: number; active: ActiveAlerts } | null>(null)
  const [changes, setChanges] = useState(0)
  useEffect(() => {
    const offChanged = client.on('alerts.changed', (active) => {
      setPushed({ at: reconnects, active })
      setChanges((n) => n + 1)
    })
    const offData = client.on('data.changed', ({ tables }) => {
      if (tables.length === 0) setReconnects((n) => n + 1)
    })
    return () => {
      offChanged()
      offData()
    }
  }, [client, reconnects])
  // `dashboards: []`: no dashboard's change re-reads this; the event carries it.
  const read = useApi('alerts.active', {}, [reconnects], { dashboards: [] })
  // A push after the latest read wins; a read after a reconnect replaces older pushes.
  const active = pushed !== null && pushed.at === reconnects ? pushed.active : read.data

  const acknowledge = useCallback(
    async (key: string) => {
      const next = await client.call('alerts.acknowledge', { key })
      setPushed({ at: reconnects, active: next })
      setChanges((n) => n + 1)
    },
    [client, reconnects],
  )
  const silence = useCallback(
    async (key: string, ms: number) => {
      const until = new Date(Date.now() + ms).toISOString()
      const next = await client.call('alerts.silence', { key, until })
      setPushed({ at: reconnects, active: next })
      setChanges((n) => n + 1)
    },
    [client, reconnects],
  )
  return { active, changes, acknowledge, silence }
}
