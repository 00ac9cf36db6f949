import type { Store } from './open-store.ts'

export function setSetting(db: Store, key: string, value: unknown, now = Date.now()): void {
  db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(key, JSON.stringify(value), now)
}

export function getSetting(db: Store, key: string): unknown {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    { value: string } | undefined
  return row === undefined ? undefined : (JSON.parse(row.value) as unknown)
}
