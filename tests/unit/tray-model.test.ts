import { describe, expect, it } from 'vitest'
import type { AlertView, TrayState } from '../../shared/api/alert-rules.ts'
import type { SourceStatus } from '../../shared/api/sources.ts'
import {
  TRAY_MENU_ALERTS,
  TRAY_TOOLTIP_MAX,
  trayModel as modelOf,
  urlWithView,
} from '../../main/electron/tray-model.ts'

/** The tray's model for the alerts and the tray state the core answers with. */
const trayModel = (alerts: AlertView[], sources: SourceStatus[], tray: TrayState = 'ok') =>
  modelOf({ alerts, tray }, sources)

const alert = (over: Partial<AlertView> & Pick<AlertView, 'key' | 'name'>): AlertView => ({
  origin: 'local',
  ruleId: 1,
  state: 'firing',
  severity: 'warning',
  message: `${over.name} breached`,
  value: 1,
  since: '2026-11-30T10:00:00.000Z',
  acknowledgedAt: null,
  silencedUntil: null,
  view: 'overview',
  ...over,
})

const source = (name: string, state: SourceStatus['state']): SourceStatus => ({
  name,
  state,
  since: null,
  message: null,
})

const tail = [
  { kind: 'separator' },
  { kind: 'acknowledge-all', label: 'Acknowledge all', enabled: true },
  { kind: 'open', label: 'Open Watchfloor' },
  { kind: 'separator' },
  { kind: 'quit', label: 'Quit' },
] as const

