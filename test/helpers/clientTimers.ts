import { vi } from 'vitest'

/**
 * Fakes `setTimeout`/`clearTimeout`, the timers the client schedules (retries, the idle watchdog), and
 * nothing else: the test servers (`setInterval`, `until()`'s and `sleep()`'s real timers) and the network keep
 * real time. Call it before creating the stream; undo it with `vi.useRealTimers()` in `afterEach`.
 */
export function fakeClientTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
}

/**
 * Runs every client timer due within `ms` of fake time (a retry, a reconnect) and the promise steps after
 * each: what the client would do on its own in that time has now started. Then assert that it did not,
 * on something it does synchronously (a `fetch` call, a state), not on a request still on its way.
 */
export async function runClientTimers(ms = 60_000): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
}

/**
 * Counts the calls of the global `fetch` from now on: the client calls it, synchronously, when an attempt
 * starts. Undo it with `vi.restoreAllMocks()` in `afterEach`.
 */
export function countFetches(): () => number {
  const spy = vi.spyOn(globalThis, 'fetch')
  return () => spy.mock.calls.length
}
