import { mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository / package root, from this file's place in main/cli/. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url))

/** The built page; $WATCHFLOOR_RENDERER_DIR serves another build (a test's own, beside others). */
export const rendererDir =
  process.env.WATCHFLOOR_RENDERER_DIR ?? join(packageRoot, 'out', 'renderer')

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** $WATCHFLOOR_DB, else the XDG data folder: ~/.local/share/watchfloor/cache.sqlite. */
export function defaultDbPath(): string {
  const explicit = process.env.WATCHFLOOR_DB
  if (explicit) return explicit
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share')
  return join(base, 'watchfloor', 'cache.sqlite')
}

export function ensureParentDir(file: string): void {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
}
