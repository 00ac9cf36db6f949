// The contract is one entry per method, and the compiler holds every side to
// it (STYLE.md 1; issue 9): a method without an output type, a handler for
// a method not in the contract, and a preload missing a method do not
// compile. The `@ts-expect-error` lines fail `tsc -b` if they ever compile.
import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import type { HandlerModule } from '../../main/api/handlers/types.ts'
import { buildBridge } from '../../preload/bridge.ts'
import {
  defineMethods,
  method,
  methodNames,
  methods,
  type ApiMethods,
} from '../../shared/api/index.ts'

describe('the contract', () => {
  it('refuses, at compile time, a method without an output type', () => {
    const ok = defineMethods({ 'x.ok': method<{ n: number }>()(z.object({}).strict()) })
    expect(Object.keys(ok)).toEqual(['x.ok'])
    // @ts-expect-error: no output type declared
    defineMethods({ 'x.bad': method()(z.object({}).strict()) })
  })

  it('refuses, at compile time, a handler for a method the contract lacks', () => {
    const good = {
      'filters.values': () => ({
        source: [],
        segment: [],
        city: [],
        temperature: [],
        status: [],
        owner: [],
      }),
    } satisfies HandlerModule
    expect(Object.keys(good)).toEqual(['filters.values'])
    const bad = {
      // @ts-expect-error: not a method of the contract
      'files.read': () => '',
    } satisfies HandlerModule
    expect(Object.keys(bad)).toEqual(['files.read'])
  })

  it('refuses, at compile time, a bridge missing a method', () => {
    const call = () => Promise.resolve({ ok: true as const, value: null as never })
    // @ts-expect-error: 'filters.values' is missing
    const partial: ApiMethods = {
      'app.status': call,
      'kpis.dashboard': call,
      'activity.page': call,
    }
    expect(partial).toBeDefined()
  })

  it('is the list the preload exposes, method for method', () => {
    // The preload's bridge is a pure function of an ipcRenderer (preload/bridge.ts): built here
    // with a stand-in, its table is the contract's names (electron-preload-bridge.test.ts pins
    // the rest of its surface).
    const bridge = buildBridge({
      invoke: () => Promise.resolve(null),
      on: () => undefined,
      removeListener: () => undefined,
    })
    expect(Object.keys(bridge.methods)).toEqual(methodNames)
    expect(Object.keys(methods)).toEqual(methodNames)
  })
})
