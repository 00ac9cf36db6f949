// Credentials in the Electron shell, through a structural stand-in for
// safeStorage (a reversible byte transform standing in for the OS keychain).
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadAppProfile, type SafeStorageLike } from '../../main/electron/credentials.ts'
import { tempDir } from '../support/temp.ts'

const keychain = (available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (bytes) => Buffer.from(bytes.map((b) => b ^ 0x5a)).toString('utf8'),
})

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

describe('the app connection profile', () => {
  it('imports a plain profile once, stores it only encrypted, and reads it back', () => {
    const plain = join(dir, 'profile.json')
    writeFileSync(
      plain,
      JSON.stringify({ postgres: { url: 'postgres://ops:s3cret@db/ops' }, tenant: 'acme' }),
    )
    chmodSync(plain, 0o600)
    const saved = join(dir, 'profile.enc')
    const lines: string[] = []
    const imported = loadAppProfile(keychain(), saved, plain, (l) => lines.push(l))
    expect(imported?.postgres?.url).toBe('postgres://ops:s3cret@db/ops')
    expect(readFileSync(saved).toString('utf8')).not.toContain('s3cret')
    expect(statSync(saved).mode & 0o077).toBe(0)
    expect(loadAppProfile(keychain(), saved, undefined, () => {})).toEqual(imported)
    expect(lines.join('\n')).not.toContain('s3cret')
  })

  it('without a keychain, uses an imported profile for this run only and never writes it', () => {
    const plain = join(dir, 'profile.json')
    writeFileSync(
      plain,
      JSON.stringify({ redis: { url: 'redis://:pw@cache:6379' }, tenant: 'acme' }),
    )
    chmodSync(plain, 0o600)
    const saved = join(dir, 'profile.enc')
    expect(loadAppProfile(keychain(false), saved, plain, () => {})?.tenant).toBe('acme')
    expect(() => statSync(saved)).toThrow()
  })

  it('says so when a saved profile cannot be read, instead of failing the app', () => {
    const saved = join(dir, 'profile.enc')
    writeFileSync(saved, 'garbage')
    const lines: string[] = []
    expect(loadAppProfile(keychain(), saved, undefined, (l) => lines.push(l))).toBeUndefined()
    expect(lines[0]).toMatch(/could not be read .* import it again/)
  })
})
