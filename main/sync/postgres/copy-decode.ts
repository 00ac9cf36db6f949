// The initial snapshot's COPY decoded beside the SQLite writer (issue 14):
// this thread keeps the Postgres connection and hands the COPY bytes to a
// worker thread, which splits and checks the rows with the same code as the
// one-thread path (splitCopyText, decodeFields) and sends back whole batches
// packed in typed arrays — transferred, never structured-cloned as arrays of
// objects — so the writer only binds values and inserts. The queue between
// them is bounded both ways: bytes handed to the worker and not yet decoded,
// and decoded batches the writer has not taken, pause the COPY stream (and
// with it Postgres, through TCP) until the writer catches up.
import { Worker } from 'node:worker_threads'
import type { Readable } from 'node:stream'
import {
  decodeFields,
  type ColumnSpec,
  type DecodedRow,
  type LocalValue,
  type RejectedRow,
} from '../local-cache.ts'
import { COPY_CUT_MESSAGE, splitCopyText } from './copy-text.ts'

/** One batch of decoded rows, as the worker packs it. */
export interface PackedRows {
  /** Rows read, accepted or rejected (a transaction's worth, the last one less). */
  readonly rows: number
  /** Accepted rows, packed below in the order read. */
  readonly count: number
  /** UTF-8 of the accepted rows' text values, one after another. */
  readonly text: Uint8Array
  /** Per accepted row and column: for text, the end of its value in `text` decoded (UTF-16 units). */
  readonly ends: Int32Array
  /** Per accepted row and column: for numbers, the value. */
  readonly numbers: Float64Array
  /** Per accepted row and column: 1 for NULL. */
  readonly nulls: Uint8Array
  /** Rows that cannot be cached, with why (the writer records them). */
  readonly rejects: readonly RejectedRow[]
  /** The key of the last row read (accepted or rejected): where a resumed copy goes on from. */
  readonly lastKey: string | null
}

/** Bytes handed to the worker and not yet decoded, past which the COPY stream pauses. */
const MAX_UNDECODED_BYTES = 2 * 1024 * 1024
/** Decoded batches waiting for the writer, past which the COPY stream pauses. */
const MAX_WAITING_BATCHES = 2
/** The COPY's socket chunks are gathered up to this size before one message to the worker. */
const CHUNK_BYTES = 256 * 1024

type FromWorker =
  | { readonly type: 'batch'; readonly batch: PackedRows }
  | { readonly type: 'decoded'; readonly bytes: number }
  | { readonly type: 'end' }
  | { readonly type: 'error'; readonly message: string }

/**
 * The worker, as plain JavaScript so it runs the same from the TypeScript
 * sources, the CLI's bundle and Electron's utility process (as the
 * maintenance worker does): the two decoding functions come in as their own
 * source text, so the rules have one home.
 */
const workerSource = (): string => `
const { parentPort, workerData } = require('node:worker_threads')
// tsx (esbuild's keepNames) wraps functions in __name(fn, 'name') inside their source.
const __name = (fn) => fn
const splitCopyText = (${splitCopyText.toString()})
const decodeFields = (${decodeFields.toString()})
const { spec, batchRows, cutMessage } = workerData
const n = spec.kinds.length
const kinds = spec.kinds
const encoder = new TextEncoder()
let rest = null
let batch = null
const open = () => {
  batch = {
    rows: 0, count: 0, parts: [], length: 0,
    ends: new Int32Array(batchRows * n), numbers: new Float64Array(batchRows * n),
    nulls: new Uint8Array(batchRows * n), rejects: [], lastKey: null,
  }
}
const send = () => {
  const text = encoder.encode(batch.parts.join(''))
  const packed = {
    rows: batch.rows, count: batch.count, text, ends: batch.ends, numbers: batch.numbers,
    nulls: batch.nulls, rejects: batch.rejects, lastKey: batch.lastKey,
  }
  parentPort.postMessage({ type: 'batch', batch: packed },
    [text.buffer, batch.ends.buffer, batch.numbers.buffer, batch.nulls.buffer])
  batch = null
}
const values = new Array(n)
const add = (fields) => {
  if (batch === null) open()
  const key = fields[spec.keyIndex] ?? ''
  batch.rows++
  batch.lastKey = key
  const reason = decodeFields(spec, fields, values)
  if (reason !== null) {
    batch.rejects.push({ key, reason })
  } else {
    const base = batch.count * n
    for (let c = 0; c < n; c++) {
      const v = values[c]
      if (v === null) {
        batch.nulls[base + c] = 1
        batch.ends[base + c] = batch.length
      } else if (kinds[c] === 0) {
        batch.parts.push(v)
        batch.length += v.length
        batch.ends[base + c] = batch.length
      } else {
        batch.numbers[base + c] = v
        batch.ends[base + c] = batch.length
      }
    }
    batch.count++
  }
  if (batch.rows >= batchRows) send()
}
parentPort.on('message', (m) => {
  try {
    if (m.type === 'chunk') {
      const chunk = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength)
      const data = rest ? Buffer.concat([rest, chunk]) : chunk
      const end = data.lastIndexOf(10)
      if (end < 0) {
        rest = Buffer.from(data)
      } else {
        rest = end + 1 < data.length ? Buffer.from(data.subarray(end + 1)) : null
        for (const fields of splitCopyText(data.toString('utf8', 0, end))) add(fields)
      }
      parentPort.postMessage({ type: 'decoded', bytes: chunk.length })
    } else if (m.type === 'end') {
      if (rest && rest.length > 0) throw new Error(cutMessage)
      if (batch !== null) send()
      parentPort.postMessage({ type: 'end' })
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) })
  }
})
`

