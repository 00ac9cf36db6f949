import { spawnCore } from '../../api/spawn-core.ts'
import { startHost } from '../../host/server.ts'
import { defaultDbPath, ensureParentDir, packageVersion, rendererDir } from '../paths.ts'
import { progressReporter } from '../progress.ts'

export interface ServeOptions {
  port: number
  host: string
  db?: string
  token?: string
  demo: boolean
  demoLeads: number
  seed: number
}

export async function serve(options: ServeOptions): Promise<void> {
  const dbPath = options.db ?? defaultDbPath()
  ensureParentDir(dbPath)
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const report = progressReporter('demo data')
  const core = await spawnCore(
    {
      dbPath,
      demo: options.demo ? { leads: options.demoLeads, seed: options.seed } : null,
      version: packageVersion(),
    },
    { log, progress: (_phase, done, total) => report(done, total) },
  )
  const token = options.token ?? process.env.WATCHFLOOR_TOKEN
  const host = await startHost({
    core,
    staticDir: rendererDir,
    port: options.port,
    host: options.host,
    ...(token ? { token } : {}),
    log,
  }).catch(async (error: unknown) => {
    await core.close()
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port} on ${options.host} is already in use; pass another --port (0 picks a free one)`,
      )
    }
    throw error
  })
  process.stdout.write(
    `Watchfloor is serving ${dbPath}\n  open ${host.url}${token ? '?token=…' : ''}\n`,
  )
  const stop = () => {
    void host
      .close()
      .then(() => core.close())
      .then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
