// What `typed-sse/tabs` needs of a browser, in Node: a document and window for the page events (one
// for all "tabs" of the process), and Web Locks (exclusive, granted in order of request, released when
// the callback's promise settles). Node brings crypto.subtle, and BroadcastChannel, which reaches every
// other channel of the same name in the process.

interface Waiter {
  grant(): void
  shared: boolean
}

/** The names that the fakes saw, in order. */
export interface FakeBrowserLog {
  locks: string[]
  channels: string[]
}

/**
 * Installs the fakes on `globalThis` (call it before the first stream; each test file runs apart).
 * BroadcastChannel stays Node's, subclassed to log the names. Each "tab" may get a document of its own
 * with {@link setDocument}.
 */
export function installFakeBrowser(): FakeBrowserLog {
  const log: FakeBrowserLog = { locks: [], channels: [] }
  const page = new EventTarget()
  /** Per name: how many hold it, whether that is exclusively, and the requests waiting in order. */
  const locksByName = new Map<string, { held: number; exclusive: boolean; queue: Waiter[] }>()

  /** Grants the waiting requests from the front of the queue while they fit with the holders. */
  function pump(name: string): void {
    const lock = locksByName.get(name)
    if (!lock) return
    for (let waiter = lock.queue[0]; waiter; waiter = lock.queue[0]) {
      if (lock.held > 0 && (lock.exclusive || !waiter.shared)) return
      lock.queue.shift()
      lock.held++
      lock.exclusive = !waiter.shared
      waiter.grant()
    }
  }

  const locks = {
    request<T>(
      name: string,
      options: { signal?: AbortSignal; mode?: LockMode },
      callback: () => Promise<T>,
    ): Promise<T> {
      log.locks.push(name)
      const lock = locksByName.get(name) ?? { held: 0, exclusive: false, queue: [] }
      locksByName.set(name, lock)
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          shared: options.mode === 'shared',
          grant() {
            callback()
              .then(resolve, reject)
              .finally(() => {
                lock.held--
                pump(name)
              })
          },
        }
        lock.queue.push(waiter)
        options.signal?.addEventListener('abort', () => {
          const at = lock.queue.indexOf(waiter)
          if (at === -1) return
          lock.queue.splice(at, 1)
          reject(new DOMException('The request was aborted', 'AbortError'))
          pump(name)
        })
        pump(name)
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

/** A document for the next tabs (`typed-sse/tabs` keeps the one of when a tab opens), with its visibility. */
export function setDocument(visibilityState: DocumentVisibilityState = 'visible'): FakeDocument {
  const fake = new FakeDocument(visibilityState)
  Object.assign(globalThis, { document: fake })
  return fake
}

/** A tab's document: its visibility, and `hidden`, as in a browser. */
export class FakeDocument extends EventTarget {
  constructor(public visibilityState: DocumentVisibilityState) {
    super()
  }

  get hidden(): boolean {
    return this.visibilityState === 'hidden'
  }
}

/** Shows or hides the tab whose document is `fake`, as the browser does (`visibilitychange`). */
export function setVisibility(fake: FakeDocument, visibilityState: DocumentVisibilityState): void {
  fake.visibilityState = visibilityState
  fake.dispatchEvent(new Event('visibilitychange'))
}
