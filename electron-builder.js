// The installers (issue 15): electron-builder's configuration, found here by
// name. `npm run dist` (bin/dist.mjs) builds the app, makes better-sqlite3 for
// Electron (bin/electron-native.mjs) and runs electron-builder with it;
// tests/unit/packaging-config.test.ts checks every field that matters here.
//
// What goes in: the built app (out/main, out/preload, out/renderer), the
// Electron build of better-sqlite3 (out/native, unpacked from the asar: a
// native module cannot be loaded from inside it), the tray icons the main
// process reads at run time, and the production dependencies the main process
// and the core import. The demo data needs no file: it is generated from a
// fixed seed by code in out/main (main/demo), so there is no seed or manifest
// to ship as an extra resource.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Production dependencies that the app does not load: the page's own (the renderer is
 * bundled into out/renderer), the CLI's, and better-sqlite3's install-time downloader.
 * They and whatever only they depend on are left out of the app (see appExclusions).
 */
export const NOT_IN_APP = [
  'plotly.js',
  'react',
  'react-dom',
  'tsx',
  'commander',
  'prebuild-install',
]

/** @typedef {Record<string, { dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, peerDependencies?: Record<string, string>, peerDependenciesMeta?: Record<string, { optional?: boolean }> }>} LockPackages */

/**
 * The lock entry (`node_modules/…`) that `name` resolves to when required from
 * the package at `from` (Node's lookup, walking up the nested node_modules).
 * @param {LockPackages} packages @param {string} from @param {string} name
 * @returns {string | null}
 */
export function resolveInLock(packages, from, name) {
  let base = from
  for (;;) {
    const key = base ? `${base}/node_modules/${name}` : `node_modules/${name}`
    if (packages[key]) return key
    if (!base) return null
    const at = base.lastIndexOf('/node_modules/')
    base = at < 0 ? '' : base.slice(0, at)
  }
}

/**
 * Every lock entry that the given top-level packages depend on, not following
 * the dependencies that `skip` names.
 * @param {LockPackages} packages @param {string[]} roots
 * @param {(name: string) => boolean} [skip]
 * @returns {Set<string>}
 */
export function runtimeClosure(packages, roots, skip = () => false) {
  const seen = new Set()
  const queue = roots.map((name) => resolveInLock(packages, '', name)).filter((key) => key !== null)
  while (queue.length > 0) {
    const key = /** @type {string} */ (queue.pop())
    if (seen.has(key)) continue
    seen.add(key)
    const entry = packages[key] ?? {}
    const optionalPeers = entry.peerDependenciesMeta ?? {}
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional),
    ]
    for (const name of names) {
      if (skip(name)) continue
      const found = resolveInLock(packages, key, name)
      if (found && !seen.has(found)) queue.push(found)
    }
  }
  return seen
}

/**
 * The lock entries left out of the app: those that only NOT_IN_APP need (and type
 * declarations), not any dependency the app keeps.
 * @param {string} root the package root (package.json and package-lock.json)
 * @returns {string[]}
 */
export function appExclusions(root = import.meta.dirname) {
  const pkg = /** @type {{ dependencies: Record<string, string> }} */ (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  )
  const { packages } = /** @type {{ packages: LockPackages }} */ (
    JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  )
  const all = Object.keys(pkg.dependencies)
  const kept = runtimeClosure(
    packages,
    all.filter((name) => !NOT_IN_APP.includes(name)),
    // Type declarations are never loaded at run time, whoever lists them.
    (name) => NOT_IN_APP.includes(name) || name.startsWith('@types/'),
  )
  return [...runtimeClosure(packages, all)].filter((key) => !kept.has(key)).sort()
}

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'io.watchfloor.desktop',
  productName: 'Watchfloor',
  copyright: 'Copyright © 2026 the Watchfloor authors',
  directories: { output: 'dist', buildResources: 'resources' },
  files: [
    'package.json',
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'out/native/**',
    'resources/tray-*.png',
    'resources/icons/256x256.png',
    '!**/*.map',
    // Only the Node build's leftovers: the app uses out/native's.
    '!node_modules/better-sqlite3/{build,deps,src}/**',
    '!node_modules/better-sqlite3/binding.gyp',
    ...appExclusions().map((key) => `!${key}{,/**}`),
  ],
  // One architecture per run (the host's, or --x64 / --arm64): out/native holds one build.
  asar: true,
  asarUnpack: ['out/native/**'],
  // The Electron build of better-sqlite3 comes from out/native (bin/electron-native.mjs).
  // electron-builder's own rebuild would compile it in place in node_modules, over the
  // Node build that the tests, the CLI and the browser host load.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  // Sets the Electron fuses (RunAsNode, NODE_OPTIONS and inspect arguments off; asar
  // integrity and only-load-from-asar on; cookies encrypted) and checks the native build.
  afterPack: './bin/after-pack.mjs',

  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icons',
    category: 'Office',
    executableName: 'watchfloor',
    synopsis: 'Offline-capable operations dashboards',
    description:
      'Keeps a local SQLite copy of operational data synced from Postgres, Redis and Socket.IO, and shows its KPIs as themed, filterable dashboards, on a desk or on a wall screen.',
    maintainer: 'Watchfloor <maintainers@watchfloor.invalid>',
    desktop: {
      entry: {
        Name: 'Watchfloor',
        GenericName: 'Operations dashboards',
        Comment: 'Operations KPIs from your own data, online or not',
        Categories: 'Office;Monitor;',
        Keywords: 'dashboard;kpi;operations;leads;wall;',
        StartupWMClass: 'Watchfloor',
        StartupNotify: 'true',
      },
    },
  },
  deb: {
    // electron-builder's defaults, plus what Chromium and the keychain need on a minimal system.
    depends: [
      'libgtk-3-0',
      'libnotify4',
      'libnss3',
      'libxss1',
      'libxtst6',
      'xdg-utils',
      'libatspi2.0-0',
      'libuuid1',
      // safeStorage keeps the connection secrets in the desktop keychain through libsecret.
      'libsecret-1-0',
      'libgbm1',
      'libasound2 | libasound2t64',
    ],
    priority: 'optional',
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },

  win: {
    target: ['nsis'],
    icon: 'resources/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    installerIcon: 'resources/icon.ico',
    uninstallerIcon: 'resources/icon.ico',
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Watchfloor',
    artifactName: '${productName}-Setup-${version}.${ext}',
  },

  mac: {
    target: ['dmg'],
    icon: 'resources/icon.icns',
    category: 'public.app-category.business',
    hardenedRuntime: true,
  },
  dmg: {
    icon: 'resources/icon.icns',
    artifactName: '${productName}-${version}-${arch}.${ext}',
  },
}

export default config
