// The page events that decide whether a tab can lead: a tab that is about to stop running (closing,
// reloading, navigating away, entering the back/forward cache, being frozen) hands over first.

/**
 * Calls `leave` on `pagehide` and `freeze`, and `join` on `pageshow` and `resume` (also the first
 * `pageshow` after load: `join` must be harmless to repeat).
 * @returns a function that removes the listeners
 */
export function onLifecycle(leave: () => void, join: () => void): () => void {
  const controller = new AbortController()
  const options = { signal: controller.signal }
  addEventListener('pagehide', leave, options)
  document.addEventListener('freeze', leave, options)
  addEventListener('pageshow', join, options)
  document.addEventListener('resume', join, options)
  return () => controller.abort()
}
