// The one object the page sees (window.watchfloor), built from an ipcRenderer handed in, so
// tests/unit/electron-preload-bridge.test.ts builds it under Node with a stand-in and checks
// its surface: exactly the contract's renderer side (WatchfloorBridge: one function per method
// of the contract, made from its list of names, the event subscription and deliverExport).
// There is no generic `invoke(channel)`, no file, shell or SQL pass-through: every function
// names its channel itself, and what crosses is the method name (checked by the core against
// the contract) and its input (parsed there by the method's schema).
import {
  methodNames,
  type ApiMethods,
  type EventName,
  type EventPayload,
  type ExportDelivery,
  type MethodName,
  type MethodOutput,
  type WatchfloorBridge,
} from '../shared/api/contract.ts'
import type { ApiResult } from '../shared/api/errors.ts'
import type { ExportJob } from '../shared/api/exports.ts'
import { IPC_EVENT, IPC_INVOKE, IPC_SAVE_EXPORT } from '../shared/api/ipc-channels.ts'

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export function buildBridge(ipc: IpcRendererLike): WatchfloorBridge {
  const call =
    <M extends MethodName>(method: M) =>
    (input: unknown) =>
      ipc.invoke(IPC_INVOKE, method, input) as Promise<ApiResult<MethodOutput<M>>>

  const methods = Object.freeze(
    Object.fromEntries(methodNames.map((m) => [m, call(m)])),
  ) as ApiMethods

  return Object.freeze({
    transport: 'electron',
    methods,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const handler = (_e: unknown, name: unknown, payload: unknown) => {
        if (name === event) listener(payload as EventPayload<E>)
      }
      ipc.on(IPC_EVENT, handler)
      return () => void ipc.removeListener(IPC_EVENT, handler)
    },
    // Only the id crosses: the main process asks the core for the job and its file, shows the
    // native save dialog and moves the file there (main/electron/export-save.ts).
    deliverExport: (job: ExportJob) =>
      ipc.invoke(IPC_SAVE_EXPORT, job.id) as Promise<ExportDelivery>,
  } satisfies WatchfloorBridge)
}
