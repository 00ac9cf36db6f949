// The Plotly the page loads: plotly.js's core with only the trace types the dashboards draw,
// registered from its partial modules (plotly.js CUSTOM_BUNDLE.md). The full strict bundle was
// 4.9 MB of JavaScript for 7 of its 47 trace types; a wall screen restarting waited on all of it.
//
// Still CSP-safe (the page has no 'unsafe-eval', shared/api/content-security.ts): the traces
// that compile code at run time are the WebGL ones (regl), and none of them is registered here.
// A new trace type in a view must be added to this list, or Plotly draws nothing for it.
import Plotly from 'plotly.js/lib/core'
import bar from 'plotly.js/lib/bar'
import funnel from 'plotly.js/lib/funnel'
import heatmap from 'plotly.js/lib/heatmap'
import indicator from 'plotly.js/lib/indicator'
import pie from 'plotly.js/lib/pie'
import sankey from 'plotly.js/lib/sankey'

// scatter is part of the core and always registered.
Plotly.register([bar, funnel, heatmap, indicator, pie, sankey])

export default Plotly
