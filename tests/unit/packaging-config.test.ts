// The installers' configuration (electron-builder.js, issue 15): loaded as
// electron-builder loads it, and checked field by field. Packaging itself
// downloads Electron, so it cannot run here; packaging-pack.test.ts runs
// electron-builder for real on a stand-in Electron instead.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Configuration } from 'electron-builder'
import { describe, expect, it } from 'vitest'
import { icnsEntries, icoEntries, pngHeader } from './packaging-image-files.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface ConfigModule {
  default: Configuration
  NOT_IN_APP: string[]
  appExclusions(root?: string): string[]
  resolveInLock(packages: LockPackages, from: string, name: string): string | null
  runtimeClosure(
    packages: LockPackages,
    roots: string[],
    skip?: (name: string) => boolean,
  ): Set<string>
}
type LockPackages = Record<string, { dependencies?: Record<string, string> }>

const configModule = (await import(
  pathToFileURL(join(root, 'electron-builder.js')).href
)) as ConfigModule
const config = configModule.default
const hook = (await import(pathToFileURL(join(root, 'bin', 'after-pack.mjs')).href)) as {
  afterPack: unknown
  default: unknown
  FUSES: Record<string, boolean>
}
const native = (await import(pathToFileURL(join(root, 'bin', 'electron-native.mjs')).href)) as {
  ELECTRON_NATIVE: string
}
const icons = (await import(pathToFileURL(join(root, 'bin', 'make-app-icons.mjs')).href)) as {
  LINUX_SIZES: number[]
}

const targetsOf = (
  platform: Configuration['linux'] | Configuration['win'] | Configuration['mac'],
) =>
  ((platform?.target ?? []) as (string | { target: string })[]).map((target) =>
    typeof target === 'string' ? target : target.target,
  )
const files = config.files as string[]

describe('identity', () => {
  it('names the app Watchfloor with one reverse-DNS id', () => {
    expect(config.productName).toBe('Watchfloor')
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+){2,}$/)
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'resources' })
  })
})

describe('targets', () => {
  it('Linux: AppImage and deb; Windows: NSIS; macOS: DMG', () => {
    expect(targetsOf(config.linux)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.win)).toEqual(['nsis'])
    expect(targetsOf(config.mac)).toEqual(['dmg'])
  })

  it('the deb depends on what Electron, Chromium and the keychain need', () => {
    const depends = config.deb?.depends ?? []
    for (const name of [
      'libgtk-3-0',
      'libnss3',
      'libnotify4',
      'libsecret-1-0',
      'xdg-utils',
      'libgbm1',
    ]) {
      expect(depends).toContain(name)
    }
    expect(depends.some((entry) => entry.includes('libasound2'))).toBe(true)
  })

  it('has a desktop entry that names the app and its window class', () => {
    expect(config.linux?.executableName).toBe('watchfloor')
    expect(config.linux?.desktop?.entry).toMatchObject({
      Name: 'Watchfloor',
      StartupWMClass: 'Watchfloor',
      Categories: expect.stringMatching(/;$/) as string,
    })
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/) // the deb needs a maintainer's address
  })

  it('NSIS lets a person choose where to install, per user, with shortcuts', () => {
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
    })
  })
})

describe('icons', () => {
  it('Linux: a folder of PNGs named by size, each that size', () => {
    const dir = join(root, config.linux?.icon as string)
    const names = readdirSync(dir).filter((name) => name.endsWith('.png'))
    expect(names.length).toBe(icons.LINUX_SIZES.length)
    for (const name of names) {
      const [, w, h] = /^(\d+)x(\d+)\.png$/.exec(name) ?? []
      const header = pngHeader(readFileSync(join(dir, name)))
      expect([header.width, header.height], name).toEqual([Number(w), Number(h)])
    }
    expect(names).toContain('512x512.png')
  })

  it('Windows: an .ico with a 256 px image, also the installer’s and uninstaller’s', () => {
    for (const file of [
      config.win?.icon,
      config.nsis?.installerIcon,
      config.nsis?.uninstallerIcon,
    ]) {
      expect(file).toBe('resources/icon.ico')
    }
    const sizes = icoEntries(readFileSync(join(root, 'resources', 'icon.ico'))).map(
      (e) => e.imageWidth,
    )
    expect(sizes).toContain(256)
    expect(sizes).toContain(16)
  })

  it('macOS: an .icns up to 1024 px, also the DMG’s', () => {
    expect(config.mac?.icon).toBe('resources/icon.icns')
    expect(config.dmg?.icon).toBe('resources/icon.icns')
    const widths = icnsEntries(readFileSync(join(root, 'resources', 'icon.icns'))).map(
      (e) => e.width,
    )
    expect(widths).toContain(1024)
    expect(widths).toContain(16)
  })
})

