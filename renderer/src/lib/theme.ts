import { useCallback, useEffect, useState } from 'react'

export type Theme = 'light' | 'dark'

const STORAGE_KEY = 'watchfloor.theme'
const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)')

function storedTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY)
    return value === 'light' || value === 'dark' ? value : null
  } catch {
    // Storage can be disabled (privacy settings, some kiosk profiles); fall back to the system.
    return null
  }
}

function storeTheme(theme: Theme): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, theme)
  } catch {
    // Not persisting is acceptable; the switch still works for this session.
  }
}

export function initialTheme(): Theme {
  return storedTheme() ?? (darkQuery().matches ? 'dark' : 'light')
}

/**
 * Applied to <html> synchronously, before React re-renders, so that components reading CSS
 * variables in their effects (the Plotly chart) already see the new theme's values.
 */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme
}

/** The theme and its switch. Follows the system until the viewer picks one, then remembers it. */
export function useTheme(): readonly [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => {
    const first = initialTheme()
    applyTheme(first)
    return first
  })

  useEffect(() => {
    const query = darkQuery()
    const follow = (event: MediaQueryListEvent): void => {
      if (storedTheme() !== null) return
      const next: Theme = event.matches ? 'dark' : 'light'
      applyTheme(next)
      setTheme(next)
    }
    query.addEventListener('change', follow)
    return () => query.removeEventListener('change', follow)
  }, [])

  const toggle = useCallback(() => {
    const next: Theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'
    applyTheme(next)
    storeTheme(next)
    setTheme(next)
  }, [])

  return [theme, toggle] as const
}
