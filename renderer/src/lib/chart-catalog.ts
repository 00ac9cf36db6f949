// The charts drawn on the current tab, as the export dialog needs them (issue 12): a PDF report
// carries each one as the page drew it (SVG, with its title, filters and data time drawn in by
// chart-export.ts), and the dialog's "Chart image" section saves any of them as PNG or SVG.
// Each chart adds itself while it is on screen; the list is in the order the page shows them.
import { createContext } from 'react'

export type ChartImageFormat = 'png' | 'svg'

export interface CatalogChart {
  /** The chart's test id: unique on a tab. */
  readonly id: string
  /** The chart's title, as its panel and menu name it. */
  readonly title: string
  /** Where it sits on the page: the list follows the page's order. */
  readonly element: HTMLElement
  /** The chart as a file carries it, in SVG text (rejects while it has not been drawn). */
  readonly svg: () => Promise<string>
  /** Saves the chart as a PNG or SVG file, as its own menu does. */
  readonly download: (format: ChartImageFormat) => Promise<void>
}

export interface ChartCatalog {
  /** Adds a chart; the function returned takes it away again. */
  readonly add: (chart: CatalogChart) => () => void
  /** The charts now on screen, in page order (the same array until the list changes). */
  readonly list: () => readonly CatalogChart[]
  readonly subscribe: (listener: () => void) => () => void
}

/** Page order: a chart before another in the document comes first. */
function byPageOrder(a: CatalogChart, b: CatalogChart): number {
  if (a.element === b.element) return 0
  return a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1
}

export function createChartCatalog(): ChartCatalog {
  const charts = new Set<CatalogChart>()
  const listeners = new Set<() => void>()
  let sorted: readonly CatalogChart[] = []
  const changed = (): void => {
    sorted = [...charts].sort(byPageOrder)
    for (const listener of listeners) listener()
  }
  return {
    add: (chart) => {
      charts.add(chart)
      changed()
      return () => {
        if (charts.delete(chart)) changed()
      }
    },
    list: () => sorted,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** Given by the desk app around the tab; null elsewhere (the wall exports nothing). */
export const ChartCatalogContext = createContext<ChartCatalog | null>(null)
