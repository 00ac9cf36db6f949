import { spawnCore } from '../../core/spawn-core.ts'
import { errorCode } from '../../store/error-code.ts'
import { defaultExportsDir } from '../../export/downloads.ts'
import {
  type ConnectionProfile,
  type ConnectionProfileInput,
  profileFromEnv,
  readProfileFile,
  redactProfile,
  resolveProfile,
} from '../../config/connection-profile.ts'
import { countActiveTokens, openTokenVerifier } from '../../access/token-verifier.ts'
import { isLoopback } from '../../host/access.ts'
import { bindProblem, startHost } from '../../host/server.ts'
import { defaultDbPath, ensureParentDir, packageVersion, rendererDir } from '../paths.ts'
import { progressReporter } from '../progress.ts'

export interface ServeOptions {
  port: number
  host: string
  db?: string
  token?: string
  allowOrigin?: string[]
  demo: boolean
  demoLeads: number
  seed: number
  profile?: string
  pg?: string
  pgSchema?: string
  redis?: string
  io?: string
  tenant?: string
  interval?: number
}

/** The upstream to sync from: profile file, then environment, then flags. */
export function upstreamFrom(options: ServeOptions): ConnectionProfile | undefined {
  const flags: ConnectionProfileInput = {
    ...(options.pg
      ? { postgres: { url: options.pg, ...(options.pgSchema ? { schema: options.pgSchema } : {}) } }
      : {}),
    ...(options.redis ? { redis: { url: options.redis } } : {}),
    ...(options.io
      ? {
          socketio: {
            url: options.io,
            ...(process.env.WATCHFLOOR_IO_TOKEN ? { token: process.env.WATCHFLOOR_IO_TOKEN } : {}),
          },
        }
      : {}),
    ...(options.tenant ? { tenant: options.tenant } : {}),
    ...(options.interval ? { syncIntervalMs: options.interval * 1000 } : {}),
  }
  const profile = resolveProfile(
    options.profile ? readProfileFile(options.profile) : {},
    profileFromEnv(),
    flags,
  )
  return profile.postgres || profile.redis || profile.socketio ? profile : undefined
}

export async function serve(options: ServeOptions): Promise<void> {
  // Before any data work: a bind that will be refused must not first fill a cache.
  // `--token` / WATCHFLOOR_TOKEN is a viewer token (a wall screen's); the cache's token table
  // (`watchfloor token create`) holds the others, each with its role.
  const token = options.token ?? process.env.WATCHFLOOR_TOKEN
  const dbPath = options.db ?? defaultDbPath()
  const problem = bindProblem(options.host, token, countActiveTokens(dbPath))
  if (problem) throw new Error(problem)
  ensureParentDir(dbPath)
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const report = progressReporter('demo data')
  const upstream = upstreamFrom(options)
  if (upstream) log(`syncing from ${JSON.stringify(redactProfile(upstream))}`)
  // The core writes finished exports here and the host serves them from here.
  const exportsDir = defaultExportsDir(dbPath)
  const core = await spawnCore(
    {
      dbPath,
      exportsDir,
      demo: options.demo && !upstream ? { leads: options.demoLeads, seed: options.seed } : null,
      version: packageVersion(),
      ...(upstream ? { upstream } : {}),
    },
    { log, progress: (_phase, done, total) => report(done, total) },
  )
  // Read after the core has migrated the cache: the token table exists by now.
  const tokens = openTokenVerifier(dbPath)
  const host = await startHost({
    core,
    tokens,
    staticDir: rendererDir,
    port: options.port,
    host: options.host,
    exportsDir,
    ...(token ? { token } : {}),
    ...(options.allowOrigin ? { allowOrigins: options.allowOrigin } : {}),
    log,
  }).catch(async (error: unknown) => {
    tokens.close()
    await core.close()
    const code = errorCode(error)
    if (code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} on ${options.host} is already in use; pass another --port (0 picks a free one)`,
      )
    }
    throw error
  })
  process.stdout.write(
    `Watchfloor is serving ${dbPath}\n  open ${host.url}${token || !isLoopback(options.host) ? '?token=…' : ''}\n`,
  )
  const stop = () => {
    void host
      .close()
      .then(() => tokens.close())
      .then(() => core.close())
      .then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
