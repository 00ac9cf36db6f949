// A core gets its configuration, with the connection profile's secrets, over its message
// port, never through its environment or argv (issue 15, "Found in the shell"): the app's
// utility process, and the browser host's and the CLI's Node child the same way.
// Electron's binary is not here, so `utilityProcess.fork` is stood in for by a Node child
// process with the same surface, as in core-utility.test.ts; the real core runs in it, and its
// environment and command line are read back from /proc.
import { fork } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveProfile } from '../../main/config/connection-profile.ts'
import { CORE_CONFIG_ENV } from '../../main/core/core-protocol.ts'
import { spawnCore, type CoreClient } from '../../main/core/spawn-core.ts'
import {
  utilityCoreLauncher,
  type UtilityFork,
  type UtilityProcessLike,
} from '../../main/electron/utility-launcher.ts'
import { tempDir } from '../support/temp.ts'
import { freePort, until } from '../support/wait.ts'

const entry = fileURLToPath(new URL('../../main/core/core-process.ts', import.meta.url))
const temp = tempDir('watchfloor-secrets-')
const SECRET = `pw-${process.pid}-${Date.now()}-s3cret`
let core: CoreClient | undefined
const forked: { like: UtilityProcessLike; env: NodeJS.ProcessEnv; args: string[] }[] = []
const posted: unknown[] = []

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
      posted.push(message)
      if (child.connected) child.send(message as object)
    },
    on: (_event, listener) => child.on('message', listener),
    once: (_event, listener) => child.once('exit', (code) => listener(code ?? -1)),
    kill: () => child.kill(),
  }
  forked.push({ like, env: options.env, args })
  return like
}

let nodeCore: CoreClient | undefined

afterAll(async () => {
  await core?.close()
  await nodeCore?.close()
  temp.cleanup()
})

describe('secrets reach a core over its port', () => {
  it('never in its environment or argv; the core syncs with them; a restart gets them again', async () => {
    // A Postgres that is not there: the core tries it (and says it is offline) with the password.
    const upstream = resolveProfile({
      postgres: { url: `postgres://ops:${SECRET}@127.0.0.1:${await freePort()}/ops` },
      tenant: 'acme',
    })
    core = await spawnCore(
      { dbPath: `${temp.dir}/cache.sqlite`, demo: null, version: 'test', upstream },
      { launch: utilityCoreLauncher(entry, standInFork), log: () => {} },
    )
    const status = await core.invoke('app.status', {})
    expect(status.ok).toBe(true)
    // The core has the profile: it reports the Postgres source it was given …
    const sources = (status as { value: { sources: { name: string }[] } }).value.sources
    expect(sources.map((s) => s.name).join(' ')).toMatch(/postgres/i)
    // … and no answer a page would get carries the password.
    expect(JSON.stringify(status)).not.toContain(SECRET)

    const first = forked[0]!
    expect(first.env[CORE_CONFIG_ENV]).toBe('message')
    expect(JSON.stringify(first.env)).not.toContain(SECRET)
    expect(JSON.stringify(first.args)).not.toContain(SECRET)
    const pid = core.pid as number
    if (existsSync(`/proc/${pid}/environ`)) {
      expect(readFileSync(`/proc/${pid}/environ`).toString('latin1')).not.toContain(SECRET)
      expect(readFileSync(`/proc/${pid}/cmdline`).toString('latin1')).not.toContain(SECRET)
    }
    // Handed over exactly once, on the port.
    const handovers = posted.filter((m) => JSON.stringify(m).includes(SECRET))
    expect(handovers).toHaveLength(1)
    expect(handovers[0]).toMatchObject({ type: 'watchfloor:core-config', config: { upstream } })

    // A core that dies comes back with its configuration asked for and handed over again.
    process.kill(pid, 'SIGKILL')
    await until('the core restarted', () => (core?.restarts === 1 ? true : undefined), 60_000)
    expect(forked).toHaveLength(2)
    expect(posted.filter((m) => JSON.stringify(m).includes(SECRET))).toHaveLength(2)
    expect(JSON.stringify(forked[1]!.env)).not.toContain(SECRET)
    expect(await core.invoke('app.status', {})).toMatchObject({ ok: true })
  })

  it("the same for the browser host's and the CLI's core (a Node child process)", async () => {
    const upstream = resolveProfile({
      postgres: { url: `postgres://ops:${SECRET}@127.0.0.1:${await freePort()}/ops` },
      tenant: 'acme',
    })
    nodeCore = await spawnCore(
      { dbPath: `${temp.dir}/node-cache.sqlite`, demo: null, version: 'test', upstream },
      { log: () => {} },
    )
    const status = await nodeCore.invoke('app.status', {})
    expect(status.ok).toBe(true)
    expect(JSON.stringify(status)).toMatch(/postgres/i)
    expect(JSON.stringify(status)).not.toContain(SECRET)
    const pid = nodeCore.pid as number
    if (existsSync(`/proc/${pid}/environ`)) {
      const environ = readFileSync(`/proc/${pid}/environ`).toString('latin1')
      expect(environ).toContain(`${CORE_CONFIG_ENV}=message`)
      expect(environ).not.toContain(SECRET)
      expect(readFileSync(`/proc/${pid}/cmdline`).toString('latin1')).not.toContain(SECRET)
    }
  })
})
