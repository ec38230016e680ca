// What `typed-sse/tabs` needs of a browser, in Node: a document and window for the page events (one
// for all "tabs" of the process), and Web Locks (exclusive, granted in order of request, released when
// the callback's promise settles). Node brings crypto.subtle, and BroadcastChannel, which reaches every
// other channel of the same name in the process.

interface Waiter {
  grant(): void
  signal: AbortSignal | undefined
}

/** The names that the fakes saw, in order. */
export interface FakeBrowserLog {
  locks: string[]
  channels: string[]
}

/**
 * Installs the fakes on `globalThis` (call it before the first stream; each test file runs apart).
 * BroadcastChannel stays Node's, subclassed to log the names.
 */
export function installFakeBrowser(): FakeBrowserLog {
  const log: FakeBrowserLog = { locks: [], channels: [] }
  const page = new EventTarget()
  const holders = new Set<string>()
  const queues = new Map<string, Waiter[]>()

  function next(name: string): void {
    const waiter = queues.get(name)?.shift()
    if (waiter) waiter.grant()
    else holders.delete(name)
  }

  const locks = {
    request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
      log.locks.push(name)
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          signal: options.signal,
          grant() {
            holders.add(name)
            callback()
              .then(resolve, reject)
              .finally(() => next(name))
          },
        }
        if (!holders.has(name)) {
          waiter.grant()
          return
        }
        const queue = queues.get(name) ?? []
        queues.set(name, queue)
        queue.push(waiter)
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(waiter)
          if (at === -1) return
          queue.splice(at, 1)
          reject(new DOMException('The request was aborted', 'AbortError'))
        })
      })
    },
  }

  const NodeBroadcastChannel = globalThis.BroadcastChannel
  Object.assign(globalThis, {
    BroadcastChannel: class extends NodeBroadcastChannel {
      constructor(name: string) {
        super(name)
        log.channels.push(name)
      }
    },
    document: page,
    addEventListener: page.addEventListener.bind(page),
    removeEventListener: page.removeEventListener.bind(page),
  })
  Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true })
  return log
}
