import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import {
  ApiError,
  DASHBOARDS,
  unwrap,
  type DashboardName,
  type ApiResult,
  type EventName,
  type EventPayload,
  type ExportDelivery,
  type ExportJob,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type WatchfloorBridge,
} from '../../../shared/api/index.ts'

/** Whether the host and its core answer, as the page last saw it. */
export interface Reachability {
  readonly reachable: boolean
  /** When the page lost them (ms since the epoch); null while reachable. */
  readonly lostAt: number | null
}

/** The page's typed view of the api: results unwrapped, failures thrown as `ApiError`. */
export interface ApiClient {
  readonly transport: WatchfloorBridge['transport']
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  /** Hands a finished export to the person (the bridge's download or native save dialog). */
  deliverExport(job: ExportJob): Promise<ExportDelivery>
  /** The current reachability (the same object until it changes). */
  reachability(): Reachability
  onReachability(listener: () => void): () => void
}

/** A bridge that can say when its connection opens and drops (the WebSocket one). */
interface ConnectionSource {
  onConnection(listener: (open: boolean) => void): () => void
}

const hasConnection = (bridge: object): bridge is ConnectionSource =>
  'onConnection' in bridge && typeof bridge.onConnection === 'function'

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new ApiError({ code: 'internal', message })
}

/**
 * Reachability is read from what every call meets, on any transport: an
 * `unavailable` answer (the host's socket is gone, or the core behind it is
 * down or restarting) means unreachable; any answer from the core means
 * reachable again. A WebSocket bridge also says the moment its socket drops.
 */
export function createApiClient(bridge: WatchfloorBridge, now: () => number = Date.now): ApiClient {
  let reachability: Reachability = { reachable: true, lostAt: null }
  const listeners = new Set<() => void>()
  const set = (reachable: boolean) => {
    if (reachable === reachability.reachable) return
    reachability = { reachable, lostAt: reachable ? null : now() }
    for (const listener of listeners) listener()
  }
  if (hasConnection(bridge)) bridge.onConnection((open) => (open ? undefined : set(false)))
  return {
    transport: bridge.transport,
    reachability: () => reachability,
    onReachability(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      // TypeScript cannot correlate `methods[M]` with `M` for a generic M; the contract's
      // ApiMethods type guarantees this is the right signature.
      const invoke = bridge.methods[method] as (
        input: MethodInput<M>,
      ) => Promise<ApiResult<MethodOutput<M>>>
      let result: ApiResult<MethodOutput<M>>
      try {
        result = await invoke(input)
      } catch (error) {
        // Transports return failures as values; a throw means the transport itself broke.
        throw toApiError(error)
      }
      set(result.ok || result.error.code !== 'unavailable')
      return unwrap(result)
    },
    on: (event, listener) => bridge.on(event, listener),
    deliverExport: (job) => bridge.deliverExport(job),
  }
}

/** How many `data.changed` events touched each dashboard, and how many arrived at all. */
interface Changes {
  readonly any: number
  readonly by: Readonly<Record<DashboardName, number>>
}

const noChanges: Changes = {
  any: 0,
  by: Object.fromEntries(DASHBOARDS.map((d) => [d, 0])) as Record<DashboardName, number>,
}

/** Live updates: whether `data.changed` refetches now, and what waits while it does not. */
export interface LiveUpdates {
  readonly paused: boolean
  /** `data.changed` events held while paused (applied on resume). */
  readonly waiting: number
  readonly setPaused: (paused: boolean) => void
}

interface ApiContextValue {
  readonly client: ApiClient
  /** Bumped on `refresh()`; every `useApi` refetches when it moves. */
  readonly generation: number
  readonly changes: Changes
  readonly refresh: () => void
  readonly live: LiveUpdates
}

const ApiContext = createContext<ApiContextValue | null>(null)