describe('tray model', () => {
  it('all clear: the ok icon, "all clear" and a menu that says nothing fires', () => {
    expect(trayModel([], [source('Postgres', 'live')])).toEqual({
      state: 'ok',
      icon: 'tray-ok.png',
      tooltip: 'Watchfloor — all clear',
      menu: [
        { kind: 'none', label: 'No active alerts' },
        { kind: 'separator' },
        { kind: 'acknowledge-all', label: 'Acknowledge all', enabled: false },
        { kind: 'open', label: 'Open Watchfloor' },
        { kind: 'separator' },
        { kind: 'quit', label: 'Quit' },
      ],
    })
  })

  it('two critical and one warning: the critical icon, counts, the alerts worst first with their tabs', () => {
    const alerts = [
      alert({ key: 'rule:1', name: 'Conversion low', severity: 'warning', view: 'conversion' }),
      alert({
        key: 'rule:2',
        name: 'Lead response slow',
        severity: 'critical',
        view: 'lead-response',
        since: '2026-11-30T10:05:00.000Z',
      }),
      alert({
        key: 'upstream:a7',
        origin: 'upstream',
        ruleId: null,
        name: 'Billing down',
        severity: 'critical',
        view: 'health',
      }),
    ]
    expect(trayModel(alerts, [], 'critical')).toEqual({
      state: 'critical',
      icon: 'tray-critical.png',
      tooltip: 'Watchfloor — 2 critical, 1 warning',
      menu: [
        {
          kind: 'alert',
          key: 'rule:2',
          label: 'Critical: Lead response slow',
          severity: 'critical',
          view: 'lead-response',
        },
        {
          kind: 'alert',
          key: 'upstream:a7',
          label: 'Critical: Billing down',
          severity: 'critical',
          view: 'health',
        },
        {
          kind: 'alert',
          key: 'rule:1',
          label: 'Warning: Conversion low',
          severity: 'warning',
          view: 'conversion',
        },
        ...tail,
      ],
    })
  })

  it('a warning only: the warning icon', () => {
    const model = trayModel([alert({ key: 'rule:1', name: 'Slow' })], [], 'warning')
    expect([model.state, model.icon, model.tooltip]).toEqual([
      'warning',
      'tray-warning.png',
      'Watchfloor — 1 warning',
    ])
  })

  it('a source offline with nothing firing: the offline icon, the source named', () => {
    const model = trayModel([], [source('Postgres', 'offline'), source('Redis', 'live')], 'offline')
    expect([model.state, model.icon, model.tooltip]).toEqual([
      'offline',
      'tray-offline.png',
      'Watchfloor — Postgres offline',
    ])
  })

  it('a source in error is called offline too; two down are counted, not named', () => {
    const model = trayModel(
      [],
      [source('Postgres', 'error'), source('Redis', 'offline')],
      'offline',
    )
    expect([model.state, model.tooltip]).toEqual(['offline', 'Watchfloor — 2 sources offline'])
  })

  it('stale and syncing sources are not called offline', () => {
    const model = trayModel([], [source('Postgres', 'stale'), source('Redis', 'syncing')])
    expect(model.tooltip).toBe('Watchfloor — all clear')
  })

  it("each of the core's four tray states shows its own icon", () => {
    const icons = (['ok', 'warning', 'critical', 'offline'] as const).map((tray) => {
      const { state, icon } = trayModel([], [], tray)
      return [state, icon]
    })
    expect(icons).toEqual([
      ['ok', 'tray-ok.png'],
      ['warning', 'tray-warning.png'],
      ['critical', 'tray-critical.png'],
      ['offline', 'tray-offline.png'],
    ])
  })

  it('a firing alert outranks an offline source; the tooltip tells both', () => {
    const model = trayModel(
      [alert({ key: 'rule:1', name: 'Slow' })],
      [source('Redis', 'offline')],
      'warning',
    )
    expect([model.state, model.tooltip]).toEqual([
      'warning',
      'Watchfloor — 1 warning · Redis offline',
    ])
  })

  it('pending and resolved alerts are not active: neither counted nor listed', () => {
    const model = trayModel(
      [
        alert({ key: 'rule:1', name: 'Pending', state: 'pending', severity: 'critical' }),
        alert({ key: 'rule:2', name: 'Resolved', state: 'resolved', severity: null }),
        alert({ key: 'rule:3', name: 'Ok', state: 'ok', severity: null }),
      ],
      [],
    )
    expect([model.state, model.tooltip, model.menu[0]]).toEqual([
      'ok',
      'Watchfloor — all clear',
      { kind: 'none', label: 'No active alerts' },
    ])
  })

  it('acknowledged alerts still count and are listed after the others, marked; acknowledge all turns off once all are', () => {
    const acked = alert({
      key: 'rule:1',
      name: 'Seen',
      severity: 'critical',
      acknowledgedAt: '2026-11-30T10:01:00.000Z',
    })
    const fresh = alert({ key: 'rule:2', name: 'New', severity: 'critical' })
    const both = trayModel([acked, fresh], [], 'critical')
    expect(both.state).toBe('critical')
    expect(both.tooltip).toBe('Watchfloor — 2 critical (1 acknowledged)')
    expect(both.menu.slice(0, 2)).toEqual([
      {
        kind: 'alert',
        key: 'rule:2',
        label: 'Critical: New',
        severity: 'critical',
        view: 'overview',
      },
      {
        kind: 'alert',
        key: 'rule:1',
        label: 'Critical: Seen (acknowledged)',
        severity: 'critical',
        view: 'overview',
      },
    ])
    expect(both.menu).toContainEqual({
      kind: 'acknowledge-all',
      label: 'Acknowledge all',
      enabled: true,
    })
    expect(trayModel([acked], []).menu).toContainEqual({
      kind: 'acknowledge-all',
      label: 'Acknowledge all',
      enabled: false,
    })
  })

  it('an upstream info alert is listed and counted as info', () => {
    const model = trayModel(
      [alert({ key: 'upstream:i1', origin: 'upstream', name: 'Deploy done', severity: 'info' })],
      [],
    )
    expect([model.state, model.tooltip, model.menu[0]]).toEqual([
      'ok',
      'Watchfloor — 1 info',
      {
        kind: 'alert',
        key: 'upstream:i1',
        label: 'Info: Deploy done',
        severity: 'info',
        view: 'overview',
      },
    ])
  })

  it('among equals the newest comes first', () => {
    const model = trayModel(
      [
        alert({ key: 'rule:1', name: 'Older', since: '2026-11-30T09:00:00.000Z' }),
        alert({ key: 'rule:2', name: 'Newer', since: '2026-11-30T11:00:00.000Z' }),
      ],
      [],
    )
    expect(model.menu.slice(0, 2).map((i) => ('label' in i ? i.label : ''))).toEqual([
      'Warning: Newer',
      'Warning: Older',
    ])
  })

  it('past ten alerts the menu lists ten and "and N more…"', () => {
    const alerts = Array.from({ length: TRAY_MENU_ALERTS + 3 }, (_, i) =>
      alert({ key: `rule:${i}`, name: `Rule ${i}`, since: `2026-11-30T10:${10 + i}:00.000Z` }),
    )
    const menu = trayModel(alerts, []).menu
    expect(menu.filter((i) => i.kind === 'alert')).toHaveLength(TRAY_MENU_ALERTS)
    expect(menu[TRAY_MENU_ALERTS]).toEqual({ kind: 'more', label: 'and 3 more…' })
    expect(menu.slice(TRAY_MENU_ALERTS + 1)).toEqual(tail)
  })

  it('an ampersand is doubled (Electron reads one as a mnemonic) and a long name is cut', () => {
    const long = 'R&D spend '.repeat(10).trim()
    const [item] = trayModel([alert({ key: 'rule:1', name: long })], []).menu
    expect(item).toEqual({
      kind: 'alert',
      key: 'rule:1',
      label: 'Warning: R&&D spend R&&D spend R&&D spend R&&D spend R&&D spend R&&D spend…',
      severity: 'warning',
      view: 'overview',
    })
  })

  it('the tooltip stays within what Windows shows, ending in an ellipsis', () => {
    const sources = Array.from({ length: 3 }, (_, i) => source(`S${i}`, 'offline'))
    const alerts = [
      alert({
        key: 'rule:1',
        name: 'a',
        severity: 'critical',
        acknowledgedAt: '2026-11-30T10:00:00Z',
      }),
      alert({ key: 'rule:2', name: 'b' }),
      alert({ key: 'u:1', name: 'c', severity: 'info' }),
    ]
    const short = trayModel(alerts, sources).tooltip
    expect(short).toBe(
      'Watchfloor — 1 critical, 1 warning, 1 info (1 acknowledged) · 3 sources offline',
    )
    const one = [source('x'.repeat(200), 'offline')]
    const cut = trayModel([], one).tooltip
    expect(cut).toHaveLength(TRAY_TOOLTIP_MAX)
    expect(cut.endsWith('…')).toBe(true)
  })
})

describe('urlWithView', () => {
  it('sets the tab and keeps the filters of the file page', () => {
    expect(
      urlWithView('file:///app/out/renderer/index.html?view=overview&f=r%3Alast7', 'health'),
    ).toBe('file:///app/out/renderer/index.html?view=health&f=r%3Alast7')
  })

  it('adds the tab to a page that names none', () => {
    expect(urlWithView('http://localhost:5173/', 'lead-response')).toBe(
      'http://localhost:5173/?view=lead-response',
    )
  })
})
