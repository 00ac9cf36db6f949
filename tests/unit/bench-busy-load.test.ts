// The bench's busy loops (BENCH_LOAD, tests/support/busy-load.ts): they run
// while asked, are gone after stop, and end on their own when the bench
// that started them is killed outright.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { busyLoad, busyLoopsAsked, loadLabel } from '../support/busy-load.ts'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Waits until `check` holds, up to a generous deadline (the machine is shared). */
async function until(check: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** PIDs of the busy loops whose parent is `ppid` (Linux /proc; tsx's esbuild service is not one). */
async function childrenOf(ppid: number): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs')
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name (in parentheses, which may hold spaces).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (Number(fields[1]) === ppid && command.includes('worker_threads')) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

describe('bench busy loops', () => {
  it('reads BENCH_LOAD as a number of loops and refuses anything else', () => {
    expect(busyLoopsAsked(undefined)).toBe(0)
    expect(busyLoopsAsked('')).toBe(0)
    expect(busyLoopsAsked('2')).toBe(2)
    for (const bad of ['-1', '1.5', 'two', '65', 'Infinity']) {
      expect(() => busyLoopsAsked(bad)).toThrow(/BENCH_LOAD/)
    }
    expect(loadLabel(0)).toBe('quiet')
    expect(loadLabel(2)).toBe('loaded (2 busy loops)')
  })

  it('runs the loops between start and stop, and none after', async () => {
    const load = busyLoad()
    const before = await childrenOf(process.pid)
    await load.start(2)
    expect(load.running).toBe(2)
    const loops = (await childrenOf(process.pid)).filter((pid) => !before.includes(pid))
    expect(loops).toHaveLength(2)
    // A second start replaces the loops, never adds to them.
    await load.start(1)
    expect(load.running).toBe(1)
    await load.stop()
    expect(load.running).toBe(0)
    for (const pid of loops) expect(alive(pid)).toBe(false)
    const after = (await childrenOf(process.pid)).filter((pid) => !before.includes(pid))
    expect(after).toEqual([])
  })

  it('ends the loops of a bench killed with SIGKILL', async () => {
    const module = fileURLToPath(new URL('../support/busy-load.ts', import.meta.url))
    const script = `import { busyLoad } from ${JSON.stringify(module)}
      await busyLoad().start(2)
      process.stdout.write('started\\n')
      setInterval(() => {}, 1000)`
    const bench = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const pid = bench.pid as number
    try {
      await new Promise<void>((resolve, reject) => {
        bench.stdout.on('data', (data: Buffer) => {
          if (data.toString().includes('started')) resolve()
        })
        bench.once('exit', (code) => reject(new Error(`bench exited (${code}) before its loops`)))
      })
      const loops = await childrenOf(pid)
      expect(loops).toHaveLength(2)
      bench.kill('SIGKILL')
      await until(() => loops.every((p) => !alive(p)), 'the orphaned loops to end')
    } finally {
      bench.kill('SIGKILL')
    }
  })
})
