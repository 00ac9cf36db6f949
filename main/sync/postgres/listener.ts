import { Client, type ClientConfig, type Notification } from 'pg'
import { CHANGE_CHANNEL } from './change-log.ts'

export interface ChangeListener {
  /** Still connected and listening; a dropped one is replaced at the next cycle. */
  alive(): boolean
  stop(): Promise<void>
}

/**
 * LISTENs for the change log's NOTIFY on its own connection and calls `wake`
 * for this schema's changes. A connection that fails or drops is not an
 * error: the pulls report connection problems, and the timer still wakes
 * them.
 */
export async function startChangeListener(
  config: ClientConfig,
  schema: string,
  wake: () => void,
  signal: AbortSignal,
): Promise<ChangeListener> {
  let alive = false
  const client = new Client(config)
  const end = () => client.end().catch(() => undefined)
  client.on('error', () => {
    alive = false
    void end()
  })
  client.on('end', () => {
    alive = false
  })
  client.on('notification', (message: Notification) => {
    if (message.payload?.startsWith(`${schema}.`)) wake()
  })
  try {
    await client.connect()
    await client.query(`LISTEN ${CHANGE_CHANNEL}`)
    if (signal.aborted) await end()
    else alive = true
  } catch {
    await end()
  }
  return {
    alive: () => alive,
    async stop() {
      alive = false
      await end()
    },
  }
}
