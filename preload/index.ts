// The one object the page sees. Each contract method is listed by name; the
// `satisfies` below makes a renamed or missing method a compile error here.
import { contextBridge, ipcRenderer } from 'electron'
import type {
  ApiMethods,
  EventName,
  EventPayload,
  MethodName,
  MethodOutput,
  WatchfloorBridge,
} from '../shared/api/contract.ts'
import type { ApiResult } from '../shared/api/errors.ts'
import { IPC_EVENT, IPC_INVOKE } from '../shared/api/ipc-channels.ts'

const call =
  <M extends MethodName>(method: M) =>
  (input: unknown) =>
    ipcRenderer.invoke(IPC_INVOKE, method, input) as Promise<ApiResult<MethodOutput<M>>>

const methods = {
  'app.status': call('app.status'),
  'kpis.dashboard': call('kpis.dashboard'),
  'activity.page': call('activity.page'),
  'filters.values': call('filters.values'),
} satisfies ApiMethods

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
} satisfies WatchfloorBridge

contextBridge.exposeInMainWorld('watchfloor', bridge)
