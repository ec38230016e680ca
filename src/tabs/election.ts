// Web Locks among the tabs of a browser. One exclusive lock per key elects the leader, the tab that runs
// the request. A second lock per key, "awake", pauses the connection when every tab sleeps
// (`pauseWhenHidden`): a tab is awake while it is visible, or hidden for less than its streams'
// `pauseWhenHidden` (always, without the option). A follower that is awake holds the awake lock in shared
// mode (the leader knows its own visibility). A leader that is not awake asks for it exclusively: the lock
// manager grants that when no tab holds it (every follower asleep, or gone: a page that dies frees its
// locks), and the leader pauses (closes the request; every tab shows `reconnecting` without
// `retryDelay`). A tab that wakes (or joins) asks for the shared lock, then says so (`Wake`): the leader
// lets go (and resumes from the last event ID), and asks again a little later, behind that tab.

/**
 * How long a new leader waits for the last messages of a leader that went away without saying `Bye`
 * (crashed, discarded), so that it resumes from the last event the others received; and how long a
 * leader waits after a tab woke before it asks for the awake lock again.
 */
export const GRACE = 100

/**
 * Queues for the Web Lock `name` (exclusive unless `mode` says otherwise); the lock manager grants it in
 * order of request, and frees it when its holder releases it or the holder's page goes away (closed,
 * reloaded, crashed, discarded). `lead` runs when this tab holds the lock.
 * @returns a function that leaves the queue, or releases the lock once granted
 */
export function elect(name: string, lead: () => void, mode?: LockMode): () => void {
  const controller = new AbortController()
  const { signal } = controller
  navigator.locks
    .request(
      name,
      { signal, mode } as LockOptions, // no mode: exclusive
      () =>
        new Promise<unknown>((release) => {
          signal.onabort = release
          // Aborted once granted but before this ran: the abort event has been and gone.
          signal.aborted ? release(0) : lead()
        }),
    )
    .catch(() => {}) // aborted while waiting: this tab left
  return () => controller.abort()
}
