// Start-up: `watchfloor --help` and `watchfloor status` on a big cache, run
// through the real bin as an operator runs it, beside `node -e 0` in the same
// rounds (Node's own start on this machine, the floor of any command); and
// the core's child process from `spawnCore` to its first answer, beside a
// bare Node child answering one IPC message. The bin runs the build made by
// `npm run build:cli` (the bench script makes it first); one round also runs
// the sources through tsx, the fallback for a stale build, for comparison.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { spawnCore } from '../../main/core/spawn-core.ts'

const BIN = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))
const ROUNDS = 10

export interface StartupBench {
  /** Wall milliseconds of each run. */
  readonly nodeBaselineMs: number[]
  readonly helpMs: number[]
  readonly statusMs: number[]
  /** `--help` with the build out of the way: the sources through tsx. */
  readonly helpFromSourceMs: number[]
  /** `spawnCore` to the core's ready message, and to the first `app.status` answer. */
  readonly coreReadyMs: number[]
  readonly coreAnswerMs: number[]
  /** A bare Node child process: fork to the answer to one IPC message. */
  readonly forkBaselineMs: number[]
}

interface Run {
  readonly ms: number
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }))
  })
}

function expectOk(run: Run, what: string, check: (stdout: string) => boolean): number {
  if (run.code !== 0 || !check(run.stdout)) {
    throw new Error(`${what} failed (exit ${run.code}):\n${run.stdout}${run.stderr}`)
  }
  return run.ms
}

/** Node's start plus one IPC round trip: what any forked core pays before its own work. */
function forkBaseline(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(
      process.execPath,
      ['-e', "process.once('message', (m) => process.send(m, () => process.exit(0)))"],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    )
    child.once('error', reject)
    child.once('message', () => resolve(performance.now() - started))
    child.send('ping')
  })
}

export async function benchStartup(bigCache: string): Promise<StartupBench> {
  // The bench must time the build, not the fallback: say so if it is stale.
  const check = await timed([BIN, '--version'], { WATCHFLOOR_DEBUG: '1' })
  if (/through tsx/.test(check.stderr)) {
    throw new Error(`the CLI build is stale; run npm run build:cli first:\n${check.stderr}`)
  }
  const figures = {
    nodeBaselineMs: [] as number[],
    helpMs: [] as number[],
    statusMs: [] as number[],
    helpFromSourceMs: [] as number[],
    coreReadyMs: [] as number[],
    coreAnswerMs: [] as number[],
    forkBaselineMs: [] as number[],
  }
  // One unmeasured round warms the page cache for the files and the cache.
  const runs = [
    async (into: number[] | undefined) => {
      const ms = expectOk(await timed(['-e', '0']), 'node -e 0', () => true)
      into?.push(ms)
    },
    async (into: number[] | undefined) => {
      const run = await timed([BIN, '--help'])
      into?.push(expectOk(run, 'watchfloor --help', (out) => /^Usage: watchfloor/m.test(out)))
    },
    async (into: number[] | undefined) => {
      const run = await timed([BIN, 'status', '--db', bigCache])
      const leadCount = (out: string) => (JSON.parse(out) as { leadCount: number }).leadCount
      into?.push(expectOk(run, 'watchfloor status', (out) => leadCount(out) > 0))
    },
  ] as const
  const into = [figures.nodeBaselineMs, figures.helpMs, figures.statusMs] as const
  for (let round = -1; round < ROUNDS; round += 1) {
    // Each round in another order, so a burst of load spreads over all three.
    for (let i = 0; i < runs.length; i += 1) {
      const k = (i + Math.max(round, 0)) % runs.length
      await runs[k]!(round < 0 ? undefined : into[k])
    }
  }
  // The tsx fallback, forced by pointing the bin at a build that is not there.
  for (let round = -1; round < 3; round += 1) {
    const run = await timed([BIN, '--help'], { WATCHFLOOR_BUILD_DIR: '/nonexistent/cli' })
    const ms = expectOk(run, 'watchfloor --help from source', (out) => /^Usage/m.test(out))
    if (round >= 0) figures.helpFromSourceMs.push(ms)
  }

  for (let round = -1; round < 5; round += 1) {
    const baseline = await forkBaseline()
    const started = performance.now()
    const core = await spawnCore(
      { dbPath: bigCache, demo: null, version: 'bench' },
      { log: () => undefined, restart: false },
    )
    const ready = performance.now() - started
    const answer = await core.invoke('app.status', {})
    const answered = performance.now() - started
    await core.close()
    if (!answer.ok) throw new Error(`the core's first answer failed: ${answer.error.message}`)
    if (round >= 0) {
      figures.forkBaselineMs.push(baseline)
      figures.coreReadyMs.push(ready)
      figures.coreAnswerMs.push(answered)
    }
  }
  return figures
}
