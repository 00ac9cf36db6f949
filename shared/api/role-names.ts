// The roles themselves (issue 15), apart from who may call what (roles.ts), so the api's own
// schemas (access.ts) can name them without importing the contract they are part of.
import { z } from 'zod'

/** Least to most: a role may do everything the roles before it may. */
export const ROLES = ['viewer', 'analyst', 'admin'] as const
export type Role = (typeof ROLES)[number]
export const roleSchema = z.enum(ROLES)

/** Whether a caller with role `have` may call a method that needs `need`. */
export const roleAllows = (have: Role, need: Role): boolean =>
  ROLES.indexOf(have) >= ROLES.indexOf(need)