/**
 * The rows of a COPY TO stream (text format), decoded and checked on a
 * worker thread, `batchRows` rows to a batch. The stream is read here (its
 * connection stays this thread's) and paused while the worker or the
 * writer is behind. Ending early (the caller throws or breaks) or a
 * failure on either side destroys the stream and stops the worker.
 */
export async function* decodedCopyBatches(
  stream: Readable,
  spec: ColumnSpec,
  batchRows: number,
): AsyncGenerator<PackedRows> {
  const worker = new Worker(workerSource(), {
    eval: true,
    // Plain JavaScript needing only Node: none of the parent's loaders (tsx under the sources).
    execArgv: [],
    // Its garbage is a batch's strings: a small young generation keeps its heap (and RSS) small.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    workerData: { spec, batchRows, cutMessage: COPY_CUT_MESSAGE },
  })
  const waiting: PackedRows[] = []
  let undecoded = 0
  let ended = false
  let failure: Error | null = null
  let wake: (() => void) | null = null
  const notify = () => {
    const w = wake
    wake = null
    w?.()
  }
  const fail = (error: Error) => {
    failure ??= error
    notify()
  }
  const flow = () => {
    const behind = undecoded >= MAX_UNDECODED_BYTES || waiting.length >= MAX_WAITING_BATCHES
    if (behind && !stream.isPaused()) stream.pause()
    else if (!behind && stream.isPaused()) stream.resume()
  }

  let gathered = new Uint8Array(CHUNK_BYTES)
  let filled = 0
  const post = () => {
    if (filled === 0) return
    const bytes = filled === gathered.length ? gathered : gathered.slice(0, filled)
    undecoded += filled
    worker.postMessage({ type: 'chunk', bytes }, [bytes.buffer])
    gathered = new Uint8Array(CHUNK_BYTES)
    filled = 0
  }
  const onData = (chunk: Buffer) => {
    // Copied out of the socket's buffer (which may be shared) into one this
    // side gives away.
    let at = 0
    while (at < chunk.length) {
      const take = Math.min(chunk.length - at, gathered.length - filled)
      gathered.set(chunk.subarray(at, at + take), filled)
      filled += take
      at += take
      if (filled === gathered.length) post()
    }
    flow()
  }
  const onEnd = () => {
    post()
    worker.postMessage({ type: 'end' })
  }
  const onError = (error: Error) => fail(error)
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'batch') waiting.push(message.batch)
    else if (message.type === 'decoded') undecoded -= message.bytes
    else if (message.type === 'end') ended = true
    else fail(new Error(message.message))
    flow()
    notify()
  })
  worker.on('error', (error) => fail(error))
  worker.on('exit', (code) => {
    if (!ended) fail(new Error(`the COPY decode worker stopped (code ${code})`))
  })
  stream.on('data', onData)
  stream.once('end', onEnd)
  stream.once('error', onError)
  try {
    for (;;) {
      const next = waiting.shift()
      if (next) {
        flow()
        yield next
        continue
      }
      // Set by the listeners above between turns (TypeScript cannot see it change).
      const failed = failure as Error | null
      if (failed) throw failed
      if (ended) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    stream.off('data', onData)
    stream.off('end', onEnd)
    stream.off('error', onError)
    // Left early (a failure here or in the writer): the COPY is abandoned,
    // and its connection with it (the caller releases it as broken).
    stream.on('error', () => undefined)
    if (!ended && !stream.destroyed) stream.destroy()
    ended = true
    await worker.terminate()
  }
}

/** Reads a packed batch's rows back as values, in order. */
export class PackedReader {
  private readonly text: string
  private pos = 0
  private row = 0

  constructor(
    readonly batch: PackedRows,
    private readonly kinds: readonly number[],
  ) {
    const t = batch.text
    this.text = Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('utf8')
  }

  /** Rows left to read. */
  get left(): number {
    return this.batch.count - this.row
  }

  /** Writes the next row's values into `out` from `at`. */
  next(out: LocalValue[], at = 0): void {
    const { ends, numbers, nulls } = this.batch
    const kinds = this.kinds
    const n = kinds.length
    const base = this.row * n
    for (let c = 0; c < n; c++) {
      const i = base + c
      if (nulls[i] === 1) out[at + c] = null
      else if (kinds[c] === 0) {
        const end = ends[i] as number
        out[at + c] = this.text.slice(this.pos, end)
        this.pos = end
      } else out[at + c] = numbers[i] as number
    }
    this.row++
  }

  /** Where the reader is, to read the same rows again from there (`seek`). */
  mark(): { readonly row: number; readonly pos: number } {
    return { row: this.row, pos: this.pos }
  }

  seek(mark: { readonly row: number; readonly pos: number }): void {
    this.row = mark.row
    this.pos = mark.pos
  }
}

/** A packed batch as the rows `MirrorWriter.applyBatch` takes (rejected ones after the rest). */
export function unpackRows(
  batch: PackedRows,
  spec: ColumnSpec,
): { readonly rows: (DecodedRow | RejectedRow)[]; readonly keys: string[] } {
  const reader = new PackedReader(batch, spec.kinds)
  const rows: (DecodedRow | RejectedRow)[] = []
  const keys: string[] = []
  const n = spec.kinds.length
  while (reader.left > 0) {
    const values = new Array<LocalValue>(n)
    reader.next(values)
    const key = String(values[spec.keyIndex])
    rows.push({ key, values })
    keys.push(key)
  }
  for (const reject of batch.rejects) {
    rows.push(reject)
    keys.push(reject.key)
  }
  return { rows, keys }
}
