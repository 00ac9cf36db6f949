// Import zones: which part of Watchfloor may import which (the developers'
// guide, "Layout"; STYLE.md 5, "boundaries are enforced by tools"). Imports
// are resolved to files, so a zone holds however the path is spelled.
// tests/unit/lint-zones.test.ts proves that every rule here fires.
import { readdirSync } from 'node:fs'
import { createNodeResolver } from 'eslint-plugin-import-x'
import importX from 'eslint-plugin-import-x'

const root = import.meta.dirname

/** Every folder of main/ that is core (all of main/ but the Electron shell). */
const coreFolders = readdirSync(`${root}/main`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'electron')
  .map((entry) => `main/${entry.name}`)

const shell = 'main/electron and main/index.ts are the Electron shell: the core never imports it.'

export const importZones = [
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            { target: coreFolders, from: ['main/electron', 'main/index.ts'], message: shell },
            {
              target: 'main/sync',
              from: ['main/metrics', 'main/api', 'main/host', 'main/cli', 'main/demo'],
              message: 'sync/ fills the cache; it never imports metrics, the api or their users.',
            },
            {
              target: 'main/metrics',
              from: ['main/sync', 'main/api', 'main/host', 'main/cli'],
              message: 'metrics/ reads the cache; it never imports sync or the api.',
            },
            {
              target: 'main/store',
              from: coreFolders.filter((f) => f !== 'main/store'),
              message: 'store/ is the bottom of the core: it imports no other part of it.',
            },
            {
              target: 'shared',
              from: ['main', 'preload', 'renderer'],
              message: 'shared/ is the contract all three sides read: it imports none of them.',
            },
            {
              target: 'preload',
              from: ['main', 'renderer'],
              message: 'preload/ imports only electron and shared/.',
            },
            {
              target: 'renderer',
              from: ['main', 'preload'],
              message: 'renderer/ talks to the core only through shared/ and its bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    // A page and the preload's sandbox have no Node.
    files: ['preload/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
]
