// electron-builder run for real on the configuration (issue 15), up to the
// unpacked app (`--linux dir`), in a copy of the project with a stand-in
// Electron: its download is the one step that cannot happen here. What comes
// out is read back: the asar's files and what is unpacked from it, the
// dependencies packed and left out, and the fuses the afterPack hook set in
// the executable. The installer formats (AppImage, deb, NSIS, DMG) wrap this
// same folder with tools electron-builder downloads, so they are not built here.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const native = (await import(pathToFileURL(join(root, 'bin', 'electron-native.mjs')).href)) as {
  nativeTarget(options?: { platform?: string; arch?: string }): Record<string, string>
}

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const skipReason =
  process.platform === 'linux' ? null : 'SKIPPED: the unpacked Linux app is built on Linux only'

interface AsarEntry {
  files?: Record<string, AsarEntry>
  unpacked?: boolean
  size?: number
}

/** The asar's file list (path → entry), from its header (a JSON string after two pickles). */
function asarFiles(file: string): Map<string, AsarEntry> {
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(16)
    readSync(fd, head, 0, 16, 0)
    const length = head.readUInt32LE(12)
    const json = Buffer.alloc(length)
    readSync(fd, json, 0, length, 16)
    const header = JSON.parse(json.toString('utf8')) as AsarEntry
    const out = new Map<string, AsarEntry>()
    const walk = (entry: AsarEntry, path: string) => {
      for (const [name, child] of Object.entries(entry.files ?? {})) {
        const full = path ? `${path}/${name}` : name
        if (child.files) walk(child, full)
        else out.set(full, child)
      }
    }
    walk(header, '')
    return out
  } finally {
    closeSync(fd)
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'watchfloor-pack-'))
// A copy of node_modules (links, but every one a file to remove): a generous deadline.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 300_000)

const project = join(scratch, 'project')
const fakeElectron = join(scratch, 'electron-dist')
let run: { status: number | null; output: string } = { status: null, output: '' }

beforeAll(() => {
  if (skipReason) return
  // The project as electron-builder sees it: our configuration, hook, icons, lock and
  // installed packages (hard links, so nothing is copied), and a built app stood in for.
  mkdirSync(join(project, 'bin'), { recursive: true })
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.js']) {
    cpSync(join(root, file), join(project, file))
  }
  for (const file of ['after-pack.mjs', 'electron-native.mjs', 'electron-binary.mjs']) {
    cpSync(join(root, 'bin', file), join(project, 'bin', file))
  }
  cpSync(join(root, 'resources'), join(project, 'resources'), { recursive: true })
  const linked = spawnSync('cp', ['-al', join(root, 'node_modules'), join(project, 'node_modules')])
  if (linked.status !== 0) {
    cpSync(join(root, 'node_modules'), join(project, 'node_modules'), { recursive: true })
  }
  const out = (path: string, text: string) => {
    mkdirSync(join(project, 'out', path, '..'), { recursive: true })
    writeFileSync(join(project, 'out', path), text)
  }
  out('main/index.js', "import './core.js'\n")
  out('main/index.js.map', '{}')
  out('main/core.js', 'export {}\n')
  out('preload/index.cjs', "require('electron')\n")
  out('renderer/index.html', '<!doctype html><title>Watchfloor</title>\n')
  out('cli/index.js', 'export {}\n')
  out('native/better_sqlite3.node', 'stand-in\0node_register_module_v146\0')
  out(
    'native/better_sqlite3.json',
    JSON.stringify({
      ...native.nativeTarget({ platform: 'linux', arch: process.arch }),
      how: 'prebuilt',
    }),
  )
  // The stand-in Electron: an executable with Electron's fuse wire in its default state.
  mkdirSync(join(fakeElectron, 'resources'), { recursive: true })
  writeFileSync(
    join(fakeElectron, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho stand-in\n# '),
      Buffer.from(SENTINEL),
      Buffer.from([1, 9]),
      Buffer.from('101100011\n'),
    ]),
  )
  chmodSync(join(fakeElectron, 'electron'), 0o755)
  writeFileSync(join(fakeElectron, 'version'), 'v42.0.0')
  writeFileSync(join(fakeElectron, 'LICENSE'), 'MIT')

  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--publish',
      'never',
      '--linux',
      'dir',
      `-c.electronDist=${fakeElectron}`,
    ],
    { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  )
  run = { status: result.status, output: `${result.stdout}\n${result.stderr}` }
}, 600_000)

