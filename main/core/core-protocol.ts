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

/** The core's configuration travels in this environment variable as JSON. */
export const CORE_CONFIG_ENV = 'WATCHFLOOR_CORE_CONFIG'

/** The environment a core process starts with, however it is forked. */
export const coreEnvironment = (config: CoreConfig): NodeJS.ProcessEnv => ({
  ...process.env,
  [CORE_CONFIG_ENV]: JSON.stringify(config),
})

export type { CoreConfig }
