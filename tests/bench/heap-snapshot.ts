// A page's heap snapshot over CDP, counted by constructor: two of them, taken after a forced GC
// at two points of a soak, name what grew (the retainer of a leak is among the classes whose
// count climbs with the number of updates or rotations). The snapshot also splits V8's compiled
// code by tier, which tells a page that keeps making code (new scripts, a function per call)
// from V8 optimising more of the same functions as they get hot.
import { writeFileSync } from 'node:fs'
import type { CDPSession } from 'playwright-core'

/** Objects and bytes per constructor name (the snapshot's node name for objects). */
export type HeapCensus = ReadonlyMap<string, { readonly count: number; readonly bytes: number }>

/**
 * V8's compiled code in a snapshot (its "(compiled code)" category), in bytes. Machine code is
 * the code object with its instructions, relocation and deoptimisation data; a function has at
 * most one baseline (Sparkplug) and one optimised (Maglev or Turbofan) code at a time.
 */
export interface CodeBreakdown {
  /** Everything in the category. */
  readonly bytes: number
  /** Sparkplug code, held by a function's shared info. */
  readonly baselineBytes: number
  readonly baselineFunctions: number
  /** Maglev and Turbofan code, held by the functions (closures) running it. */
  readonly optimizedBytes: number
  /** Shared functions with optimised code; more optimised code objects than these is a re-optimisation loop. */
  readonly optimizedFunctions: number
  readonly optimizedCodes: number
  /** Compiled regular expressions. */
  readonly regexpBytes: number
  /** Bytecode arrays: one per function compiled at all; a count that climbs is new functions. */
  readonly bytecodeArrays: number
  /** Scripts in the page's heap: a count that climbs is code evaluated again (a module, a worker). */
  readonly scripts: number
}

export interface HeapReading {
  readonly census: HeapCensus
  readonly code: CodeBreakdown
  /**
   * The JS heap the snapshot reached (every V8 object, DOM wrappers' native parts left out):
   * only what is retained, unlike the heap's used size, which also counts what the last GC has
   * not swept yet and what the page allocated since.
   */
  readonly reachableBytes: number
}

interface RawSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[]
      readonly node_types: readonly [readonly string[], ...unknown[]]
      readonly edge_fields: readonly string[]
      readonly edge_types: readonly [readonly string[], ...unknown[]]
    }
  }
  readonly nodes: readonly number[]
  readonly edges: readonly number[]
  readonly strings: readonly string[]
}

/** Takes a snapshot (after the caller's GC) and counts it; `file` keeps the raw snapshot. */
export async function heapCensus(cdp: CDPSession, file?: string): Promise<HeapReading> {
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
  return readSnapshot(JSON.parse(text) as RawSnapshot)
}

/** Node names V8 gives the parts of its code objects (heap-snapshot-generator.cc). */
const CODE = 'system / Code'
const MACHINE_CODE_PARTS = new Set([
  CODE,
  'system / InstructionStream',
  'system / TrustedByteArray',
  'system / ProtectedFixedArray',
  'system / TrustedWeakFixedArray',
  'system / DeoptimizationData',
  'system / DeoptimizationLiteralArray',
])

