// Electron IPC channel names, shared by the preload and the main process.
// Kept free of runtime imports so the sandboxed preload bundle stays tiny.
export const IPC_INVOKE = 'watchfloor:invoke'
export const IPC_EVENT = 'watchfloor:event'
/** The page asks the main process to save a finished export (by id) through the native save dialog. */
export const IPC_SAVE_EXPORT = 'watchfloor:save-export'
