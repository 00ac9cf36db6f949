// WCAG 2 AA in every theme: each text/background pair the page uses reaches 4.5:1 and each chart
// mark 3:1 against the panel it is drawn on. The pairs are listed once, in
// renderer/src/lib/theme-contrast.ts; the colours are read from theme.css itself.
import { describe, expect, it } from 'vitest'
import { THEMES } from '../../../renderer/src/lib/theme.ts'
import {
  CHART_TOKENS,
  CONTRAST_PAIRS,
  contrastRatio,
  over,
  pairContrast,
  parseColor,
  themeTokens,
} from '../../../renderer/src/lib/theme-contrast.ts'

/**
 * Node's fs, reached without Node's types: this project type-checks as the page does (DOM only,
 * tsconfig.renderer-tests.json), and Vitest hands a CSS import over empty.
 */
interface TextFiles {
  readFileSync(path: URL, encoding: 'utf8'): string
}
const node = (globalThis as unknown as { process: { getBuiltinModule(id: 'node:fs'): TextFiles } })
  .process
const css = node
  .getBuiltinModule('node:fs')
  .readFileSync(new URL('../../../renderer/src/styles/theme.css', import.meta.url), 'utf8')
const tokens = themeTokens(css)

describe('contrast arithmetic', () => {
  it('gives the WCAG ratios of known pairs', () => {
    const black = parseColor('#000')
    const white = parseColor('#ffffff')
    if (black === null || white === null) throw new Error('colours did not parse')
    expect(contrastRatio(black, white)).toBeCloseTo(21, 5)
    expect(contrastRatio(white, white)).toBe(1)
    // #767676 on white is the well-known 4.54:1 grey.
    const grey = parseColor('rgb(118, 118, 118)')
    if (grey === null) throw new Error('grey did not parse')
    expect(contrastRatio(grey, white)).toBeCloseTo(4.54, 2)
  })

  it('composes a translucent tint over what lies under it', () => {
    const tint = parseColor('rgba(0, 0, 0, 0.5)')
    const white = parseColor('#fff')
    if (tint === null || white === null) throw new Error('colours did not parse')
    expect(over(tint, white)).toEqual({ r: 127.5, g: 127.5, b: 127.5, a: 1 })
    expect(parseColor('#11223380')?.a).toBeCloseTo(0.5, 2)
    expect(parseColor('color-mix(in srgb, red, blue)')).toBeNull()
  })
})

describe.each(THEMES)('theme %s', (theme) => {
  const own = tokens[theme]

  it('defines every token the pairs name, as a colour', () => {
    const named = new Set(CONTRAST_PAIRS.flatMap((p) => [p.fg, ...p.on]))
    for (const name of CHART_TOKENS) named.add(name)
    const missing = [...named].filter(
      (name) => pairContrast(own, { fg: name, on: [name], min: 3, where: '' }) === null,
    )
    expect(missing).toEqual([])
  })

  it('meets WCAG 2 AA for every pair', () => {
    const failing = CONTRAST_PAIRS.flatMap((pair) => {
      const ratio = pairContrast(own, pair)
      return ratio !== null && ratio >= pair.min
        ? []
        : [
            `${pair.fg} on ${pair.on.join(' over ')} (${pair.where}): ${ratio?.toFixed(2)} < ${pair.min}`,
          ]
    })
    expect(failing).toEqual([])
  })
})
