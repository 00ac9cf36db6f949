// The afterPack hook (bin/after-pack.mjs): flips the Electron fuses in the
// packed executable and refuses an app without better-sqlite3 for Electron.
// Run here on a stand-in executable: bytes with Electron's fuse sentinel and a
// fuse wire in Electron's default state, which @electron/fuses reads and
// rewrites exactly as it does in a real binary.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Context {
  appOutDir: string
  electronPlatformName: string
  arch: number
  packager: { projectDir: string; appInfo: { productFilename: string }; executableName?: string }
}
interface HookModule {
  FUSES: Record<string, boolean>
  ARCH_NAMES: string[]
  PACKED_NATIVE: string
  fuseConfig(options?: { resetAdHocDarwinSignature?: boolean }): Record<string, unknown>
  electronExecutable(context: Context): string
  resourcesDir(context: Context): string
  afterPack(context: Context): Promise<void>
}
interface NativeModule {
  nativeTarget(options?: { platform?: string; arch?: string }): Record<string, string>
}
const hook = (await import(pathToFileURL(join(root, 'bin', 'after-pack.mjs')).href)) as HookModule
const native = (await import(
  pathToFileURL(join(root, 'bin', 'electron-native.mjs')).href
)) as NativeModule

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const ENABLE = 49
const DISABLE = 48
/** Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, … */
const DEFAULT_WIRE = '101100011'

const scratch = mkdtempSync(join(tmpdir(), 'watchfloor-fuses-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const X64 = hook.ARCH_NAMES.indexOf('x64')

/** A packed Linux app as electron-builder leaves it before afterPack. */
function packedApp(
  name: string,
  options: { native?: boolean; stamp?: Record<string, string> | null } = {},
): Context {
  const appOutDir = join(scratch, name)
  mkdirSync(join(appOutDir, 'resources', 'app.asar.unpacked', 'out', 'native'), { recursive: true })
  const executable = join(appOutDir, 'watchfloor')
  writeFileSync(
    executable,
    Buffer.concat([
      Buffer.from('#!/bin/sh\n# stand-in for the Electron executable\n'),
      Buffer.from(SENTINEL),
      Buffer.from([1, DEFAULT_WIRE.length]),
      Buffer.from(DEFAULT_WIRE),
      Buffer.from('\nrest of the binary\n'),
    ]),
  )
  chmodSync(executable, 0o755)
  const nativeDir = join(appOutDir, 'resources', 'app.asar.unpacked', 'out', 'native')
  if (options.native !== false) {
    writeFileSync(join(nativeDir, 'better_sqlite3.node'), 'native module\0')
  }
  const stamp =
    options.stamp === undefined
      ? { ...native.nativeTarget({ platform: 'linux', arch: 'x64' }), how: 'prebuilt' }
      : options.stamp
  if (stamp) writeFileSync(join(nativeDir, 'better_sqlite3.json'), JSON.stringify(stamp))
  return {
    appOutDir,
    electronPlatformName: 'linux',
    arch: X64,
    packager: {
      projectDir: root,
      appInfo: { productFilename: 'Watchfloor' },
      executableName: 'watchfloor',
    },
  }
}

describe('the fuse set', () => {
  it('is the one issue 15 asks for', () => {
    expect(hook.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    })
    expect(Object.isFrozen(hook.FUSES)).toBe(true)
  })

  it("maps each onto @electron/fuses' wire position", () => {
    expect(hook.fuseConfig()).toEqual({
      version: '1',
      resetAdHocDarwinSignature: false,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    })
  })
})

describe('afterPack', () => {
  it('flips exactly those fuses in the packed executable and leaves the others alone', async () => {
    const context = packedApp('linux-ok')
    await hook.afterPack(context)
    const wire = await getCurrentFuseWire(join(context.appOutDir, 'watchfloor'))
    const state = (option: FuseV1Options) => (wire as unknown as Record<number, number>)[option]
    expect(state(FuseV1Options.RunAsNode)).toBe(DISABLE)
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(ENABLE)
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(DISABLE)
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(DISABLE)
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(ENABLE)
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(ENABLE)
    // Fuses not in the set keep what Electron ships.
    for (const index of [6, 7, 8]) {
      expect((wire as unknown as Record<number, number>)[index]).toBe(
        DEFAULT_WIRE.charCodeAt(index),
      )
    }
    const bytes = readFileSync(join(context.appOutDir, 'watchfloor'))
    expect(bytes.toString('latin1')).toContain('rest of the binary')
  })

  it('refuses an app without better-sqlite3 for Electron, and flips nothing', async () => {
    const context = packedApp('linux-no-native', { native: false })
    await expect(hook.afterPack(context)).rejects.toThrow(
      /^after-pack: the app has no better-sqlite3 built for Electron \(.*better_sqlite3\.node is missing\); run `node bin\/electron-native\.mjs/,
    )
    const wire = await getCurrentFuseWire(join(context.appOutDir, 'watchfloor'))
    expect((wire as unknown as Record<number, number>)[FuseV1Options.RunAsNode]).toBe(ENABLE)
  })

  it('refuses a build made for another architecture, platform or Electron, or without its record', async () => {
    const good = { ...native.nativeTarget({ platform: 'linux', arch: 'x64' }), how: 'prebuilt' }
    for (const [name, stamp, reason] of [
      ['arm', { ...good, arch: 'arm64' }, 'it was built for arch "arm64", not x64'],
      ['mac', { ...good, platform: 'darwin' }, 'it was built for platform "darwin", not linux'],
      ['old', { ...good, electron: '30.0.0' }, 'it was built for electron "30.0.0", not'],
      ['none', null, 'out/native/better_sqlite3.json is missing or unreadable'],
    ] as const) {
      await expect(hook.afterPack(packedApp(`linux-${name}`, { stamp }))).rejects.toThrow(
        `after-pack: the app's better-sqlite3 does not fit: ${reason}`,
      )
    }
  })

  it('refuses an executable without the fuse sentinel rather than shipping it unfused', async () => {
    const context = packedApp('linux-no-sentinel')
    writeFileSync(join(context.appOutDir, 'watchfloor'), 'not electron')
    await expect(hook.afterPack(context)).rejects.toThrow(/sentinel/)
  })

  it('finds the executable and resources where electron-builder puts them on each platform', () => {
    const on = (electronPlatformName: string): Context => ({
      appOutDir: '/o',
      electronPlatformName,
      arch: X64,
      packager: {
        projectDir: root,
        appInfo: { productFilename: 'Watchfloor' },
        executableName: 'watchfloor',
      },
    })
    expect(hook.electronExecutable(on('linux'))).toBe(join('/o', 'watchfloor'))
    expect(hook.electronExecutable(on('win32'))).toBe(join('/o', 'Watchfloor.exe'))
    expect(hook.electronExecutable(on('darwin'))).toBe(join('/o', 'Watchfloor.app'))
    expect(hook.resourcesDir(on('darwin'))).toBe(
      join('/o', 'Watchfloor.app', 'Contents', 'Resources'),
    )
    expect(hook.resourcesDir(on('win32'))).toBe(join('/o', 'resources'))
  })
})
