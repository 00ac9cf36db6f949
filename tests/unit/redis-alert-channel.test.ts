// The alert channel's parser (main/sync/redis/alert-channel.ts): what a
// hostile or broken publisher can send, and what is kept.
import { describe, expect, it } from 'vitest'
import { parseAlertMessage } from '../../main/sync/redis/alert-channel.ts'
import { MAX_FIELD_BYTES } from '../../main/sync/redis/stream-events.ts'

const alert = {
  id: 'a-1',
  tenant: 'acme',
  kind: 'response-backlog',
  severity: 'warning',
  message: '3 leads have waited',
  at: '2026-11-30T10:00:00Z',
}

describe('an alert-channel message', () => {
  it('is an alert when it is this tenant’s, well formed', () => {
    expect(parseAlertMessage(JSON.stringify(alert), 'acme')).toEqual({ alert })
  })

  it('is refused with a reason: another tenant, not JSON, a bad field, too large', () => {
    expect(parseAlertMessage(JSON.stringify(alert), 'other')).toEqual({
      reason: 'for tenant acme',
    })
    expect(parseAlertMessage('{nope', 'acme')).toEqual({ reason: 'not JSON' })
    expect(parseAlertMessage('null', 'acme')).toHaveProperty('reason')
    const bad = parseAlertMessage(JSON.stringify({ ...alert, severity: 'panic' }), 'acme')
    expect(bad).toHaveProperty('reason')
    const huge = 'x'.repeat(MAX_FIELD_BYTES + 1)
    expect(parseAlertMessage(huge, 'acme')).toEqual({
      reason: `${MAX_FIELD_BYTES + 1} bytes (limit ${MAX_FIELD_BYTES})`,
    })
  })
})
