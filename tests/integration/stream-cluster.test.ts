// The stream reader against a real Redis Cluster: three throwaway
// cluster-enabled redis-server processes on free ports, joined with
// `redis-cli --cluster create`, read through ioredis's Cluster client.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../main/store/index.ts'
import { startRedisSync, type RedisSync } from '../../main/sync/redis/index.ts'
import { startRedisServer } from '../support/redis-server.ts'
import { tempDir } from '../support/temp.ts'
import { freePort, until } from '../support/wait.ts'

const TENANT = `tcl${process.pid}${Date.now()}`
const temp = tempDir('watchfloor-cluster-')
const servers: ChildProcess[] = []
const ports: number[] = []
let db: Store
let sync: RedisSync | undefined
let writer: Cluster

beforeAll(async () => {
  for (let i = 0; i < 3; i++) ports.push(await freePort())
  for (const port of ports) {
    servers.push(
      await startRedisServer(port, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${temp.dir}/nodes-${port}.conf`,
        '--dir',
        temp.dir,
      ]),
    )
  }
  const create = spawnSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { encoding: 'utf8' },
  )
  if (create.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`)
  await until('the cluster to be ok', () => {
    const info = spawnSync('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'], {
      encoding: 'utf8',
    })
    return info.stdout.includes('cluster_state:ok') ? true : undefined
  })
  writer = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })))
  db = openStore(`${temp.dir}/cache.sqlite`)
})

afterAll(async () => {
  await sync?.stop()
  writer?.disconnect()
  db?.close()
  for (const child of servers) {
    child.kill('SIGTERM')
    if (child.exitCode === null) await once(child, 'exit')
  }
  temp.cleanup()
})

const event = (n: number) => [
  'type',
  'lead_updated',
  'table',
  'leads',
  'id',
  String(n),
  'tenant',
  TENANT,
  'at',
  new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  'data',
  JSON.stringify({ id: n }),
]

describe('Redis Cluster', () => {
  it('reads the tenant stream through the cluster, exactly once and in order', async () => {
    const stream = `ops:${TENANT}:events`
    for (let n = 1; n <= 50; n++) await writer.xadd(stream, '*', ...event(n))
    const changes: string[][] = []
    sync = startRedisSync({
      db,
      redis: { cluster: ports.map((port) => ({ host: '127.0.0.1', port })) },
      tenant: TENANT,
      log: () => {},
      startFrom: 'beginning',
      onChange: (tables) => changes.push([...tables]),
    })
    await until('the first 50 events', () => (sync?.stats().stored === 50 ? true : undefined))
    for (let n = 51; n <= 80; n++) await writer.xadd(stream, '*', ...event(n))
    await until('30 more', () => (sync?.stats().stored === 80 ? true : undefined))
    const ids = (
      db.prepare('SELECT stream_id FROM events ORDER BY rowid').all() as { stream_id: string }[]
    ).map((r) => r.stream_id)
    const upstream = (await writer.xrange(stream, '-', '+')).map(([id]) => id)
    expect(ids).toEqual(upstream)
    expect(sync.status().state).toBe('live')
    expect(changes.flat()).toContain('leads')
  })
})
