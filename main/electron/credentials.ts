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
}

/**
 * The app keeps its connection profile (it holds passwords) only encrypted
 * with the OS keychain through safeStorage, in `encryptedFile`. A plain
 * profile file given once (`WATCHFLOOR_PROFILE`, mode 600) is imported and
 * encrypted; the profile never reaches the renderer.
 */
export function loadAppProfile(
  safeStorage: SafeStorageLike,
  encryptedFile: string,
  importFrom: string | undefined,
  log: (line: string) => void,
): ConnectionProfile | undefined {
  if (importFrom) {
    const profile = resolveProfile(readProfileFile(importFrom))
    if (!safeStorage.isEncryptionAvailable()) {
      log(
        'No OS keychain is available: the connection profile is used for this run only and not saved.',
      )
      return profile
    }
    const tmp = `${encryptedFile}.tmp`
    writeFileSync(tmp, safeStorage.encryptString(JSON.stringify(profile)), { mode: 0o600 })
    renameSync(tmp, encryptedFile)
    log(`Connection profile imported from ${importFrom} and saved encrypted.`)
    return profile
  }
  if (!existsSync(encryptedFile)) return undefined
  if (!safeStorage.isEncryptionAvailable()) {
    log(
      'The saved connection profile cannot be decrypted: no OS keychain is available. Showing the cache only.',
    )
    return undefined
  }
  try {
    return resolveProfile(
      JSON.parse(safeStorage.decryptString(readFileSync(encryptedFile))) as object,
    )
  } catch (error) {
    log(
      `The saved connection profile could not be read (${(error as Error).message}); import it again.`,
    )
    return undefined
  }
}
