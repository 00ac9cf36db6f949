#!/usr/bin/env node
// The native module strategy (issue 15; README, "Two ABIs of better-sqlite3").
//
// better-sqlite3 is a native module, and a native module is built for one ABI.
// `npm install` builds it for Node (node_modules/better-sqlite3/build/), which
// the tests, the CLI and the browser host use. The Electron app runs Electron's
// Node, another ABI, so it gets a build of its own, kept apart in out/native/
// and handed to the core through better-sqlite3's `nativeBinding` option
// (main/index.ts). Neither build ever replaces the other, so tests and the app
// work on the same checkout without rebuilding anything by hand.
//
//   node bin/electron-native.mjs [--if-electron] [--force] [--platform P] [--arch A]
//
// It makes out/native/better_sqlite3.node for the installed `electron`
// package's version (node_modules/electron: version and abi_version; the
// Electron binary itself is not needed), and out/native/better_sqlite3.json,
// which records what it was made for. It does nothing while that record
// matches (a few stats); otherwise, in order:
//   1. better-sqlite3's prebuilt binary for Electron's ABI, through the
//      prebuild-install that better-sqlite3 itself installs with (downloaded
//      from the project's releases, cached in ~/.npm/_prebuilds);
//   2. failing that, a compile of a copy of the package with node-gyp against
//      Electron's headers (downloaded once into node-gyp's cache), which needs
//      a C++ toolchain, as `npm install` does when no Node prebuild fits.
// The result is checked before it is kept: the file must export the module
// entry point for Electron's ABI (`node_register_module_v<abi>`).
// `npm start` and `npm run test:e2e` run it with --if-electron (it then does
// nothing where no Electron binary is installed); `npm run dist` runs it for
// the packaged platform. Where neither way can reach the network, it says so
// in a sentence and exits 1; nothing else depends on it.
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectronBinary } from './electron-binary.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Where the Electron build lives, relative to the package root (main/index.ts reads it there). */
export const ELECTRON_NATIVE = 'out/native/better_sqlite3.node'
/** Its record: what it was built for and how. */
export const ELECTRON_NATIVE_STAMP = 'out/native/better_sqlite3.json'

/**
 * @typedef {{ electron: string, abi: string, betterSqlite3: string, platform: string, arch: string }} NativeTarget
 * @typedef {NativeTarget & { how: 'prebuilt' | 'compiled' }} NativeStamp
 */

/**
 * What the Electron build must be made for: the installed `electron` and
 * `better-sqlite3` packages, on the given platform and architecture.
 * @param {{ root?: string, platform?: string, arch?: string }} [options]
 * @returns {NativeTarget}
 */
export function nativeTarget(options = {}) {
  const base = options.root ?? root
  const read = (/** @type {string} */ file) => readFileSync(join(base, file), 'utf8')
  const electron = /** @type {{ version: string }} */ (
    JSON.parse(read('node_modules/electron/package.json'))
  ).version
  const abi = read('node_modules/electron/abi_version').trim()
  if (!/^\d+$/.test(abi))
    throw new Error(`node_modules/electron/abi_version is not a number: ${abi}`)
  const betterSqlite3 = /** @type {{ version: string }} */ (
    JSON.parse(read('node_modules/better-sqlite3/package.json'))
  ).version
  return {
    electron,
    abi,
    betterSqlite3,
    platform: options.platform ?? process.platform,
    arch: options.arch ?? process.arch,
  }
}

/**
 * Whether the Electron build on disk may be used for `target`, or must be made
 * (again), and why. Pure: `stamp` is the parsed record or null, `bindingExists`
 * whether the .node file is there.
 * @param {{ target: NativeTarget, stamp: unknown, bindingExists: boolean }} state
 * @returns {{ action: 'keep', stamp: NativeStamp } | { action: 'build', reason: string }}
 */
export function nativePlan({ target, stamp, bindingExists }) {
  if (!bindingExists) return { action: 'build', reason: `there is no ${ELECTRON_NATIVE}` }
  if (stamp === null || typeof stamp !== 'object') {
    return { action: 'build', reason: `${ELECTRON_NATIVE_STAMP} is missing or unreadable` }
  }
  const recorded = /** @type {Record<string, unknown>} */ (stamp)
  for (const key of /** @type {(keyof NativeTarget)[]} */ ([
    'electron',
    'abi',
    'betterSqlite3',
    'platform',
    'arch',
  ])) {
    if (recorded[key] !== target[key]) {
      return {
        action: 'build',
        reason: `it was built for ${key} ${JSON.stringify(recorded[key])}, not ${target[key]}`,
      }
    }
  }
  if (recorded.how !== 'prebuilt' && recorded.how !== 'compiled') {
    return { action: 'build', reason: `${ELECTRON_NATIVE_STAMP} does not say how it was made` }
  }
  return { action: 'keep', stamp: /** @type {NativeStamp} */ (stamp) }
}

