// Real timers, taken when this module loads: `until` and `sleep` keep working while a test has installed
// vitest's fake timers (`vi.useFakeTimers()`), so a test can fake the client's retry timers and still wait
// for a real server.
const realSetTimeout = globalThis.setTimeout
const now = performance.now.bind(performance)

/**
 * Waits until `condition()` holds, checking every few ms (real time); fails after `timeout` ms with a message
 * that names what it waited for (`what`, or the condition's source).
 */
export async function until(condition: () => boolean, timeout = 5000, what?: string): Promise<void> {
  const deadline = now() + timeout
  while (!condition()) {
    if (now() > deadline)
      throw new Error(`until: not met within ${timeout} ms: ${what ?? condition.toString()}`)
    await sleep(2)
  }
}

/** Resolves after `ms` real milliseconds. Only for tests whose point is time itself: say why where you use it. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms))

/**
 * Resolves on the next macrotask (a real timer, so also under fake timers): every promise step pending now,
 * and every step those schedule, has run by then. Not a wait for time: for "nothing more happens" after
 * something synchronous, with no timer or I/O involved.
 */
export const flushMicrotasks = (): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, 0))

/**
 * Lets a few promise steps run without leaving the current macrotask (for loops of thousands of cycles
 * under fake timers, where a macrotask per cycle would cost too much).
 */
export async function promiseSteps(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve()
}
