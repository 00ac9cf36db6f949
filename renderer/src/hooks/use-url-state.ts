import { useCallback, useEffect, useState } from 'react'
import { historyStep, readUrl, type PageState } from '../lib/url-state.ts'

export interface UrlState {
  /** The tab and filters, as the address bar names them. */
  readonly state: PageState
  /** Why part of the link was ignored; empty once read in full or dismissed. */
  readonly problems: readonly string[]
  /** Changes part of the state; `push` adds a history entry (a tab) instead of rewriting one. */
  readonly update: (change: Partial<PageState>, push?: boolean) => void
  readonly dismissProblems: () => void
  /** Whether the link the page was opened with named filters (see useOpeningPreset). */
  readonly openedWithFilters: boolean
}

function follow(search: string, state: PageState, push: boolean): void {
  const step = historyStep(search, state, push)
  if (step.kind === 'push') window.history.pushState(null, '', step.search)
  else if (step.kind === 'replace') window.history.replaceState(null, '', step.search)
}

/**
 * The tab and filters live in the URL, so a wall screen or a bookmark reopens the same view,
 * and Back returns to the previous tab.
 */
export function useUrlState(localZone: string): UrlState {
  const [reading, setReading] = useState(() => readUrl(window.location.search, localZone))
  // Read once: the effect below writes the defaulted filters into the address bar at once.
  const [openedWithFilters] = useState(reading.namesFilters)

  useEffect(() => {
    // Write the (possibly defaulted) state back once, so the address bar always names what is
    // shown; later changes write it in `update`.
    follow(window.location.search, readUrl(window.location.search, localZone).state, false)
    const back = (): void => setReading(readUrl(window.location.search, localZone))
    window.addEventListener('popstate', back)
    return () => window.removeEventListener('popstate', back)
  }, [localZone])

  const update = useCallback((change: Partial<PageState>, push = false) => {
    setReading((r) => {
      const state = { ...r.state, ...change }
      follow(window.location.search, state, push)
      return { state, problems: [], namesFilters: true }
    })
  }, [])
  const dismissProblems = useCallback(() => setReading((r) => ({ ...r, problems: [] })), [])

  return {
    state: reading.state,
    problems: reading.problems,
    update,
    dismissProblems,
    openedWithFilters,
  }
}
