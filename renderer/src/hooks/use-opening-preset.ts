import { useState } from 'react'
import type { Filters, PresetList } from '../../../shared/api/index.ts'
import type { ApiState } from '../api/client.ts'

/**
 * The default named preset, applied once when the page opens on a link that names no filters
 * (a bookmark of a tab, a bare address). Returns true while that is still being decided, so the
 * dashboard waits for it rather than drawing the built-in defaults and then redrawing. A list
 * that cannot be read (an older core, a failed call) decides nothing: the built-in defaults stay.
 *
 * Decided during render (React's "adjusting state while rendering"): `apply` sets the page's own
 * state, so the render that learns of the default is redone with it before anything is asked.
 */
export function useOpeningPreset(
  openedWithFilters: boolean,
  list: ApiState<PresetList>,
  apply: (filters: Filters) => void,
): boolean {
  const [deciding, setDeciding] = useState(!openedWithFilters)
  if (deciding && !list.loading) {
    setDeciding(false)
    const preset = list.data?.presets.find((p) => p.isDefault)
    if (preset !== undefined) apply(preset.filters)
  }
  return deciding
}
