import { describe, expect, it } from 'vitest'
import type { AlertView, UpstreamAlert } from '../../../shared/api/index.ts'
import { alertButton, bannerRows, panelLists } from '../../../renderer/src/lib/alert-panel.ts'

const T0 = Date.parse('2026-11-30T10:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()

const alert = (key: string, over: Partial<AlertView> = {}): AlertView => ({
  key,
  origin: 'local',
  ruleId: 1,
  name: key,
  state: 'firing',
  severity: 'warning',
  message: `${key} breached`,
  value: 1,
  since: at(0),
  acknowledgedAt: null,
  silencedUntil: null,
  view: 'overview',
  ...over,
})

const upstream = (id: string, over: Partial<UpstreamAlert> = {}): UpstreamAlert => ({
  id,
  kind: 'ops',
  severity: 'warning',
  message: `upstream ${id}`,
  value: null,
  at: at(0),
  origin: 'socketio',
  ...over,
})

describe('alert panel lists', () => {
  it('splits firing alerts into active and acknowledged, worst first; pending ones are in neither', () => {
    const lists = panelLists([
      alert('rule:1'),
      alert('rule:2', { severity: 'critical' }),
      alert('rule:3', { acknowledgedAt: at(5) }),
      alert('rule:4', { state: 'pending', severity: null }),
    ])
    expect(lists.active.map((a) => a.key)).toEqual(['rule:2', 'rule:1'])
    expect(lists.acknowledged.map((a) => a.key)).toEqual(['rule:3'])
  })

  it('the button names the count and the worst severity of what is not acknowledged', () => {
    expect(alertButton([])).toEqual({
      text: 'Alerts',
      label: 'Alerts, none active',
      severity: null,
    })
    expect(alertButton([alert('rule:1', { acknowledgedAt: at(1) })])).toEqual({
      text: 'Alerts',
      label: 'Alerts, none new, 1 acknowledged',
      severity: null,
    })
    expect(alertButton([alert('rule:1')])).toEqual({
      text: '1 alert',
      label: '1 alert, worst warning',
      severity: 'warning',
    })
    expect(alertButton([alert('rule:1'), alert('rule:2', { severity: 'critical' })])).toEqual({
      text: '2 alerts',
      label: '2 alerts, worst critical',
      severity: 'critical',
    })
  })
})

describe('wall banner rows', () => {
  it('local alerts worst first, then recent upstream ones the core does not list, three at most', () => {
    const rows = bannerRows(
      [
        alert('rule:1', { message: 'Conversion low' }),
        alert('rule:2', { severity: 'critical', message: 'Lead response slow', since: at(60_000) }),
        alert('upstream:u1', { origin: 'upstream', ruleId: null, message: 'Billing down' }),
      ],
      [upstream('u1'), upstream('u2', { severity: 'critical' })],
      T0 + 120_000,
    )
    expect(rows).toEqual([
      { key: 'rule:2', severity: 'critical', message: 'Lead response slow', since: at(60_000) },
      { key: 'rule:1', severity: 'warning', message: 'Conversion low', since: at(0) },
      { key: 'upstream:u1', severity: 'warning', message: 'Billing down', since: at(0) },
    ])
  })

  it('an upstream alert not listed by the core shows for 30 minutes after it was raised', () => {
    const shown = (now: number) => bannerRows([], [upstream('u9')], now).map((r) => r.key)
    expect(shown(T0 + 30 * 60_000 - 1)).toEqual(['upstream:u9'])
    expect(shown(T0 + 30 * 60_000)).toEqual([])
  })

  it('nothing firing and nothing recent: no rows', () => {
    expect(bannerRows([alert('rule:1', { state: 'resolved', severity: null })], [], T0)).toEqual([])
  })
})
