import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
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

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs: the same build is loaded from file:// in Electron and from the
  // browser host over HTTP.
  base: './',
  plugins: [react(), contentSecurityMeta(), allowRefreshPreambleInDev()],
  build: {
    // $WATCHFLOOR_RENDERER_OUT builds elsewhere (one build per test run when several run at once).
    outDir: process.env.WATCHFLOOR_RENDERER_OUT ?? '../out/renderer',
    emptyOutDir: true,
    // The CSP-safe Plotly bundle is one ~5 MB minified file; it is split into its own chunk
    // (loaded on demand by the chart), but it cannot be made smaller than itself.
    chunkSizeWarningLimit: 6000,
  },
})
