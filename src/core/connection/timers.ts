/** Timers fire at once beyond 2^31 - 1 ms (~24.8 days): longer waits (a huge Retry-After) are capped to it. */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/** Stops a timer or a wait. Harmless to call twice. */
export type Cancel = () => void

/** Runs `callback` after `delay` ms (capped so that a huge delay never fires at once). */
export function after(delay: number, callback: () => void): Cancel {
  const timer = setTimeout(callback, Math.min(delay, MAX_TIMER_DELAY))
  return () => clearTimeout(timer)
}

/**
 * Runs `callback` after `delay` ms, or, while the browser says it is offline, when it comes back online
 * (instead of spinning through failed attempts).
 */
export function afterDelayOrOnline(delay: number, callback: () => void): Cancel {
  const scope = globalThis as { navigator?: { onLine?: boolean } } & Partial<EventTarget>
  if (scope.navigator?.onLine === false && typeof scope.addEventListener === 'function') {
    scope.addEventListener('online', callback, { once: true })
    return () => scope.removeEventListener?.('online', callback)
  }
  return after(delay, callback)
}

/**
 * An idle watchdog: calls `onIdle` once when `touch()` was not called for `timeout` ms, unless `excused()`
 * says the silence is ours (reading paused on purpose). One timer, re-armed lazily, so that `touch()`
 * (once per chunk) costs a `Date.now()`.
 */
export function watchIdle(
  timeout: number,
  onIdle: () => void,
  excused: () => boolean,
): { touch(): void; cancel: Cancel } {
  let lastActivity = Date.now()
  let cancel = after(timeout, check)
  function check(): void {
    if (excused()) lastActivity = Date.now()
    const idle = Date.now() - lastActivity
    if (idle < timeout) cancel = after(timeout - idle, check)
    else onIdle()
  }
  return {
    touch() {
      lastActivity = Date.now()
    },
    cancel: () => cancel(),
  }
}
