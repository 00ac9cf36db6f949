// The admin's settings in the real app in Chromium (issue 15): a token made with its secret shown
// once and copied, listed and revoked; the audit log showing both; connections shown masked with
// "Test connection" reporting the sync's sentence, and the password nowhere in the page; and a
// screen over the network opened with a viewer token sees no Settings — and the core refuses the
// settings' calls when the page makes them anyway.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACCESS_ADMIN_ONLY_MESSAGE } from '../../shared/api/roles.ts'
import { demoCache, expect, serveCache, test } from './host-fixture.ts'

const cli = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))

/** An IPv4 address of this machine other than loopback: a screen over the network's way in. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

const PG_PASSWORD = 'E2E-pg-s3cret-4242'

const withCache = async (
  extra: string[],
  run: (url: string, dbPath: string) => Promise<void>,
  before?: (dbPath: string) => void,
) => {
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-e2e-settings-'))
  const dbPath = demoCache(dir, 1_000)
  before?.(dbPath)
  const served = await serveCache(dbPath, ['--no-demo', ...extra])
  try {
    await run(served.url, dbPath)
  } finally {
    served.child.kill('SIGTERM')
    await new Promise((resolve) => served.child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
}

test('an admin makes a token, sees its secret once, copies it, revokes it, and reads the audit log', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-write'])
  await withCache([], async (url) => {
    await page.goto(url)
    await expect(page.getByTestId('app')).toHaveAttribute('data-state', 'ready')
    await page.getByTestId('settings-button').click()
    const panel = page.getByTestId('settings-panel')
    await expect(panel).toBeVisible()

    await panel.getByTestId('token-name').fill('lobby wall')
    await panel.getByTestId('token-role').selectOption('viewer')
    await panel.getByTestId('token-create').click()
    const secret = panel.getByTestId('token-secret')
    await expect(secret).toHaveText(/^[A-Za-z0-9_-]{43}$/)
    const shown = (await secret.textContent()) ?? ''
    // The host's Permissions-Policy lets the page write the clipboard, never read it: what the
    // page wrote is recorded on its way to the real clipboard.
    await page.evaluate(() => {
      const clipboard = navigator.clipboard
      const write = clipboard.writeText.bind(clipboard)
      const seen = window as unknown as { copied?: string }
      clipboard.writeText = (text: string) => {
        seen.copied = text
        return write(text)
      }
    })
    await panel.getByTestId('token-copy').click()
    await expect(panel.getByTestId('token-copy')).toHaveText('Copied')
    expect(await page.evaluate(() => (window as unknown as { copied?: string }).copied)).toBe(shown)

    const row = panel.locator('[data-testid="token-row"][data-name="lobby wall"]')
    await expect(row).toContainText('viewer')
    await expect(row).not.toContainText(shown)
    // Shown once: gone when dismissed, and in no list.
    await panel.getByTestId('token-secret-done').click()
    await expect(panel.getByTestId('token-secret')).toHaveCount(0)
    expect(await page.content()).not.toContain(shown)

    await row.getByTestId('token-revoke').click()
    await expect(row).toHaveAttribute('data-revoked', 'true')
    await expect(row).toContainText('revoked')

    await panel.getByTestId('settings-tab-audit').click()
    const audit = panel.getByTestId('settings-audit')
    await expect(audit).toHaveAttribute('data-state', 'ready')
    await expect(
      audit.locator('[data-testid="audit-row"][data-method="tokens.create"]'),
    ).toContainText('loopback (admin)')
    await expect(
      audit.locator('[data-testid="audit-row"][data-method="tokens.revoke"]'),
    ).toHaveCount(1)

    await panel.getByTestId('settings-tab-connections').click()
    await expect(panel.getByTestId('settings-connections')).toContainText(
      'No upstream is configured',
    )
  })
})

test('connections are shown masked; Test connection reports each source; the password is nowhere', async ({
  page,
}) => {
  await withCache(
    [
      '--pg',
      `postgres://postgres:${PG_PASSWORD}@127.0.0.1:5432/test`,
      '--pg-schema',
      'wf_b_e2e_absent',
      '--io',
      'http://127.0.0.1:9',
    ],
    async (url) => {
      await page.goto(url)
      await page.getByTestId('settings-button').click()
      const panel = page.getByTestId('settings-panel')
      await panel.getByTestId('settings-tab-connections').click()
      const postgres = panel.locator('[data-testid="connection-row"][data-kind="postgres"]')
      await expect(postgres).toContainText('127.0.0.1')
      await expect(postgres).toContainText('5432')
      await expect(postgres).toContainText('postgres')
      await expect(postgres.getByTestId('connection-password')).toHaveText('••••')
      await panel.getByTestId('connections-test').click()
      const results = panel.getByTestId('connection-result')
      await expect(results).toHaveCount(2)
      await expect(results.filter({ hasText: 'Postgres' })).toContainText(
        /Connected to Postgres at 127\.0\.0\.1:5432 in \d+ ms/,
      )
      await expect(results.filter({ hasText: 'Socket.IO' })).toHaveAttribute('data-ok', 'false')
      expect(await page.content()).not.toContain(PG_PASSWORD)
    },
  )
})

test('a screen over the network with a viewer token has no Settings, and the core refuses them', async ({
  page,
}) => {
  test.skip(lanAddress === undefined, 'this machine has no address other than loopback')
  let secret = ''
  await withCache(
    ['--host', '0.0.0.0'],
    async (url) => {
      const lan = url
        .replace('127.0.0.1', lanAddress as string)
        .replace('0.0.0.0', lanAddress as string)
      await page.goto(`${lan}?token=${secret}`)
      await expect(page.getByTestId('app')).toHaveAttribute('data-state', 'ready')
      // The token left the address bar for the cookie.
      expect(page.url()).not.toContain('token=')
      await expect(page.getByTestId('alerts-button')).toBeVisible()
      await expect(page.getByTestId('settings-button')).toHaveCount(0)
      // A viewer applies saved filters but is offered no save, rename or delete …
      await page.getByTestId('presets-button').click()
      await expect(page.getByTestId('presets-panel')).toBeVisible()
      await expect(page.getByTestId('preset-save')).toHaveCount(0)
      await expect(page.getByTestId('preset-name')).toHaveCount(0)
      await page.keyboard.press('Escape')
      // … and reads alerts without Acknowledge or Silence, told why.
      await page.getByTestId('alerts-button').click()
      await expect(page.getByTestId('alert-acknowledge')).toHaveCount(0)
      await expect(page.getByTestId('alert-silence')).toHaveCount(0)
      await page.keyboard.press('Escape')
      // The page's own socket (its cookie) asks anyway: the core refuses it.
      const answer = await page.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api`)
            ws.onopen = () =>
              ws.send(JSON.stringify({ t: 'q', i: 'x', m: 'invoke', a: ['tokens.list', {}] }))
            ws.onmessage = (m) => {
              const frame = JSON.parse(String(m.data)) as { i?: string; r?: unknown }
              if (frame.i === 'x') {
                resolve(frame.r)
                ws.close()
              }
            }
          }),
      )
      expect(answer).toEqual({
        ok: false,
        error: { code: 'forbidden', message: ACCESS_ADMIN_ONLY_MESSAGE },
      })
    },
    (dbPath) => {
      const made = spawnSync(
        process.execPath,
        [cli, 'token', 'create', '--role', 'viewer', '--name', 'wall e2e', '--db', dbPath],
        { encoding: 'utf8' },
      )
      if (made.status !== 0) throw new Error(made.stderr)
      secret = made.stdout.trim()
    },
  )
})
