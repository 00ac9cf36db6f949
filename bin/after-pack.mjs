// electron-builder's afterPack hook (electron-builder.js): runs once per
// platform and architecture, after the app is copied beside Electron and
// before anything is signed or put in an installer.
//
// 1. Checks that better-sqlite3 for Electron's ABI came along, unpacked from
//    the asar (bin/electron-native.mjs builds it into out/native/), so no
//    installer ships an app whose core cannot open its cache.
// 2. Flips the Electron fuses (issue 15, "Found in the shell"): switches that
//    are compiled into the Electron binary and can only be set by rewriting
//    it, so no flag, environment variable or script in the page turns them
//    back. They must be set before signing, hence here.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses'
import { nativePlan, nativeTarget } from './electron-native.mjs'

/**
 * The fuses, by their name in @electron/fuses' FuseV1Options. Fuses not named
 * keep Electron's default.
 */
export const FUSES = Object.freeze({
  // `ELECTRON_RUN_AS_NODE=1 Watchfloor …` would make the signed app a plain Node.
  RunAsNode: false,
  // Cookies on disk encrypted with the OS keychain's key (the page keeps its session cookie).
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload any script into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // The asar's hash is checked against the one recorded at packaging (macOS and Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // The app loads only from app.asar, never from a loose app/ folder put beside it.
  OnlyLoadAppFromAsar: true,
})

/**
 * The @electron/fuses configuration for FUSES.
 * @param {{ resetAdHocDarwinSignature?: boolean }} [options]
 * @returns {import('@electron/fuses').FuseV1Config}
 */
export function fuseConfig(options = {}) {
  /** @type {import('@electron/fuses').FuseV1Config} */
  const config = {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: options.resetAdHocDarwinSignature ?? false,
  }
  /** @type {Record<number, boolean>} */
  const wire = {}
  for (const [name, value] of Object.entries(FUSES)) {
    const index = FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (name)]
    if (index === undefined) throw new Error(`after-pack: @electron/fuses has no fuse ${name}`)
    wire[index] = value
  }
  Object.assign(config, wire)
  return config
}

/** Where the packed Electron executable is (the file whose fuses are flipped). */
export function electronExecutable(
  /** @type {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} */ context,
) {
  const { appOutDir, electronPlatformName, packager } = context
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`)
  }
  if (electronPlatformName === 'win32') {
    return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
  }
  return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename)
}

/** Arch enum of electron-builder (builder-util's Arch) → its name. */
export const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

/** The app's resources folder (where app.asar and app.asar.unpacked are). */
export function resourcesDir(
  /** @type {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string } } }} */ context,
) {
  const { appOutDir, electronPlatformName, packager } = context
  return electronPlatformName === 'darwin' || electronPlatformName === 'mas'
    ? join(appOutDir, `${packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(appOutDir, 'resources')
}

/** The Electron build of better-sqlite3 inside a packed app, and its record (ELECTRON_NATIVE in electron-native.mjs). */
export const PACKED_NATIVE = join('app.asar.unpacked', 'out', 'native', 'better_sqlite3.node')
const PACKED_NATIVE_STAMP = join('app.asar.unpacked', 'out', 'native', 'better_sqlite3.json')

/**
 * Why the packed app's better-sqlite3 does not fit what is packed, or null when it does.
 * @param {{ appOutDir: string, electronPlatformName: string, arch: number,
 *   packager: { projectDir: string, appInfo: { productFilename: string } } }} context
 * @returns {string | null}
 */
export function packedNativeProblem(context) {
  const resources = resourcesDir(context)
  if (!existsSync(join(resources, PACKED_NATIVE))) {
    return `the app has no better-sqlite3 built for Electron (${PACKED_NATIVE} is missing)`
  }
  /** @type {unknown} */
  let stamp = null
  try {
    stamp = JSON.parse(readFileSync(join(resources, PACKED_NATIVE_STAMP), 'utf8'))
  } catch {
    // nativePlan says what is wrong.
  }
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName
  const plan = nativePlan({
    target: nativeTarget({
      root: context.packager.projectDir,
      platform,
      arch: ARCH_NAMES[context.arch] ?? String(context.arch),
    }),
    stamp,
    bindingExists: true,
  })
  return plan.action === 'keep' ? null : `the app's better-sqlite3 does not fit: ${plan.reason}`
}

/**
 * The hook.
 * @param {{ appOutDir: string, electronPlatformName: string, arch: number,
 *   packager: { projectDir: string, appInfo: { productFilename: string }, executableName?: string } }} context
 */
export async function afterPack(context) {
  const problem = packedNativeProblem(context)
  if (problem) {
    throw new Error(
      `after-pack: ${problem}; run \`node bin/electron-native.mjs --platform P --arch A\` for the ` +
        'platform and architecture packaged before packaging (`npm run dist` does).',
    )
  }
  const executable = electronExecutable(context)
  await flipFuses(
    executable,
    fuseConfig({
      // Flipping fuses breaks the ad-hoc signature an arm64 Mac needs to run anything.
      resetAdHocDarwinSignature:
        context.electronPlatformName === 'darwin' && ARCH_NAMES[context.arch] === 'arm64',
    }),
  )
  console.log(`after-pack: fuses set on ${executable}: ${JSON.stringify(FUSES)}`)
}

export default afterPack