export interface LiveState {
  readonly generation: number
  /** Applied: what `useApi` keys on. */
  readonly changes: Changes
  readonly paused: boolean
  /** Held while paused. */
  readonly held: Changes
}

type LiveAction =
  | { readonly kind: 'changed'; readonly touched: readonly DashboardName[] }
  | { readonly kind: 'pause' | 'resume' | 'refresh' }

const count = (c: Changes, touched: readonly DashboardName[]): Changes => {
  const by = { ...c.by }
  for (const d of touched) by[d] += 1
  return { any: c.any + 1, by }
}

/** A pure step, so "paused holds, resume applies" does not depend on when listeners read state. */
export function liveStep(state: LiveState, action: LiveAction): LiveState {
  switch (action.kind) {
    case 'changed':
      if (action.touched.length === 0) return state
      return state.paused
        ? { ...state, held: count(state.held, action.touched) }
        : { ...state, changes: count(state.changes, action.touched) }
    case 'pause':
      return state.paused ? state : { ...state, paused: true }
    case 'resume': {
      if (!state.paused) return state
      const { held, changes } = state
      const by = { ...changes.by }
      for (const d of DASHBOARDS) by[d] += held.by[d]
      return {
        ...state,
        paused: false,
        held: noChanges,
        changes: held.any === 0 ? changes : { any: changes.any + held.any, by },
      }
    }
    case 'refresh':
      // Everything is asked again, so nothing held is still waiting.
      return { ...state, generation: state.generation + 1, held: noChanges }
  }
}

export const initialLive: LiveState = {
  generation: 0,
  changes: noChanges,
  paused: false,
  held: noChanges,
}

export function ApiProvider({
  client,
  children,
}: {
  client: ApiClient
  children?: ReactNode
}): ReactNode {
  const [state, dispatch] = useReducer(liveStep, initialLive)
  const refresh = useCallback(() => dispatch({ kind: 'refresh' }), [])
  const setPaused = useCallback(
    (paused: boolean) => dispatch({ kind: paused ? 'pause' : 'resume' }),
    [],
  )
  // A sync commit names the dashboards it may have moved; an event without that list (an older
  // core, a restarted one) moves them all. Counting per dashboard lets a view refetch only for
  // its own; while paused the counts are held and applied together on resume.
  useEffect(
    () =>
      client.on('data.changed', (payload) =>
        dispatch({ kind: 'changed', touched: payload.dashboards ?? DASHBOARDS }),
      ),
    [client],
  )
  const { generation, changes, paused, held } = state
  const live = useMemo(() => ({ paused, waiting: held.any, setPaused }), [paused, held, setPaused])
  const value = useMemo(
    () => ({ client, generation, changes, refresh, live }),
    [client, generation, changes, refresh, live],
  )
  return createElement(ApiContext, { value }, children)
}

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext)
  if (value === null) throw new Error('useApi must be used inside <ApiProvider>')
  return value
}

export function useApiClient(): ApiClient {
  return useApiContext().client
}

/** Whether the host and core answer; re-renders when that changes. */
export function useReachability(): Reachability {
  const client = useApiContext().client
  return useSyncExternalStore(
    (listener) => client.onReachability(listener),
    () => client.reachability(),
  )
}

/** Refetches every `useApi` now (the retry button). */
export function useApiRefresh(): () => void {
  return useApiContext().refresh
}

/** The pause switch of live updates and how many wait behind it. */
export function useLiveUpdates(): LiveUpdates {
  return useApiContext().live
}

export interface ApiState<T> {
  /** The latest answer; kept on screen while a newer request is under way. */
  readonly data: T | null
  readonly error: ApiError | null
  /** True until the answer for the current method, input, deps and generation has arrived. */
  readonly loading: boolean
}

export type ApiDependency = string | number | boolean | null | undefined

