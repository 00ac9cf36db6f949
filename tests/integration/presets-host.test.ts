// Named presets over the real socket of the browser host, to the core in its own process, kept in
// the cache file: still there after both are stopped and started again on it (offline, no server
// but the machine's own). Two pages' sockets see the same presets.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import { startHost, type Host } from '../../main/host/server.ts'
import { openStore } from '../../main/store/index.ts'
import type { ApiResult, Filters, PresetChange, PresetList } from '../../shared/api/index.ts'
import { callFrame, openApiSocket, pageCookie, type ApiSocket } from '../support/host-client.ts'
import { tempDir } from '../support/temp.ts'

let cleanup: () => void
let dbPath: string
let staticDir: string
let running: { core: CoreClient; host: Host } | null = null

async function start(): Promise<Host> {
  const core = await spawnCore({ dbPath, demo: null, version: 'test', watchIntervalMs: 100 })
  const host = await startHost({ core, staticDir, port: 0 })
  running = { core, host }
  return host
}

async function stop(): Promise<void> {
  await running?.host.close()
  await running?.core.close()
  running = null
}

beforeAll(() => {
  const temp = tempDir()
  cleanup = temp.cleanup
  dbPath = join(temp.dir, 'cache.sqlite')
  openStore(dbPath).close()
  staticDir = join(temp.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Watchfloor</title>')
})

afterAll(async () => {
  await stop()
  cleanup?.()
})

let n = 0
async function call<T>(socket: ApiSocket, method: string, input: unknown): Promise<ApiResult<T>> {
  const id = `p${n++}`
  socket.ws.send(callFrame(id, method, input))
  for (;;) {
    const frame = await socket.next()
    if (frame.i === id) return frame.r as ApiResult<T>
  }
}
async function value<T>(socket: ApiSocket, method: string, input: unknown): Promise<T> {
  const r = await call<T>(socket, method, input)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value
}

const wall: Filters = {
  range: { preset: 'qtd', timeZone: 'Europe/Berlin' },
  segment: ['Commercial'],
  status: ['qualified', 'proposal'],
}

describe('named presets through the browser host', () => {
  it('are kept in the cache across a restart, shared by every page, and refused by name', async () => {
    let host = await start()
    const page = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
    const other = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })

    const saved = await value<PresetChange>(page, 'presets.save', { name: 'Wall', filters: wall })
    expect(saved.ok).toBe(true)
    const id = saved.ok ? saved.id : null
    expect(await value(page, 'presets.setDefault', { id })).toEqual({ ok: true, id })
    // Another page sees it at once.
    expect((await value<PresetList>(other, 'presets.list', {})).presets).toMatchObject([
      { id, name: 'Wall', filters: wall, isDefault: true },
    ])
    // A bad input is a bad request naming the field, not a failure of the core.
    const bad = await call(page, 'presets.save', { name: '', filters: wall })
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(!bad.ok && bad.error.message).toMatch(/name/)
    page.ws.close()
    other.ws.close()

    await stop()
    host = await start()
    const again = await openApiSocket(host.url, { cookie: await pageCookie(host.url) })
    expect(await value<PresetList>(again, 'presets.list', {})).toMatchObject({
      presets: [{ id, name: 'Wall', filters: wall, isDefault: true }],
      unreadable: [],
    })
    expect(await value(again, 'presets.rename', { id, name: 'Lobby wall' })).toEqual({
      ok: true,
      id,
    })
    expect(await value(again, 'presets.delete', { id })).toEqual({ ok: true, id })
    expect(await value(again, 'presets.list', {})).toEqual({ presets: [], unreadable: [] })
    again.ws.close()
  })
})
