// The Electron shell, driven through Playwright's _electron. Runs wherever an
// Electron binary exists; elsewhere each test is skipped and says why.
import { _electron as electron, expect, test } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { methodNames } from '../../../shared/api/index.ts'
// @ts-expect-error: plain ES module shared with `npm start`, no types
import { findElectronBinary } from '../../../bin/electron-binary.mjs'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const binary = (findElectronBinary as () => string | null)()

const skipReason =
  'SKIPPED: no Electron binary in node_modules/electron (it cannot be downloaded here); ' +
  'the renderer is covered end to end through the browser host instead.'
if (!binary) console.log(`Electron end-to-end tests ${skipReason}`)
test.skip(!binary, skipReason)

test('the app window opens on demo data, isolated and sandboxed', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'watchfloor-electron-'))
  const app = await electron.launch({
    executablePath: binary ?? undefined,
    args: [root],
    env: { ...process.env, WATCHFLOOR_DB: join(dataDir, 'cache.sqlite') },
  })
  try {
    const window = await app.firstWindow()
    await window.locator('[data-state="ready"]').waitFor({ timeout: 120_000 })
    await expect(window.getByTestId('kpi-over-target')).toBeVisible()
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    )
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
      'undefined',
    )
    expect(
      await window.evaluate(() =>
        Object.keys(
          (globalThis as unknown as { watchfloor: { methods: object } }).watchfloor.methods,
        ),
      ),
    ).toEqual(methodNames)
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