/**
 * Whether a native module's bytes export the entry point of the given ABI
 * (Node-API-free modules such as better-sqlite3 export `node_register_module_v<abi>`).
 * @param {Buffer} bytes @param {string} abi
 */
export const exportsAbi = (bytes, abi) => bytes.includes(`node_register_module_v${abi}\0`)

/** Reads the record, or null. */
function readStamp(/** @type {string} */ base) {
  try {
    return /** @type {unknown} */ (
      JSON.parse(readFileSync(join(base, ELECTRON_NATIVE_STAMP), 'utf8'))
    )
  } catch {
    return null
  }
}

/** @param {string} base */
export function currentPlan(
  base = root,
  /** @type {{ platform?: string, arch?: string }} */ options = {},
) {
  const target = nativeTarget({ root: base, ...options })
  return {
    target,
    plan: nativePlan({
      target,
      stamp: readStamp(base),
      bindingExists: existsSync(join(base, ELECTRON_NATIVE)),
    }),
  }
}

/**
 * The one line to tell from a failed prebuild-install or node-gyp run: a
 * download that the network refused, naming what, else its first error line.
 * @param {string} output the run's stdout and stderr
 * @returns {string}
 */
export function failureReason(output) {
  const lines = output.split('\n').map((line) => line.trim())
  const url = lines
    .map((line) => /\b(?:http GET|http request GET|GET)\s+(https?:\/\/\S+)/.exec(line)?.[1])
    .filter(Boolean)
    .at(-1)
  const network = lines
    .map(
      (line) =>
        /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/.exec(
          line,
        )?.[1] ?? (/network connectivity/i.test(line) ? 'network' : undefined),
    )
    .find(Boolean)
  if (network) return `could not download ${url ?? 'what it needs'} (${network})`
  const error = lines.find(
    (line) =>
      /\bError\b|ERR!|\berror\b/i.test(line) &&
      !/ERR! (stack|System|command|cwd|node -v|node-gyp -v)/.test(line),
  )
  return (error ?? lines.filter(Boolean).at(-1) ?? 'no output')
    .replace(/^(gyp|prebuild-install)\s+/, '')
    .slice(0, 300)
}

/**
 * The environment for prebuild-install and node-gyp: npm's settings that would
 * point them at another runtime's headers or ABI are dropped (an npmrc's
 * `nodedir` makes node-gyp compile against Node's headers, whatever --target
 * says), so only this script's flags decide.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function electronBuildEnv(env) {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) =>
        !/^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|build_from_source|platform)$/i.test(
          key,
        ),
    ),
  )
}

/**
 * Runs a Node script quietly.
 * @returns {{ ok: true } | { ok: false, why: string }}
 */
function runNode(/** @type {string[]} */ args, /** @type {string} */ cwd) {
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: electronBuildEnv(process.env),
  })
  if (result.status === 0) return { ok: true }
  return {
    ok: false,
    why: result.error
      ? result.error.message
      : failureReason(`${result.stdout ?? ''}\n${result.stderr ?? ''}`),
  }
}

/** node-gyp: the one installed beside us (through @electron/rebuild), else npm's own. */
function nodeGyp() {
  const require = createRequire(join(root, 'package.json'))
  try {
    return require.resolve('node-gyp/bin/node-gyp.js')
  } catch {
    const npmOwn = join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    )
    return existsSync(npmOwn) ? npmOwn : null
  }
}

/**
 * Makes the Electron build for `target` into `base`/out/native.
 * @param {NativeTarget} target
 * @param {string} [base]
 * @returns {{ ok: true, stamp: NativeStamp } | { ok: false, message: string }}
 */
