// Parsing Postgres `COPY ... TO STDOUT` text format
// (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"):
// one row per line, tab-separated, `\N` for NULL, backslash escapes. COPY TO
// never emits octal or hex escapes, only the ones handled below.

const escapes: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
}

function unescapeField(field: string): string | null {
  if (field === '\\N') return null
  if (!field.includes('\\')) return field
  return field.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c)
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
    const lines = data.toString('utf8', 0, end).split('\n')
    const rows: (string | null)[][] = new Array<(string | null)[]>(lines.length)
    for (let i = 0; i < lines.length; i++) {
      const fields: (string | null)[] = (lines[i] as string).split('\t')
      for (let j = 0; j < fields.length; j++) fields[j] = unescapeField(fields[j] as string)
      rows[i] = fields
    }
    yield rows
  }
  if (rest && rest.length > 0) throw new Error('COPY output ended in the middle of a row')
}
