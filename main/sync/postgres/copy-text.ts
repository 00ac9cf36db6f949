// Parsing Postgres `COPY ... TO STDOUT` text format
// (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"):
// one row per line, tab-separated, `\N` for NULL, backslash escapes. COPY TO
// never emits octal or hex escapes, only the ones handled below.

/**
 * Splits whole lines of COPY text (no trailing newline) into rows of
 * fields. Self-contained — no name from outside its body — because the
 * COPY decode worker (copy-decode.ts) runs its source as well.
 */
export function splitCopyText(text: string): (string | null)[][] {
  const escapes: Record<string, string> = {
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
  }
  const unescape = (_: string, c: string): string => escapes[c] ?? c
  const lines = text.split('\n')
  const rows: (string | null)[][] = new Array<(string | null)[]>(lines.length)
  for (let i = 0; i < lines.length; i++) {
    const fields: (string | null)[] = (lines[i] as string).split('\t')
    for (let j = 0; j < fields.length; j++) {
      const field = fields[j] as string
      if (field === '\\N') fields[j] = null
      else if (field.includes('\\')) fields[j] = field.replace(/\\(.)/g, unescape)
    }
    rows[i] = fields
  }
  return rows
}

/**
 * Splits a stream of COPY text chunks into rows of fields. A chunk is cut
 * at its last newline byte before decoding: 0x0A never occurs inside a
 * multi-byte UTF-8 sequence, so no character is split.
 */
export async function* copyTextRows(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<(string | null)[][]> {
  let rest: Buffer | null = null
  for await (const chunk of chunks) {
    const data: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
    const end = data.lastIndexOf(10)
    if (end < 0) {
      rest = data
      continue
    }
    rest = end + 1 < data.length ? data.subarray(end + 1) : null
    yield splitCopyText(data.toString('utf8', 0, end))
  }
  if (rest && rest.length > 0) throw new Error(COPY_CUT_MESSAGE)
}

export const COPY_CUT_MESSAGE = 'COPY output ended in the middle of a row'
