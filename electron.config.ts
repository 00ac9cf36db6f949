import { defineConfig } from 'electron-vite'
import { pageBuild } from './renderer/vite.config.ts'

// Builds the Electron app: the shell and the core's utilityProcess entry
// (main), the sandboxed preload, and the renderer (the same page the browser
// host serves). `npm run build` type-checks first.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: 'main/index.ts',
          core: 'main/core/core-process.ts',
          // The intelligence recompute's worker thread (main/intelligence/service.ts finds it).
          'intel-worker': 'main/intelligence/worker.ts',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload may require only electron: bundle everything else.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: 'preload/index.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...pageBuild,
    root: 'renderer',
    build: {
      outDir: 'out/renderer',
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: 'renderer/index.html' },
    },
  },
})
