import { useCallback, useState } from 'react'
import {
  ApiError,
  type AlertRule,
  type AlertRuleList,
  type SaveRuleInput,
} from '../../../shared/api/index.ts'
import { useApi, useApiClient } from '../api/client.ts'
import { useRole } from './use-role.ts'
import { mayChangeRules } from '../lib/rule-units.ts'
import { RULES_ADMIN_ONLY_MESSAGE } from '../../../shared/api/index.ts'

export interface AlertRules {
  /** The core's rules and its unreadable rows; null until first read. */
  readonly list: AlertRuleList | null
  readonly error: ApiError | null
  /** Why this page may not change rules (the host's sentence); null when it may. */
  readonly readOnly: string | null
  /** Each resolves with the core's answer, or rejects with its refusal (an ApiError). */
  readonly save: (rule: SaveRuleInput) => Promise<AlertRule>
  readonly remove: (id: number) => Promise<void>
  readonly setEnabled: (id: number, enabled: boolean) => Promise<void>
}

/**
 * The alert rules (`rules.list`) and their changes (`rules.save`, `rules.delete`,
 * `rules.setEnabled`). The list is read again after every change this page makes. A page loaded
 * by a role below admin is read-only (the core refuses those writes), and a `forbidden`
 * answer makes any page so, with the host's sentence.
 */
export function useAlertRules(): AlertRules {
  const client = useApiClient()
  const [version, setVersion] = useState(0)
  const [refused, setRefused] = useState<string | null>(null)
  // `dashboards: []`: a sync commit does not change the rules.
  const read = useApi('rules.list', {}, [version], { dashboards: [] })
  // The page's role once known (issue 15: an admin's token over the network may change rules);
  // until then, whether the page is the machine's own.
  const who = useRole()
  const admin =
    who === null ? mayChangeRules(client.transport, window.location.hostname) : who.role === 'admin'
  const readOnly = refused ?? (admin ? null : RULES_ADMIN_ONLY_MESSAGE)

  const writing = useCallback(async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'forbidden') setRefused(error.message)
      throw error
    } finally {
      setVersion((v) => v + 1)
    }
  }, [])

  const save = useCallback(
    (rule: SaveRuleInput) => writing(() => client.call('rules.save', rule)),
    [client, writing],
  )
  const remove = useCallback(
    (id: number) => writing(async () => void (await client.call('rules.delete', { id }))),
    [client, writing],
  )
  const setEnabled = useCallback(
    (id: number, enabled: boolean) =>
      writing(async () => void (await client.call('rules.setEnabled', { id, enabled }))),
    [client, writing],
  )
  return { list: read.data, error: read.error, readOnly, save, remove, setEnabled }
}
