// The connections as the settings screen sees them (issue 15): every way a profile can carry a
// secret (URL userinfo, percent-encoded, `?password=`, the Socket.IO token) shows as "set" and
// never as itself; an upstream that cannot be reached is reported with the sync's sentence.
import { describe, expect, it } from 'vitest'
import {
  connectionsStatus,
  profileSecrets,
  scrub,
  testConnections,
} from '../../main/access/connections.ts'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { MASKED_SECRET } from '../../shared/api/index.ts'

const profile = resolveProfile({
  postgres: { url: 'postgresql://ops%20user:p%40ss%3Aword@db.internal:6543/ops?sslmode=require' },
  redis: { url: 'redis://default:r3dis-secret@cache.internal:6380/2?password=also-secret' },
  socketio: { url: 'https://push.internal', token: 'io-token-secret' },
  tenant: 'north',
})

describe('connections.status', () => {
  it('shows host, port, database and user, and each secret only as set', () => {
    const status = connectionsStatus(profile)
    expect(status).toEqual({
      configured: true,
      tenant: 'north',
      connections: [
        {
          kind: 'postgres',
          endpoints: [
            {
              host: 'db.internal',
              port: 6543,
              database: 'ops',
              user: 'ops user',
              password: MASKED_SECRET,
            },
          ],
          details: { schema: 'public', feed: 'changelog', tls: 'off' },
        },
        {
          kind: 'redis',
          endpoints: [
            {
              host: 'cache.internal',
              port: 6380,
              database: '2',
              user: 'default',
              password: MASKED_SECRET,
            },
          ],
          details: {},
        },
        {
          kind: 'socketio',
          endpoints: [
            { host: 'push.internal', port: 80, database: null, user: null, password: null },
          ],
          details: { token: MASKED_SECRET },
        },
      ],
    })
    const text = JSON.stringify(status)
    for (const secret of [
      'p@ss:word',
      'p%40ss%3Aword',
      'r3dis-secret',
      'also-secret',
      'io-token-secret',
    ])
      expect(text).not.toContain(secret)
  })

  it('says there is nothing configured without an upstream, and lists cluster nodes', () => {
    expect(connectionsStatus(undefined)).toEqual({
      configured: false,
      connections: [],
      tenant: null,
    })
    const cluster = connectionsStatus(resolveProfile({ redis: { cluster: ['a:7000', 'b:7001'] } }))
    expect(cluster.connections[0]?.endpoints.map((e) => `${e.host}:${e.port}`)).toEqual([
      'a:7000',
      'b:7001',
    ])
  })

  it('scrubs every form of every secret from a message', () => {
    const secrets = profileSecrets(profile)
    const message =
      'login p@ss:word / p%40ss%3Aword failed; r3dis-secret also-secret io-token-secret'
    expect(scrub(message, secrets)).toBe(
      `login ${MASKED_SECRET} / ${MASKED_SECRET} failed; ${MASKED_SECRET} ${MASKED_SECRET} ${MASKED_SECRET}`,
    )
  })
})

describe('connections.test', () => {
  it('reports an upstream that refuses with the sync’s sentence, within the timeout', async () => {
    const closed = resolveProfile({
      postgres: { url: 'postgres://u:pw-secret-1@127.0.0.1:9/x' },
      redis: { url: 'redis://:pw-secret-2@127.0.0.1:9' },
    })
    const { results } = await testConnections(closed, 3_000)
    expect(results.map((r) => [r.kind, r.ok, r.message])).toEqual([
      ['postgres', false, 'Cannot reach Postgres at 127.0.0.1:9: connection refused'],
      ['redis', false, 'Cannot reach Redis at 127.0.0.1:9: connection refused'],
    ])
  })
})
