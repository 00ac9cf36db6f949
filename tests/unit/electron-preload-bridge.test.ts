// The preload's bridge (preload/bridge.ts), built under Node with a stand-in ipcRenderer: what
// the page can reach is exactly the contract's renderer side, every call goes on a channel the
// bridge names itself, and no generic channel, file, shell or SQL access exists.
import { describe, expect, it } from 'vitest'
import { buildBridge, type IpcRendererLike } from '../../preload/bridge.ts'
import { methodNames } from '../../shared/api/index.ts'
import { IPC_EVENT, IPC_INVOKE, IPC_SAVE_EXPORT } from '../../shared/api/ipc-channels.ts'

function standIn() {
  const invoked: unknown[][] = []
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  const ipc: IpcRendererLike = {
    invoke: (channel, ...args) => (invoked.push([channel, ...args]), Promise.resolve({ ok: true })),
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  }
  const emit = (channel: string, ...args: unknown[]) =>
    listeners.get(channel)?.forEach((l) => l({}, ...args))
  return { ipc, invoked, listeners, emit }
}

/** Every key reachable on the object, own or inherited (up to Object.prototype). */
function surface(value: object): string[] {
  const keys = new Set<string>()
  for (
    let o: object | null = value;
    o && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  )
    for (const key of Reflect.ownKeys(o)) keys.add(String(key))
  return [...keys].sort()
}

describe('the preload bridge', () => {
  it('exposes exactly the contract: transport, one function per method, on, deliverExport', () => {
    const bridge = buildBridge(standIn().ipc)
    expect(surface(bridge)).toEqual(['deliverExport', 'methods', 'on', 'transport'])
    expect(surface(bridge.methods)).toEqual([...methodNames].sort())
    expect(bridge.transport).toBe('electron')
    for (const value of Object.values(bridge.methods)) expect(typeof value).toBe('function')
  })

  it('has no generic channel, file, shell or SQL access anywhere on it', () => {
    const bridge = buildBridge(standIn().ipc)
    const names = [...surface(bridge), ...surface(bridge.methods)]
    for (const forbidden of [
      'invoke',
      'send',
      'sendSync',
      'ipcRenderer',
      'openExternal',
      'shell',
      'readFile',
      'writeFile',
      'fs',
      'require',
      'process',
      'runSql',
      'query',
      'exec',
    ])
      expect(names).not.toContain(forbidden)
    expect(Object.isFrozen(bridge)).toBe(true)
    expect(Object.isFrozen(bridge.methods)).toBe(true)
  })

  it('sends each method on the api channel with its own name, whatever the page passes', async () => {
    const { ipc, invoked } = standIn()
    const bridge = buildBridge(ipc)
    const call = bridge.methods['app.status'] as unknown as (...args: unknown[]) => Promise<unknown>
    await call({ any: 'input' }, 'extra', 'arguments')
    expect(invoked).toEqual([[IPC_INVOKE, 'app.status', { any: 'input' }]])
  })

  it('hands only an export job id to the save channel', async () => {
    const { ipc, invoked } = standIn()
    const bridge = buildBridge(ipc)
    await bridge.deliverExport({ id: 'job-1', fileName: '../../etc/passwd' } as never)
    expect(invoked).toEqual([[IPC_SAVE_EXPORT, 'job-1']])
  })

  it('delivers events by name and unsubscribes', () => {
    const { ipc, emit, listeners } = standIn()
    const bridge = buildBridge(ipc)
    const seen: unknown[] = []
    const off = bridge.on('data.changed', (payload) => seen.push(payload))
    emit(IPC_EVENT, 'alerts.changed', { x: 1 })
    emit(IPC_EVENT, 'data.changed', { tables: [] })
    off()
    emit(IPC_EVENT, 'data.changed', { tables: ['late'] })
    expect(seen).toEqual([{ tables: [] }])
    expect(listeners.get(IPC_EVENT)?.size).toBe(0)
  })
})