export function buildElectronNative(target, base = root) {
  const pkgDir = join(base, 'node_modules', 'better-sqlite3')
  const require = createRequire(join(pkgDir, 'package.json'))
  const work = mkdtempSync(join(tmpdir(), 'watchfloor-native-'))
  /** @type {string[]} */
  const failures = []
  try {
    /** @type {'prebuilt' | 'compiled' | null} */
    let how = null
    // 1. The prebuilt binary, as better-sqlite3's own install fetches its Node one.
    const prebuilt = join(work, 'prebuilt')
    mkdirSync(prebuilt)
    cpSync(join(pkgDir, 'package.json'), join(prebuilt, 'package.json'))
    let prebuildInstall = null
    try {
      prebuildInstall = require.resolve('prebuild-install/bin.js')
    } catch {
      failures.push('prebuild-install is not installed beside better-sqlite3')
    }
    if (prebuildInstall) {
      const fetched = runNode(
        [
          prebuildInstall,
          '--verbose', // prints the URL it tries, which failureReason names
          '--runtime=electron',
          `--target=${target.electron}`,
          `--platform=${target.platform}`,
          `--arch=${target.arch}`,
        ],
        prebuilt,
      )
      if (fetched.ok) how = 'prebuilt'
      else failures.push(`no prebuilt binary (${fetched.why})`)
    }
    // 2. A compile against Electron's headers, in a copy (the Node build stays as it is).
    const compiled = join(work, 'compiled')
    if (!how) {
      const gyp = nodeGyp()
      if (target.platform !== process.platform) {
        failures.push(`no compile for ${target.platform} on ${process.platform}`)
      } else if (!gyp) {
        failures.push('no node-gyp to compile with')
      } else {
        cpSync(pkgDir, compiled, {
          recursive: true,
          filter: (from) => !relative(pkgDir, from).startsWith('build'),
        })
        const built = runNode(
          [
            gyp,
            'rebuild',
            '--release',
            '--runtime=electron',
            `--target=${target.electron}`,
            `--arch=${target.arch}`,
            '--dist-url=https://electronjs.org/headers',
          ],
          compiled,
        )
        if (built.ok) how = 'compiled'
        else failures.push(`no compile (${built.why})`)
      }
    }
    if (!how) {
      return {
        ok: false,
        message:
          `better-sqlite3 for Electron ${target.electron} (ABI ${target.abi}, ${target.platform}-${target.arch}) ` +
          `could not be fetched or built: ${failures.join('; ')}. ` +
          'The Electron app needs it (the tests, the CLI and the browser host do not); ' +
          'run `node bin/electron-native.mjs` again where the network reaches the better-sqlite3 releases or electronjs.org.',
      }
    }
    const made = join(
      how === 'prebuilt' ? prebuilt : compiled,
      'build',
      'Release',
      'better_sqlite3.node',
    )
    const bytes = existsSync(made) ? readFileSync(made) : null
    if (!bytes || !exportsAbi(bytes, target.abi)) {
      return {
        ok: false,
        message: `the ${how} better-sqlite3 for Electron ${target.electron} is not for ABI ${target.abi} (${made}); not kept`,
      }
    }
    /** @type {NativeStamp} */
    const stamp = { ...target, how }
    const out = join(base, ELECTRON_NATIVE)
    mkdirSync(dirname(out), { recursive: true })
    // Swapped in whole, so a running app never sees half a file; the record last.
    rmSync(join(base, ELECTRON_NATIVE_STAMP), { force: true })
    writeFileSync(`${out}.tmp-${process.pid}`, bytes)
    renameSync(`${out}.tmp-${process.pid}`, out)
    writeFileSync(join(base, ELECTRON_NATIVE_STAMP), `${JSON.stringify(stamp, null, 2)}\n`)
    return { ok: true, stamp }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * The command: makes the build when needed; true when one fit for `target` is in place.
 * @param {{ force?: boolean, platform?: string, arch?: string, base?: string }} [options]
 */
export function ensureElectronNative(options = {}) {
  const base = options.base ?? root
  const { target, plan } = currentPlan(base, options)
  const what = `better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (ABI ${target.abi}, ${target.platform}-${target.arch})`
  if (plan.action === 'keep' && !options.force) {
    process.stdout.write(`electron-native: ${what} is in ${ELECTRON_NATIVE} (${plan.stamp.how})\n`)
    return true
  }
  process.stdout.write(
    `electron-native: making ${what} (${options.force ? 'asked to' : plan.action === 'build' ? plan.reason : ''})\n`,
  )
  const result = buildElectronNative(target, base)
  if (!result.ok) {
    process.stderr.write(`electron-native: ${result.message}\n`)
    return false
  }
  process.stdout.write(`electron-native: ${what} ${result.stamp.how} into ${ELECTRON_NATIVE}\n`)
  return true
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2)
  const value = (/** @type {string} */ flag) => {
    const at = args.indexOf(flag)
    return at >= 0 ? args[at + 1] : undefined
  }
  if (args.includes('--if-electron') && !findElectronBinary()) {
    process.stdout.write(
      'electron-native: no Electron binary here, so no Electron build of better-sqlite3 is needed\n',
    )
    process.exit(0)
  }
  const platform = value('--platform')
  const arch = value('--arch')
  const ok = ensureElectronNative({
    force: args.includes('--force'),
    ...(platform ? { platform } : {}),
    ...(arch ? { arch } : {}),
  })
  process.exit(ok ? 0 : 1)
}
