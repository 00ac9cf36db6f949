// The shell's small JSON files in userData (window bounds, shell settings): read tolerantly
// (a missing or damaged file is "nothing saved", never a failed start) and written atomically
// (a temporary file beside it, then a rename), so a crash or a full disk mid-write leaves the
// previous file whole.
import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'

/** The parsed JSON in `file`, or undefined when it is missing or not JSON. */
export function readJsonFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Writes `text` to `file` (mode 600) through a temporary file beside it and a rename. */
export function writeTextFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, text, { mode: 0o600 })
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
}

/** Writes `value` as JSON to `file` through a temporary file and a rename. */
export const writeJsonFileAtomic = (file: string, value: unknown): void =>
  writeTextFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`)
