// The app's connection profile (it holds passwords) at rest: encrypted with the OS keychain
// through Electron's safeStorage, never written in clear, never logged, never sent to the
// renderer; it reaches the core over the core's message port (utility-launcher.ts), never its
// environment or argv (issue 15, "Credentials").
//
// On Linux safeStorage may fall back to its `basic_text` backend when no keyring (GNOME
// Keyring, KWallet) answers: then "encrypted" means a key written into Electron itself, which
// protects nothing. isEncryptionAvailable() is still true there, so the backend is asked too,
// and secrets are refused (used for this run only, never saved or read) unless the person
// allowed it explicitly, with a loud warning either way.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import {
  type ConnectionProfile,
  readProfileFile,
  resolveProfile,
} from '../config/connection-profile.ts'

/** The part of Electron's safeStorage we use, so this is testable without Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only in Electron: `basic_text`, `gnome_libsecret`, `kwallet*`, or `unknown`. */
  getSelectedStorageBackend?(): string
}

/** Set to 1 to allow secrets under Linux's basic_text backend (the setting's twin). */
export const ALLOW_BASIC_TEXT_ENV = 'WATCHFLOOR_ALLOW_BASIC_TEXT_SECRETS'

export type KeychainState =
  | { readonly usable: true; readonly warning: string | null }
  | { readonly usable: false; readonly reason: string }

const BASIC_TEXT_RISK =
  "Linux offers only safeStorage's basic_text backend here (no GNOME Keyring or KWallet answered): " +
  'secrets would be encrypted with a key built into Electron, readable by anyone who can read the file.'

/**
 * Whether safeStorage may hold secrets: a real keychain, or basic_text when `allowBasicText`
 * (ALLOW_BASIC_TEXT_ENV or the shell setting) says the person accepted it.
 */
export function keychainState(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
  allowBasicText: boolean,
): KeychainState {
  if (!safeStorage.isEncryptionAvailable())
    return { usable: false, reason: 'No OS keychain is available.' }
  if (platform !== 'linux') return { usable: true, warning: null }
  const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown'
  if (backend === 'basic_text') {
    return allowBasicText
      ? {
          usable: true,
          warning: `WARNING: ${BASIC_TEXT_RISK} Allowed because ${ALLOW_BASIC_TEXT_ENV}=1 or the setting allowBasicTextSecrets says so.`,
        }
      : {
          usable: false,
          reason:
            `WARNING: ${BASIC_TEXT_RISK} Secrets are not stored. Unlock or install a keyring ` +
            '(or start with --password-store=gnome-libsecret), or accept the risk with ' +
            `${ALLOW_BASIC_TEXT_ENV}=1 or the setting allowBasicTextSecrets.`,
        }
  }
  if (backend === 'unknown')
    return { usable: false, reason: 'The OS keychain backend is not known yet.' }
  return { usable: true, warning: null }
}

export interface AppProfileOptions {
  readonly safeStorage: SafeStorageLike
  readonly platform: NodeJS.Platform
  readonly allowBasicText: boolean
  /** Where the encrypted profile lives (userData/profile.enc). */
  readonly encryptedFile: string
  /** A plain profile file (mode 600) to import once: `WATCHFLOOR_PROFILE`. */
  readonly importFrom?: string | undefined
  readonly log: (line: string) => void
}

/**
 * A sentence about a profile that could not be read, without the file's content: JSON.parse's
 * message quotes the text near the error, which may be a password.
 */
function withoutContent(error: unknown): string {
  if (error instanceof SyntaxError) return 'it is not valid JSON'
  const message = (error as Error).message
  const json = message.indexOf(' is not valid JSON')
  return json >= 0 ? `${message.slice(0, json)} is not valid JSON.` : message
}

/** Writes the profile encrypted (mode 600, through a temporary file and a rename). */
export function saveAppProfile(
  safeStorage: SafeStorageLike,
  encryptedFile: string,
  profile: ConnectionProfile,
): void {
  const tmp = `${encryptedFile}.tmp`
  writeFileSync(tmp, safeStorage.encryptString(JSON.stringify(profile)), { mode: 0o600 })
  renameSync(tmp, encryptedFile)
}

/**
 * The app's connection profile: imported once from a plain file and saved encrypted, or read
 * from the encrypted file. Where the keychain cannot be used (none, or basic_text not allowed)
 * an imported profile serves this run only and nothing is saved or decrypted; it says so.
 */
export function loadAppProfile(options: AppProfileOptions): ConnectionProfile | undefined {
  const { safeStorage, encryptedFile, importFrom, log } = options
  const keychain = keychainState(safeStorage, options.platform, options.allowBasicText)
  if (keychain.usable && keychain.warning !== null) log(keychain.warning)
  if (importFrom) {
    let profile: ConnectionProfile | undefined
    let problem = ''
    try {
      profile = resolveProfile(readProfileFile(importFrom))
    } catch (error) {
      // Not the error itself (nor as a cause): its message may quote the file.
      problem = withoutContent(error)
    }
    if (profile === undefined) throw new Error(problem)
    if (!keychain.usable) {
      log(`${keychain.reason} The connection profile is used for this run only and not saved.`)
      return profile
    }
    saveAppProfile(safeStorage, encryptedFile, profile)
    log(`Connection profile imported from ${importFrom} and saved encrypted.`)
    return profile
  }
  if (!existsSync(encryptedFile)) return undefined
  if (!keychain.usable) {
    log(`${keychain.reason} The saved connection profile is not read; showing the cache only.`)
    return undefined
  }
  try {
    return resolveProfile(
      JSON.parse(safeStorage.decryptString(readFileSync(encryptedFile))) as object,
    )
  } catch (error) {
    log(
      `The saved connection profile could not be read (${withoutContent(error)}); import it again.`,
    )
    return undefined
  }
}
