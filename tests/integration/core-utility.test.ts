// The Electron app's core client is the host's (main/core/spawn-core.ts),
// started through the utilityProcess launcher. Electron's binary is not here,
// so `utilityProcess.fork` is stood in for by a Node child process with the
// same surface (postMessage, 'message', 'exit' with a code, kill): the real
// core runs in it. A core that dies with a call in flight settles that call
// with `unavailable`, comes back by itself, and answers again.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import {
  utilityCoreLauncher,
  type UtilityFork,
  type UtilityProcessLike,
} from '../../main/electron/utility-launcher.ts'
import { tempDir } from '../support/temp.ts'
import { until } from '../support/wait.ts'

const entry = fileURLToPath(new URL('../../main/core/core-process.ts', import.meta.url))
const temp = tempDir('watchfloor-utility-')
let core: CoreClient | undefined
const forked: UtilityProcessLike[] = []

/** utilityProcess.fork, as far as the launcher uses it, over a Node child process. */
const standInFork: UtilityFork = (modulePath, args, options) => {
  const child = fork(modulePath, args, {
    env: options.env,
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const like: UtilityProcessLike = {
    get pid() {
      return child.pid
    },
    postMessage: (message) => {
      if (child.connected) child.send(message as object)
    },
    on: (_event, listener) => child.on('message', listener),
    once: (_event, listener) => child.once('exit', (code) => listener(code ?? -1)),
    kill: () => child.kill(),
  }
  forked.push(like)
  return like
}

afterAll(async () => {
  await core?.close()
  temp.cleanup()
})

describe('the core in a utility process (stand-in fork)', () => {
  it('settles in-flight calls when the core dies, restarts it, and answers again', async () => {
    core = await spawnCore(
      { dbPath: `${temp.dir}/cache.sqlite`, demo: null, version: 'test' },
      { launch: utilityCoreLauncher(entry, standInFork), log: () => {} },
    )
    expect(await core.invoke('app.status', {})).toMatchObject({ ok: true, value: { leadCount: 0 } })
    const refetch: string[] = []
    core.onEvent((name) => refetch.push(name))

    // Freeze the core so a call is surely in flight, then kill it.
    const pid = core.pid as number
    process.kill(pid, 'SIGSTOP')
    const inFlight = core.invoke('app.status', {})
    process.kill(pid, 'SIGKILL')
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'unavailable' } })

    await until('the core restarted', () => (core?.restarts === 1 ? true : undefined), 60_000)
    expect(core.pid).not.toBe(pid)
    expect(forked).toHaveLength(2)
    expect(refetch).toContain('data.changed')
    expect(await core.invoke('app.status', {})).toMatchObject({ ok: true })
  })
})
