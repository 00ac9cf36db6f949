// The native module strategy (issue 15): better-sqlite3 built for Node in
// node_modules (tests, CLI, host) and for Electron in out/native (the app),
// made by bin/electron-native.mjs. The pure parts (which build is used or
// remade, and why; whether a file is for an ABI; what a failed download
// says), and the command as `npm start` and `npm run dist` reach it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Target {
  electron: string
  abi: string
  betterSqlite3: string
  platform: string
  arch: string
}
interface NativeModule {
  ELECTRON_NATIVE: string
  ELECTRON_NATIVE_STAMP: string
  nativeTarget(options?: { root?: string; platform?: string; arch?: string }): Target
  nativePlan(state: {
    target: Target
    stamp: unknown
    bindingExists: boolean
  }): { action: 'keep'; stamp: Target & { how: string } } | { action: 'build'; reason: string }
  exportsAbi(bytes: Buffer, abi: string): boolean
  failureReason(output: string): string
  electronBuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv
  ensureElectronNative(options?: { base?: string; force?: boolean }): boolean
  buildElectronNative(
    target: Target,
    base?: string,
  ): { ok: true; stamp: Target & { how: string } } | { ok: false; message: string }
}
interface DistModule {
  packagingTarget(
    args: string[],
    host?: { platform: string; arch: string },
  ): { platform: string; arch: string } | { error: string }
  explainPackagingFailure(
    output: string,
    target: { electron: string; platform: string; arch: string },
  ): string
}
const native = (await import(
  pathToFileURL(join(root, 'bin', 'electron-native.mjs')).href
)) as NativeModule
const dist = (await import(pathToFileURL(join(root, 'bin', 'dist.mjs')).href)) as DistModule

