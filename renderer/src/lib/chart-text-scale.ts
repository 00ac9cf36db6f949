// Chart text at another size than a desk's: a wall draws its charts' text (tick labels, axis and
// chart titles, legends, annotations, hover labels, gauge numbers) in proportion to its screen.
// Plotly sizes text in pixels, so the figure's font sizes are multiplied before it is drawn, and
// its margins with them, so that larger tick labels keep their room beside the plot.

/** A font size Plotly would use where a figure names none (baseLayout's font, lib/plotly.ts). */
export interface TextScaleDefaults {
  readonly fontPx: number
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Plotly's font attributes all end in "font": font, tickfont, textfont, insidetextfont, … */
const FONT_KEY = /font$/i
const MARGIN_SIDES = ['l', 'r', 't', 'b'] as const

function scaleTree(value: unknown, scale: number): unknown {
  if (Array.isArray(value)) return value.map((item) => scaleTree(item, scale))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      FONT_KEY.test(key) && isRecord(item) && typeof item.size === 'number'
        ? { ...(scaleTree(item, scale) as Record<string, unknown>), size: item.size * scale }
        : scaleTree(item, scale)
  }
  return out
}

/**
 * The figure with every font size it names `scale` times larger, the layout's own font (which
 * every text without a size of its own follows) included, and its margins likewise. `scale` 1
 * returns the figure as it is.
 */
export function scaleChartText<
  F extends { readonly data: readonly object[]; readonly layout: object },
>(figure: F, scale: number, defaults: TextScaleDefaults): F {
  if (scale === 1) return figure
  const layout = scaleTree(figure.layout, scale) as Record<string, unknown>
  const font = isRecord(layout.font) ? layout.font : {}
  if (typeof font.size !== 'number') layout.font = { ...font, size: defaults.fontPx * scale }
  if (isRecord(layout.margin)) {
    const margin = { ...layout.margin }
    for (const side of MARGIN_SIDES) {
      const px = margin[side]
      if (typeof px === 'number') margin[side] = Math.round(px * scale)
    }
    layout.margin = margin
  }
  return { ...figure, data: scaleTree(figure.data, scale), layout }
}
