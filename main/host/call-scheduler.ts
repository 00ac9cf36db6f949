// Fair admission of page calls into the core (issue 10). The core answers
// one call at a time, so whoever fills its queue decides everyone's wait. Each
// connection gets a queue of its own; at most `perConnection` of its calls
// are in the core at once, at most `total` calls from all connections
// together, and free places go to the connections in turn (round-robin). A
// client sending 5,000 calls therefore delays another's next call by at most
// `total` calls, not 5,000. Calls of a closed connection that have not
// reached the core are dropped; a queue past `maxQueued` refuses new calls.
import type { ApiResult } from '../../shared/api/index.ts'

/** A call into the core, with who makes it (shared/api/roles.ts Caller; checked by the core). */
export type Invoke = (
  method: unknown,
  input: unknown,
  caller?: unknown,
) => Promise<ApiResult<unknown>>

export interface SchedulerLimits {
  /** Calls of one connection in the core at once (default 8). */
  readonly perConnection?: number
  /**
   * Calls of all connections in the core at once (default 2: one running and
   * one waiting in the pipe, so the core never idles between calls, yet a
   * call from another client waits behind at most two others).
   */
  readonly total?: number
  /** Calls one connection may have waiting (default 1,000); beyond, refused at once. */
  readonly maxQueued?: number
}

interface Pending {
  readonly method: unknown
  readonly input: unknown
  readonly resolve: (result: ApiResult<unknown>) => void
}

export interface ConnectionCalls {
  call(method: unknown, input: unknown): Promise<ApiResult<unknown>>
  /** Drops the calls still waiting (their promises settle with `unavailable`). */
  close(): void
  /** Calls waiting and in the core. */
  readonly waiting: number
  readonly inFlight: number
}

class Connection implements ConnectionCalls {
  readonly queue: Pending[] = []
  inFlight = 0
  closed = false

  constructor(
    private readonly scheduler: CallScheduler,
    readonly caller: unknown,
  ) {}

  get waiting(): number {
    return this.queue.length
  }

  call(method: unknown, input: unknown): Promise<ApiResult<unknown>> {
    if (this.closed) return Promise.resolve(refused('the connection is closed'))
    if (this.queue.length >= this.scheduler.maxQueued)
      return Promise.resolve(
        refused(
          `more than ${this.scheduler.maxQueued} calls are waiting on this connection; wait for answers before sending more`,
        ),
      )
    return new Promise((resolve) => {
      this.queue.push({ method, input, resolve })
      this.scheduler.pump()
    })
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const p of this.queue.splice(0)) p.resolve(refused('the connection closed'))
    this.scheduler.forget(this)
  }
}

const refused = (message: string): ApiResult<unknown> => ({
  ok: false,
  error: { code: 'unavailable', message },
})

export class CallScheduler {
  readonly perConnection: number
  readonly total: number
  readonly maxQueued: number
  private inFlight = 0
  /** Connections with calls waiting, in turn order. */
  private ring: Connection[] = []
  private next = 0

  constructor(
    private readonly invoke: Invoke,
    limits: SchedulerLimits = {},
  ) {
    this.perConnection = limits.perConnection ?? 8
    this.total = limits.total ?? 2
    this.maxQueued = limits.maxQueued ?? 1_000
  }

  /** A connection whose every call is made as `caller` (the page's role, issue 15). */
  connection(caller?: unknown): ConnectionCalls {
    const c = new Connection(this, caller)
    this.ring.push(c)
    return c
  }

  /** @internal */
  forget(c: Connection): void {
    const i = this.ring.indexOf(c)
    if (i < 0) return
    this.ring.splice(i, 1)
    if (this.next > i) this.next--
  }

  /** @internal Admits waiting calls, one connection at a time in turn, while there is room. */
  pump(): void {
    while (this.inFlight < this.total && this.ring.length > 0) {
      let admitted = false
      for (let k = 0; k < this.ring.length && this.inFlight < this.total; k++) {
        if (this.next >= this.ring.length) this.next = 0
        const c = this.ring[this.next] as Connection
        this.next++
        if (c.queue.length === 0 || c.inFlight >= this.perConnection) continue
        this.start(c, c.queue.shift() as Pending)
        admitted = true
      }
      if (!admitted) return
    }
  }

  private start(c: Connection, p: Pending): void {
    this.inFlight++
    c.inFlight++
    let settled = false
    const finish = (result: ApiResult<unknown>) => {
      if (settled) return
      settled = true
      this.inFlight--
      c.inFlight--
      p.resolve(result)
      this.pump()
    }
    this.invoke(p.method, p.input, c.caller).then(finish, (error: unknown) =>
      finish({
        ok: false,
        error: {
          code: 'unavailable',
          message: `the core did not answer: ${error instanceof Error ? error.message : String(error)}`,
        },
      }),
    )
  }
}
