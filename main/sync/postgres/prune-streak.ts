// How many copies in a row a prune has forced on each table. Prunes that
// keep landing while a table is copied again would loop for ever (a
// once-run would never end), so past a limit the sync stops with a
// sentence. A pull that replays changes without meeting a prune ends the
// streak — but not a pull right after a copy made in the same cycle, which
// has nothing to replay and proves nothing.
export class PruneStreak {
  private readonly copies = new Map<string, number>()
  private readonly copiedThisCycle = new Set<string>()

  constructor(
    private readonly schema: string,
    readonly limit = 3,
  ) {}

  startCycle(): void {
    this.copiedThisCycle.clear()
  }

  /** A copy of `table` forced by a prune through `through`; throws past the limit. */
  copied(table: string, through: bigint): void {
    const copies = (this.copies.get(table) ?? 0) + 1
    this.copies.set(table, copies)
    this.copiedThisCycle.add(table)
    if (copies > this.limit) {
      throw new Error(
        `The change log in schema "${this.schema}" is pruned faster than ${table} can be copied ` +
          `(${this.limit} copies in a row overtaken, last through xid ${through}); ` +
          'prune with a longer --older-than',
      )
    }
  }

  /** A pull of `table` reached its horizon without meeting a prune. */
  pulled(table: string): void {
    if (!this.copiedThisCycle.has(table)) this.copies.delete(table)
  }
}
