import { useCallback, useState } from 'react'
import type { Filters, PresetChange, PresetList } from '../../../shared/api/index.ts'
import { toApiError, useApi, useApiClient, type ApiState } from '../api/client.ts'

/** A change's answer, or the sentence of a call that failed on the way (the core unreachable). */
export type PresetOutcome =
  PresetChange | { readonly ok: false; readonly reason: 'failed'; readonly message: string }

export interface Presets {
  readonly list: ApiState<PresetList>
  readonly save: (name: string, filters: Filters, replace?: boolean) => Promise<PresetOutcome>
  readonly rename: (id: number, name: string) => Promise<PresetOutcome>
  readonly remove: (id: number) => Promise<PresetOutcome>
  readonly setDefault: (id: number | null) => Promise<PresetOutcome>
  /** Asks for the list again (another page may have changed it). */
  readonly reload: () => void
}

/**
 * The named presets (`presets.*`), listed again after every change made here. A failed call
 * comes back as an outcome with the error's sentence, so the menu shows it where it was asked.
 */
export function usePresets(): Presets {
  const client = useApiClient()
  const [version, setVersion] = useState(0)
  // Presets are not synced data: a `data.changed` never asks again (no dashboard shows them);
  // opening the menu does (`reload`), so another page's change shows up there.
  const list = useApi('presets.list', {}, [version], { dashboards: [] })
  const reload = useCallback(() => setVersion((v) => v + 1), [])

  const change = useCallback(async (ask: () => Promise<PresetChange>): Promise<PresetOutcome> => {
    try {
      return await ask()
    } catch (error) {
      return { ok: false, reason: 'failed', message: toApiError(error).message }
    } finally {
      setVersion((v) => v + 1)
    }
  }, [])
  const save = useCallback(
    (name: string, filters: Filters, replace = false) =>
      change(() => client.call('presets.save', { name, filters, replace })),
    [change, client],
  )
  const rename = useCallback(
    (id: number, name: string) => change(() => client.call('presets.rename', { id, name })),
    [change, client],
  )
  const remove = useCallback(
    (id: number) => change(() => client.call('presets.delete', { id })),
    [change, client],
  )
  const setDefault = useCallback(
    (id: number | null) => change(() => client.call('presets.setDefault', { id })),
    [change, client],
  )
  return { list, save, rename, remove, setDefault, reload }
}
