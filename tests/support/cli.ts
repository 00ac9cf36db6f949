// The real `watchfloor` bin, run as an operator runs it: a child process,
// its exit code, its output. `startCli` keeps the child for tests that kill,
// pause or interrupt it.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const WATCHFLOOR_BIN = fileURLToPath(new URL('../../bin/watchfloor.mjs', import.meta.url))

export interface CliResult {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunningCli {
  readonly child: ChildProcess
  /** Everything printed so far. */
  stdout(): string
  stderr(): string
  /** Resolves when some output matches (or the process has ended: then rejects). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>
  readonly exited: Promise<CliResult>
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [WATCHFLOOR_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let out = ''
  let err = ''
  const listeners = new Set<() => void>()
  const changed = () => {
    for (const l of listeners) l()
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    changed()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
    changed()
  })
  let ended = false
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      ended = true
      resolve({ code, signal, stdout: out, stderr: err })
      changed()
    })
  })
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, ms = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out + err)
          if (match) return finish(() => resolve(match[0]))
          if (ended) {
            finish(() =>
              reject(
                new Error(`watchfloor ${args.join(' ')} ended before ${pattern}:\n${out}${err}`),
              ),
            )
          }
        }
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${out}${err}`))),
          ms,
        )
        const finish = (then: () => void) => {
          clearTimeout(timer)
          listeners.delete(check)
          then()
        }
        listeners.add(check)
        check()
      })
    },
  }
}

/** Runs the bin to its end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).exited
}
