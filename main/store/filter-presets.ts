// Named filter presets in the cache's `filter_presets` table (migrations 2 and
// 10). The filters are kept in their compact URL form (shared/api/filters.ts,
// serializeFilters): the same text a link carries, read back with the same
// parser, so a preset and a bookmark of the same filters cannot differ. A row
// whose text this build no longer reads (a renamed zone, a value the schema now
// refuses) is listed as unreadable with why, never applied and never thrown.
import {
  PRESET_LIMIT,
  parseFilters,
  serializeFilters,
  type FilterPreset,
  type Filters,
  type PresetChange,
  type PresetList,
  type UnreadablePreset,
} from '../../shared/api/index.ts'
import type { Store } from './open-store.ts'

interface PresetRow {
  id: number
  name: string
  filters: string
  is_default: number
  updated_at: number
}

/** Names compare without regard to case: "Wall" and "wall" would be one preset to a reader. */
const sameName = (a: string, b: string): boolean =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name.localeCompare(b.name, 'en-US', { sensitivity: 'base' }) || a.name.localeCompare(b.name)

function rows(db: Store): PresetRow[] {
  return db
    .prepare('SELECT id, name, filters, is_default, updated_at FROM filter_presets')
    .all() as PresetRow[]
}

export function listPresets(db: Store): PresetList {
  const presets: FilterPreset[] = []
  const unreadable: UnreadablePreset[] = []
  for (const row of rows(db)) {
    const parsed = parseFilters(row.filters)
    if (parsed.ok) {
      presets.push({
        id: row.id,
        name: row.name,
        filters: parsed.filters,
        isDefault: row.is_default === 1,
        updatedAt: new Date(row.updated_at).toISOString(),
      })
    } else {
      const why = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
      unreadable.push({
        id: row.id,
        name: row.name,
        problem: `its filters can no longer be read (${why})`,
      })
    }
  }
  return { presets: presets.sort(byName), unreadable: unreadable.sort(byName) }
}

const taken = (name: string): PresetChange => ({
  ok: false,
  reason: 'name-taken',
  message: `A preset called "${name}" already exists; pick another name.`,
})

const missing = (id: number): PresetChange => ({
  ok: false,
  reason: 'not-found',
  message: `There is no preset ${id} (it may have been deleted elsewhere).`,
})

/**
 * Saves `filters` under `name` (already trimmed and bounded by the contract). A name in use is
 * refused unless `replace`, which overwrites that preset's filters; a new preset past
 * PRESET_LIMIT is refused.
 */
export function savePreset(
  db: Store,
  name: string,
  filters: Filters,
  replace: boolean,
  now: number,
): PresetChange {
  const text = serializeFilters(filters)
  return db
    .transaction((): PresetChange => {
      const all = rows(db)
      const same = all.find((r) => sameName(r.name, name))
      if (same !== undefined) {
        if (!replace) return taken(same.name)
        db.prepare(
          'UPDATE filter_presets SET name = ?, filters = ?, updated_at = ? WHERE id = ?',
        ).run(name, text, now, same.id)
        return { ok: true, id: same.id }
      }
      if (all.length >= PRESET_LIMIT) {
        return {
          ok: false,
          reason: 'limit',
          message: `At most ${PRESET_LIMIT} presets can be kept; delete one first.`,
        }
      }
      const info = db
        .prepare(
          'INSERT INTO filter_presets (name, filters, created_at, updated_at) VALUES (?, ?, ?, ?)',
        )
        .run(name, text, now, now)
      return { ok: true, id: Number(info.lastInsertRowid) }
    })
    .immediate()
}

export function renamePreset(db: Store, id: number, name: string, now: number): PresetChange {
  return db
    .transaction((): PresetChange => {
      const all = rows(db)
      if (!all.some((r) => r.id === id)) return missing(id)
      const other = all.find((r) => r.id !== id && sameName(r.name, name))
      if (other !== undefined) return taken(other.name)
      db.prepare('UPDATE filter_presets SET name = ?, updated_at = ? WHERE id = ?').run(
        name,
        now,
        id,
      )
      return { ok: true, id }
    })
    .immediate()
}

export function deletePreset(db: Store, id: number): PresetChange {
  const info = db.prepare('DELETE FROM filter_presets WHERE id = ?').run(id)
  return info.changes === 0 ? missing(id) : { ok: true, id }
}

/** Makes `id` the one default preset, or leaves none (`null`). */
export function setDefaultPreset(db: Store, id: number | null): PresetChange {
  return db
    .transaction((): PresetChange => {
      if (
        id !== null &&
        db.prepare('SELECT 1 FROM filter_presets WHERE id = ?').get(id) === undefined
      )
        return missing(id)
      // Cleared first: the partial unique index allows one flagged row at any instant.
      db.prepare('UPDATE filter_presets SET is_default = 0 WHERE is_default = 1').run()
      if (id !== null) db.prepare('UPDATE filter_presets SET is_default = 1 WHERE id = ?').run(id)
      return { ok: true, id }
    })
    .immediate()
}
