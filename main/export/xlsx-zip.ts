// The zip container of an .xlsx, streamed into the caller's output: fflate's
// streaming Zip deflates each part as it is pushed and hands out compressed
// chunks at once, so nothing but the current chunk is ever held. Backpressure:
// a push whose output the stream would not take (write() said false) is
// followed by a wait for 'drain' before the next chunk is built.
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { Zip, ZipDeflate } from 'fflate'

/**
 * fflate writes the classic zip format without ZIP64: an entry's sizes and every offset are
 * 32-bit. Past this, the archive would be corrupt, so the writer stops with a sentence instead.
 */
const ZIP32_LIMIT = 0xffff_ffff

/**
 * Deflate level 1 rather than the default 6: on sheet XML (the same tags over and over) it
 * compresses nearly as well (about 10:1 instead of 12:1 on the demo leads) at about twice the
 * speed, and the zip is most of an export's time.
 */
const DEFLATE_LEVEL = 1

export class TooLargeForXlsxError extends Error {
  constructor(what: string) {
    super(
      `${what} would pass 4 GiB, the most an .xlsx written without ZIP64 can hold: narrow the filters, choose fewer datasets, or export CSV instead.`,
    )
    this.name = 'TooLargeForXlsxError'
  }
}

export function abortError(): Error {
  return new DOMException('The export was cancelled.', 'AbortError')
}

export class ZipSink {
  private readonly zip: Zip
  private failure: Error | null = null
  private mustDrain = false
  private bytesOut = 0
  private entryBytes = 0
  private entry: ZipDeflate | null = null
  private entryName = ''

  constructor(private readonly out: Writable) {
    this.zip = new Zip((error, chunk, final) => {
      if (error) {
        this.failure ??= error
        return
      }
      this.bytesOut += chunk.length
      if (this.bytesOut > ZIP32_LIMIT) this.failure ??= new TooLargeForXlsxError('The workbook')
      // A chunk once handed over is the stream's: fflate allocates a fresh array for each.
      if (!out.write(chunk)) this.mustDrain = true
      void final
    })
    // Without a listener an 'error' would be thrown out of the event loop; it is kept and
    // rethrown at the next wait instead.
    out.on('error', (error: Error) => {
      this.failure ??= error
    })
  }

  /** Starts a part; the previous one must have been closed. */
  open(name: string, mtime: Date): void {
    if (this.entry) throw new Error(`zip part ${this.entryName} is still open`)
    const valid = mtime.getFullYear() >= 1980 && mtime.getFullYear() < 2100
    this.entry = new ZipDeflate(name, { level: DEFLATE_LEVEL, ...(valid ? { mtime } : {}) })
    this.entryName = name
    this.entryBytes = 0
    this.zip.add(this.entry)
  }

  /** Appends text to the open part (its compressed form may go out at once). */
  write(text: string): void {
    this.push(Buffer.from(text, 'utf8'), false)
  }

  /** Ends the open part. */
  close(text = ''): void {
    this.push(Buffer.from(text, 'utf8'), true)
    this.entry = null
  }

  /** One whole small part. */
  file(name: string, text: string, mtime: Date): void {
    this.open(name, mtime)
    this.close(text)
  }

  private push(bytes: Uint8Array, final: boolean): void {
    const entry = this.entry
    if (!entry) throw new Error('no zip part is open')
    this.entryBytes += bytes.length
    if (this.entryBytes > ZIP32_LIMIT) throw new TooLargeForXlsxError(`The part ${this.entryName}`)
    entry.push(bytes, final)
    const failure = this.failure
    if (failure) throw failure
  }

  /**
   * Lets the output catch up and the event loop run: waits for 'drain' when the stream asked
   * for it, else for one turn of the loop (so a core answering requests gets to answer).
   * Rejects with an AbortError when `signal` aborts, or with the output's error.
   */
  async settle(signal: AbortSignal): Promise<void> {
    this.check(signal)
    if (!this.mustDrain) {
      await new Promise<void>((resolve) => setImmediate(resolve))
    } else {
      this.mustDrain = false
      await waitForDrain(this.out, signal)
    }
    this.check(signal)
  }

  /** Throws what went wrong so far: the output's error, or an AbortError. */
  private check(signal: AbortSignal): void {
    const failure = this.failure
    if (failure) throw failure
    if (signal.aborted) throw abortError()
  }

  /** Writes the central directory, ends the output and resolves once it has finished. */
  async end(signal: AbortSignal): Promise<void> {
    if (this.entry) throw new Error(`zip part ${this.entryName} is still open`)
    this.zip.end()
    this.check(signal)
    this.out.end()
    await finished(this.out)
    this.check(signal)
  }
}

function waitForDrain(out: Writable, signal: AbortSignal): Promise<void> {
  if (out.destroyed) {
    return Promise.reject(new Error('The output was closed before the workbook was finished.'))
  }
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain)
      out.off('error', onError)
      out.off('close', onClose)
      signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = () => settle()
    const onError = (error: Error) => settle(error)
    const onClose = () =>
      settle(new Error('The output was closed before the workbook was finished.'))
    const onAbort = () => settle(abortError())
    out.on('drain', onDrain)
    out.on('error', onError)
    out.on('close', onClose)
    signal.addEventListener('abort', onAbort)
  })
}
