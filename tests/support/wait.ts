import { once } from 'node:events'
import { createServer } from 'node:net'

/** A TCP port free on loopback right now, for a throwaway server of a test's own. */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/**
 * Polls `probe` until it returns a value other than undefined or false; fails after `ms` naming
 * `what`. A probe may so answer with a plain condition: false means "not yet", never "done".
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