export function readSnapshot(raw: RawSnapshot): HeapReading {
  const { meta } = raw.snapshot
  const nodeTypes = meta.node_types[0]
  const edgeTypes = meta.edge_types[0]
  const width = meta.node_fields.length
  const edgeWidth = meta.edge_fields.length
  const typeAt = meta.node_fields.indexOf('type')
  const nameAt = meta.node_fields.indexOf('name')
  const sizeAt = meta.node_fields.indexOf('self_size')
  const edgeCountAt = meta.node_fields.indexOf('edge_count')
  const edgeTypeAt = meta.edge_fields.indexOf('type')
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index')
  const edgeToAt = meta.edge_fields.indexOf('to_node')
  const count = raw.nodes.length / width
  const typeOf = (n: number): string => nodeTypes[raw.nodes[n * width + typeAt] ?? 0] ?? '?'
  const nameOf = (n: number): string => raw.strings[raw.nodes[n * width + nameAt] ?? 0] ?? '?'
  const sizeOf = (n: number): number => raw.nodes[n * width + sizeAt] ?? 0
  const firstEdge = new Uint32Array(count + 1)
  for (let n = 0, e = 0; n < count; n += 1) {
    firstEdge[n] = e
    e += (raw.nodes[n * width + edgeCountAt] ?? 0) * edgeWidth
  }
  firstEdge[count] = raw.edges.length
  const edgeName = (e: number): string => {
    const kind = edgeTypes[raw.edges[e + edgeTypeAt] ?? 0]
    const name = raw.edges[e + edgeNameAt] ?? 0
    return kind === 'element' || kind === 'hidden' ? String(name) : (raw.strings[name] ?? '')
  }
  const target = (e: number): number => (raw.edges[e + edgeToAt] ?? 0) / width

  const counts = new Map<string, { count: number; bytes: number }>()
  let reachableBytes = 0
  let codeBytes = 0
  let bytecodeArrays = 0
  let scripts = 0
  // Which code objects are baseline, optimised or regexp code, read off who holds them.
  const tier = new Map<number, 'baseline' | 'optimized' | 'regexp'>()
  const optimizedOf = new Map<number, number>() // code object → shared function info
  for (let n = 0; n < count; n += 1) {
    const type = typeOf(n)
    const name = nameOf(n)
    const size = sizeOf(n)
    if (type !== 'native' && type !== 'synthetic') reachableBytes += size
    if (type === 'code') {
      codeBytes += size
      if (name === 'system / BytecodeArray') bytecodeArrays += 1
      else if (name.startsWith('system / Script')) scripts += 1
    }
    // Objects by constructor; closures by function name; strings and arrays by kind only.
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `closure ${name}`
          : `(${type})`
    const entry = counts.get(key) ?? { count: 0, bytes: 0 }
    entry.count += 1
    entry.bytes += size
    counts.set(key, entry)

    for (let e = firstEdge[n] ?? 0; e < (firstEdge[n + 1] ?? 0); e += edgeWidth) {
      const to = target(e)
      if (nameOf(to) !== CODE) continue
      if (
        name.startsWith('system / SharedFunctionInfo') &&
        edgeName(e) === 'trusted_function_data'
      ) {
        tier.set(to, 'baseline')
      } else if (name === 'system / IrRegExpData') {
        tier.set(to, 'regexp')
      } else if (type === 'closure' && edgeName(e) === 'code' && !tier.has(to)) {
        let shared = -1
        for (let f = firstEdge[n] ?? 0; f < (firstEdge[n + 1] ?? 0); f += edgeWidth) {
          if (edgeName(f) === 'shared') shared = target(f)
        }
        tier.set(to, 'optimized')
        optimizedOf.set(to, shared)
      }
    }
  }

  // A code object's bytes: itself and the machine code parts it (or its instructions) holds.
  const machineBytes = (code: number): number => {
    const seen = new Set([code])
    const queue = [code]
    let bytes = 0
    while (queue.length > 0) {
      const n = queue.pop() ?? code
      bytes += sizeOf(n)
      for (let e = firstEdge[n] ?? 0; e < (firstEdge[n + 1] ?? 0); e += edgeWidth) {
        const to = target(e)
        if (!seen.has(to) && MACHINE_CODE_PARTS.has(nameOf(to)) && nameOf(to) !== CODE) {
          seen.add(to)
          queue.push(to)
        }
      }
    }
    return bytes
  }
  const sums = { baseline: 0, optimized: 0, regexp: 0 }
  let baselineFunctions = 0
  for (const [code, kind] of tier) {
    if (optimizedOf.has(code) && kind !== 'optimized') optimizedOf.delete(code)
    sums[kind] += machineBytes(code)
    if (kind === 'baseline') baselineFunctions += 1
  }
  return {
    census: counts,
    reachableBytes,
    code: {
      bytes: codeBytes,
      baselineBytes: sums.baseline,
      baselineFunctions,
      optimizedBytes: sums.optimized,
      optimizedFunctions: new Set(optimizedOf.values()).size,
      optimizedCodes: optimizedOf.size,
      regexpBytes: sums.regexp,
      bytecodeArrays,
      scripts,
    },
  }
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
