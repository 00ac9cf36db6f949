import { IPC_INVOKE } from '../../shared/api/ipc-channels.ts'
import type { ApiResult } from '../../shared/api/index.ts'

/** The part of Electron's ipcMain we use, so registration is testable without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}
export interface IpcEventLike {
  readonly senderFrame: { readonly url: string } | null
}

/**
 * Wires the one api channel to the core. Calls from any frame other than our
 * own page are refused; arguments stay `unknown` here and are validated by
 * the core's dispatcher.
 */
export function registerApiIpc(
  ipcMain: IpcMainLike,
  invoke: (method: unknown, input: unknown) => Promise<ApiResult<unknown>>,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, method, input) => {
    const url = event.senderFrame?.url
    if (!url || !isTrustedUrl(url)) {
      return {
        ok: false,
        error: {
          code: 'bad_request',
          message: 'calls are accepted only from the Watchfloor window',
        },
      }
    }
    return invoke(method, input)
  })
  return () => ipcMain.removeHandler(IPC_INVOKE)
}

/** True for our own page: the packaged file, or the dev server's exact origin. */
export function trustedUrlCheck(rendererFile: string, devServerUrl?: string) {
  const fileUrl = new URL(`file://${rendererFile}`).href
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined
  return (url: string): boolean => {
    try {
      const u = new URL(url)
      if (u.protocol === 'file:') return `file://${u.pathname}` === fileUrl
      return devOrigin !== undefined && u.origin === devOrigin
    } catch {
      return false
    }
  }
}
