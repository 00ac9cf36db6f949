// The flooding client of benchApiFlood (api-flood.ts), in a process of its own
// so that parsing its thousands of replies never delays the well-behaved
// client's: only the host is shared, as between two browsers. The job comes
// as JSON in argv[2]; it connects, says ready, floods on `go`, and reports.
// It floods with the overview's own calls: the same work the poller asks for.
import { OVERVIEW_CALLS, connectApi } from './api-client.ts'

export interface FloodJob {
  readonly url: string
  readonly cookie: string
  /** Calls in all, alternating the overview's two calls. */
  readonly calls: number
  readonly burst: number
  readonly refillBelow: number
}

export type FloodMessage =
  | { type: 'ready' }
  | { type: 'result'; ok: number; failed: Record<string, number>; seconds: number }
  | { type: 'error'; message: string }

const job = JSON.parse(process.argv[2] ?? 'null') as FloodJob
const send = (message: FloodMessage) => process.send?.(message)

try {
  const client = await connectApi(job.url, job.cookie)
  send({ type: 'ready' })
  await new Promise((resolve) => process.once('message', resolve))
  const started = performance.now()
  const answers: Promise<void>[] = []
  const failed: Record<string, number> = {}
  let ok = 0
  let sent = 0
  // Bursts: `burst` calls at once, the next burst once fewer than `refillBelow`
  // are unanswered, so the host always holds a long queue from this client.
  while (sent < job.calls) {
    for (let i = 0; i < job.burst && sent < job.calls; i += 1, sent += 1) {
      const [method, input] = OVERVIEW_CALLS[
        sent % OVERVIEW_CALLS.length
      ] as (typeof OVERVIEW_CALLS)[number]
      answers.push(
        client.call(method, input).then(({ result }) => {
          if (result.ok) ok += 1
          else failed[result.error.code] = (failed[result.error.code] ?? 0) + 1
        }),
      )
    }
    while (client.outstanding >= job.refillBelow)
      await new Promise((resolve) => setTimeout(resolve, 1))
  }
  await Promise.all(answers)
  send({ type: 'result', ok, failed, seconds: (performance.now() - started) / 1000 })
  client.close()
} catch (error) {
  send({ type: 'error', message: (error as Error).message })
}
process.disconnect?.()
