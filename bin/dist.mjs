#!/usr/bin/env node
// `npm run dist`: the installers (issue 15). Builds the app (`npm run build`),
// makes better-sqlite3 for Electron's ABI for the platform packaged
// (bin/electron-native.mjs), then runs electron-builder with
// electron-builder.js. Installers land in dist/.
//
//   npm run dist                         # this machine's platform: AppImage + deb, NSIS or DMG
//   npm run dist -- --linux deb          # electron-builder's own options pass through
//   npm run dist -- --no-build           # package the app already built in out/
//
// electron-builder downloads the Electron release it packages (and, for some
// targets, its tools) unless they are in its cache. Where that cannot happen,
// this says so in a sentence and exits 1, with electron-builder's whole
// output kept in dist/electron-builder.log rather than a stack trace.
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureElectronNative } from './electron-native.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const PLATFORM_FLAGS = /** @type {const} */ ({
  '--linux': 'linux',
  '-l': 'linux',
  '--win': 'win32',
  '-w': 'win32',
  '--windows': 'win32',
  '--mac': 'darwin',
  '-m': 'darwin',
  '--macos': 'darwin',
})
const ARCH_FLAGS = ['x64', 'ia32', 'armv7l', 'arm64', 'universal']

/**
 * The platform and architecture electron-builder's arguments ask for (this
 * machine's when they name none), or why they cannot be packaged in one run.
 * @param {string[]} args
 * @returns {{ platform: string, arch: string } | { error: string }}
 */
export function packagingTarget(args, host = { platform: process.platform, arch: process.arch }) {
  const platforms = new Set(
    args.flatMap((arg) => {
      const platform = PLATFORM_FLAGS[/** @type {keyof typeof PLATFORM_FLAGS} */ (arg)]
      return platform ? [platform] : []
    }),
  )
  const arches = new Set(
    args.flatMap((arg) =>
      ARCH_FLAGS.includes(arg.replace(/^--/, '')) && arg.startsWith('--') ? [arg.slice(2)] : [],
    ),
  )
  if (platforms.size > 1 || arches.size > 1) {
    return {
      error:
        'package one platform and one architecture per run: the app carries better-sqlite3 built for exactly one (out/native)',
    }
  }
  const arch = [...arches][0] ?? host.arch
  if (arch === 'universal') {
    return {
      error:
        'a universal macOS app would need better-sqlite3 for both architectures in one file; package x64 and arm64 apart',
    }
  }
  return { platform: [...platforms][0] ?? host.platform, arch }
}

/**
 * One sentence for a failed electron-builder run, from its output.
 * @param {string} output
 * @param {{ electron: string, platform: string, arch: string }} target
 */
export function explainPackagingFailure(output, target) {
  const url = [...output.matchAll(/https?:\/\/[^\s"')]+/g)]
    .map((match) => match[0])
    .find((found) => /github\.com|electronjs\.org|npmmirror|releases/.test(found))
  const network =
    /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(
      output,
    )?.[1] ?? (/getaddrinfo|socket hang up|network/i.test(output) ? 'network' : null)
  if (network) {
    return (
      `Packaging needs downloads that this machine cannot make (${network}${url ? `: ${url}` : ''}): ` +
      `electron-builder fetches the Electron ${target.electron} release for ${target.platform}-${target.arch} ` +
      '(and, for AppImage, deb, NSIS and DMG, its packaging tools) unless they are in its cache (~/.cache/electron, ~/.cache/electron-builder). ' +
      'Build installers where the network reaches GitHub, or point electron-builder at an unpacked Electron with -c.electronDist=PATH.'
    )
  }
  const line =
    output
      .split('\n')
      .map((text) => text.trim())
      .find((text) => /⨯|error/i.test(text) && !/^\s*at /.test(text)) ??
    'no error line in its output'
  return `electron-builder failed: ${line.replace(/^⨯\s*/, '').slice(0, 400)}`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2)
  const build = !args.includes('--no-build')
  const builderArgs = args.filter((arg) => arg !== '--no-build')
  const fail = (/** @type {string} */ sentence) => {
    process.stderr.write(`\nnpm run dist: ${sentence}\n`)
    process.exit(1)
  }
  const target = packagingTarget(builderArgs)
  if ('error' in target) fail(target.error)
  const { platform, arch } = /** @type {{ platform: string, arch: string }} */ (target)
  if (build) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const built = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (built.status !== 0)
      fail('the app did not build (`npm run build`, output above), so nothing was packaged.')
  }
  if (!ensureElectronNative({ platform, arch })) {
    fail(
      `cannot package for ${platform}-${arch} without better-sqlite3 built for Electron (above).`,
    )
  }
  const electron = /** @type {{ version: string }} */ (
    JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'))
  ).version
  mkdirSync(join(root, 'dist'), { recursive: true })
  const logFile = join(root, 'dist', 'electron-builder.log')
  const log = createWriteStream(logFile)
  let output = ''
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--publish',
      'never',
      ...builderArgs,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (/** @type {Buffer} */ chunk) => {
      output += chunk.toString()
      log.write(chunk)
    })
  }
  // electron-builder's progress lines, shown as they come; its errors are summed up below.
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => process.stdout.write(chunk))
  child.on('close', (code) => {
    log.end()
    if (code === 0) {
      process.stdout.write(`\nnpm run dist: installers for ${platform}-${arch} are in dist/\n`)
      return
    }
    fail(
      `${explainPackagingFailure(output, { electron, platform, arch })} (electron-builder's whole output: ${relative(root, logFile)})`,
    )
  })
}
