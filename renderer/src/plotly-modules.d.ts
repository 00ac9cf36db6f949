/**
 * plotly.js's partial modules (renderer/src/lib/plotly-bundle.ts) ship no types of their own (the
 * package's types describe its full entry). The core is the same Plotly the rest of the renderer
 * types as `PlotlyStatic` (plotly.d.ts), plus `register`; a trace module is opaque here.
 */
declare module 'plotly.js/lib/core' {
  import type { PlotlyStatic } from 'plotly.js-strict-dist-min'

  /** A trace type, component or locale, as plotly.js's `lib/<name>.js` exports it. */
  export interface PlotlyModule {
    readonly moduleType: string
    readonly name: string
  }

  const Plotly: PlotlyStatic & {
    register(modules: PlotlyModule | readonly PlotlyModule[]): void
  }
  export default Plotly
}

declare module 'plotly.js/lib/bar' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
declare module 'plotly.js/lib/funnel' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
declare module 'plotly.js/lib/heatmap' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
declare module 'plotly.js/lib/indicator' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
declare module 'plotly.js/lib/pie' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
declare module 'plotly.js/lib/sankey' {
  import type { PlotlyModule } from 'plotly.js/lib/core'

  const trace: PlotlyModule
  export default trace
}
