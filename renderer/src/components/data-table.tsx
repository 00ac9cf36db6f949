import { useState, type MouseEvent, type ReactNode } from 'react'
import { useCrossFilter, type CrossFilterPick } from '../hooks/use-cross-filter.ts'
import { nextSort, sortRows, type SortValue, type TableSort } from '../lib/table-sort.ts'

/** Attributes a row or cell carries for tests and tooltips. */
export type CellAttributes = { readonly title?: string | undefined } & {
  readonly [name: `data-${string}`]: string | number | undefined
}

export interface Column<Row> {
  readonly id: string
  readonly header: string
  /** Figures: right-aligned with tabular digits, and sorted as numbers. */
  readonly numeric?: boolean
  readonly cell: (row: Row) => ReactNode
  /** What the column sorts by; a column without one has no sort button. */
  readonly sortValue?: (row: Row) => SortValue
  readonly cellAttributes?: (row: Row) => CellAttributes
}

interface DataTableProps<Row> {
  /** Names the table for assistive technology; shown unless `captionHidden`. */
  readonly caption: string
  /** When the panel's heading already names the table on screen. */
  readonly captionHidden?: boolean
  readonly columns: readonly Column<Row>[]
  readonly rows: readonly Row[]
  readonly rowKey: (row: Row) => string
  /** The column whose cells name their row (`<th scope="row">`): the first unless said. */
  readonly rowHeader?: string
  readonly rowAttributes?: (row: Row) => CellAttributes
  /**
   * The filter value a row stands for (a channel, a segment, a stage): clicking the row, or
   * Enter on its header's button, adds it as a filter chip (cross-filtering).
   */
  readonly rowPick?: (row: Row) => CrossFilterPick | null
  readonly testId?: string
}

/**
 * The one table of the dashboards: a real `<table>` with a caption, column and row headers,
 * figures aligned right, and sortable columns whose header says how the rows are sorted
 * (`aria-sort`). Rows keep the order the core gave them until a header is clicked.
 */
export function DataTable<Row>({
  caption,
  captionHidden = false,
  columns,
  rows,
  rowKey,
  rowHeader,
  rowAttributes,
  rowPick,
  testId,
}: DataTableProps<Row>) {
  const crossFilter = useCrossFilter()
  const [sort, setSort] = useState<TableSort | null>(null)
  const sortColumn = sort === null ? undefined : columns.find((c) => c.id === sort.column)
  const shown =
    sort === null || sortColumn?.sortValue === undefined
      ? rows
      : sortRows(rows, sortColumn.sortValue, sort.direction)
  const headerId = rowHeader ?? columns[0]?.id

  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <caption className={captionHidden ? 'visually-hidden' : 'table-caption'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const sorted = sort?.column === column.id ? sort.direction : undefined
              return (
                <th
                  key={column.id}
                  scope="col"
                  className={column.numeric ? 'num' : undefined}
                  aria-sort={sorted}
                >
                  {column.sortValue === undefined ? (
                    column.header
                  ) : (
                    <button
                      type="button"
                      className="sort-button"
                      data-testid={testId === undefined ? undefined : `${testId}-sort-${column.id}`}
                      onClick={() =>
                        setSort((s) => nextSort(s, column.id, column.numeric ?? false))
                      }
                    >
                      {column.header}
                      <span
                        className={sorted === undefined ? 'sort-mark' : `sort-mark sort-${sorted}`}
                        aria-hidden="true"
                      />
                    </button>
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const pick = rowPick?.(row) ?? null
            return (
              <tr
                key={rowKey(row)}
                {...rowAttributes?.(row)}
                className={pick === null ? undefined : 'row-pickable'}
                onClick={pick === null ? undefined : (event) => pickRow(event, pick, crossFilter)}
              >
                {columns.map((column) => {
                  const props = {
                    className: column.numeric ? 'num' : undefined,
                    ...column.cellAttributes?.(row),
                  }
                  return column.id === headerId ? (
                    <th key={column.id} scope="row" {...props}>
                      {pick === null ? (
                        column.cell(row)
                      ) : (
                        // The row's keyboard way in: a button, so Enter and Space work as on any
                        // button; its click reaches the row's handler (one pick, not two).
                        <button
                          type="button"
                          className="row-pick"
                          aria-label={`Filter by ${pick.field}: ${pick.value}`}
                        >
                          {column.cell(row)}
                        </button>
                      )}
                    </th>
                  ) : (
                    <td key={column.id} {...props}>
                      {column.cell(row)}
                    </td>
                  )
                })}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/** A click on a pickable row adds its value, unless it was on another control in the row. */
function pickRow(
  event: MouseEvent<HTMLTableRowElement>,
  pick: CrossFilterPick,
  crossFilter: (pick: CrossFilterPick) => void,
): void {
  const control = (event.target as Element).closest('a, input, select, textarea, button')
  if (control !== null && !control.classList.contains('row-pick')) return
  crossFilter(pick)
}
