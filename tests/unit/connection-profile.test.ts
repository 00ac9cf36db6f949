import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  profileFromEnv,
  readProfileFile,
  redactProfile,
  resolveProfile,
} from '../../main/config/connection-profile.ts'
import { tempDir } from '../support/temp.ts'

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

describe('connection profiles', () => {
  it('layers file, environment and flags, later winning, with defaults', () => {
    const profile = resolveProfile(
      { postgres: { url: 'postgres://ops:s3cret@db:5432/ops', schema: 'ops' }, tenant: 'acme' },
      profileFromEnv({
        WATCHFLOOR_REDIS_URL: 'redis://:hunter2@cache:6379',
        WATCHFLOOR_TENANT: 'north',
      }),
      { syncIntervalMs: 5000 },
    )
    expect(profile).toMatchObject({
      postgres: { url: 'postgres://ops:s3cret@db:5432/ops', schema: 'ops', feed: 'changelog' },
      redis: { url: 'redis://:hunter2@cache:6379' },
      tenant: 'north',
      syncIntervalMs: 5000,
      rowFilters: {},
    })
  })

  it('never shows a password or token', () => {
    const profile = resolveProfile({
      postgres: { url: 'postgres://ops:s3cret@db:5432/ops' },
      redis: { url: 'redis://:hunter2@cache:6379' },
      socketio: { url: 'https://ops.example', token: 'tok-123' },
    })
    const shown = JSON.stringify(redactProfile(profile))
    expect(shown).not.toMatch(/s3cret|hunter2|tok-123/)
    expect(shown).toContain('postgres://ops:***@db:5432/ops')
  })

  it('names what is wrong in a bad profile', () => {
    expect(() => resolveProfile({ postgres: { url: 'mysql://x' } })).toThrow(
      /postgres\.url: must start with postgres:\/\//,
    )
    expect(() => resolveProfile({ postgres: { url: 'postgres://x', schema: 'a;drop' } })).toThrow(
      /postgres\.schema/,
    )
    expect(() => resolveProfile({ syncIntervalMs: 5 })).toThrow(/syncIntervalMs/)
  })

  it('refuses a profile file other users can read, and reads one that only its owner can', () => {
    const file = join(dir, 'profile.json')
    writeFileSync(file, JSON.stringify({ postgres: { url: 'postgres://ops:pw@db/ops' } }))
    chmodSync(file, 0o644)
    expect(() => readProfileFile(file)).toThrow(/can be read by other users .* chmod 600/)
    chmodSync(file, 0o600)
    expect(readProfileFile(file)).toEqual({ postgres: { url: 'postgres://ops:pw@db/ops' } })
  })
})
