// Roles over the browser host's real WebSocket (issue 15, "Role enforcement"), with the core in
// its own process on a real cache file: every api method called with every role; a refused call
// gets the typed error and leaves no trace but its audit entry; a revoked token is refused at once
// and its sockets closed (revoked through the api or by another process on the file); a wrong
// token is refused, then rate-limited. A screen over the network is a client on this machine's
// LAN address (a loopback peer is the machine's own browser: admin).
import { mkdirSync, writeFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStoredToken, revokeStoredToken } from '../../main/access/tokens.ts'
import { openTokenVerifier, type TokenVerifier } from '../../main/access/token-verifier.ts'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import {
  METHOD_ROLES,
  TOKEN_REVOKED_MESSAGE,
  methodNames,
  refusalFor,
  roleAllows,
  type AuditPage,
  type CreatedToken,
  type IntelStatus,
  type MethodName,
  type Role,
  type TokenInfo,
  type WhoAmI,
} from '../../shared/api/index.ts'
import { apiPage, value, type ApiPage } from '../support/api-page.ts'
import { openApiSocket, pageCookie, UpgradeRefused } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

/** An IPv4 address of this machine other than loopback: a LAN client's way in. */
const lanAddress = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address

const SERVE_TOKEN = 'roles-test-serve-token-0123456789abcdef'

type Page = ApiPage<unknown>

/** Valid inputs for the methods whose refusal must leave the cache as it was. */
const ACTIONS: Partial<Record<MethodName, unknown>> = {
  'presets.save': {
    name: 'From the wall',
    filters: { range: { preset: 'mtd', timeZone: 'UTC' } },
  },
  'presets.setDefault': { id: null },
  'alerts.acknowledgeAll': {},
  'maintenance.start': { action: 'rebuild-rollups' },
  'rules.delete': { id: 1 },
  'rules.setEnabled': { id: 1, enabled: false },
  'tokens.create': { name: 'sneaky', role: 'admin' },
  'tokens.revoke': { name: 'admin-desk' },
}

