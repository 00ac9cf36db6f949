// Electronegativity over the shell (bin/electronegativity.mjs, run by
// `npm run lint`): it must find nothing unreviewed in our sources, find what
// it exists to find in a window that breaks the rules, and every check that is
// off or accepted must say why.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Finding {
  id: string
  file: string
  line: number
  manualReview: boolean
}
interface Scan {
  findings: Finding[]
  failing: Finding[]
  reviewed: Finding[]
  errors: { file: string; message: string; tolerable: boolean }[]
  files: number
}
interface LinterModule {
  SCANNED: string[]
  OFF: Record<string, string>
  REVIEWED: Record<string, string>
  NOT_FOLLOWED: readonly { checks: string[]; files: string[]; reason: string }[]
  scan(options?: { base?: string; scanned?: string[] }): Promise<Scan>
}
const linter = (await import(
  pathToFileURL(join(root, 'bin', 'electronegativity.mjs')).href
)) as LinterModule

const scratch = mkdtempSync(join(tmpdir(), 'watchfloor-electronegativity-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('our shell', () => {
  it('has no finding that is not reviewed, and every scanned file parses', async () => {
    const result = await linter.scan()
    expect(result.files).toBeGreaterThan(5)
    expect(result.errors.filter((error) => !error.tolerable)).toEqual([])
    expect(result.failing).toEqual([])
  })

  it('the command says so and exits 0 (as `npm run lint` runs it)', () => {
    const run = spawnSync(process.execPath, [join(root, 'bin', 'electronegativity.mjs')], {
      encoding: 'utf8',
    })
    expect(run.stdout).toMatch(/^electronegativity: \d+ files, 0 findings, /m)
    expect(run.status).toBe(0)
  })
})

describe('a window that breaks the rules', () => {
  it('is found, by check, file and line, and fails the run', async () => {
    const base = join(scratch, 'bad')
    mkdirSync(join(base, 'main'), { recursive: true })
    writeFileSync(
      join(base, 'main', 'index.ts'),
      [
        "import { BrowserWindow, shell } from 'electron'",
        'export function open(url: string): void {',
        '  const win = new BrowserWindow({',
        '    webPreferences: { nodeIntegration: true, contextIsolation: false },',
        '  })',
        '  void win.loadURL(url)',
        '  void shell.openExternal(url)',
        '}',
      ].join('\n'),
    )
    const result = await linter.scan({ base, scanned: ['main/index.ts'] })
    const ids = result.failing.map((finding) => finding.id)
    for (const id of [
      'NODE_INTEGRATION_JS_CHECK',
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
      'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      'CSP_GLOBAL_CHECK',
    ]) {
      expect(ids).toContain(id)
    }
    const nodeIntegration = result.failing.find((f) => f.id === 'NODE_INTEGRATION_JS_CHECK')
    expect(nodeIntegration).toMatchObject({ file: 'main/index.ts', line: 4 })
    // Accepted only where the review applies: the window checks are accepted in
    // main/electron/window.ts alone.
    expect(result.reviewed.map((finding) => finding.id)).not.toContain('CONTEXT_ISOLATION_JS_CHECK')
  })

  it('a file it cannot parse fails the run rather than being skipped', async () => {
    const base = join(scratch, 'unparsable')
    mkdirSync(join(base, 'preload'), { recursive: true })
    writeFileSync(join(base, 'preload', 'index.ts'), 'export const = = ;\n')
    const result = await linter.scan({ base, scanned: ['preload'] })
    expect(
      result.errors.some((error) => !error.tolerable && error.file === 'preload/index.ts'),
    ).toBe(true)
  })
})

describe('its configuration', () => {
  it('scans what runs in Electron, and those paths exist', () => {
    for (const path of linter.SCANNED) expect(existsSync(join(root, path)), path).toBe(true)
    expect(linter.SCANNED).toEqual(
      expect.arrayContaining(['main/index.ts', 'main/electron', 'preload']),
    )
  })

  it('every check off, reviewed or not followed says why, and names files that exist', () => {
    for (const reason of [...Object.values(linter.OFF), ...Object.values(linter.REVIEWED)]) {
      expect(reason.length).toBeGreaterThan(40)
    }
    for (const entry of linter.NOT_FOLLOWED) {
      expect(entry.reason.length).toBeGreaterThan(40)
      for (const file of entry.files) expect(existsSync(join(root, file)), file).toBe(true)
    }
    // Only the check that goes to the network is off.
    expect(Object.keys(linter.OFF)).toEqual(['AvailableSecurityFixesGlobalCheck'])
  })

  it('runs as part of `npm run lint`, and so of `npm test`', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts
    expect(scripts['lint:electron']).toBe('node bin/electronegativity.mjs')
    expect(scripts.lint).toContain('npm run lint:electron')
    expect(scripts.test).toContain('npm run lint')
  })
})
