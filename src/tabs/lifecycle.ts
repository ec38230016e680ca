// The page events that decide whether a tab can lead: a tab that is about to stop running (closing,
// reloading, navigating away, entering the back/forward cache, being frozen) hands over first. And
// whether it is awake, for `pauseWhenHidden`.

/**
 * Calls `leave` on `pagehide` and `freeze`, and `join` on `pageshow` and `resume` (also the first
 * `pageshow` after load: `join` must be harmless to repeat). Calls `awake(true)` now and whenever this
 * page (the document of now) shows, and `awake(false)` once it has been hidden for `delay` ms (never
 * without a delay); repeats are harmless too.
 * @returns a function that removes the listeners
 */
export function onLifecycle(
  leave: () => void,
  join: () => void,
  delay: number | undefined,
  awake: (awake: boolean) => void,
): () => void {
  // An AbortController serves as the listeners' options: they take its `signal`.
  const options = new AbortController()
  const page = document
  let timer: ReturnType<typeof setTimeout> | undefined
  const check = () => {
    clearTimeout(timer)
    if (!page.hidden) awake(true)
    else if (delay !== undefined) timer = setTimeout(awake, delay, false)
  }
  addEventListener('pagehide', leave, options)
  page.addEventListener('freeze', leave, options)
  addEventListener('pageshow', join, options)
  page.addEventListener('resume', join, options)
  page.addEventListener('visibilitychange', check, options)
  check()
  return () => options.abort()
}
