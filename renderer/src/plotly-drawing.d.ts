/**
 * plotly.js's drawing component (the same module instance its core uses), typed only for what
 * lib/plotly-text-sizes.ts touches: the cache of measured text boxes.
 */
declare module 'plotly.js/src/components/drawing/index.js' {
  const Drawing: {
    /** Measured boxes of drawn texts, keyed by the text, its anchor and its style. */
    savedBBoxes: Record<string, unknown>
  }
  export default Drawing
}
