/** The longest wait for a frame: hidden tabs pause `requestAnimationFrame`, timers still run (throttled). */
const FRAME_FALLBACK_MS = 100

/** The frame length assumed where there is no `requestAnimationFrame` (Node, some test environments). */
const FRAME_MS = 16

/**
 * Runs `callback` once, before the next paint: on the next animation frame, or after a timer where there
 * are no frames (or a hidden tab has paused them), whichever comes first.
 * @returns a function that cancels the callback
 */
export function scheduleFrame(callback: () => void): () => void {
  let frame: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const cancel = () => {
    if (frame !== undefined) cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
  const run = () => {
    cancel()
    callback()
  }
  if (typeof requestAnimationFrame === 'function' && typeof cancelAnimationFrame === 'function') {
    frame = requestAnimationFrame(run)
    timer = setTimeout(run, FRAME_FALLBACK_MS)
  } else {
    timer = setTimeout(run, FRAME_MS)
  }
  return cancel
}
