// Bench part `intel` (issue 16): on the big demo cache, in a child process of its own (its peak
// RSS is the recompute's): feature extraction + PCA + k-means (target < 10 s, RSS < 500 MB),
// training + scoring every open lead (target < 10 s), and the journey Sankey for a filter change
// (target p95 < 100 ms), each filter's p50/p95 listed.
import { fork } from 'node:child_process'
import type { IntelChildResult } from './intel-child.ts'

const TSX = import.meta.resolve('tsx')
const CHILD = new URL('./intel-child.ts', import.meta.url)

export function benchIntelligence(dbPath: string, rounds = 20): Promise<IntelChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [dbPath, String(rounds)], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let result: IntelChildResult | undefined
    child.on('message', (m: IntelChildResult) => (result = m))
    child.on('error', reject)
    child.on('exit', (code, signal) =>
      result
        ? resolve(result)
        : reject(new Error(`intel bench child exited (${signal ?? code}) without a result`)),
    )
  })
}
