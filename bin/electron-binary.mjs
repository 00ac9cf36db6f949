// Finds the Electron binary without requiring the `electron` package, whose
// entry point tries to download a missing binary.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** @returns {string | null} */
export function findElectronBinary() {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    return existsSync(candidate) ? candidate : null
  }
  const candidate = join(pkg, 'dist', relative)
  return existsSync(pathFile) && existsSync(candidate) ? candidate : null
}

// Run directly (`node bin/electron-binary.mjs`), it says whether the Electron
// end-to-end tests could run, so a skipped run is never mistaken for a pass.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const found = findElectronBinary()
  process.stdout.write(
    found
      ? `Electron binary: ${found} (the Electron end-to-end tests ran)\n`
      : 'Electron end-to-end tests: SKIPPED, no Electron binary in node_modules/electron (it cannot be downloaded here). The renderer was tested end to end in Chromium through the browser host.\n',
  )
}
