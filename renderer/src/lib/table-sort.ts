/** A sort of a table's rows by one column. */
export interface TableSort {
  readonly column: string
  readonly direction: 'ascending' | 'descending'
}

/** What a column sorts by; null (no value) always sorts last, whichever the direction. */
export type SortValue = number | string | null

const collator = new Intl.Collator('en-US', { numeric: true, sensitivity: 'base' })

/** `rows` ordered by `value`; stable, so rows that tie keep the order the data gave them. */
export function sortRows<Row>(
  rows: readonly Row[],
  value: (row: Row) => SortValue,
  direction: TableSort['direction'],
): Row[] {
  const sign = direction === 'ascending' ? 1 : -1
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.index - b.index
        return a.key === null ? 1 : -1
      }
      const order =
        typeof a.key === 'number' && typeof b.key === 'number'
          ? a.key - b.key
          : collator.compare(String(a.key), String(b.key))
      return order === 0 ? a.index - b.index : sign * order
    })
    .map((entry) => entry.row)
}

/**
 * The sort after a click on `column`'s header: the same column flips; another starts with the
 * largest figures first for a number (what an ops screen asks for) and A to Z for text.
 */
export function nextSort(current: TableSort | null, column: string, numeric: boolean): TableSort {
  if (current?.column === column) {
    return {
      column,
      direction: current.direction === 'ascending' ? 'descending' : 'ascending',
    }
  }
  return { column, direction: numeric ? 'descending' : 'ascending' }
}
