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
  const frames = typeof requestAnimationFrame === 'function' && typeof cancelAnimationFrame === 'function'
  const run = () => {
    cancel()
    callback()
  }
  const frame = frames ? requestAnimationFrame(run) : 0
  const timer = setTimeout(run, frames ? FRAME_FALLBACK_MS : FRAME_MS)
  function cancel(): void {
    if (frames) cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
  return cancel
}
