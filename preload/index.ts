// The one object the page sees: one function per method of the contract,
// made from its list of names, so a new method reaches the page without an
// edit here.
import { contextBridge, ipcRenderer } from 'electron'
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

const call =
  <M extends MethodName>(method: M) =>
  (input: unknown) =>
    ipcRenderer.invoke(IPC_INVOKE, method, input) as Promise<ApiResult<MethodOutput<M>>>

const methods = Object.fromEntries(methodNames.map((m) => [m, call(m)])) as ApiMethods

const bridge = {
  transport: 'electron',
  methods,
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
    const handler = (_e: unknown, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as EventPayload<E>)
    }
    ipcRenderer.on(IPC_EVENT, handler)
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler)
  },
  // Only the id crosses: the main process asks the core for the job and its file, shows the
  // native save dialog and moves the file there (main/electron/export-save.ts).
  deliverExport: (job: ExportJob) =>
    ipcRenderer.invoke(IPC_SAVE_EXPORT, job.id) as Promise<ExportDelivery>,
} satisfies WatchfloorBridge

contextBridge.exposeInMainWorld('watchfloor', bridge)
