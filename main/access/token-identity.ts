// What a token is to the host and the token table (issue 15): a new secret, and the identity a
// presented token resolves to. Here, below both, so neither imports the other for it.
import { randomBytes } from 'node:crypto'
import type { Role } from '../../shared/api/index.ts'

/** A new token: 256 random bits, base64url (`watchfloor token create`). */
export const createToken = (): string => randomBytes(32).toString('base64url')

/** A token a screen presented, once recognised. */
export interface TokenIdentity {
  /** The token table's row; absent for the `serve --token` one. */
  readonly id?: number
  readonly name: string
  readonly role: Role
}

/** The token table as the host reads it (main/access/token-verifier.ts). */
export interface TokenLookup {
  /** The token in use that `given` is, compared in constant time; null when none. */
  match(given: string): TokenIdentity | null
}