const scratch = mkdtempSync(join(tmpdir(), 'watchfloor-native-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const target: Target = {
  electron: '42.11.18',
  abi: '146',
  betterSqlite3: '12.11.1',
  platform: 'linux',
  arch: 'x64',
}
const stamp = { ...target, how: 'prebuilt' }

describe('which build the app gets', () => {
  it('keeps a build whose record matches the installed Electron, better-sqlite3, platform and arch', () => {
    expect(native.nativePlan({ target, stamp, bindingExists: true })).toEqual({
      action: 'keep',
      stamp,
    })
    expect(
      native.nativePlan({ target, stamp: { ...stamp, how: 'compiled' }, bindingExists: true })
        .action,
    ).toBe('keep')
  })

  it('remakes it when the file or its record is missing', () => {
    expect(native.nativePlan({ target, stamp, bindingExists: false })).toEqual({
      action: 'build',
      reason: `there is no ${native.ELECTRON_NATIVE}`,
    })
    for (const broken of [null, 'text', 42]) {
      expect(native.nativePlan({ target, stamp: broken, bindingExists: true })).toMatchObject({
        action: 'build',
        reason: expect.stringContaining('missing or unreadable') as string,
      })
    }
  })

  it.each([
    ['electron', '41.0.0'],
    ['abi', '145'],
    ['betterSqlite3', '12.10.0'],
    ['platform', 'darwin'],
    ['arch', 'arm64'],
  ] as const)('remakes it when it was built for another %s', (key, value) => {
    const plan = native.nativePlan({
      target,
      stamp: { ...stamp, [key]: value },
      bindingExists: true,
    })
    expect(plan).toEqual({
      action: 'build',
      reason: `it was built for ${key} ${JSON.stringify(value)}, not ${target[key]}`,
    })
  })

  it('remakes it when the record does not say how it was made (a hand-copied file)', () => {
    expect(native.nativePlan({ target, stamp: { ...target }, bindingExists: true })).toEqual({
      action: 'build',
      reason: `${native.ELECTRON_NATIVE_STAMP} does not say how it was made`,
    })
  })

  it('reads the target from the installed packages, without the Electron binary', () => {
    const read = (file: string) =>
      JSON.parse(readFileSync(join(root, 'node_modules', file), 'utf8')) as { version: string }
    expect(native.nativeTarget({ platform: 'win32', arch: 'arm64' })).toEqual({
      electron: read('electron/package.json').version,
      abi: readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim(),
      betterSqlite3: read('better-sqlite3/package.json').version,
      platform: 'win32',
      arch: 'arm64',
    })
  })
})

describe('the ABI check on a built file', () => {
  it("recognises the Node build in node_modules as Node's ABI and not Electron's", () => {
    const nodeBuild = readFileSync(
      join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    )
    expect(native.exportsAbi(nodeBuild, process.versions.modules)).toBe(true)
    expect(native.exportsAbi(nodeBuild, native.nativeTarget().abi)).toBe(false)
  })

  it('does not take a longer ABI number for a shorter one', () => {
    expect(native.exportsAbi(Buffer.from('x\0node_register_module_v1460\0'), '146')).toBe(false)
    expect(native.exportsAbi(Buffer.from('x\0node_register_module_v146\0'), '146')).toBe(true)
  })
})

describe('what a failed attempt says', () => {
  it("runs node-gyp and prebuild-install without npm's settings for another runtime", () => {
    expect(
      native.electronBuildEnv({
        PATH: '/bin',
        npm_config_nodedir: '/usr',
        npm_config_target: '20.0.0',
        npm_config_runtime: 'node',
        npm_config_disturl: 'https://nodejs.org/dist',
        npm_config_cache: '/root/.npm',
      }),
    ).toEqual({ PATH: '/bin', npm_config_cache: '/root/.npm' })
  })

  it('names the download that the network refused', () => {
    expect(
      native.failureReason(
        [
          'prebuild-install info looking for cached prebuild @ /root/.npm/_prebuilds/x.tar.gz',
          'prebuild-install http request GET https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v146-linux-x64.tar.gz',
          'prebuild-install warn install getaddrinfo ENOTFOUND github.com',
        ].join('\n'),
      ),
    ).toBe(
      'could not download https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v146-linux-x64.tar.gz (ENOTFOUND)',
    )
    expect(
      native.failureReason(
        [
          'gyp http GET https://electronjs.org/headers/v42.11.18/node-v42.11.18-headers.tar.gz',
          'gyp WARN install got an error, rolling back install',
          'gyp ERR! configure error ',
          'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and',
          'gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad',
          'gyp ERR! not ok ',
        ].join('\n'),
      ),
    ).toBe(
      'could not download https://electronjs.org/headers/v42.11.18/node-v42.11.18-headers.tar.gz (network)',
    )
  })

  it('gives the first error line of anything else, without the stack', () => {
    expect(
      native.failureReason(
        'gyp info it worked if it ends with ok\ngyp ERR! build error\ngyp ERR! stack Error: `make` failed with exit code: 2\ngyp ERR! not ok',
      ),
    ).toBe('ERR! build error')
  })
})

describe('making the build', () => {
  it('fails with one sentence, and writes nothing, when it can neither fetch nor compile', () => {
    // A better-sqlite3 nobody publishes (no prebuilt binary, online or not) and without its
    // sources (no binding.gyp, so node-gyp stops before compiling anything).
    const base = join(scratch, 'fail')
    const pkg = join(base, 'node_modules', 'better-sqlite3')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'better-sqlite3',
        version: '0.0.0-watchfloor-test',
        repository: { type: 'git', url: 'git://github.com/WiseLibs/better-sqlite3.git' },
      }),
    )
    const result = native.buildElectronNative(
      {
        ...target,
        betterSqlite3: '0.0.0-watchfloor-test',
        platform: process.platform,
        arch: process.arch,
      },
      base,
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toMatch(
      /^better-sqlite3 for Electron 42\.11\.18 \(ABI 146, .+\) could not be fetched or built: (no prebuilt binary \(.+\)|prebuild-install is not installed beside better-sqlite3); no compile \(.+\)\. The Electron app needs it/,
    )
    expect(result.message).not.toMatch(/\n\s+at /)
    // node-gyp stopped before compiling: at the download of Electron's headers or the missing
    // binding.gyp, never at a build against another runtime's headers.
    expect(result.message).toMatch(/no compile \((could not download|.*binding\.gyp)/)
    expect(existsSync(join(base, 'out'))).toBe(false)
  })

  it('keeps a build that fits, without any download, and says where it is', () => {
    // A checkout with the installed packages' versions and a recorded build in out/native.
    const base = join(scratch, 'keep')
    for (const file of [
      'electron/package.json',
      'electron/abi_version',
      'better-sqlite3/package.json',
    ]) {
      mkdirSync(join(base, 'node_modules', file, '..'), { recursive: true })
      writeFileSync(
        join(base, 'node_modules', file),
        readFileSync(join(root, 'node_modules', file)),
      )
    }
    const current = native.nativeTarget()
    mkdirSync(join(base, 'out', 'native'), { recursive: true })
    writeFileSync(join(base, native.ELECTRON_NATIVE), `x\0node_register_module_v${current.abi}\0`)
    writeFileSync(
      join(base, native.ELECTRON_NATIVE_STAMP),
      JSON.stringify({ ...current, how: 'compiled' }),
    )
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    let kept: boolean
    let written: string[]
    try {
      kept = native.ensureElectronNative({ base })
      written = spy.mock.calls.map((call) => String(call[0]))
    } finally {
      spy.mockRestore()
    }
    expect(kept).toBe(true)
    expect(written.join('')).toBe(
      `electron-native: better-sqlite3 ${current.betterSqlite3} for Electron ${current.electron} (ABI ${current.abi}, ${current.platform}-${current.arch}) is in ${native.ELECTRON_NATIVE} (compiled)\n`,
    )
  })

  it('with --if-electron, does nothing where no Electron binary is installed (here)', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin', 'electron-native.mjs'), '--if-electron'],
      {
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'no-electron') },
      },
    )
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(
      'electron-native: no Electron binary here, so no Electron build of better-sqlite3 is needed\n',
    )
  })
})

