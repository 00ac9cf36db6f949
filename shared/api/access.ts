// Tokens, the audit log and the connections as the settings screen sees them (issue 15). A
// token's secret crosses the api once, in the answer to tokens.create; a connection's password
// never does: connections.status says only whether one is set.
import { z } from 'zod'
import { roleSchema, type Role } from './role-names.ts'

/** A token's name: what the audit log and the settings screen call the screen that holds it. */
export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'give the token a name (the screen it is for)')
  .max(64, 'a token name is at most 64 characters')
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._@-]*$/u,
    'a token name is letters, digits, spaces and . _ @ - (starting with a letter or digit)',
  )

export const createTokenInputSchema = z.object({ name: tokenNameSchema, role: roleSchema }).strict()

/** A token by its id or its name (the CLI's `token revoke <id|name>`). */
export const tokenRefSchema = z.union([
  z.object({ id: z.int().positive() }).strict(),
  z.object({ name: tokenNameSchema }).strict(),
])

/** Stored tokens at once; a screen's token is compared with each, in constant time. */
export const MAX_ACTIVE_TOKENS = 200

export interface TokenInfo {
  readonly id: number
  readonly name: string
  readonly role: Role
  /** ISO times. */
  readonly createdAt: string
  readonly lastUsedAt: string | null
  readonly revokedAt: string | null
}

/** The answer to tokens.create: the only time the secret is shown. */
export interface CreatedToken {
  readonly token: TokenInfo
  /** Give it to the screen once (`?token=…`); only its salted hash is kept. */
  readonly secret: string
}

export const AUDIT_OUTCOMES = ['ok', 'forbidden', 'error'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]

export interface AuditEntry {
  readonly id: number
  readonly at: string
  readonly role: Role
  /** 'desktop', 'loopback', 'cli' or a token's name. */
  readonly actor: string
  readonly method: string
  /** The call's arguments as JSON, secrets replaced and long values cut. */
  readonly summary: string
  readonly outcome: AuditOutcome
  /** The refusal or error sentence. */
  readonly message: string | null
}

export const auditListInputSchema = z
  .object({
    limit: z.int().min(1).max(500).default(100),
    /** The `next` cursor of the previous page (entries older than it). */
    before: z.int().positive().optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
  })
  .strict()

export interface AuditPage {
  readonly entries: readonly AuditEntry[]
  /** Pass as `before` for the next (older) page; null at the end. */
  readonly next: number | null
}

/** How a secret is shown: whether one is set, never what it is. */
export const MASKED_SECRET = '••••'

export interface ConnectionEndpoint {
  readonly host: string
  readonly port: number | null
  readonly database: string | null
  readonly user: string | null
  /** MASKED_SECRET when one is set, null when none. */
  readonly password: string | null
}

export const CONNECTION_KINDS = ['postgres', 'redis', 'socketio'] as const
export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

export interface ConnectionInfo {
  readonly kind: ConnectionKind
  /** Each node of a Redis Cluster; one endpoint otherwise. */
  readonly endpoints: readonly ConnectionEndpoint[]
  /** Postgres schema, TLS and feed; the Socket.IO token as MASKED_SECRET. */
  readonly details: Readonly<Record<string, string>>
}

export interface ConnectionsStatus {
  /** False in demo mode and for a cache-only core: there is nothing to connect to. */
  readonly configured: boolean
  readonly connections: readonly ConnectionInfo[]
  readonly tenant: string | null
}

export interface ConnectionTestResult {
  readonly kind: ConnectionKind
  readonly ok: boolean
  /** "Connected to … in 12 ms", or the sync's sentence for the failure. */
  readonly message: string
  readonly ms: number
}

export interface ConnectionsTest {
  readonly results: readonly ConnectionTestResult[]
}

/** Who the page is, so it shows what its role may do (the core refuses the rest anyway). */
export interface WhoAmI {
  readonly role: Role
  readonly actor: string
}
