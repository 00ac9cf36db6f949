import type { ApiResult } from '../../shared/api/index.ts'
import type { CoreConfig } from './core-service.ts'

/** Functions the core process serves to its parent (host, CLI or Electron shell). */
export interface CoreFunctions {
  /** `caller`: who makes the call (shared/api/roles.ts Caller); left out, the desktop user. */
  invoke(method: unknown, input: unknown, caller?: unknown): Promise<ApiResult<unknown>>
}

/** Messages the core sends its parent; all one-way. */
export interface ParentFunctions {
  ready(info: { ok: true } | { ok: false; message: string }): void
  event(name: string, payload: unknown): void
  log(line: string): void
  progress(phase: string, done: number, total: number): void
}

export const parentEventNames: (keyof ParentFunctions)[] = ['ready', 'event', 'log', 'progress']

/**
 * Says how a core process gets its configuration: CORE_CONFIG_BY_MESSAGE, over its message port
 * (every launcher: the host's and the CLI's Node child, the app's utilityProcess), or JSON.
 */
export const CORE_CONFIG_ENV = 'WATCHFLOOR_CORE_CONFIG'

/**
 * CORE_CONFIG_ENV's value when the configuration comes over the core's message port: it holds
 * the connection profile's secrets, which must never sit in an environment (/proc/<pid>/environ,
 * crash reports, children). The core asks once it listens (CORE_CONFIG_REQUEST); the parent
 * answers with a CoreConfigMessage (configHandOver).
 */
export const CORE_CONFIG_BY_MESSAGE = 'message'
const CONFIG_REQUEST_TYPE = 'watchfloor:core-config-request'
const CONFIG_TYPE = 'watchfloor:core-config'
export const CORE_CONFIG_REQUEST = { type: CONFIG_REQUEST_TYPE } as const
export interface CoreConfigMessage {
  readonly type: typeof CONFIG_TYPE
  readonly config: CoreConfig
}
export const coreConfigMessage = (config: CoreConfig): CoreConfigMessage => ({
  type: CONFIG_TYPE,
  config,
})
const typed = (message: unknown, type: string): boolean =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type
export const isCoreConfigRequest = (message: unknown): boolean =>
  typed(message, CONFIG_REQUEST_TYPE)
export const isCoreConfigMessage = (message: unknown): message is CoreConfigMessage =>
  typed(message, CONFIG_TYPE) &&
  typeof (message as { config?: { dbPath?: unknown } }).config?.dbPath === 'string'

/**
 * The parent's side of the hand-over, one per core process: answers the core's configuration
 * request once with `config` (through `post`) and hands every other message to `next`.
 */
export function configHandOver(
  config: CoreConfig,
  post: (message: CoreConfigMessage) => void,
): (message: unknown, next: (message: unknown) => void) => void {
  let handedOver = false
  return (message, next) => {
    if (!isCoreConfigRequest(message)) next(message)
    else if (!handedOver) {
      handedOver = true
      post(coreConfigMessage(config))
    }
  }
}

/**
 * The environment a core process starts with, however it is forked: its parent's, with
 * CORE_CONFIG_ENV saying "ask over the port". Never the configuration itself, nor in argv.
 */
export const coreEnvironment = (): NodeJS.ProcessEnv => ({
  ...process.env,
  [CORE_CONFIG_ENV]: CORE_CONFIG_BY_MESSAGE,
})

export type { CoreConfig }
