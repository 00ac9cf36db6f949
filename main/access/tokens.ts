// The token table (migration 014): created with a role and a name, listed, revoked, and
// matched against what a screen presents. Used by the api's tokens.* handlers in the core, by
// `watchfloor token …` on the cache file, and by the browser host (token-verifier.ts).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import {
  ApiError,
  MAX_ACTIVE_TOKENS,
  type CreatedToken,
  type Role,
  type TokenInfo,
} from '../../shared/api/index.ts'
import { createToken } from './token-identity.ts'

type Db = Database.Database

interface TokenRow {
  id: number
  name: string
  role: Role
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

/** What the host keeps of a token in use to match a presented secret against. */
export interface ActiveToken {
  readonly id: number
  readonly name: string
  readonly role: Role
  readonly salt: string
  readonly hash: string
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

const info = (row: TokenRow): TokenInfo => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
})

/** SHA-256 of the salt and the secret, hex: what the table keeps. */
export const tokenHash = (salt: string, secret: string): string =>
  createHash('sha256').update(salt).update('\0').update(secret).digest('hex')

/** Makes a token: the secret is answered here once and never stored. */
export function createStoredToken(db: Db, name: string, role: Role, now: number): CreatedToken {
  const secret = createToken()
  const salt = randomBytes(16).toString('hex')
  const id = db.transaction(() => {
    const { n } = db.prepare('SELECT count(*) AS n FROM tokens WHERE revoked_at IS NULL').get() as {
      n: number
    }
    if (n >= MAX_ACTIVE_TOKENS)
      throw new ApiError({
        code: 'conflict',
        message: `There are already ${MAX_ACTIVE_TOKENS} tokens in use; revoke one first.`,
      })
    const taken = db
      .prepare('SELECT 1 FROM tokens WHERE revoked_at IS NULL AND name = ? COLLATE NOCASE')
      .get(name)
    if (taken)
      throw new ApiError({
        code: 'conflict',
        message: `A token named “${name}” is already in use; pick another name or revoke that one first.`,
      })
    return Number(
      db
        .prepare('INSERT INTO tokens (name, role, salt, hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(name, role, salt, tokenHash(salt, secret), now).lastInsertRowid,
    )
  })()
  const row = db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow
  return { token: info(row), secret }
}

/** Every token, in use first, then by name; revoked ones kept for the audit log's sake. */
export function listTokens(db: Db): TokenInfo[] {
  return (
    db
      .prepare(
        'SELECT id, name, role, created_at, last_used_at, revoked_at FROM tokens ORDER BY revoked_at IS NOT NULL, name COLLATE NOCASE, id',
      )
      .all() as TokenRow[]
  ).map(info)
}

/** Revokes the token in use with this id or name; a sentence when there is none. */
export function revokeStoredToken(
  db: Db,
  ref: { readonly id: number } | { readonly name: string },
  now: number,
): TokenInfo {
  const row = (
    'id' in ref
      ? db.prepare('SELECT * FROM tokens WHERE id = ?').get(ref.id)
      : db
          .prepare(
            'SELECT * FROM tokens WHERE name = ? COLLATE NOCASE ORDER BY revoked_at IS NOT NULL, id DESC LIMIT 1',
          )
          .get(ref.name)
  ) as TokenRow | undefined
  const what = 'id' in ref ? `with id ${ref.id}` : `named “${ref.name}”`
  if (!row) throw new ApiError({ code: 'bad_request', message: `There is no token ${what}.` })
  if (row.revoked_at !== null)
    throw new ApiError({
      code: 'conflict',
      message: `The token ${what} was already revoked on ${new Date(row.revoked_at).toISOString()}.`,
    })
  db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(now, row.id)
  return info({ ...row, revoked_at: now })
}

/** The tokens in use, with what a presented secret is matched against. */
export const activeTokens = (db: Db): ActiveToken[] =>
  db
    .prepare('SELECT id, name, role, salt, hash FROM tokens WHERE revoked_at IS NULL')
    .all() as ActiveToken[]

/**
 * The token a presented secret is, or null. Every token in use is hashed and compared in
 * constant time, and the loop does not stop at a match, so the answer's timing says nothing
 * about which token (or how much of one) was right.
 */
export function matchToken(tokens: readonly ActiveToken[], given: string): ActiveToken | null {
  let found: ActiveToken | null = null
  for (const token of tokens) {
    const a = Buffer.from(tokenHash(token.salt, given), 'hex')
    const b = Buffer.from(token.hash, 'hex')
    if (a.length === b.length && timingSafeEqual(a, b)) found = token
  }
  return found
}

/** Prepared once per connection: the core asks on every call made with a stored token. */
const roleStatements = new WeakMap<Db, Database.Statement<[number], { role: Role }>>()

/** The role of token `id` while it is in use; null once revoked (or never stored). */
export function tokenRoleInUse(db: Db, id: number): Role | null {
  let statement = roleStatements.get(db)
  if (statement === undefined) {
    statement = db.prepare<[number], { role: Role }>(
      'SELECT role FROM tokens WHERE id = ? AND revoked_at IS NULL',
    )
    roleStatements.set(db, statement)
  }
  return statement.get(id)?.role ?? null
}

/** How often a token's last use is written at most: one write a minute, not one per call. */
export const LAST_USED_RESOLUTION_MS = 60_000

/** Notes that token `id` was used at `now` (at most once per LAST_USED_RESOLUTION_MS). */
export function touchToken(db: Db, id: number, now: number): void {
  db.prepare(
    'UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  ).run(now, id, now - LAST_USED_RESOLUTION_MS)
}
