// A page's heap snapshot over CDP, counted by constructor: two of them, taken after a forced GC
// at two points of a soak, name what grew (the retainer of a leak is among the classes whose
// count climbs with the number of updates or rotations).
import { writeFileSync } from 'node:fs'
import type { CDPSession } from 'playwright-core'

/** Objects and bytes per constructor name (the snapshot's node name for objects). */
export type HeapCensus = ReadonlyMap<string, { readonly count: number; readonly bytes: number }>

interface RawSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[]
      readonly node_types: readonly [readonly string[], ...unknown[]]
    }
  }
  readonly nodes: readonly number[]
  readonly strings: readonly string[]
}

/** Takes a snapshot (after the caller's GC) and counts it; `file` keeps the raw snapshot. */
export async function heapCensus(cdp: CDPSession, file?: string): Promise<HeapCensus> {
  const chunks: string[] = []
  const onChunk = (event: { chunk: string }): void => void chunks.push(event.chunk)
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  }
  const text = chunks.join('')
  if (file !== undefined) writeFileSync(file, text)
  return census(JSON.parse(text) as RawSnapshot)
}

function census(raw: RawSnapshot): HeapCensus {
  const fields = raw.snapshot.meta.node_fields
  const types = raw.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const counts = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt] ?? 0] ?? '?'
    const name = raw.strings[raw.nodes[i + nameAt] ?? 0] ?? '?'
    // Objects by constructor; closures by function name; strings and arrays by kind only.
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `closure ${name}`
          : `(${type})`
    const entry = counts.get(key) ?? { count: 0, bytes: 0 }
    entry.count += 1
    entry.bytes += raw.nodes[i + sizeAt] ?? 0
    counts.set(key, entry)
  }
  return counts
}

/** The constructors whose count grew most from `before` to `after`, largest growth first. */
export function censusGrowth(
  before: HeapCensus,
  after: HeapCensus,
  top = 25,
): { name: string; before: number; after: number; bytes: number }[] {
  return [...after]
    .map(([name, { count, bytes }]) => {
      const was = before.get(name)
      return {
        name,
        before: was?.count ?? 0,
        after: count,
        bytes: bytes - (was?.bytes ?? 0),
      }
    })
    .filter((row) => row.after > row.before)
    .sort((a, b) => b.after - b.before - (a.after - a.before))
    .slice(0, top)
}
