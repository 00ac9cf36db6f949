// Credentials never reach a page (issue 15: "the renderer never receives one — inspect every api
// response"). A core syncing from a profile whose passwords and token are recognisable is served
// by the browser host; every method of the contract is called over the real socket as the admin
// (who may call all of them), and every frame the page receives — answers, refusals and events —
// is searched for each secret. connections.status shows them masked, connections.test reports the
// sync's sentences, and neither the audit log nor the cache file holds one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import {
  MASKED_SECRET,
  methodNames,
  type ConnectionsStatus,
  type ConnectionsTest,
  type MethodName,
} from '../../shared/api/index.ts'
import { apiPage, value, type ApiPage } from '../support/api-page.ts'
import { openApiSocket, pageCookie } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'

const PG_PASSWORD = 'PG-s3cret-Watch-77'
const REDIS_PASSWORD = 'RDS-s3cret-Watch-88'
const IO_TOKEN = 'IO-s3cret-Watch-99'
const SECRETS = [PG_PASSWORD, REDIS_PASSWORD, IO_TOKEN]

/** Inputs a method answers with a value (the rest are called with {} and may be refused). */
const INPUTS: Partial<Record<MethodName, unknown>> = {
  'kpis.dashboard': { filters: { range: { preset: 'mtd', timeZone: 'UTC' } }, dashboards: 'all' },
  'audit.list': { limit: 500 },
  'tokens.create': { name: 'secret-check', role: 'viewer' },
  'tokens.revoke': { name: 'secret-check' },
  'presets.save': { name: 'p', filters: { range: { preset: 'mtd', timeZone: 'UTC' } } },
}

describe('secrets and the page', () => {
  const temp = tempDir('watchfloor-secrets-')
  const dbPath = join(temp.dir, 'cache.sqlite')
  const logs: string[] = []
  const frames: string[] = []
  let core: CoreClient
  let host: Host
  let page: ApiPage<unknown>

  beforeAll(async () => {
    const staticDir = join(temp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
    const upstream = resolveProfile({
      // Real servers (trust auth ignores the password) read from a schema that does not exist,
      // so the sync reports errors — sentences that must not carry a secret either.
      postgres: {
        url: `postgres://postgres:${PG_PASSWORD}@127.0.0.1:5432/test`,
        schema: 'wf_b_roles_absent',
        feed: 'poll',
      },
      redis: { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0` },
      socketio: { url: 'http://127.0.0.1:9', token: IO_TOKEN },
      tenant: 'roles-secrets',
    })
    const log = (line: string) => logs.push(line)
    core = await spawnCore(
      { dbPath, demo: null, version: 'test', upstream, alerts: { intervalMs: 3_600_000 } },
      { log },
    )
    host = await startHost({ core, staticDir, port: 0, log })
    const socket = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
    socket.ws.on('message', (data) => frames.push(Buffer.from(data as Buffer).toString('utf8')))
    page = apiPage(socket, 'none')
  })

  afterAll(async () => {
    page?.close()
    await host?.close()
    await core?.close()
    temp.cleanup()
  })

  it('shows the connections masked, and tests them with the sync’s sentences', async () => {
    const status = value(await page.call<ConnectionsStatus>('connections.status', {}))
    expect(status.configured).toBe(true)
    const byKind = Object.fromEntries(status.connections.map((c) => [c.kind, c]))
    expect(byKind.postgres?.endpoints).toEqual([
      {
        host: '127.0.0.1',
        port: 5432,
        database: 'test',
        user: 'postgres',
        password: MASKED_SECRET,
      },
    ])
    expect(byKind.redis?.endpoints[0]).toMatchObject({ port: 6379, password: MASKED_SECRET })
    expect(byKind.socketio?.details).toEqual({ token: MASKED_SECRET })
    const test = value(await page.call<ConnectionsTest>('connections.test', {}))
    const results = Object.fromEntries(test.results.map((r) => [r.kind, r]))
    expect(results.postgres).toMatchObject({ ok: true })
    expect(results.postgres?.message).toMatch(
      /^Connected to Postgres at 127\.0\.0\.1:5432 in \d+ ms$/,
    )
    expect(results.socketio).toMatchObject({ ok: false })
    expect(results.socketio?.message).toMatch(/^Cannot reach Socket\.IO at 127\.0\.0\.1:9: /)
    expect(results.redis?.message).toMatch(/Redis at 127\.0\.0\.1:6379/)
  })

  it('sends no secret in any answer, refusal or event of any method', async () => {
    for (const method of methodNames) {
      const r = await page.call(method, INPUTS[method] ?? {})
      expect(r, method).toBeDefined()
    }
    // Events arrive between answers too (sync status, data.changed): a moment for the last ones.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(frames.length).toBeGreaterThan(methodNames.length)
    const received = frames.join('\n')
    for (const secret of SECRETS) expect(received).not.toContain(secret)
  })

  it('writes no secret to the audit log, the log lines or the cache file', async () => {
    const audit = JSON.stringify(value(await page.call('audit.list', { limit: 500 })))
    expect(audit).toContain('connections.test')
    const file = [dbPath, `${dbPath}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('')
    for (const secret of SECRETS) {
      expect(audit).not.toContain(secret)
      expect(logs.join('\n')).not.toContain(secret)
      expect(file).not.toContain(secret)
    }
  })
})
