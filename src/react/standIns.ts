// Stable stand-ins for the function options of a connection (`headers`, `fetch`, `doneWhen`,
// `reconnectRequest`, `retry.shouldRetry`), so that inline functions neither reconnect nor go stale: the
// connection keeps the stand-in, which calls the latest function rendered.
import type { EventMap, EventStreamOptions } from '../index'

// biome-ignore lint/suspicious/noExplicitAny: any function (parameters are contravariant)
type AnyFunction = (...args: any[]) => unknown

/**
 * A stable stand-in for a function, and the latest version of that function by each component with an
 * open stream (its owner), the most recently changed last. `call` calls the last of them.
 */
interface StandIn {
  readonly call: AnyFunction
  readonly latest: Map<object, AnyFunction>
}

/** Stand-ins by the function a connection was opened with, so that equal functions share one connection. */
const standIns = new WeakMap<AnyFunction, StandIn>()

/** The function options: where each is in the options. */
const FUNCTION_OPTIONS: readonly ((options: EventStreamOptions) => unknown)[] = [
  (options) => options.headers,
  (options) => options.fetch,
  (options) => options.doneWhen,
  (options) => options.reconnectRequest,
  (options) => (options.retry || undefined)?.shouldRetry,
]

/** The stand-in for `initial`, the same for the same function. */
function standIn(initial: AnyFunction): StandIn {
  let entry = standIns.get(initial)
  if (!entry) {
    const latest = new Map<object, AnyFunction>()
    const call = (...args: unknown[]) => ([...latest.values()].at(-1) ?? initial)(...args)
    entry = { call, latest }
    standIns.set(initial, entry)
  }
  return entry
}

/** One component's stand-ins for the function options it first rendered. */
export interface StandIns {
  /** `options` with each function option replaced by its stand-in. */
  apply<E extends EventMap>(options: EventStreamOptions<E>): EventStreamOptions<E>
  /** Makes the functions of a render the ones the stand-ins call for this component. */
  track(options: EventStreamOptions): void
  /** This component no longer calls through the stand-ins. */
  release(): void
}

export function createStandIns(first: EventStreamOptions): StandIns {
  const owner = {}
  const entries = FUNCTION_OPTIONS.map((get) => {
    const fn = get(first)
    return typeof fn === 'function' ? standIn(fn as AnyFunction) : undefined
  })
  return {
    apply(options) {
      const [headers, fetch, doneWhen, reconnectRequest, shouldRetry] = entries
      const { retry } = options
      return {
        ...options,
        ...(headers && { headers: headers.call as () => HeadersInit }),
        ...(fetch && { fetch: fetch.call as typeof globalThis.fetch }),
        ...(doneWhen && { doneWhen: doneWhen.call as () => boolean }),
        ...(reconnectRequest && { reconnectRequest: reconnectRequest.call as () => false }),
        ...(shouldRetry && retry && { retry: { ...retry, shouldRetry: shouldRetry.call as () => boolean } }),
      }
    },
    track(options) {
      FUNCTION_OPTIONS.forEach((get, index) => {
        const entry = entries[index]
        const fn = get(options)
        if (!entry || typeof fn !== 'function' || entry.latest.get(owner) === fn) return
        entry.latest.delete(owner) // the most recently changed function goes last
        entry.latest.set(owner, fn as AnyFunction)
      })
    },
    release() {
      for (const entry of entries) entry?.latest.delete(owner)
    },
  }
}
