// The shell's IPC registration, tested through a structural stand-in for
// ipcMain (our own small interface, not a mock of Electron), plus pins that
// the dangerous generic forms cannot come back.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { registerApiIpc, type IpcEventLike, type IpcMainLike } from '../../main/electron/ipc.ts'
import {
  APP_ENTRY_URL,
  devServerUrlFor,
  ownPageCheck,
} from '../../main/electron/security-policy.ts'
import { IPC_INVOKE } from '../../shared/api/ipc-channels.ts'

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>()
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  }
  return { ipc, handlers }
}

describe('Electron api IPC', () => {
  const trusted = ownPageCheck()

  it('registers exactly one channel and forwards calls from our page to the core', async () => {
    const { ipc, handlers } = fakeIpcMain()
    const calls: unknown[][] = []
    registerApiIpc(
      ipc,
      (m, i) => (calls.push([m, i]), Promise.resolve({ ok: true, value: 'pong' })),
      trusted,
    )
    expect([...handlers.keys()]).toEqual([IPC_INVOKE])
    const result = await handlers.get(IPC_INVOKE)!(
      { senderFrame: { url: `${APP_ENTRY_URL}?view=alerts`, parent: null } },
      'app.status',
      {},
    )
    expect(result).toEqual({ ok: true, value: 'pong' })
    expect(calls).toEqual([['app.status', {}]])
  })

  it.each([
    'https://evil.example/index.html',
    'https://evil.example/?next=app://watchfloor/index.html',
    'file:///opt/watchfloor/out/renderer/index.html',
    'app://user@watchfloor/index.html',
    'app://watchfloor.evil.example/index.html',
    'http://127.0.0.1:5173/',
  ])('refuses calls from %s', async (url) => {
    const { ipc, handlers } = fakeIpcMain()
    let called = false
    registerApiIpc(
      ipc,
      () => ((called = true), Promise.resolve({ ok: true, value: null })),
      trusted,
    )
    const result = await handlers.get(IPC_INVOKE)!({ senderFrame: { url } }, 'app.status', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(called).toBe(false)
  })

  it('passes the core the method and input only, never a caller the page names', async () => {
    const { ipc, handlers } = fakeIpcMain()
    const calls: unknown[][] = []
    registerApiIpc(
      ipc,
      (...args: unknown[]) => (calls.push(args), Promise.resolve({ ok: true, value: null })),
      trusted,
    )
    await handlers.get(IPC_INVOKE)!(
      { senderFrame: { url: APP_ENTRY_URL, parent: null } },
      'rules.save',
      { name: 'x' },
      { role: 'admin', actor: 'forged' },
    )
    expect(calls).toEqual([['rules.save', { name: 'x' }]])
  })

  it('refuses calls from a subframe of our own page, and from no frame', async () => {
    const { ipc, handlers } = fakeIpcMain()
    let called = false
    registerApiIpc(
      ipc,
      () => ((called = true), Promise.resolve({ ok: true, value: null })),
      trusted,
    )
    for (const senderFrame of [{ url: APP_ENTRY_URL, parent: { url: APP_ENTRY_URL } }, null]) {
      const result = await handlers.get(IPC_INVOKE)!({ senderFrame }, 'app.status', {})
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    }
    expect(called).toBe(false)
  })

  it('accepts the dev server only unpackaged and at its exact origin', () => {
    const dev = ownPageCheck(devServerUrlFor('http://localhost:5173', false))
    expect(dev('http://localhost:5173/index.html')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('http://localhost:5173.evil.example/')).toBe(false)
    const packaged = ownPageCheck(devServerUrlFor('http://localhost:5173', true))
    expect(packaged('http://localhost:5173/index.html')).toBe(false)
  })
})

describe('security pins', () => {
  const preload = readFileSync(new URL('../../preload/index.ts', import.meta.url), 'utf8')
  const bridge = readFileSync(new URL('../../preload/bridge.ts', import.meta.url), 'utf8')

  it('the preload exposes the bridge once and no generic invoke, file, shell or SQL access', () => {
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1)
    expect(preload).toContain("exposeInMainWorld('watchfloor', buildBridge(ipcRenderer))")
    for (const source of [preload, bridge]) {
      expect(source).not.toMatch(/invoke\s*:\s*\(?\s*channel/)
      expect(source).not.toMatch(
        /openExternal|readFile|runSql|require\(|shell\.|webFrame|process\./,
      )
    }
    // Every channel the bridge uses is named by a constant, never passed in by the page.
    expect(bridge.match(/ipc\.invoke\((\w+)/g)).toEqual([
      'ipc.invoke(IPC_INVOKE',
      'ipc.invoke(IPC_SAVE_EXPORT',
    ])
  })
})
