// Optional upstream metric snapshots under `analytics:metrics:{tenant}:{name}`
// (DESIGN.md, "Sync", Redis): a hash, or a string holding JSON.
import type Database from 'better-sqlite3'
import { Cluster } from 'ioredis'
import type { Redis } from 'ioredis'
import { MAX_FIELD_BYTES } from './stream-events.ts'

export interface SnapshotResult {
  readonly stored: number
  readonly skipped: readonly { readonly name: string; readonly reason: string }[]
}

const prefixOf = (tenant: string) => `analytics:metrics:${tenant}:`

/**
 * SCAN, never KEYS (which blocks the server). In a cluster each master holds
 * a share of the keys, so each is scanned; every command names one key.
 */
async function scanNames(client: Redis | Cluster, tenant: string): Promise<string[]> {
  const prefix = prefixOf(tenant)
  // Glob metacharacters in a tenant id must match literally.
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
  const nodes = client instanceof Cluster ? client.nodes('master') : [client]
  const names = new Set<string>()
  for (const node of nodes) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      cursor = next
      for (const key of keys) names.add(key.slice(prefix.length))
    } while (cursor !== '0')
  }
  return [...names].sort()
}

type Read = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string }

async function readOne(client: Redis | Cluster, key: string): Promise<Read> {
  const type = await client.type(key)
  if (type === 'none') return { ok: false, reason: 'no such key' }
  if (type === 'hash') {
    const fields = await client.hgetall(key)
    const size = Object.entries(fields).reduce((n, [k, v]) => n + k.length + v.length, 0)
    if (size > MAX_FIELD_BYTES) return { ok: false, reason: `${size} bytes` }
    // Hash fields are strings; numbers are given back as numbers so the
    // metrics code need not guess.
    const value: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(fields)) {
      const n = Number(v)
      value[k] = v.trim() !== '' && Number.isFinite(n) ? n : v
    }
    return { ok: true, value }
  }
  if (type === 'string') {
    const text = (await client.get(key)) ?? ''
    if (text.length > MAX_FIELD_BYTES) return { ok: false, reason: `${text.length} bytes` }
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'number') return { ok: true, value: { value: parsed } }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return { ok: true, value: parsed as Record<string, unknown> }
      }
      return { ok: false, reason: 'JSON is neither an object nor a number' }
    } catch {
      return { ok: false, reason: 'not JSON' }
    }
  }
  return { ok: false, reason: `a ${type}, not a hash or a JSON string` }
}

/**
 * Reads the named snapshots (all of the tenant's when `names` is omitted)
 * and stores them in upstream_metric_snapshots in one transaction. A bad
 * snapshot is skipped and reported; it never replaces a good stored one.
 */
export async function readMetricSnapshots(
  client: Redis | Cluster,
  db: Database.Database,
  tenant: string,
  names?: readonly string[],
  now = Date.now(),
): Promise<SnapshotResult> {
  const wanted = names ?? (await scanNames(client, tenant))
  const good: [string, string][] = []
  const skipped: { name: string; reason: string }[] = []
  for (const name of wanted) {
    const read = await readOne(client, prefixOf(tenant) + name)
    if (read.ok) good.push([name, JSON.stringify(read.value)])
    else skipped.push({ name, reason: read.reason })
  }
  const upsert = db.prepare(
    `INSERT INTO upstream_metric_snapshots (tenant_id, name, value, read_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value, read_at = excluded.read_at`,
  )
  db.transaction(() => {
    for (const [name, value] of good) upsert.run(tenant, name, value, now)
  })()
  return { stored: good.length, skipped }
}
