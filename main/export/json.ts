// JSON export (issue 12): the report for scripts — what the tab is, when the
// data is from, the filters in words, each source's freshness, the KPI cards,
// and every dataset with its columns and rows — streamed a chunk of rows at a
// time with the same backpressure, yielding and abort discipline as the CSV
// (csv.ts ChunkedOut), so a million leads never become one string.
//
// Shape (one top-level object, metadata pretty-printed, one row per line):
//   { "format": "watchfloor-report", "version": 1, "title", "view",
//     "generatedAt", "dataAsOf", "timeZone", "range", "filters": [..],
//     "sources": [{ name, state, lastGoodSyncAt, lastError }],
//     "kpis": [{ id, label, kind, value, text, target, basis, note }],
//     "datasets": [{ id, title, columns: [{ key, label, kind }],
//                    rows: [[..], ..], totals: [..] | null }] }
// Rows are ARRAYS in the columns' order, not objects: the keys are written once
// in `columns` instead of a million times (objects would double the file), and
// `rows.map(r => Object.fromEntries(columns.map((c, i) => [c.key, r[i]])))`
// turns them into objects in one line.
//
// Values follow the column's kind, as in the CSV: numbers stay JSON numbers
// (money rounded to cents, fractions as fractions: 0.543 for 54.3 %), ids are
// strings (a 16-digit id is beyond a double's exact integers), dates are
// 'YYYY-MM-DD' and instants ISO 8601 with the report zone's offset — always,
// whatever the CSV's date option says, because scripts parse them. A number
// that is not finite becomes null (JSON has no NaN). Every string goes through
// JSON.stringify, so quotes, newlines and control characters are escaped.
import type { Writable } from 'node:stream'
import { ChunkedOut, isoDateTime, isoTextInZone, writeRowChunks } from './csv.ts'
import type { Cell, Column, Dataset, ExportWriter, Report } from './report.ts'

/** A value as it lands in the JSON. */
type JsonCell = string | number | null

function cellConverter(column: Column, timeZone: string): (cell: Cell) => JsonCell {
  const finite = (n: number) => (Number.isFinite(n) ? n : null)
  switch (column.kind) {
    case 'money':
      // Cents exactly: 12.345000001 from a division reads 12.35, as the screen and the CSV say.
      return (cell) => (typeof cell === 'number' ? finite(Math.round(cell * 100) / 100) : cell)
    case 'integer':
    case 'decimal':
    case 'fraction':
    case 'seconds':
      return (cell) => (typeof cell === 'number' ? finite(cell) : cell)
    case 'datetime':
      return (cell) =>
        typeof cell === 'number'
          ? Number.isFinite(cell)
            ? isoDateTime(cell, timeZone)
            : null
          : cell
    case 'id':
      // An id stays text even if a source handed it over as a number.
      return (cell) => (cell === null ? null : String(cell))
    case 'text':
    case 'date':
      return (cell) => cell
  }
}

function rowConverter(
  columns: readonly Column[],
  timeZone: string,
): (row: readonly Cell[]) => JsonCell[] {
  const converters = columns.map((c) => cellConverter(c, timeZone))
  return (row) => converters.map((convert, i) => convert(row[i] ?? null))
}

/** Indents every line but the first of a pretty-printed value (to nest it in hand-written JSON). */
const nest = (json: string, indent: string) => json.replaceAll('\n', `\n${indent}`)

function reportHead(report: Report): Record<string, unknown> {
  const tz = report.timeZone
  return {
    format: 'watchfloor-report',
    version: 1,
    title: report.title,
    view: report.view,
    generatedAt: isoDateTime(report.generatedAt.getTime(), tz),
    dataAsOf: isoTextInZone(report.dataAsOf, tz),
    timeZone: tz,
    range: report.rangeText,
    filters: report.filterText,
    sources: report.sources.map((s) => ({
      name: s.name,
      state: s.state,
      lastGoodSyncAt: isoTextInZone(s.lastGoodSyncAt, tz),
      lastError: s.lastError,
    })),
    kpis: report.kpis.map((k) => ({
      id: k.id,
      label: k.label,
      kind: k.kind,
      value: k.value !== null && Number.isFinite(k.value) ? k.value : null,
      text: k.text,
      target: k.target,
      basis: k.basis,
      note: k.note,
    })),
  }
}

async function writeDataset(
  dataset: Dataset,
  timeZone: string,
  sink: ChunkedOut,
  onChunk: (rows: number) => void,
): Promise<void> {
  const columns = dataset.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind }))
  const convert = rowConverter(dataset.columns, timeZone)
  const head = [
    `    {`,
    `      "id": ${JSON.stringify(dataset.id)},`,
    `      "title": ${JSON.stringify(dataset.title)},`,
    `      "columns": ${nest(JSON.stringify(columns, null, 2), '      ')},`,
    `      "rows": [`,
  ].join('\n')
  await sink.write(head)
  let any = false
  await writeRowChunks(
    dataset,
    sink,
    (row) => {
      const line = `\n        ${JSON.stringify(convert(row))}`
      return line
    },
    (n) => {
      any = true
      onChunk(n)
    },
    ',',
  )
  const totals = dataset.totals ? JSON.stringify(convert(dataset.totals)) : 'null'
  await sink.write(`${any ? '\n      ' : ''}],\n      "totals": ${totals}\n    }`)
}

export const writeJson: ExportWriter = async (report: Report, out: Writable, options) => {
  const sink = new ChunkedOut(out, options.signal)
  try {
    options.onPhase?.('Writing the summary')
    const head = JSON.stringify(reportHead(report), null, 2)
    // The head's closing "\n}" is replaced by the datasets, written as they stream.
    await sink.write(`${head.slice(0, -2)},\n  "datasets": [`)
    let done = 0
    for (const [i, dataset] of report.datasets.entries()) {
      options.onPhase?.(`Writing ${dataset.title}`)
      await sink.write(i === 0 ? '\n' : ',\n')
      await writeDataset(dataset, report.timeZone, sink, (n) => {
        done += n
        options.onRows(done)
      })
    }
    await sink.write(`${report.datasets.length > 0 ? '\n  ' : ''}]\n}\n`)
    await sink.end()
  } finally {
    sink.dispose()
  }
}
