/**
 * The types of the page's Plotly (lib/plotly-bundle.ts, plotly.js's core with the trace types
 * drawn). The module keeps the name of the strict bundle the page once loaded, so the files that
 * import these types need not change; no package of that name is installed, nothing imports it
 * at run time. This declares only what the renderer uses; widen it here (and only here) when a
 * chart needs more.
 */
declare module 'plotly.js-strict-dist-min' {
  export type PlotData = Readonly<Record<string, unknown>>
  export type PlotLayout = Readonly<Record<string, unknown>>

  export interface PlotConfig {
    readonly responsive?: boolean
    readonly displaylogo?: boolean
    readonly displayModeBar?: boolean | 'hover'
    readonly modeBarButtonsToRemove?: readonly string[]
    readonly showSendToCloud?: boolean
    readonly showEditInChartStudio?: boolean
    readonly showLink?: boolean
    readonly scrollZoom?: boolean
    readonly locale?: string
  }

  /** One point of a `plotly_click` / `plotly_hover` event (a bar, a slice, a funnel stage, a node). */
  export interface PlotPoint {
    readonly x?: unknown
    readonly y?: unknown
    readonly label?: unknown
    readonly customdata?: unknown
    readonly curveNumber: number
    readonly pointNumber?: number
  }

  export interface PlotEvent {
    readonly points: readonly PlotPoint[]
  }

  export interface ImageOptions {
    readonly format: 'png' | 'svg'
    readonly width: number
    readonly height: number
    readonly scale?: number
  }

  export interface PlotlyStatic {
    react(
      root: HTMLElement,
      data: readonly PlotData[],
      layout?: PlotLayout,
      config?: PlotConfig,
    ): Promise<PlotElement>
    purge(root: HTMLElement): void
    /** Draws a figure off screen and resolves with it as a data URL (PNG base64, SVG url-encoded). */
    toImage(
      figure: { data: readonly PlotData[]; layout: PlotLayout },
      options: ImageOptions,
    ): Promise<string>
    readonly Plots: { resize(root: HTMLElement): Promise<void> }
  }

  /** The element Plotly drew into: it gains an event emitter. */
  export interface PlotElement extends HTMLElement {
    on(event: 'plotly_click' | 'plotly_hover', handler: (event: PlotEvent) => void): void
    on(event: 'plotly_unhover', handler: () => void): void
    removeAllListeners?(event: string): void
  }

  const Plotly: PlotlyStatic
  export default Plotly
}
