import { constants as zlib } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { compression, defineAlgorithm } from 'vite-plugin-compression2'
import { contentSecurityPolicy } from '../shared/api/content-security.ts'

/** The page's CSP, from its one definition, into index.html's <meta>. */
function contentSecurityMeta(): Plugin {
  return {
    name: 'watchfloor:csp',
    transformIndexHtml: (html) =>
      html.replace('%WATCHFLOOR_CSP%', contentSecurityPolicy({ meta: true })),
  }
}

/**
 * The dev server's React Fast Refresh preamble is an inline `<script>`, which the page's CSP
 * (`script-src 'self'`) refuses. Relax it for `vite serve` only; built pages keep the strict
 * policy from index.html untouched.
 */
function allowRefreshPreambleInDev(): Plugin {
  return {
    name: 'watchfloor:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self';", "script-src 'self' 'unsafe-inline';"),
  }
}

/**
 * plotly.js's registry `require`s maplibre-gl's stylesheet for its map subplots; the page
 * registers no map trace (lib/plotly-bundle.ts), so that require never runs, but a bundler
 * would still ship the 83 kB stylesheet beside Plotly. It resolves to nothing instead.
 */
function dropUnusedMapStyles(): Plugin {
  const empty = '\0watchfloor:no-map-styles'
  return {
    name: 'watchfloor:no-map-styles',
    enforce: 'pre',
    resolveId: (id) => (id === 'maplibre-gl/dist/maplibre-gl.css' ? empty : null),
    load: (id) => (id === empty ? 'export {}' : null),
  }
}

/**
 * Every built file beside its brotli (.br) and gzip (.gz) forms, made once at build time at the
 * strongest levels; the browser host picks one per request by Accept-Encoding
 * (main/host/static-files.ts). A compressed form no smaller than the file is not written.
 */
const precompress = compression({
  algorithms: [
    defineAlgorithm('brotliCompress', { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    defineAlgorithm('gzip', { level: 9 }),
  ],
  threshold: 0,
  skipIfLargerOrEqual: true,
  deleteOriginalAssets: false,
  logLevel: 'silent',
})

/**
 * What every build of the page shares, the browser host's (below) and Electron's
 * (electron.config.ts): the CSP in index.html, Plotly's needs, relative asset URLs.
 */
export const pageBuild = {
  // Relative asset URLs: the same build is loaded from file:// in Electron and from the
  // browser host over HTTP.
  base: './',
  // plotly.js's modules are written for Browserify, which supplied Node's `global`
  // (has-hover reads `global.matchMedia`); plotly.js's own build defines it the same way.
  define: { global: 'globalThis' },
  plugins: [react(), contentSecurityMeta(), allowRefreshPreambleInDev(), dropUnusedMapStyles()],
}

export default defineConfig({
  ...pageBuild,
  root: import.meta.dirname,
  // Precompressed forms only for the browser host; Electron reads the files from disk.
  plugins: [...pageBuild.plugins, precompress],
  build: {
    // $WATCHFLOOR_RENDERER_OUT builds elsewhere (one build per test run when several run at once).
    outDir: process.env.WATCHFLOOR_RENDERER_OUT ?? '../out/renderer',
    emptyOutDir: true,
    // Plotly with only the trace types drawn (lib/plotly-bundle.ts) is one ~1.3 MB minified
    // chunk, loaded on demand by the first chart; it cannot be made smaller than itself.
    chunkSizeWarningLimit: 1500,
  },
})
