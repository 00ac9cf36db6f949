#!/usr/bin/env node
// Writes the four tray icons (issue 13): resources/tray-<state>.svg, the
// source, and their PNGs at 16 px and 32 px, each with an @2x twin for HiDPI
// screens (Electron's nativeImage picks `name@2x.png` beside `name.png`).
//
//   node bin/make-tray-icons.mjs
//
// The PNGs are committed, so neither CI nor a user needs a rasteriser; to
// redraw them run this with `rsvg-convert` on the PATH (Debian: librsvg2-bin).
//
// Each state differs by shape and by the mark inside it, not by colour alone,
// so a colour-blind person reads it too (WCAG 1.4.1): ok is a filled disc with
// a check, warning a triangle with "!", critical an octagon with "×", offline
// a pale disc struck through. Every shape has a dark rim, so it stands out on
// a light and on a dark tray alike.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '..', '..')
const out = join(root, 'resources')

/** Drawn on a 16-unit grid so that, at 16 px, every edge falls on whole pixels. */
const shapes = {
  ok: `
  <circle cx="8" cy="8" r="7.25" fill="#1a7f37" stroke="#06290f" stroke-width="1.1"/>
  <path d="M4.3 8.3 L7 11 L11.8 5.4" fill="none" stroke="#ffffff" stroke-width="2.1"
        stroke-linecap="round" stroke-linejoin="round"/>`,
  warning: `
  <path d="M8 0.9 L15.3 14.6 L0.7 14.6 Z" fill="#f2b705" stroke="#4a3200" stroke-width="1.1"
        stroke-linejoin="round"/>
  <path d="M8 5.3 L8 9.6" stroke="#1b1400" stroke-width="2.1" stroke-linecap="round"/>
  <circle cx="8" cy="12.2" r="1.15" fill="#1b1400"/>`,
  critical: `
  <path d="M5.1 0.8 L10.9 0.8 L15.2 5.1 L15.2 10.9 L10.9 15.2 L5.1 15.2 L0.8 10.9 L0.8 5.1 Z"
        fill="#cf222e" stroke="#3d0307" stroke-width="1.1" stroke-linejoin="round"/>
  <path d="M5.3 5.3 L10.7 10.7 M10.7 5.3 L5.3 10.7" stroke="#ffffff" stroke-width="2.2"
        stroke-linecap="round"/>`,
  offline: `
  <circle cx="8" cy="8" r="6.6" fill="#d0d7de" stroke="#32383f" stroke-width="2"/>
  <path d="M3.4 12.6 L12.6 3.4" stroke="#32383f" stroke-width="2.2" stroke-linecap="round"/>`,
}

const titles = {
  ok: 'Watchfloor: all clear',
  warning: 'Watchfloor: warning',
  critical: 'Watchfloor: critical',
  offline: 'Watchfloor: a source is offline',
}

const svgOf = (state) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <title>${titles[state]}</title>${shapes[state]}
</svg>
`

/** File name → pixel size: 16 and 32 px, each with its @2x twin. */
const sizes = (state) => ({
  [`tray-${state}.png`]: 16,
  [`tray-${state}@2x.png`]: 32,
  [`tray-${state}-32.png`]: 32,
  [`tray-${state}-32@2x.png`]: 64,
})

mkdirSync(out, { recursive: true })
for (const state of Object.keys(shapes)) {
  const svgPath = join(out, `tray-${state}.svg`)
  writeFileSync(svgPath, svgOf(state))
  for (const [name, px] of Object.entries(sizes(state))) {
    execFileSync('rsvg-convert', [
      '-w',
      String(px),
      '-h',
      String(px),
      '-o',
      join(out, name),
      svgPath,
    ])
  }
  console.log(`resources/tray-${state}: svg, ${Object.keys(sizes(state)).join(', ')}`)
}
