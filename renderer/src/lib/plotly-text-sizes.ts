// Plotly measures each text it draws (a tick label, a title, a legend entry) once and keeps the
// box, keyed by the text and its style, up to 10,000 boxes before it starts over. On a wall the
// numbers move with every live update and each rotation draws other views, so nearly all of
// those boxes are of texts no longer on screen: a few MB that the wall soak (tests/bench/
// wall-soak.ts) saw climb round after round. The wall drops them when it shows another view;
// the view's own texts are measured again as it draws (a few dozen measurements).
//
// Loaded on demand (it lives in the Plotly chunk), so the page's first paint does not wait on it.
import Drawing from 'plotly.js/src/components/drawing/index.js'

/** Forgets every measured text box; Plotly measures again what it draws next. */
export function forgetTextSizes(): void {
  Drawing.savedBBoxes = {}
}
