import { useState, type ReactNode } from 'react'
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
  testId,
}: DataTableProps<Row>) {
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
          {shown.map((row) => (
            <tr key={rowKey(row)} {...rowAttributes?.(row)}>
              {columns.map((column) => {
                const props = {
                  className: column.numeric ? 'num' : undefined,
                  ...column.cellAttributes?.(row),
                }
                return column.id === headerId ? (
                  <th key={column.id} scope="row" {...props}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.id} {...props}>
                    {column.cell(row)}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
