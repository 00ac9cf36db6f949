/**
 * The CSP-safe Plotly bundle ships no types. This declares only what the renderer uses; widen it
 * here (and only here) when a chart needs more.
 */
declare module 'plotly.js-strict-dist-min' {
  export type PlotData = Readonly<Record<string, unknown>>
  export type PlotLayout = Readonly<Record<string, unknown>>

  export interface PlotConfig {
    readonly responsive?: boolean
    readonly displaylogo?: boolean
    readonly displayModeBar?: boolean | 'hover'
    readonly modeBarButtonsToRemove?: readonly string[]
    readonly scrollZoom?: boolean
    readonly locale?: string
  }

  export interface PlotlyStatic {
    react(
      root: HTMLElement,
      data: readonly PlotData[],
      layout?: PlotLayout,
      config?: PlotConfig,
    ): Promise<HTMLElement>
    purge(root: HTMLElement): void
    readonly Plots: { resize(root: HTMLElement): Promise<void> }
  }

  const Plotly: PlotlyStatic
  export default Plotly
}