describe.runIf(lanAddress !== undefined)('roles through the browser host', () => {
  const temp = tempDir('watchfloor-roles-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  const secrets = {} as Record<Role, CreatedToken>
  let core: CoreClient
  let tokens: TokenVerifier
  let host: Host
  let port: string
  let lanUrl: string
  let localUrl: string
  const pages: Page[] = []

  /** A screen over the network, opened as a script presenting `token`. */
  const lanPage = async (token: string): Promise<Page> => {
    const p = apiPage(await openApiSocket(lanUrl, { query: `?token=${token}` }), 'none')
    pages.push(p)
    return p
  }

  beforeAll(async () => {
    const db = openStore(dbPath)
    for (const role of ['viewer', 'analyst', 'admin'] as const)
      secrets[role] = createStoredToken(db, `${role}-desk`, role, Date.now())
    db.close()
    const staticDir = join(temp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    core = await spawnCore({
      dbPath,
      demo: null,
      version: 'test',
      watchIntervalMs: 60_000,
      // No timer cycle during the test: the cache moves only by the calls made here.
      alerts: { intervalMs: 3_600_000 },
    })
    tokens = openTokenVerifier(dbPath, { pollMs: 100 })
    host = await startHost({
      core,
      staticDir,
      port: 0,
      host: '0.0.0.0',
      token: SERVE_TOKEN,
      tokens,
    })
    port = new URL(host.url).port
    lanUrl = `http://${lanAddress}:${port}/`
    localUrl = `http://127.0.0.1:${port}/`
  })

  afterAll(async () => {
    for (const p of pages) p.close()
    await host?.close()
    tokens?.close()
    await core?.close()
    temp.cleanup()
  })

  it('answers every method to a role that has it, and refuses it, typed, to one that does not', async () => {
    const callers: { who: string; role: Role; page: Page }[] = [
      { who: 'viewer-desk', role: 'viewer', page: await lanPage(secrets.viewer.secret) },
      { who: 'analyst-desk', role: 'analyst', page: await lanPage(secrets.analyst.secret) },
      { who: 'admin-desk', role: 'admin', page: await lanPage(secrets.admin.secret) },
      // `serve --token` is a viewer's.
      { who: 'serve --token', role: 'viewer', page: await lanPage(SERVE_TOKEN) },
      // A browser on this machine is the admin's, whatever token it holds.
      {
        who: 'loopback',
        role: 'admin',
        page: await (async () => {
          const p = apiPage(
            await openApiSocket(localUrl, { query: `?token=${secrets.viewer.secret}` }),
            'none',
          )
          pages.push(p)
          return p
        })(),
      },
    ]
    for (const { who, role, page } of callers) {
      expect(value(await page.call<WhoAmI>('access.whoami', {}))).toEqual({ role, actor: who })
      for (const method of methodNames) {
        // Tokens are not revoked here (the revocation test does it); the rest with an empty input.
        const input = method === 'tokens.revoke' ? { id: 999_999 } : {}
        const r = await page.call(method, input)
        if (roleAllows(role, METHOD_ROLES[method])) {
          expect(
            r.ok || r.error.code !== 'forbidden',
            `${who} ${method}: ${JSON.stringify(r)}`,
          ).toBe(true)
        } else {
          expect(r, `${who} ${method}`).toEqual({
            ok: false,
            error: { code: 'forbidden', message: refusalFor(method) },
          })
        }
      }
    }
    // Every refusal is in the log, with who asked.
    const admin = callers[2]?.page as Page
    const refused = value(
      await admin.call<AuditPage>('audit.list', { limit: 500, outcome: 'forbidden' }),
    ).entries
    const expected = (role: Role) =>
      methodNames.filter((m) => !roleAllows(role, METHOD_ROLES[m])).length
    expect(refused.filter((e) => e.actor === 'viewer-desk')).toHaveLength(expected('viewer'))
    expect(refused.filter((e) => e.actor === 'serve --token')).toHaveLength(expected('viewer'))
    expect(refused.filter((e) => e.actor === 'analyst-desk')).toHaveLength(expected('analyst'))
  })

  it('leaves no trace of a refused call but its audit entry', async () => {
    const viewer = await lanPage(secrets.viewer.secret)
    // Warm: the viewer's last use is noted now, not during the refusals.
    value(await viewer.call('app.status', {}))
    const snapshot = () => {
      const db = new Database(dbPath, { readonly: true })
      try {
        const tables = (
          db
            .prepare(
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .all() as { name: string }[]
        ).map((t) => t.name)
        const rows = Object.fromEntries(
          tables
            .filter((t) => t !== 'audit_log')
            .map((t) => [
              t,
              // Some tables are WITHOUT ROWID: rows compared as a sorted set.
              db
                .prepare(`SELECT * FROM "${t}"`)
                .all()
                .map((row) => JSON.stringify(row))
                .sort(),
            ]),
        )
        const audit = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as {
          actor: string
          outcome: string
          method: string
        }[]
        return { rows: JSON.stringify(rows), audit }
      } finally {
        db.close()
      }
    }
    // The earlier tests' intel.* reads start the core's background recompute, which writes its
    // derived tables on its own time: the snapshot is taken once that work has ended.
    await until('the background intelligence recompute to end', async () => {
      const intel = value(await viewer.call<IntelStatus>('intel.status', {}))
      return intel.state !== 'running'
    })
    const before = snapshot()
    for (const [method, input] of Object.entries(ACTIONS))
      expect(await viewer.call(method, input)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
    const after = snapshot()
    expect(after.rows).toBe(before.rows)
    expect(
      after.audit
        .slice(before.audit.length)
        .map(({ method, actor, outcome }) => ({ method, actor, outcome })),
    ).toEqual(
      Object.keys(ACTIONS).map((method) => ({
        method,
        actor: 'viewer-desk',
        outcome: 'forbidden',
      })),
    )
  })

  it('lets an admin token over the network manage tokens, and shows no secret in the list', async () => {
    const admin = await lanPage(secrets.admin.secret)
    const made = value(
      await admin.call<CreatedToken>('tokens.create', { name: 'lobby wall', role: 'viewer' }),
    )
    const list = value(await admin.call<TokenInfo[]>('tokens.list', {}))
    expect(list.map((t) => t.name)).toContain('lobby wall')
    const text = JSON.stringify(list)
    for (const s of [made.secret, ...Object.values(secrets).map((c) => c.secret)])
      expect(text).not.toContain(s)
    const log = value(await admin.call<AuditPage>('audit.list', { limit: 5 }))
    expect(log.entries[0]).toMatchObject({
      method: 'tokens.create',
      actor: 'admin-desk',
      role: 'admin',
      outcome: 'ok',
    })
    expect(JSON.stringify(log)).not.toContain(made.secret)
  })

  it('refuses a token revoked through the api at once, closes its sockets and its cookie', async () => {
    const admin = await lanPage(secrets.admin.secret)
    const made = value(
      await admin.call<CreatedToken>('tokens.create', { name: 'kiosk 7', role: 'analyst' }),
    )
    const screen = await lanPage(made.secret)
    expect(value(await screen.call<WhoAmI>('access.whoami', {})).role).toBe('analyst')
    // The page's way in: the token exchanged for a cookie bound to it.
    const cookie = await pageCookie(`${lanUrl}?token=${made.secret}`)
    expect((await fetch(lanUrl, { headers: { cookie } })).status).toBe(200)

    value(await admin.call('tokens.revoke', { id: made.token.id }))
    await until('the revoked token’s socket to close', () =>
      screen.socket.closed() ? true : undefined,
    )
    expect(screen.socket.closeInfo()?.code).toBe(1008)
    expect((await fetch(lanUrl, { headers: { cookie } })).status).toBe(401)
    await expect(openApiSocket(lanUrl, { query: `?token=${made.secret}` })).rejects.toThrow(
      UpgradeRefused,
    )
  })

  it('refuses a token revoked by another process on the file, before the host has noticed', async () => {
    const db = openStore(dbPath)
    const made = createStoredToken(db, 'kiosk 8', 'viewer', Date.now())
    await until('the host to know the new token', () =>
      tokens.match(made.secret) ? true : undefined,
    )
    const screen = await lanPage(made.secret)
    value(await screen.call('app.status', {}))
    revokeStoredToken(db, { name: 'kiosk 8' }, Date.now())
    db.close()
    // The core reads the table on every call: refused even if the host's poll has not run.
    const r = await screen.call('kpis.definitions', {})
    if (!screen.socket.closed())
      expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: TOKEN_REVOKED_MESSAGE } })
    await until('the socket to close', () => (screen.socket.closed() ? true : undefined))
  })

  it('refuses a viewer’s download of an export with the admin sentence, and logs it', async () => {
    const cookie = await pageCookie(`${lanUrl}?token=${secrets.viewer.secret}`)
    const id = '0b5d6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e'
    const download = await fetch(`${lanUrl}exports/${id}`, { headers: { cookie } })
    expect(download.status).toBe(403)
    expect((await download.text()).trim()).toBe(refusalFor('export.status'))
    const admin = await lanPage(secrets.admin.secret)
    const [entry] = value(
      await admin.call<AuditPage>('audit.list', { limit: 1, outcome: 'forbidden' }),
    ).entries
    expect(entry).toMatchObject({ method: 'export.status', actor: 'viewer-desk', role: 'viewer' })
    expect(entry?.summary).toContain(id)
  })

  it('makes one token of a name when many ask for it at once', async () => {
    const admin = apiPage(
      await openApiSocket(localUrl, { query: `?token=${secrets.viewer.secret}` }),
      'none',
    )
    pages.push(admin)
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        admin.call<CreatedToken>('tokens.create', { name: 'Race Wall', role: 'viewer' }),
      ),
    )
    expect(answers.filter((r) => r.ok)).toHaveLength(1)
    for (const r of answers.filter((r) => !r.ok))
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const list = value(await admin.call<TokenInfo[]>('tokens.list', {}))
    expect(list.filter((t) => t.name.toLowerCase() === 'race wall')).toHaveLength(1)
  })

  it('refuses a cookie that is not a token, a token too long to be one, and a page elsewhere', async () => {
    for (const cookie of ['wf_session=%E0%A4%A', `wf_session=${'x'.repeat(4096)}`, 'wf_session='])
      expect((await fetch(lanUrl, { headers: { cookie } })).status, cookie.slice(0, 30)).toBe(401)
    // A valid token's cookie from a page of another origin opens no socket.
    await expect(
      openApiSocket(lanUrl, {
        cookie: `wf_session=${secrets.admin.secret}`,
        origin: 'http://evil.example',
      }),
    ).rejects.toThrow(UpgradeRefused)
  })

  it('refuses a wrong token, then rate-limits the address', async () => {
    // The revocation tests above spent a few of this address's tries (a revoked token is wrong).
    const statuses: number[] = []
    while (statuses.length < 12 && statuses[statuses.length - 1] !== 429)
      statuses.push(
        (
          await fetch(`${lanUrl}?token=wrong-token-${statuses.length}-0123456789abcdef`, {
            redirect: 'manual',
          })
        ).status,
      )
    expect(statuses[0]).toBe(401)
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true)
    expect(statuses[statuses.length - 1]).toBe(429)
    expect(statuses.length).toBeLessThanOrEqual(11)
    // Locked out for the window, even with a right token, on the page and the socket alike.
    expect(
      (await fetch(`${lanUrl}?token=${secrets.admin.secret}`, { redirect: 'manual' })).status,
    ).toBe(429)
    const refused = await openApiSocket(lanUrl, { query: `?token=${secrets.admin.secret}` }).catch(
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(UpgradeRefused)
    expect((refused as UpgradeRefused).status).toBe(429)
    // The machine's own browser is not locked out by a LAN address's failures.
    expect((await fetch(localUrl, { redirect: 'manual' })).status).toBe(401)
  })
})
