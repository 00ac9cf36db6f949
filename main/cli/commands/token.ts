// `watchfloor token create|list|revoke` (issue 15): the tokens screens over the network open the
// browser host with, kept in the cache's token table (main/access/tokens.ts) as salted hashes.
// Run on the machine itself, so with the admin's right, as the app's own window has; each
// change is written to the audit log as the CLI's. A running host hears of a change within a
// second (it watches the file); a revoked token's calls are refused by its core at once.
import { existsSync } from 'node:fs'
import {
  ApiError,
  createTokenInputSchema,
  tokenRefSchema,
  type Caller,
  type TokenInfo,
} from '../../../shared/api/index.ts'
import { recordAudit } from '../../access/audit.ts'
import { createStoredToken, listTokens, revokeStoredToken } from '../../access/tokens.ts'
import { openStore, type Store } from '../../store/index.ts'
import { defaultDbPath } from '../paths.ts'

/** Who the audit log says made a change from the CLI. */
const CLI_CALLER: Caller = { role: 'admin', actor: 'cli' }

export interface TokenCreateOptions {
  readonly db?: string
  readonly name?: string
  readonly role?: string
  readonly json?: boolean
}

export interface TokenListOptions {
  readonly db?: string
  readonly json?: boolean
}

/** Opens the cache; a mistyped --db must not become a new, empty cache. */
function withCache<T>(dbPath: string | undefined, act: (db: Store) => T): T {
  const path = dbPath ?? defaultDbPath()
  if (!existsSync(path))
    throw new Error(`there is no cache at ${path}; check --db (or start Watchfloor once)`)
  const db = openStore(path)
  try {
    return act(db)
  } finally {
    db.close()
  }
}

/** A refusal as the api words it, for a terminal. */
function sentence(error: unknown): never {
  if (error instanceof ApiError) throw new Error(error.message)
  throw error
}

/** Runs `act` and writes the change (or its failure) to the audit log. */
function audited<T>(db: Store, method: string, input: unknown, act: () => T): T {
  try {
    const value = act()
    recordAudit(db, { at: Date.now(), caller: CLI_CALLER, method, input, outcome: 'ok' })
    return value
  } catch (error) {
    recordAudit(db, {
      at: Date.now(),
      caller: CLI_CALLER,
      method,
      input,
      outcome: 'error',
      message: (error as Error).message,
    })
    return sentence(error)
  }
}

export function tokenCreate(options: TokenCreateOptions): void {
  const parsed = createTokenInputSchema.safeParse({
    name: options.name,
    role: options.role ?? 'viewer',
  })
  if (!parsed.success)
    throw new Error(
      parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '),
    )
  const { name, role } = parsed.data
  const created = withCache(options.db, (db) =>
    audited(db, 'tokens.create', { name, role }, () =>
      createStoredToken(db, name, role, Date.now()),
    ),
  )
  if (options.json) {
    process.stdout.write(`${JSON.stringify(created)}\n`)
    return
  }
  // The secret alone on stdout, for a script; the rest is for the person.
  process.stdout.write(`${created.secret}\n`)
  process.stderr.write(
    `Token ${created.token.id} “${created.token.name}” (${created.token.role}) created. ` +
      'This is the only time its secret is shown: open the screen once at http://<host>:<port>/?token=<secret>.\n',
  )
}

const when = (iso: string | null) => (iso === null ? '-' : iso.replace('T', ' ').slice(0, 19))

export function tokenList(options: TokenListOptions): void {
  const tokens = withCache(options.db, (db) => listTokens(db))
  if (options.json) {
    process.stdout.write(`${JSON.stringify(tokens)}\n`)
    return
  }
  if (tokens.length === 0) {
    process.stdout.write(
      'No tokens. Make one with: watchfloor token create --role viewer --name <screen>\n',
    )
    return
  }
  const rows: string[][] = [
    ['id', 'name', 'role', 'created', 'last used', 'revoked'],
    ...tokens.map((t: TokenInfo) => [
      String(t.id),
      t.name,
      t.role,
      when(t.createdAt),
      when(t.lastUsedAt),
      when(t.revokedAt),
    ]),
  ]
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  for (const row of rows)
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    )
}

export function tokenRevoke(ref: string, options: { readonly db?: string }): void {
  const input = /^\d+$/.test(ref) ? { id: Number(ref) } : { name: ref }
  const parsed = tokenRefSchema.safeParse(input)
  if (!parsed.success)
    throw new Error(`“${ref}” is neither a token id nor a token name (see watchfloor token list)`)
  const revoked = withCache(options.db, (db) =>
    audited(db, 'tokens.revoke', parsed.data, () => revokeStoredToken(db, parsed.data, Date.now())),
  )
  process.stdout.write(
    `Revoked token ${revoked.id} “${revoked.name}” (${revoked.role}); screens holding it are refused from now on.\n`,
  )
}
