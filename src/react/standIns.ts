// Stable stand-ins for `headers` and `fetch` functions, so that inline functions neither reconnect nor
// go stale: the connection keeps the stand-in, which calls the latest function rendered.

// biome-ignore lint/suspicious/noExplicitAny: any function (parameters are contravariant)
type AnyFunction = (...args: any[]) => unknown

/**
 * A stable stand-in for a function, and the latest version of that function by each component with an
 * open stream (its owner), the most recently changed last. `call` calls the last of them.
 */
export interface StandIn<F extends AnyFunction> {
  readonly call: F
  readonly latest: Map<object, F>
}

/** Stand-ins by the function a connection was opened with, so that equal functions share one connection. */
const standIns = new WeakMap<AnyFunction, StandIn<AnyFunction>>()

/** The stand-in for `initial`, the same for the same function. */
export function standIn<F extends AnyFunction>(initial: F): StandIn<F> {
  let entry = standIns.get(initial)
  if (!entry) {
    const latest = new Map<object, AnyFunction>()
    const call = (...args: unknown[]) => ([...latest.values()].at(-1) ?? initial)(...args)
    entry = { call, latest }
    standIns.set(initial, entry)
  }
  return entry as StandIn<F>
}

/** Makes `fn` the latest version of `owner` in `standIn` (nothing when either is missing). */
export function setLatest<F extends AnyFunction>(
  standIn: StandIn<F> | undefined,
  owner: object,
  fn: unknown,
): void {
  if (!standIn || typeof fn !== 'function' || standIn.latest.get(owner) === fn) return
  standIn.latest.delete(owner) // the most recently changed function goes last
  standIn.latest.set(owner, fn as F)
}
