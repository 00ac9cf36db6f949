// How a writer of mirror rows (the sync) tells a reader that keeps derived
// tables (the metrics' rollups) what changed, inside the writer's own SQLite
// transaction, so derived rows commit with the rows they derive from. It
// lives with the store, below both, so neither imports the other.

/** Told, inside the SQLite transaction, of every applied row change of the tables it wants. */
export interface RowHooks {
  /**
   * Whether changes to `table` should reach `row` now. Asked per row and
   * cheap: a table nobody wants costs no lookup of the row before its change
   * (a bulk load into an empty cache, whose hook user rebuilds afterwards).
   */
  wants(table: string): boolean
  row(
    table: string,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
  ): void
  /** Inside each transaction, just before it commits: write what `row` batched. */
  beforeCommit?(): void
  /** After a transaction rolled back: drop what `row` batched. */
  rolledBack?(): void
}
