import { useCallback, useEffect, useMemo, useState } from 'react'

/** The themes theme.css defines (`:root[data-theme=…]`); the chart layer reads the same tokens. */
export const THEMES = ['light', 'dark', 'contrast'] as const
export type Theme = (typeof THEMES)[number]

/** What the viewer picked: a theme, or "follow the operating system". */
export type ThemeChoice = Theme | 'system'
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', ...THEMES]

/** The picker's words for each choice: one home for them. */
export const THEME_LABELS: Readonly<Record<ThemeChoice, string>> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
  contrast: 'High contrast',
}

const STORAGE_KEY = 'watchfloor.theme'

/**
 * The OS settings the page follows. "More contrast" (macOS, GNOME) and forced colours (Windows
 * contrast themes) both ask for the high-contrast theme, whatever the light/dark setting says.
 */
const QUERIES = {
  contrast: '(prefers-contrast: more)',
  forced: '(forced-colors: active)',
  dark: '(prefers-color-scheme: dark)',
} as const

export function isTheme(value: unknown): value is Theme {
  return (THEMES as readonly unknown[]).includes(value)
}

/** What the OS says, one flag per media query of QUERIES. */
export type SystemSettings = Readonly<Record<keyof typeof QUERIES, boolean>>

/** The theme OS settings ask for: contrast first, then the colour scheme. */
export function themeForSystem(settings: SystemSettings): Theme {
  if (settings.contrast || settings.forced) return 'contrast'
  return settings.dark ? 'dark' : 'light'
}

/** The theme the OS asks for now. */
export function systemTheme(): Theme {
  const matches = (query: string): boolean => window.matchMedia(query).matches
  return themeForSystem({
    contrast: matches(QUERIES.contrast),
    forced: matches(QUERIES.forced),
    dark: matches(QUERIES.dark),
  })
}

/** A stored value read back: a theme it names, anything else (an old or edited value) "system". */
export function choiceOf(stored: string | null): ThemeChoice {
  return isTheme(stored) ? stored : 'system'
}

export function storedChoice(): ThemeChoice {
  try {
    return choiceOf(window.localStorage.getItem(STORAGE_KEY))
  } catch {
    // Storage can be disabled (privacy settings, some kiosk profiles); follow the system.
    return 'system'
  }
}

function storeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(STORAGE_KEY)
    else window.localStorage.setItem(STORAGE_KEY, choice)
  } catch {
    // Not persisting is acceptable; the pick still holds for this session.
  }
}

export function themeOf(choice: ThemeChoice): Theme {
  return choice === 'system' ? systemTheme() : choice
}

export function initialTheme(): Theme {
  return themeOf(storedChoice())
}

/**
 * Applied to <html> synchronously, before React re-renders, so that components reading CSS
 * variables in their effects (the Plotly charts) already see the new theme's values.
 */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme
}

/** The viewer's pick and a way to change it, for the header's picker. */
export interface ThemeControl {
  readonly choice: ThemeChoice
  /** What the OS asks for now, whether followed or not: the picker names it beside "System". */
  readonly system: Theme
  readonly choose: (choice: ThemeChoice) => void
}

/**
 * The theme shown and its control. Follows the OS (live, as its settings change) until the
 * viewer picks a theme; the pick is remembered, and "System" follows the OS again. Another
 * window of the same page that changes the pick is followed too (the `storage` event).
 */
export function useTheme(): readonly [Theme, ThemeControl] {
  const [choice, setChoice] = useState<ThemeChoice>(storedChoice)
  const [system, setSystem] = useState<Theme>(systemTheme)
  const [theme, setTheme] = useState<Theme>(() => {
    const first = initialTheme()
    applyTheme(first)
    return first
  })

  const show = useCallback((next: ThemeChoice) => {
    const shown = themeOf(next)
    applyTheme(shown)
    setChoice(next)
    setTheme(shown)
  }, [])

  useEffect(() => {
    const lists = Object.values(QUERIES).map((query) => window.matchMedia(query))
    const follow = (): void => {
      setSystem(systemTheme())
      if (storedChoice() === 'system') show('system')
    }
    const fromOtherWindow = (event: StorageEvent): void => {
      if (event.key === STORAGE_KEY || event.key === null) show(storedChoice())
    }
    for (const list of lists) list.addEventListener('change', follow)
    window.addEventListener('storage', fromOtherWindow)
    return () => {
      for (const list of lists) list.removeEventListener('change', follow)
      window.removeEventListener('storage', fromOtherWindow)
    }
  }, [show])

  const choose = useCallback(
    (next: ThemeChoice) => {
      storeChoice(next)
      show(next)
    },
    [show],
  )

  const control = useMemo(() => ({ choice, system, choose }), [choice, system, choose])
  return [theme, control] as const
}
