// Leader election among the tabs of a browser: one exclusive Web Lock per key.

/**
 * Queues for the exclusive Web Lock `name`; the lock manager grants it in order of request, and frees it
 * when its holder releases it or the holder's page goes away (closed, reloaded, crashed, discarded).
 * `lead` runs when this tab holds the lock, with the function that releases it. Aborting `signal` leaves
 * the queue (and releases a lock granted at the same moment).
 */
export function elect(name: string, signal: AbortSignal, lead: (release: () => void) => void): void {
  navigator.locks
    .request(
      name,
      { signal },
      () => new Promise<void>((release) => (signal.aborted ? release() : lead(release))),
    )
    .catch(() => {}) // aborted while waiting: this tab left
}
