// Busy loops that load the machine's cores while a bench part runs
// (`BENCH_LOAD=2 npm run bench`, issue 14: every figure quiet and loaded).
// Each loop is a child process spinning `for (;;)`; the bench kills them when
// the part ends, fails or the bench is interrupted, and a loop whose parent
// died (a SIGKILL the bench could not catch) notices its new parent and ends
// on its own at once.
import { spawn, type ChildProcess } from 'node:child_process'

/**
 * The busy loop: a worker thread spins while the main thread waits for the
 * end of its stdin, a pipe from the bench that closes when the bench dies
 * however it dies (Node's `process.ppid` is read once at start, so polling it
 * would not notice).
 */
const LOOP = `new (require('node:worker_threads').Worker)('for (;;) {}', { eval: true });
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume()`

/** Busy loops asked for by `BENCH_LOAD` (0, absent or not a whole number: none). */
export function busyLoopsAsked(value = process.env.BENCH_LOAD): number {
  const n = Number(value ?? 0)
  if (!Number.isSafeInteger(n) || n < 0 || n > 64) {
    throw new Error(`BENCH_LOAD: "${value}" is not a number of busy loops (0–64)`)
  }
  return n
}

/** How a row's figures were taken, for the report's load column. */
export const loadLabel = (loops: number): string =>
  loops === 0 ? 'quiet' : `loaded (${loops} busy loop${loops === 1 ? '' : 's'})`

export interface BusyLoad {
  /** Busy loops running now. */
  readonly running: number
  /** Starts `loops` busy loops (after stopping any still running). */
  start(loops: number): Promise<void>
  /** Kills every loop and waits for them to exit. */
  stop(): Promise<void>
}

export function busyLoad(): BusyLoad {
  let children: ChildProcess[] = []
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  }
  // An interrupted bench (Ctrl-C, a timeout's SIGTERM) or one that throws
  // past every finally must not leave loops spinning.
  const onExit = () => killAll()
  const onSignal = (signal: NodeJS.Signals) => {
    killAll()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  let hooked = false
  const hook = (on: boolean) => {
    if (on === hooked) return
    hooked = on
    if (on) {
      process.on('exit', onExit)
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    } else {
      process.off('exit', onExit)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
  const stop = async () => {
    const exiting = children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
        }),
    )
    killAll()
    await Promise.all(exiting)
    children = []
    hook(false)
  }
  return {
    get running() {
      return children.length
    },
    async start(loops) {
      await stop()
      if (loops === 0) return
      hook(true)
      children = Array.from({ length: loops }, () =>
        spawn(process.execPath, ['-e', LOOP], { stdio: ['pipe', 'ignore', 'ignore'] }),
      )
      // Every loop is running (spawned, not failed) before the part starts.
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve, reject) => {
              child.once('spawn', () => resolve())
              child.once('error', reject)
            }),
        ),
      )
    },
    stop,
  }
}
