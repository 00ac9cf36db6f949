import type { WatchfloorBridge } from '../../../shared/api/index.ts'
import { createWebSocketBridge } from './websocket-bridge.ts'

declare global {
  interface Window {
    /** Set by the Electron preload (typed there with `satisfies WatchfloorBridge`). */
    readonly watchfloor?: WatchfloorBridge
  }
}

/**
 * The page never asks where it runs: Electron's preload hands it a bridge; anywhere else (the
 * browser host, wall screens, e2e tests) it opens the same contract over a WebSocket.
 */
export function resolveBridge(): WatchfloorBridge {
  return window.watchfloor ?? createWebSocketBridge()
}
