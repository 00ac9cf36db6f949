// The token table as the browser host reads it (issue 15). The host runs beside the core, not
// in it, and must recognise a screen's token at its page load and socket upgrade without a
// round trip through the core's one queue; so it keeps the tokens in use (their salted
// hashes, never a secret) from a read-only connection of its own to the cache file, and reads
// them again whenever the file changed (SQLite's data_version: a write by any connection,
// the core's tokens.revoke or `watchfloor token revoke` in another process). Listeners hear
// of every change, so the host closes a revoked token's sockets within a poll; its calls are
// refused at once anyway, by the core, which checks the table on every call.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { TokenIdentity, TokenLookup } from './token-identity.ts'
import { activeTokens, matchToken, type ActiveToken } from './tokens.ts'

export interface TokenVerifier extends TokenLookup {
  /** Whether stored token `id` is still in use (as of the last read). */
  isActive(id: number): boolean
  /** How many stored tokens are in use. */
  readonly count: number
  /** Reads the table again now if the file changed since the last read. */
  refresh(): void
  /** Called after every read that found the tokens in use changed. */
  onChange(listener: () => void): () => void
  close(): void
}

export interface TokenVerifierOptions {
  /** How often to look for a change (default 1 s). */
  readonly pollMs?: number
  readonly nativeBinding?: string
}

/** Opens the cache file read-only; the core has created and migrated it before. */
export function openTokenVerifier(
  dbPath: string,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const db = new Database(dbPath, {
    readonly: true,
    fileMustExist: true,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  })
  db.pragma('busy_timeout = 2000')
  let tokens: ActiveToken[] = []
  let ids = new Set<number>()
  let version = -1
  const listeners = new Set<() => void>()
  const read = () => {
    const next = db.pragma('data_version', { simple: true }) as number
    if (next === version) return
    version = next
    const list = activeTokens(db)
    const nextIds = new Set(list.map((t) => t.id))
    const changed =
      nextIds.size !== ids.size ||
      [...nextIds].some((id) => !ids.has(id)) ||
      list.some((t, i) => tokens[i]?.hash !== t.hash)
    tokens = list
    ids = nextIds
    if (changed) for (const listener of listeners) listener()
  }
  read()
  const timer = setInterval(() => {
    try {
      read()
    } catch {
      // A busy or moved file: the next poll tries again; the core still checks every call.
    }
  }, options.pollMs ?? 1_000)
  timer.unref()
  return {
    match(given: string): TokenIdentity | null {
      const found = matchToken(tokens, given)
      return found ? { id: found.id, name: found.name, role: found.role } : null
    },
    isActive: (id) => ids.has(id),
    get count() {
      return tokens.length
    },
    refresh: read,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      clearInterval(timer)
      listeners.clear()
      db.close()
    },
  }
}

/** Stored tokens in use in a cache file; 0 when there is no file (or no token table yet). */
export function countActiveTokens(dbPath: string): number {
  if (!existsSync(dbPath)) return 0
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true })
    try {
      return (
        db.prepare('SELECT count(*) AS n FROM tokens WHERE revoked_at IS NULL').get() as {
          n: number
        }
      ).n
    } finally {
      db.close()
    }
  } catch {
    return 0
  }
}