describe.skipIf(skipReason !== null)('electron-builder on our configuration', () => {
  if (skipReason) console.log(skipReason)
  const appDir = join(project, 'dist', 'linux-unpacked')
  const resources = join(appDir, 'resources')

  it('packs the app, running the afterPack hook', () => {
    expect(run.output).toContain('after-pack: fuses set on')
    expect(run.status, run.output.slice(-3000)).toBe(0)
    expect(existsSync(join(appDir, 'watchfloor'))).toBe(true)
  })

  it('the asar holds the built app, the tray icons and package.json, and nothing else of ours', () => {
    const files = [...asarFiles(join(resources, 'app.asar')).keys()]
    const ours = files.filter((file) => !file.startsWith('node_modules/')).sort()
    expect(ours).toEqual(
      expect.arrayContaining([
        'package.json',
        'out/main/index.js',
        'out/main/core.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
        'out/native/better_sqlite3.node',
        'resources/tray-ok.png',
        'resources/tray-critical@2x.png',
      ]),
    )
    for (const file of ours) {
      expect(file, file).toMatch(
        /^(package\.json|out\/(main|preload|renderer|native)\/|resources\/)/,
      )
      expect(file, file).not.toMatch(/\.map$/)
    }
    expect(ours.some((file) => file.startsWith('out/cli/'))).toBe(false)
    expect(ours.some((file) => /icon\.(ico|icns)$/.test(file))).toBe(false) // installer-only
  })

  it('better-sqlite3 for Electron is unpacked beside the asar, with its record', () => {
    const entries = asarFiles(join(resources, 'app.asar'))
    expect(entries.get('out/native/better_sqlite3.node')?.unpacked).toBe(true)
    expect(
      readFileSync(
        join(resources, 'app.asar.unpacked', 'out', 'native', 'better_sqlite3.node'),
        'latin1',
      ),
    ).toContain('node_register_module_v146')
    expect(
      existsSync(join(resources, 'app.asar.unpacked', 'out', 'native', 'better_sqlite3.json')),
    ).toBe(true)
    // Nothing else is unpacked (an executable in node_modules would be, silently).
    const unpacked = [...entries].filter(([, entry]) => entry.unpacked).map(([file]) => file)
    expect(unpacked.sort()).toEqual([
      'out/native/better_sqlite3.json',
      'out/native/better_sqlite3.node',
    ])
  })

  it('packs the runtime dependencies with theirs, and leaves out the page’s, the CLI’s and the Node build', () => {
    const files = [...asarFiles(join(resources, 'app.asar')).keys()]
    const has = (prefix: string) => files.some((file) => file.startsWith(prefix))
    for (const name of [
      'better-sqlite3/lib',
      'pg/',
      'pg-pool/',
      'ioredis/',
      'birpc/',
      'zod/',
      'pdfkit/',
    ]) {
      expect(has(`node_modules/${name}`), name).toBe(true)
    }
    for (const name of [
      'plotly.js/',
      'react/',
      'react-dom/',
      'tsx/',
      'esbuild/',
      'maplibre-gl/',
      'prebuild-install/',
    ]) {
      expect(has(`node_modules/${name}`), name).toBe(false)
    }
    expect(has('node_modules/better-sqlite3/build/')).toBe(false)
    expect(has('node_modules/better-sqlite3/deps/')).toBe(false)
    expect(has('node_modules/electron/')).toBe(false)
  })

  it('the executable has its fuses set', async () => {
    const wire = (await getCurrentFuseWire(join(appDir, 'watchfloor'))) as unknown as Record<
      number,
      number
    >
    expect(wire[FuseV1Options.RunAsNode]).toBe(48)
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(48)
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(48)
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(49)
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(49)
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(49)
  })
})
