// The shell's IPC registration, tested through a structural stand-in for
// ipcMain (our own small interface, not a mock of Electron), plus pins that
// the dangerous generic forms cannot come back.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  registerApiIpc,
  trustedUrlCheck,
  type IpcEventLike,
  type IpcMainLike,
} from '../../main/electron/ipc.ts'
import { IPC_INVOKE } from '../../shared/api/ipc-channels.ts'
import { methodNames } from '../../shared/api/index.ts'

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>()
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  }
  return { ipc, handlers }
}

describe('Electron api IPC', () => {
  const rendererFile = '/opt/watchfloor/out/renderer/index.html'
  const trusted = trustedUrlCheck(rendererFile)

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
      { senderFrame: { url: `file://${rendererFile}` } },
      'app.status',
      {},
    )
    expect(result).toEqual({ ok: true, value: 'pong' })
    expect(calls).toEqual([['app.status', {}]])
  })

  it.each([
    'https://evil.example/index.html',
    'file:///tmp/other/index.html',
    `file://${rendererFile}.evil/x`,
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

  it('accepts the dev server only at its exact origin', () => {
    const dev = trustedUrlCheck(rendererFile, 'http://localhost:5173')
    expect(dev('http://localhost:5173/index.html')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(dev('http://localhost:5173.evil.example/')).toBe(false)
  })
})

describe('security pins', () => {
  const preload = readFileSync(new URL('../../preload/index.ts', import.meta.url), 'utf8')
  const windowTs = readFileSync(new URL('../../main/electron/window.ts', import.meta.url), 'utf8')

  it('the preload exposes one function per contract method and no generic invoke', () => {
    // One function per name of the contract (contract.test.ts pins the table's source).
    expect(methodNames.length).toBeGreaterThan(0)
    expect(preload).toContain('methodNames.map((m) => [m, call(m)])')
    expect(preload).not.toMatch(/invoke\s*:\s*\(?\s*channel/)
    expect(preload).not.toMatch(/openExternal|readFile|runSql|require\(/)
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1)
  })

  it('the window keeps isolation, sandbox and no Node integration, and blocks navigation', () => {
    expect(windowTs).toMatch(/contextIsolation: true/)
    expect(windowTs).toMatch(/sandbox: true/)
    expect(windowTs).toMatch(/nodeIntegration: false/)
    expect(windowTs).toMatch(/will-navigate/)
    expect(windowTs).toMatch(/action: 'deny'/)
  })
})
