import { invalidOption } from '../api/assert'
import { sharingKey } from '../api/connectionKey'
import type { ConnectionOptions, StorageLike } from '../api/options'
import { EventStreamError, reasonOf } from '../errors'
import { hash } from './hash'
import { onPageHide } from './pageEvents'
import { after, type Cancel } from './timers'

/** The least time between two writes of the stored ID: at most 2 writes per second, at any event rate. */
const WRITE_INTERVAL = 500

/** The last event ID of one connection, kept in storage across reloads (the `resume` option). */
export interface ResumeStore {
  /** The stored last event ID, '' when there is none. */
  read(): string
  /** Stores `id`, throttled: the latest ID is written at most every 500 ms, and on `pagehide`. */
  write(id: string): void
  /** Forgets the stored ID (a 204: the server says the stream is finished). */
  clear(): void
  /** Writes what is pending and stops listening to the page. */
  close(): void
}

/**
 * The store for `options.resume`, or `undefined` when it is off. Storage that throws (full, disabled,
 * private mode, missing) is reported once through `report`, then left alone: the stream goes on.
 */
export function createResumeStore(
  href: string,
  options: ConnectionOptions,
  report: (error: EventStreamError) => void,
): ResumeStore | undefined {
  const { resume: source } = options
  if (source === undefined) return undefined
  const resume = source
  if (resume !== 'session' && resume !== 'local' && !isStorageLike(resume)) {
    invalidOption('resume', "'session', 'local' or an object with getItem, setItem and removeItem", resume)
  }
  // The stable parts of the connection key (functions and non-string bodies left out: their identity
  // changes with every page load), hashed so that no credential lands in a storage key.
  const key = `typed-sse:${hash(sharingKey(href, options, () => null))}`
  let storage: StorageLike | undefined
  let broken = false
  let pending: string | undefined
  let cancelWrite: Cancel | undefined

  function use<T>(action: (storage: StorageLike) => T): T | undefined {
    if (broken) return undefined
    try {
      storage ??= typeof resume === 'string' ? pageStorage(resume) : resume
      return action(storage)
    } catch (cause) {
      broken = true
      const message = `typed-sse: the resume storage failed, the stream goes on without it (${reasonOf(cause)})`
      // A microtask later: a failure while the stream is created reaches the handlers added right after.
      queueMicrotask(() => report(new EventStreamError('storage', message, { cause })))
      return undefined
    }
  }

  function flush(): void {
    cancelWrite?.()
    cancelWrite = undefined
    if (pending === undefined) return
    const id = pending
    pending = undefined
    use((storage) => (id === '' ? storage.removeItem(key) : storage.setItem(key, id)))
  }

  const stopListening = onPageHide(flush)
  return {
    read: () => use((storage) => storage.getItem(key)) ?? '',
    write(id) {
      pending = id
      cancelWrite ??= after(WRITE_INTERVAL, flush)
    },
    clear() {
      pending = ''
      flush()
    },
    close() {
      flush()
      stopListening()
    },
  }
}

/** `sessionStorage` or `localStorage`; reading either can throw (sandboxed frames, disabled storage). */
function pageStorage(kind: 'session' | 'local'): StorageLike {
  const storage = (globalThis as { sessionStorage?: StorageLike; localStorage?: StorageLike })[
    `${kind}Storage`
  ]
  if (!storage) throw new Error(`${kind}Storage is not available here`)
  return storage
}

function isStorageLike(value: unknown): value is StorageLike {
  const storage = value as Partial<StorageLike> | null
  return (
    typeof storage?.getItem === 'function' &&
    typeof storage.setItem === 'function' &&
    typeof storage.removeItem === 'function'
  )
}