describe('npm run dist', () => {
  it('packages this machine’s platform by default, or the one the flags name', () => {
    const host = { platform: 'linux', arch: 'x64' }
    expect(dist.packagingTarget([], host)).toEqual(host)
    expect(dist.packagingTarget(['--linux', 'deb'], host)).toEqual(host)
    expect(dist.packagingTarget(['--win', '--arm64'], host)).toEqual({
      platform: 'win32',
      arch: 'arm64',
    })
    expect(dist.packagingTarget(['-m'], host)).toEqual({ platform: 'darwin', arch: 'x64' })
  })

  it('refuses two platforms, two arches or a universal app in one run, in a sentence', () => {
    for (const args of [
      ['--linux', '--win'],
      ['--x64', '--arm64'],
      ['--mac', '--universal'],
    ]) {
      expect(dist.packagingTarget(args)).toMatchObject({ error: expect.any(String) as string })
    }
    const run = spawnSync(
      process.execPath,
      [join(root, 'bin', 'dist.mjs'), '--no-build', '--linux', '--win'],
      { encoding: 'utf8' },
    )
    expect(run.status).toBe(1)
    expect(run.stderr.trim()).toBe(
      'npm run dist: package one platform and one architecture per run: the app carries better-sqlite3 built for exactly one (out/native)',
    )
  })

  it('sums up electron-builder failing to download Electron in one sentence', () => {
    const output = [
      '  • packaging       platform=linux arch=x64 electron=42.11.18 appOutDir=dist/linux-unpacked',
      '  ⨯ getaddrinfo ENOTFOUND github.com  failedTask=build stackTrace=RequestError: getaddrinfo ENOTFOUND github.com',
      '    at ClientRequest.<anonymous> (/work/main/node_modules/got/dist/source/core/index.js:970:111)',
    ].join('\n')
    const sentence = dist.explainPackagingFailure(output, {
      electron: '42.11.18',
      platform: 'linux',
      arch: 'x64',
    })
    expect(sentence).toMatch(
      /^Packaging needs downloads that this machine cannot make \(ENOTFOUND\)/,
    )
    expect(sentence).toContain('Electron 42.11.18 release for linux-x64')
    expect(sentence).not.toMatch(/\bat ClientRequest/)
    expect(
      dist.explainPackagingFailure(
        '  ⨯ Application entry file "out/main/index.js" does not exist',
        {
          electron: '42.11.18',
          platform: 'linux',
          arch: 'x64',
        },
      ),
    ).toBe('electron-builder failed: Application entry file "out/main/index.js" does not exist')
  })
})
