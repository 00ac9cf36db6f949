import { IPC_INVOKE } from '../../shared/api/ipc-channels.ts'
import type { ApiResult } from '../../shared/api/index.ts'
import { isTrustedSender, type SenderFrameLike } from './security-policy.ts'

/** The part of Electron's ipcMain we use, so registration is testable without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}
export interface IpcEventLike {
  /** Electron's WebFrameMain: its URL, and its parent (null for a page's top frame). */
  readonly senderFrame: SenderFrameLike | null
}

/**
 * Wires the one api channel to the core. Calls from any frame other than the top frame of one
 * of our own pages (security-policy.ts isTrustedSender: `app://watchfloor`, or the dev server
 * in an unpackaged app) are refused; arguments stay `unknown` here and are validated by the
 * core's dispatcher.
 */
export function registerApiIpc(
  ipcMain: IpcMainLike,
  invoke: (method: unknown, input: unknown) => Promise<ApiResult<unknown>>,
  isOwnPage: (url: string) => boolean,
): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, method, input) => {
    if (!isTrustedSender(event.senderFrame, isOwnPage)) {
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
