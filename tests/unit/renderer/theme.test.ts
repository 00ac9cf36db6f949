// Which theme the page shows: the OS's settings until the viewer picks one (lib/theme.ts).
import { describe, expect, it } from 'vitest'
import {
  choiceOf,
  THEME_CHOICES,
  THEME_LABELS,
  THEMES,
  themeForSystem,
} from '../../../renderer/src/lib/theme.ts'

describe('theme', () => {
  it('follows the colour scheme, and "more contrast" or forced colours over it', () => {
    const os = { contrast: false, forced: false, dark: false }
    expect(themeForSystem(os)).toBe('light')
    expect(themeForSystem({ ...os, dark: true })).toBe('dark')
    expect(themeForSystem({ ...os, contrast: true })).toBe('contrast')
    expect(themeForSystem({ ...os, dark: true, contrast: true })).toBe('contrast')
    expect(themeForSystem({ ...os, forced: true })).toBe('contrast')
  })

  it('reads a stored pick back, and anything else as "follow the system"', () => {
    for (const theme of THEMES) expect(choiceOf(theme)).toBe(theme)
    expect(choiceOf(null)).toBe('system')
    expect(choiceOf('system')).toBe('system')
    expect(choiceOf('sepia')).toBe('system')
    expect(choiceOf('')).toBe('system')
  })

  it('offers "System" and every theme, each with a label', () => {
    expect(THEME_CHOICES).toEqual(['system', ...THEMES])
    for (const choice of THEME_CHOICES) expect(THEME_LABELS[choice]).not.toBe('')
  })
})
