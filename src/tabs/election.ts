// Web Locks among the tabs of a browser: one exclusive lock per key elects the leader; a shared one per
// key is held by the tabs that keep the connection awake (see `tabConnection.ts`).

/**
 * Queues for the Web Lock `name` (exclusive unless `mode` says otherwise); the lock manager grants it in
 * order of request, and frees it when its holder releases it or the holder's page goes away (closed,
 * reloaded, crashed, discarded). `lead` runs when this tab holds the lock, with the function that
 * releases it. Aborting `signal` leaves the queue, or releases the lock once granted.
 */
export function elect(
  name: string,
  signal: AbortSignal,
  lead: (release: () => void) => void,
  mode?: LockMode,
): void {
  navigator.locks
    .request(
      name,
      { signal, mode } as LockOptions, // no mode: exclusive
      () =>
        new Promise<void>((release) => {
          signal.onabort = () => release()
          signal.aborted ? release() : lead(release)
        }),
    )
    .catch(() => {}) // aborted while waiting: this tab left
}
