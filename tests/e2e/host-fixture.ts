import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base } from '@playwright/test'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(root, 'bin', 'watchfloor.mjs')

/** The moment the demo data ends, fixed so every run sees the same data. */
export const DEMO_END = '2026-11-01T12:00:00Z'

/**
 * The page's clock in these tests, unless a test says otherwise: three hours after the demo data
 * ends. Presets count back from the clock (shared/api/date-range.ts), so without it "last 30
 * days" would move away from the fixed data as the calendar does.
 */
export const PAGE_NOW = '2026-11-01T15:00:00Z'

export interface RunningHost {
  url: string
  dbPath: string
}

/** Fills a fresh cache with the CLI, exactly as a user would. */
export function demoCache(dir: string, leads: number, seed = 7): string {
  const dbPath = join(dir, 'cache.sqlite')
  const fill = spawnSync(
    process.execPath,
    [
      cli,
      'demo',
      'fill',
      '--db',
      dbPath,
      '--leads',
      String(leads),
      '--seed',
      String(seed),
      '--end-at',
      DEMO_END,
    ],
    {
      encoding: 'utf8',
    },
  )
  if (fill.status !== 0) throw new Error(`demo fill failed: ${fill.stderr}`)
  return dbPath
}

/**
 * Runs `watchfloor serve` on a free port and resolves with its address (without the `?token=…`
 * it prints when started with --token). `output()`: all it has written so far, stdout and stderr.
 */
export async function serveCache(
  dbPath: string,
  extra: string[] = [],
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', dbPath, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let out = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /open (http:\/\/[^\s?]+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`watchfloor serve exited (${code}): ${stderr}`)))
  })
  return { url, child, output: () => out + stderr }
}

export const test = base.extend<{ host: RunningHost; pageNow: string }>({
  pageNow: [PAGE_NOW, { option: true }],
  // The clock starts at `pageNow` and runs on from there; timers keep firing as usual.
  page: async ({ page, pageNow }, use) => {
    await page.clock.install({ time: new Date(pageNow) })
    await use(page)
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  host: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-'))
    const dbPath = demoCache(dir, 20_000)
    const { url, child } = await serveCache(dbPath, ['--no-demo'])
    await use({ url, dbPath })
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  },
})
export { expect } from '@playwright/test'
