import { after, type Cancel } from './timers'

const nothing: Cancel = () => {}

/**
 * Calls `onLongHidden` once the page has been hidden for `delay` ms, and `onVisible` when it shows
 * again. Does nothing where there is no document (Node, workers).
 */
export function whenHiddenFor(delay: number, onLongHidden: () => void, onVisible: () => void): Cancel {
  const { document } = globalThis as { document?: Document }
  if (typeof document?.addEventListener !== 'function') return nothing
  let cancelTimer = nothing
  const check = () => {
    cancelTimer()
    if (document.visibilityState === 'hidden') cancelTimer = after(delay, onLongHidden)
    else onVisible()
  }
  document.addEventListener('visibilitychange', check)
  if (document.visibilityState === 'hidden') check()
  return () => {
    cancelTimer()
    document.removeEventListener('visibilitychange', check)
  }
}

/** Calls `listener` when the page is being left (`pagehide`: closed, reloaded, into the back/forward cache). */
export function onPageHide(listener: () => void): Cancel {
  const scope = globalThis as Partial<EventTarget>
  if (typeof scope.addEventListener !== 'function') return nothing
  scope.addEventListener('pagehide', listener)
  return () => scope.removeEventListener?.('pagehide', listener)
}
