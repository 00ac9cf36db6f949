// The tray icon (issue 13, "Delivery"): thin. Everything it shows comes from
// the core over the api (`alerts.active`, `app.status`'s sources) and is
// mapped by the pure trayModel (tray-model.ts, unit-tested); this file only
// hands the result to Electron and turns clicks into the shell's actions.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import { join } from 'node:path'
import type { ActiveAlerts } from '../../shared/api/alert-engine.ts'
import type { SourceStatus } from '../../shared/api/sources.ts'
import { trayModel, type TrayMenuItem, type TrayModel } from './tray-model.ts'

/** What the tray reads from the core and asks of it. */
export interface TrayFeed {
  activeAlerts(): Promise<ActiveAlerts>
  sources(): Promise<readonly SourceStatus[]>
  acknowledgeAll(): Promise<void>
}

/** What a click does in the shell. */
export interface TrayActions {
  /** Shows the window, on `view`'s tab when one is named. */
  open(view: string | null): void
  quit(): void
}

export interface AlertTray {
  /** Reads the core again and redraws (after `alerts.changed`, a sync, a source's change). */
  refresh(): Promise<void>
  /** What the tray shows now (the _electron suite reads its menu through the shell's test hooks). */
  current(): TrayModel | null
  destroy(): void
}

function templateOf(
  item: TrayMenuItem,
  actions: TrayActions,
  acknowledgeAll: () => void,
): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'alert':
      return { label: item.label, click: () => actions.open(item.view) }
    case 'more':
    case 'open':
      return { label: item.label, click: () => actions.open(null) }
    case 'none':
      return { label: item.label, enabled: false }
    case 'separator':
      return { type: 'separator' }
    case 'acknowledge-all':
      return { label: item.label, enabled: item.enabled, click: acknowledgeAll }
    case 'quit':
      return { label: item.label, click: () => actions.quit() }
  }
}

export function createAlertTray(
  resourcesDir: string,
  feed: TrayFeed,
  actions: TrayActions,
  log: (line: string) => void,
): AlertTray {
  const iconOf = (file: string) => nativeImage.createFromPath(join(resourcesDir, file))
  const quietModel = trayModel({ alerts: [], tray: 'ok' }, [])
  const tray = new Tray(iconOf(quietModel.icon))
  let shown: TrayModel | null = null
  // Refreshes may overlap (a burst of events); the latest request wins, one read at a time.
  let running: Promise<void> | null = null
  let again = false

  const acknowledgeAll = () => {
    feed.acknowledgeAll().then(
      () => refresh(),
      (error: unknown) => log(`tray: could not acknowledge: ${(error as Error).message}`),
    )
  }

  const draw = (model: TrayModel) => {
    if (shown === null || shown.icon !== model.icon) tray.setImage(iconOf(model.icon))
    tray.setToolTip(model.tooltip)
    tray.setContextMenu(
      Menu.buildFromTemplate(model.menu.map((i) => templateOf(i, actions, acknowledgeAll))),
    )
    shown = model
  }

  const readOnce = async () => {
    const [active, sources] = await Promise.all([feed.activeAlerts(), feed.sources()])
    if (!tray.isDestroyed()) draw(trayModel(active, sources))
  }

  function refresh(): Promise<void> {
    if (running !== null) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        try {
          await readOnce()
        } catch (error) {
          // A core restarting answers `unavailable`; the next event or tick reads again.
          log(`tray: could not read alerts: ${(error as Error).message}`)
        }
      } while (again)
    })().finally(() => {
      running = null
    })
    return running
  }

  // A left click (Windows, most Linux trays) opens the window; macOS shows the menu.
  tray.on('click', () => actions.open(null))
  draw(quietModel)
  return {
    refresh,
    current: () => shown,
    destroy: () => tray.destroy(),
  }
}
