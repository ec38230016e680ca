// The page events that decide whether a tab can lead: a tab that is about to stop running (closing,
// reloading, navigating away, entering the back/forward cache, being frozen) hands over first. And
// whether it is hidden, for `pauseWhenHidden`.

/**
 * Calls `leave` on `pagehide` and `freeze`, and `join` on `pageshow` and `resume` (also the first
 * `pageshow` after load: `join` must be harmless to repeat). With `visibility`, calls it now and on
 * every `visibilitychange` with whether this page (the document of now) is hidden.
 * @returns a function that removes the listeners
 */
export function onLifecycle(
  leave: () => void,
  join: () => void,
  visibility?: (hidden: boolean) => void,
): () => void {
  const controller = new AbortController()
  const options = { signal: controller.signal }
  const page = document
  const check = () => visibility?.(page.visibilityState === 'hidden')
  addEventListener('pagehide', leave, options)
  page.addEventListener('freeze', leave, options)
  addEventListener('pageshow', join, options)
  page.addEventListener('resume', join, options)
  page.addEventListener('visibilitychange', check, options)
  check()
  return () => controller.abort()
}
