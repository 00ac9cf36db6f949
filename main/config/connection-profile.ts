import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'

/**
 * Where Watchfloor syncs from. Secrets (passwords inside URLs, the Socket.IO
 * token) live only here, in the core: they are never logged and never sent to
 * a page — `redactProfile` is what may be shown.
 */
export const connectionProfileSchema = z
  .object({
    postgres: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
        schema: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
          .default('public'),
        tls: z
          .object({
            rejectUnauthorized: z.boolean().default(true),
            caFile: z.string().optional(),
          })
          .strict()
          .optional(),
        /** `changelog` needs `watchfloor upstream install`; `poll` is the approximate fallback. */
        feed: z.enum(['changelog', 'poll']).default('changelog'),
      })
      .strict()
      .optional(),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .optional(),
        cluster: z
          .array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port'))
          .min(1)
          .optional(),
      })
      .strict()
      .refine((r) => (r.url === undefined) !== (r.cluster === undefined), {
        message: 'give either url or cluster',
      })
      .optional(),
    socketio: z
      .object({ url: z.string().regex(/^https?:\/\//), token: z.string().optional() })
      .strict()
      .optional(),
    tenant: z.string().min(1).max(64).optional(),
    /** Row filters by column, e.g. { "region": ["north"] }: only these rows are synced. */
    rowFilters: z.record(z.string(), z.array(z.string()).min(1)).default({}),
    syncIntervalMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  })
  .strict()

export type ConnectionProfile = z.output<typeof connectionProfileSchema>
export type ConnectionProfileInput = z.input<typeof connectionProfileSchema>

export class ProfileError extends Error {
  override readonly name = 'ProfileError'
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`).join('; ')
}

/**
 * Reads a profile file. It may hold passwords, so it must be readable by its
 * owner only (mode 600), like an SSH key; anything looser is refused.
 */
export function readProfileFile(path: string): ConnectionProfileInput {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (error) {
    throw new ProfileError(
      `Cannot read the connection profile ${path}: ${(error as Error).message}`,
    )
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ProfileError(
      `The connection profile ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); ` +
        `it may hold passwords. Run: chmod 600 ${path}`,
    )
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConnectionProfileInput
  } catch (error) {
    throw new ProfileError(
      `The connection profile ${path} is not valid JSON: ${(error as Error).message}`,
    )
  }
}

/** Profile from the environment: WATCHFLOOR_PG_URL, _PG_SCHEMA, _REDIS_URL, _IO_URL, _IO_TOKEN, _TENANT. */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionProfileInput {
  return {
    ...(env.WATCHFLOOR_PG_URL
      ? {
          postgres: {
            url: env.WATCHFLOOR_PG_URL,
            ...(env.WATCHFLOOR_PG_SCHEMA ? { schema: env.WATCHFLOOR_PG_SCHEMA } : {}),
          },
        }
      : {}),
    ...(env.WATCHFLOOR_REDIS_URL ? { redis: { url: env.WATCHFLOOR_REDIS_URL } } : {}),
    ...(env.WATCHFLOOR_IO_URL
      ? {
          socketio: {
            url: env.WATCHFLOOR_IO_URL,
            ...(env.WATCHFLOOR_IO_TOKEN ? { token: env.WATCHFLOOR_IO_TOKEN } : {}),
          },
        }
      : {}),
    ...(env.WATCHFLOOR_TENANT ? { tenant: env.WATCHFLOOR_TENANT } : {}),
  }
}

/** Later layers win: file, then environment, then command-line flags. */
export function resolveProfile(...layers: ConnectionProfileInput[]): ConnectionProfile {
  const merged: Record<string, unknown> = {}
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue
      const previous = merged[key]
      merged[key] =
        typeof value === 'object' &&
        !Array.isArray(value) &&
        typeof previous === 'object' &&
        previous !== null
          ? { ...previous, ...value }
          : value
    }
  }
  const parsed = connectionProfileSchema.safeParse(merged)
  if (!parsed.success)
    throw new ProfileError(`Invalid connection profile: ${issuesText(parsed.error)}`)
  return parsed.data
}

/** A URL fit for a log line or a page: the password (in the userinfo or `?password=`) replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    if (u.searchParams.has('password')) u.searchParams.set('password', '***')
    return u.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/** The profile as it may be shown: no passwords, no token. */
export function redactProfile(profile: ConnectionProfile): Record<string, unknown> {
  return {
    ...(profile.postgres
      ? { postgres: { ...profile.postgres, url: redactUrl(profile.postgres.url) } }
      : {}),
    ...(profile.redis
      ? {
          redis: profile.redis.url
            ? { url: redactUrl(profile.redis.url) }
            : { cluster: profile.redis.cluster },
        }
      : {}),
    ...(profile.socketio
      ? {
          socketio: {
            url: redactUrl(profile.socketio.url),
            token: profile.socketio.token ? '***' : undefined,
          },
        }
      : {}),
    tenant: profile.tenant,
    rowFilters: profile.rowFilters,
    syncIntervalMs: profile.syncIntervalMs,
  }
}