describe('what goes into the app', () => {
  it('the built main process, preload, page and the Electron build of better-sqlite3', () => {
    for (const pattern of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/native/**']) {
      expect(files).toContain(pattern)
    }
    expect(files).not.toContain('out/cli/**') // the CLI is not part of the app
    const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string })
      .main
    expect(main.startsWith('out/main/')).toBe(true)
  })

  it('the tray icons the main process reads at run time', () => {
    expect(files).toContain('resources/tray-*.png')
    const trays = readdirSync(join(root, 'resources')).filter((name) => /^tray-.*\.png$/.test(name))
    for (const state of ['ok', 'warning', 'critical', 'offline']) {
      expect(trays).toContain(`tray-${state}.png`)
      expect(trays).toContain(`tray-${state}@2x.png`)
    }
  })

  it('better-sqlite3 for Electron unpacked from the asar, at the path the shell hands the core', () => {
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toEqual(['out/native/**'])
    expect(native.ELECTRON_NATIVE).toBe('out/native/better_sqlite3.node')
    expect(readFileSync(join(root, 'main', 'index.ts'), 'utf8')).toMatch(
      /join\([^)]*'native', 'better_sqlite3\.node'\)/,
    )
  })

  it('never rebuilds native modules in place (that would replace the Node build the tests use)', () => {
    expect(config.npmRebuild).toBe(false)
    expect(config.nodeGypRebuild).toBe(false)
    expect(config.buildDependenciesFromSource).toBe(false)
    expect(files).toContain('!node_modules/better-sqlite3/{build,deps,src}/**')
  })

  it('no source maps', () => {
    expect(files).toContain('!**/*.map')
  })

  it('records the asar integrity that the EnableEmbeddedAsarIntegrityValidation fuse checks', () => {
    expect((config as Record<string, unknown>).disableAsarIntegrity).toBeUndefined()
    expect(config.asar).toBe(true)
  })
})

describe('the afterPack hook', () => {
  it('is bin/after-pack.mjs, exporting the hook electron-builder calls', () => {
    expect(config.afterPack).toBe('./bin/after-pack.mjs')
    expect(existsSync(join(root, 'bin', 'after-pack.mjs'))).toBe(true)
    expect(typeof hook.afterPack).toBe('function')
    expect(hook.default).toBe(hook.afterPack)
  })

  it('sets the fuses issue 15 names (the set is pinned in packaging-fuses.test.ts)', () => {
    expect(hook.FUSES).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      EnableCookieEncryption: true,
    })
    // electron-builder's own fuse option would flip them a second time, after the hook.
    expect((config as Record<string, unknown>).electronFuses).toBeUndefined()
  })
})

// --- dependencies -------------------------------------------------------

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: LockPackages
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}
const builtins = new Set([...builtinModules, 'electron'])

/** Packages the source files reachable from `entries` load at run time (not types). */
function importedPackages(entries: string[]): Map<string, string> {
  const found = new Map<string, string>() // package → first file importing it
  const seen = new Set<string>()
  const queue = entries.map((entry) => join(root, entry))
  const specifier =
    /(?:^|[^\w.])(?:import|export)\s+(?!type\s)(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require(?:\.resolve)?\(\s*[`'"]([^`'"$]+)/g
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (seen.has(file) || !existsSync(file)) continue
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(specifier)) {
      const spec = match[1] ?? match[2] ?? match[3]
      if (!spec) continue
      if (spec.startsWith('.')) {
        queue.push(resolve(dirname(file), spec))
        continue
      }
      if (spec.startsWith('node:')) continue
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0]!
      if (!builtins.has(name) && !found.has(name)) found.set(name, relative(root, file))
    }
  }
  return found
}

describe('production dependencies in the app', () => {
  const imported = importedPackages(['main/index.ts', 'main/core/core-process.ts'])
  const excluded = new Set(configModule.appExclusions())
  const kept = configModule.runtimeClosure(
    lock.packages,
    Object.keys(pkg.dependencies).filter((name) => !configModule.NOT_IN_APP.includes(name)),
  )

  it('the walk over the sources finds what the main process and the core load', () => {
    for (const name of ['better-sqlite3', 'birpc', 'zod', 'pg', 'ioredis', 'pdfkit']) {
      expect([...imported.keys()]).toContain(name)
    }
  })

  it('every package the main process and the core load is a production dependency, and packed', () => {
    for (const [name, file] of imported) {
      const key = configModule.resolveInLock(lock.packages, '', name)
      expect(key, `${name} (imported by ${file}) is not installed`).not.toBeNull()
      expect(kept.has(key!), `${name} (imported by ${file}) is not a production dependency`).toBe(
        true,
      )
      expect(excluded.has(key!), `${name} (imported by ${file}) is left out of the app`).toBe(false)
    }
  })

  it('leaves out what only the page and the CLI load, with what only they depend on', () => {
    for (const name of configModule.NOT_IN_APP) {
      expect(imported.has(name), `${name} is loaded by ${imported.get(name)}`).toBe(false)
      expect(excluded.has(`node_modules/${name}`)).toBe(true)
      expect(files).toContain(`!node_modules/${name}{,/**}`)
    }
    // Reached only through plotly.js, so out; reached through pg, so in.
    expect(excluded.has('node_modules/maplibre-gl')).toBe(true)
    expect(excluded.has('node_modules/pg-pool')).toBe(false)
    expect(kept.has('node_modules/pg-pool')).toBe(true)
  })

  it('resolves nested copies as Node does', () => {
    const packages: LockPackages = {
      'node_modules/a': { dependencies: { b: '1' } },
      'node_modules/a/node_modules/b': {},
      'node_modules/b': {},
      'node_modules/c': { dependencies: { b: '2' } },
    }
    expect(configModule.resolveInLock(packages, 'node_modules/a', 'b')).toBe(
      'node_modules/a/node_modules/b',
    )
    expect(configModule.resolveInLock(packages, 'node_modules/c', 'b')).toBe('node_modules/b')
    expect(configModule.resolveInLock(packages, '', 'd')).toBeNull()
    expect([...configModule.runtimeClosure(packages, ['a'])].sort()).toEqual([
      'node_modules/a',
      'node_modules/a/node_modules/b',
    ])
  })
})
