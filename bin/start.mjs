#!/usr/bin/env node
// `npm start`: the Electron app when an Electron binary is present, else the
// browser host on the same demo data. We look for the binary ourselves:
// requiring the `electron` package without one would try to download it.
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
import { findElectronBinary } from './electron-binary.mjs'
import { ensureElectronNative } from './electron-native.mjs'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

// The app's core needs better-sqlite3 built for Electron (bin/electron-native.mjs makes it
// once, kept apart from the Node build in out/native); without it, the browser host.
const found = findElectronBinary()
const electron = found && ensureElectronNative() ? found : null
if (found && !electron) {
  process.stderr.write(
    '\nWatchfloor: the desktop window needs better-sqlite3 built for Electron (above); ' +
      'starting the browser host instead.\n',
  )
}
if (electron) {
  run(['run', 'build'])
  // `npm start -- --wall --wall-display=2` reaches the shell (main/electron: the wall window).
  const child = spawn(electron, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  if (!found) {
    process.stderr.write(
      [
        '',
        'Watchfloor: no Electron binary is installed here, so the desktop window cannot open.',
        'The `electron` package installs without its binary; to get one, run `node node_modules/electron/install.js`',
        'where the network allows it (or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron),',
        'then run `npm start` again. Meanwhile the same dashboards are served to your browser by the',
        'browser host, on the same demo data, at the address printed below.',
        '',
        '',
      ].join('\n'),
    )
  }
  run(['run', 'build:renderer'])
  // The shell's own arguments mean nothing to the host: a wall is the page's ?mode=wall.
  const shellOnly = (arg) =>
    arg === '--wall' || /^--(wall-display|playlist|interval)(=|$)/.test(arg)
  const args = process.argv.slice(2)
  if (args.some(shellOnly)) {
    process.stderr.write(
      'Watchfloor: --wall opens the desktop wall window; in the browser, add ?mode=wall (and &playlist=…&interval=…) to the address below.\n',
    )
  }
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'watchfloor.mjs'), 'serve', ...args.filter((arg) => !shellOnly(arg))],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}
