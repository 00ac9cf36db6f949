// Credentials in the Electron shell, through a structural stand-in for safeStorage (a
// reversible byte transform standing in for the OS keychain, with the backend Linux reports).
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ALLOW_BASIC_TEXT_ENV,
  keychainState,
  loadAppProfile,
  type AppProfileOptions,
  type SafeStorageLike,
} from '../../main/electron/credentials.ts'
import { tempDir } from '../support/temp.ts'

const keychain = (available = true, backend = 'gnome_libsecret'): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (bytes) => Buffer.from(bytes.map((b) => b ^ 0x5a)).toString('utf8'),
})

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

const SECRET = 's3cret-Pa55'

function plainProfile(
  profile: object = {
    postgres: { url: `postgres://ops:${SECRET}@db/ops` },
    tenant: 'acme',
  },
): string {
  const plain = join(dir, 'profile.json')
  writeFileSync(plain, JSON.stringify(profile))
  chmodSync(plain, 0o600)
  return plain
}

function options(overrides: Partial<AppProfileOptions> = {}): AppProfileOptions & {
  lines: string[]
} {
  const lines: string[] = []
  return {
    safeStorage: keychain(),
    platform: 'linux',
    allowBasicText: false,
    encryptedFile: join(dir, 'profile.enc'),
    log: (l) => lines.push(l),
    lines,
    ...overrides,
  }
}

describe('the app connection profile', () => {
  it('imports a plain profile once, stores it only encrypted, and reads it back', () => {
    const first = options({ importFrom: plainProfile() })
    const imported = loadAppProfile(first)
    expect(imported?.postgres?.url).toBe(`postgres://ops:${SECRET}@db/ops`)
    expect(readFileSync(first.encryptedFile).toString('utf8')).not.toContain(SECRET)
    expect(readFileSync(first.encryptedFile).toString('latin1')).not.toContain(SECRET)
    expect(statSync(first.encryptedFile).mode & 0o077).toBe(0)
    const again = options()
    expect(loadAppProfile(again)).toEqual(imported)
    expect([...first.lines, ...again.lines].join('\n')).not.toContain(SECRET)
  })

  it('without a keychain, uses an imported profile for this run only and never writes it', () => {
    const run = options({
      safeStorage: keychain(false),
      importFrom: plainProfile({ redis: { url: `redis://:${SECRET}@cache:6379` }, tenant: 'acme' }),
    })
    expect(loadAppProfile(run)?.tenant).toBe('acme')
    expect(() => statSync(run.encryptedFile)).toThrow()
    expect(run.lines.join('\n')).toMatch(/this run only/)
    expect(run.lines.join('\n')).not.toContain(SECRET)
  })

  it('says so when a saved profile cannot be read, instead of failing the app', () => {
    const run = options()
    writeFileSync(run.encryptedFile, 'garbage')
    expect(loadAppProfile(run)).toBeUndefined()
    expect(run.lines[0]).toMatch(/could not be read .* import it again/)
  })

  it('never quotes a damaged profile in its sentences (JSON errors quote the text)', () => {
    const run = options()
    // Decrypts to text holding the password that is not JSON.
    writeFileSync(run.encryptedFile, keychain().encryptString(`{"postgres": ${SECRET}`))
    expect(loadAppProfile(run)).toBeUndefined()
    expect(run.lines.join('\n')).not.toContain(SECRET)

    const plain = join(dir, 'broken.json')
    writeFileSync(plain, `{"postgres": {"url": "postgres://ops:${SECRET}@db"`)
    chmodSync(plain, 0o600)
    const importing = options({ importFrom: plain })
    expect(() => loadAppProfile(importing)).toThrow(/is not valid JSON\.$/)
    try {
      loadAppProfile(importing)
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET)
    }
  })
})

describe("Linux's basic_text backend", () => {
  it('is refused by default: nothing saved, nothing decrypted, said loudly', () => {
    const run = options({
      safeStorage: keychain(true, 'basic_text'),
      importFrom: plainProfile(),
    })
    expect(loadAppProfile(run)?.tenant).toBe('acme')
    expect(() => statSync(run.encryptedFile)).toThrow()
    expect(run.lines.join('\n')).toMatch(/^WARNING: .*basic_text.*not stored/)
    expect(run.lines.join('\n')).toContain(ALLOW_BASIC_TEXT_ENV)

    // A profile saved earlier (when allowed, or under a keyring) is not read under basic_text.
    writeFileSync(run.encryptedFile, keychain().encryptString(JSON.stringify({ tenant: 'x' })))
    const later = options({ safeStorage: keychain(true, 'basic_text') })
    expect(loadAppProfile(later)).toBeUndefined()
    expect(later.lines.join('\n')).toMatch(/WARNING: .*not read/)
  })

  it('is used when explicitly allowed, with a warning at every start', () => {
    const run = options({
      safeStorage: keychain(true, 'basic_text'),
      allowBasicText: true,
      importFrom: plainProfile(),
    })
    expect(loadAppProfile(run)?.tenant).toBe('acme')
    expect(readFileSync(run.encryptedFile).toString('utf8')).not.toContain(SECRET)
    expect(run.lines[0]).toMatch(/^WARNING: .*basic_text.*Allowed because/)
    const later = options({ safeStorage: keychain(true, 'basic_text'), allowBasicText: true })
    expect(loadAppProfile(later)?.tenant).toBe('acme')
    expect(later.lines[0]).toMatch(/^WARNING/)
  })

  it('matters on Linux only; an unknown backend is not trusted there', () => {
    expect(keychainState(keychain(true, 'basic_text'), 'darwin', false)).toEqual({
      usable: true,
      warning: null,
    })
    expect(keychainState(keychain(true, 'basic_text'), 'win32', false).usable).toBe(true)
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])
      expect(keychainState(keychain(true, backend), 'linux', false)).toEqual({
        usable: true,
        warning: null,
      })
    expect(keychainState(keychain(true, 'unknown'), 'linux', true).usable).toBe(false)
    const noBackendMethod: SafeStorageLike = { ...keychain(), getSelectedStorageBackend: undefined }
    expect(keychainState(noBackendMethod, 'linux', false).usable).toBe(false)
    expect(keychainState(keychain(false), 'darwin', true).usable).toBe(false)
  })
})
