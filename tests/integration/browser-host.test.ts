// The browser host over real sockets, with the core in a real child process.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { MAX_EXPORT_REQUEST_BYTES } from '../../shared/api/index.ts'
import { openStore } from '../../main/store/index.ts'
import { insertLeadsSynced, lead } from '../support/leads.ts'
import { callFrame, openApiSocket, pageCookie } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'

let core: CoreClient
let host: Host
let cleanup: () => void
let dbPath: string

beforeAll(async () => {
  const temp = tempDir()
  cleanup = temp.cleanup
  dbPath = join(temp.dir, 'cache.sqlite')
  const db = openStore(dbPath)
  insertLeadsSynced(db, [
    lead({
      id: 1,
      created_at: Date.parse('2026-03-10T09:00:00Z'),
      first_response_at: Date.parse('2026-03-10T09:01:00Z'),
    }),
  ])
  db.close()
  const staticDir = join(temp.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
  core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 100 })
  host = await startHost({ core, staticDir, port: 0 })
})

afterAll(async () => {
  await host?.close()
  await core?.close()
  cleanup?.()
})

/** A raw socket of the host's own page (its session cookie and Origin). */
const connect = async () => openApiSocket(host.url, { cookie: await pageCookie(host.url) })
/**
 * The next frame other than an event this test is not about: the core also announces its own
 * background work (intel.changed when it infers journeys or recomputes, issue 16).
 */
async function nextSkipping(
  next: () => Promise<Record<string, unknown>>,
  skip: readonly string[] = ['intel.changed', 'alerts.changed'],
): Promise<Record<string, unknown>> {
  for (;;) {
    const frame = await next()
    const name = Array.isArray(frame.a) ? (frame.a[0] as unknown) : undefined
    if (frame.m === 'event' && typeof name === 'string' && skip.includes(name)) continue
    return frame
  }
}

const call = callFrame

describe('browser host api', () => {
  it('serves the page with a strict CSP and refuses paths outside it', async () => {
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await fetch(`${host.url}..%2f..%2fpackage.json`)).status).toBe(404)
    // fetch normalises %2e%2e itself; whatever arrives, no file outside the app is served.
    expect(await (await fetch(`${host.url}%2e%2e/%2e%2e/etc/passwd`)).text()).not.toContain('root:')
  })

  it('answers a valid call', async () => {
    const { ws, next } = await connect()
    ws.send(call('1', 'app.status', {}))
    expect(await nextSkipping(next)).toMatchObject({
      t: 's',
      i: '1',
      r: { ok: true, value: { mode: 'live', leadCount: 1 } },
    })
    ws.close()
  })

  it('rejects malformed calls with typed errors and keeps serving', async () => {
    const { ws, next, closed } = await connect()
    ws.send(
      call('a', 'kpis.dashboard', {
        filters: { range: { preset: 'custom', from: 3, to: true } },
        dashboards: ['leadResponse'],
      }),
    )
    expect(await nextSkipping(next)).toMatchObject({
      i: 'a',
      r: { ok: false, error: { code: 'bad_request' } },
    })
    ws.send(call('b', 'files.read', { path: '/etc/passwd' }))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'b',
      r: { ok: false, error: { code: 'unknown_method' } },
    })
    ws.send(JSON.stringify({ t: 'q', i: 'c', m: 'eval', a: ['1+1'] }))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'c',
      r: { ok: false, error: { code: 'unknown_method' } },
    })
    ws.send(JSON.stringify({ t: 'q', i: 'd', m: 'invoke', a: 'not-an-array' }))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'd',
      r: { ok: false, error: { code: 'bad_request' } },
    })
    ws.send(call('e', 'app.status', { padding: 'x'.repeat(200 * 1024) }))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'e',
      r: { ok: false, error: { code: 'payload_too_large' } },
    })
    ws.send('{ this is not json')
    ws.send(Buffer.from([0xff, 0x00, 0x13]))
    ws.send(call('f', 'app.status', {}))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'f',
      r: { ok: true, value: { leadCount: 1 } },
    })
    expect(closed()).toBe(false)
    ws.close()
  })

  it('closes only the socket that sends a frame above the hard cap; others keep working', async () => {
    const bad = await connect()
    const good = await connect()
    // The cap sits above export.start's limit (its chart SVGs), the largest request there is.
    bad.ws.send('x'.repeat(MAX_EXPORT_REQUEST_BYTES + 128 * 1024))
    await new Promise((resolve) => bad.ws.once('close', resolve))
    good.ws.send(call('g', 'app.status', {}))
    expect(await nextSkipping(good.next)).toMatchObject({ i: 'g', r: { ok: true } })
    good.ws.close()
  })

  it('pushes data.changed to pages when another connection writes the cache', async () => {
    const { ws, next } = await connect()
    const db = openStore(dbPath)
    insertLeadsSynced(db, [lead({ id: 2, created_at: Date.parse('2026-03-10T10:00:00Z') })])
    db.close()
    expect(await nextSkipping(next)).toMatchObject({
      t: 'q',
      m: 'event',
      a: ['data.changed', { tables: ['leads'] }],
    })
    ws.close()
  })

  it('restarts a core that crashes, and pages are told to refetch', async () => {
    const { ws, next } = await connect()
    const pid = core.pid
    process.kill(pid!, 'SIGKILL')
    // The page hears that everything may have changed once the core is back…
    expect(await nextSkipping(next)).toMatchObject({
      t: 'q',
      m: 'event',
      a: ['data.changed', { tables: [] }],
    })
    expect(core.pid).not.toBe(pid)
    expect(core.restarts).toBe(1)
    // …and the same socket is answered by the new core.
    ws.send(call('r', 'app.status', {}))
    expect(await nextSkipping(next)).toMatchObject({
      i: 'r',
      r: { ok: true, value: { leadCount: 2 } },
    })
    ws.close()
  })

  it('refuses a non-loopback bind without a token', async () => {
    await expect(startHost({ core, staticDir: '.', port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /without a token/,
    )
  })
})
