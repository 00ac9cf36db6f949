// The sandboxed preload: exposes the bridge (bridge.ts) as window.watchfloor, and nothing else.
import { contextBridge, ipcRenderer } from 'electron'
import { buildBridge } from './bridge.ts'

contextBridge.exposeInMainWorld('watchfloor', buildBridge(ipcRenderer))