export interface UseApiOptions {
  /**
   * Re-ask on this period without going back to `loading` (for status that changes without a
   * `data.changed`, such as source states). A failed re-ask shows its error; data stays.
   */
  readonly refreshIntervalMs?: number
  /**
   * The dashboards this answer shows: a `data.changed` refetches it only when it names one of
   * them. Without this, every `data.changed` refetches.
   */
  readonly dashboards?: readonly DashboardName[]
}

interface Request<M extends MethodName> {
  readonly key: string
  /** The key without the refetch counters: the same question asked again has the same one. */
  readonly question: string
  readonly method: M
  readonly input: MethodInput<M>
}

interface Settled<T> {
  readonly key: string
  readonly question: string
  readonly data: T | null
  readonly error: ApiError | null
}

/**
 * Calls `method` with `input` and refetches when the input (compared by value), `deps`, or the
 * data it shows (`data.changed`, see `options.dashboards`) changes. Pass `input: null` to wait (the state stays `loading`).
 * `deps` ask the same question again (counters of reconnects, recomputes, edits): as after a data
 * change, a failed answer keeps the last good data on screen with the error; only a new input
 * drops it.
 *
 * `loading` is derived during render, not set by an effect, so the render that changes the input
 * already reports `loading`: a test waiting on `data-state="ready"` never sees the old answer
 * passed off as the new one.
 */
export function useApi<M extends MethodName>(
  method: M,
  input: MethodInput<M> | null,
  deps: readonly ApiDependency[] = [],
  options: UseApiOptions = {},
): ApiState<MethodOutput<M>> {
  const { client, generation, changes } = useApiContext()
  const changed =
    options.dashboards === undefined
      ? changes.any
      : options.dashboards.reduce((sum, d) => sum + changes.by[d], 0)
  // `deps` are ask-again signals (a reconnect, a recompute ended, a list edited), like a data
  // change: a failed answer to the question asked again keeps the last good one.
  const question = input === null ? null : JSON.stringify([method, input])
  const key =
    question === null ? null : `${generation}:${changed}:${JSON.stringify(deps)}:${question}`
  // The call the key names, kept while the key stays: `input` is a new object on every render of
  // the caller, and only a change of value (or of the data it shows) asks the core again.
  const [request, setRequest] = useState<Request<M> | null>(null)
  if (input === null ? request !== null : request?.key !== key) {
    setRequest(
      key === null || question === null || input === null ? null : { key, question, method, input },
    )
  }
  const [settled, setSettled] = useState<Settled<MethodOutput<M>> | null>(null)

  useEffect(() => {
    if (request === null) return
    let current = true
    const { key: asked, question: same } = request
    client.call(request.method, request.input).then(
      (data) => {
        if (current) setSettled({ key: asked, question: same, data, error: null })
      },
      (error: unknown) => {
        // A failed request for a different input must not leave the old input's numbers up; the
        // same question asked again (a data change, Refresh) keeps the last good answer on
        // screen, offline-first, with the error saying it is stale.
        if (current)
          setSettled((s) => ({
            key: asked,
            question: same,
            data: s?.question === same ? s.data : null,
            error: toApiError(error),
          }))
      },
    )
    return () => {
      current = false
    }
  }, [client, request])

  const { refreshIntervalMs } = options
  useEffect(() => {
    if (request === null || refreshIntervalMs === undefined) return
    let current = true
    const { key: asked } = request
    const timer = setInterval(() => {
      client.call(request.method, request.input).then(
        (data) => {
          if (current)
            setSettled((s) => (s?.key === asked ? { ...s, key: asked, data, error: null } : s))
        },
        (error: unknown) => {
          // Keep the last good answer on screen (offline-first); the error says it is stale.
          if (current)
            setSettled((s) => (s?.key === asked ? { ...s, error: toApiError(error) } : s))
        },
      )
    }, refreshIntervalMs)
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [client, request, refreshIntervalMs])

  const loading = key === null || settled?.key !== key
  return {
    data: settled?.data ?? null,
    error: loading ? null : (settled?.error ?? null),
    loading,
  }
}
