import { THEMES, type Theme } from './theme.ts'

/**
 * Which theme tokens meet on screen, and the contrast each meeting needs: the one list of them.
 * tests/unit/renderer/theme-contrast.test.ts reads theme.css and checks every pair in every theme,
 * so a token changed in one theme cannot quietly drop a pair below WCAG 2 AA.
 *
 * `on` is what lies under the foreground, topmost first: a translucent "-soft" tint is composed
 * over the opaque token after it, as the browser does. Text needs 4.5:1 (WCAG 1.4.3); chart marks
 * and other graphics that carry meaning need 3:1 (WCAG 1.4.11).
 */
export interface ContrastPair {
  readonly fg: string
  readonly on: readonly string[]
  readonly min: number
  /** Where the pair is seen, for the failure message. */
  readonly where: string
}

const TEXT = 4.5
const GRAPHIC = 3

/** Surfaces text sits on: panels and cards, insets, and the page behind them (and its glow). */
const TEXT_GROUNDS: readonly (readonly string[])[] = [
  ['--surface'],
  ['--surface-2'],
  ['--bg'],
  ['--bg-glow'],
]

const onEveryGround = (fg: string, where: string): ContrastPair[] =>
  TEXT_GROUNDS.map((on) => ({ fg, on, min: TEXT, where }))

/** Chart marks: on the panel surface they are drawn on. */
export const CHART_TOKENS = [
  '--chart-bar',
  '--chart-1',
  '--chart-2',
  '--chart-3',
  '--chart-4',
  '--chart-5',
  '--chart-6',
  '--heat-0',
  '--heat-1',
  '--good',
  '--warn',
  '--bad',
  '--chart-axis',
] as const

export const CONTRAST_PAIRS: readonly ContrastPair[] = [
  ...onEveryGround('--text', 'body text, headings, values'),
  ...onEveryGround('--text-muted', 'labels, captions, footer, inactive tabs'),
  ...onEveryGround('--good', 'good deltas, cells and source states'),
  ...onEveryGround('--warn', 'warnings, data-age line, stale source'),
  ...onEveryGround('--bad', 'bad deltas, cells, error titles'),
  ...onEveryGround('--accent', 'links, "clear" buttons, syncing source'),
  { fg: '--accent-text', on: ['--accent'], min: TEXT, where: 'text on an accent fill' },
  { fg: '--text', on: ['--accent-soft', '--surface'], min: TEXT, where: 'active filter chip' },
  { fg: '--good', on: ['--good-soft', '--surface'], min: TEXT, where: 'good pill' },
  { fg: '--warn', on: ['--warn-soft', '--surface'], min: TEXT, where: 'warn pill' },
  { fg: '--bad', on: ['--bad-soft', '--surface'], min: TEXT, where: 'bad pill' },
  { fg: '--warn', on: ['--warn-soft', '--bg'], min: TEXT, where: 'demo badge, old-data age' },
  { fg: '--text', on: ['--warn-soft', '--bg'], min: TEXT, where: 'notice text' },
  { fg: '--bad', on: ['--bad-soft', '--bg'], min: TEXT, where: 'error banner title' },
  { fg: '--text', on: ['--bad-soft', '--bg'], min: TEXT, where: 'error banner text' },
  { fg: '--text', on: ['--bad-soft', '--surface'], min: TEXT, where: 'error toast, offline line' },
  { fg: '--text', on: ['--warn-soft', '--surface'], min: TEXT, where: 'warning toast' },
  { fg: '--text', on: ['--accent-soft', '--bg'], min: TEXT, where: 'wall info alert banner' },
  ...CHART_TOKENS.map((fg) => ({ fg, on: ['--surface'], min: GRAPHIC, where: 'chart mark' })),
  // A heat map's two ends must tell apart from each other, not only from the panel.
  { fg: '--heat-0', on: ['--heat-1'], min: GRAPHIC, where: 'heat scale ends' },
  { fg: '--accent', on: ['--surface'], min: GRAPHIC, where: 'focus ring, active tab mark' },
]

export interface Rgba {
  readonly r: number
  readonly g: number
  readonly b: number
  readonly a: number
}

/** `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(…)` and `rgba(…)`: the forms theme.css uses for colours. */
export function parseColor(text: string): Rgba | null {
  const value = text.trim().toLowerCase()
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value)?.[1]
  if (hex !== undefined) {
    const full = hex.length === 3 ? [...hex].map((d) => d + d).join('') : hex
    const byte = (i: number): number => parseInt(full.slice(i, i + 2), 16)
    return { r: byte(0), g: byte(2), b: byte(4), a: full.length === 8 ? byte(6) / 255 : 1 }
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(value)?.[1]
  if (fn === undefined) return null
  const parts = fn.split(/[\s,/]+/).filter((p) => p !== '')
  if (parts.length < 3 || parts.length > 4) return null
  const [r, g, b] = parts.slice(0, 3).map(Number)
  const alpha = parts[3] === undefined ? 1 : parseAlpha(parts[3])
  if (r === undefined || g === undefined || b === undefined || [r, g, b, alpha].some(isNaN)) {
    return null
  }
  return { r, g, b, a: alpha }
}

const parseAlpha = (text: string): number =>
  text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text)

/** `top` painted over an opaque `base`, blended in sRGB as browsers do. */
export function over(top: Rgba, base: Rgba): Rgba {
  const mix = (t: number, b: number): number => t * top.a + b * (1 - top.a)
  return { r: mix(top.r, base.r), g: mix(top.g, base.g), b: mix(top.b, base.b), a: 1 }
}

function luminance({ r, g, b }: Rgba): number {
  const linear = (channel: number): number => {
    const c = channel / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/** WCAG 2 contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

export type ThemeTokens = Readonly<Record<Theme, Readonly<Record<string, string>>>>

/**
 * The custom properties each theme sets in theme.css: the blocks whose selector names
 * `[data-theme='…']`. Only plain `selector { --name: value; }` rules are read — what theme.css
 * holds; a `var(--x)` value is resolved within the same theme.
 */
export function themeTokens(css: string): ThemeTokens {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '')
  const found = Object.fromEntries(THEMES.map((t) => [t, {}])) as Record<
    Theme,
    Record<string, string>
  >
  for (const rule of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const [, selector = '', body = ''] = rule
    for (const theme of THEMES) {
      if (!selector.includes(`[data-theme='${theme}']`)) continue
      for (const decl of body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) {
        const [, name = '', value = ''] = decl
        found[theme][name] = value.trim()
      }
    }
  }
  return found
}

/** A token's colour in one theme, `var()` references followed. */
export function tokenColor(tokens: Readonly<Record<string, string>>, name: string): Rgba | null {
  let value = tokens[name]
  for (let hops = 0; value !== undefined && hops < 8; hops++) {
    const ref = /^var\((--[\w-]+)\)$/.exec(value)?.[1]
    if (ref === undefined) return parseColor(value)
    value = tokens[ref]
  }
  return null
}

/** The contrast of one pair in one theme; `null` when a token is missing or not a colour. */
export function pairContrast(
  tokens: Readonly<Record<string, string>>,
  pair: ContrastPair,
): number | null {
  const layers = pair.on.map((name) => tokenColor(tokens, name))
  const fg = tokenColor(tokens, pair.fg)
  if (fg === null || layers.some((l) => l === null)) return null
  const ground = (layers as Rgba[]).reduceRight<Rgba | null>(
    (below, layer) => (below === null ? { ...layer, a: 1 } : over(layer, below)),
    null,
  )
  if (ground === null) return null
  return contrastRatio(over(fg, ground), ground)
}
