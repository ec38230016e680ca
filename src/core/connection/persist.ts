import { connectionKey, REQUEST_FIELDS } from '../api/connectionKey'
import type { StorageLike } from '../api/options'
import type { ConnectionConfig } from '../api/resolveOptions'
import { EventStreamError, reasonOf } from '../errors'
import { hash } from './hash'
import { onPageHide } from './pageEvents'
import { after, type Cancel } from './timers'

/** The least time between two writes of the stored ID: at most 2 writes per second, at any event rate. */
const WRITE_INTERVAL = 500

/** The last event ID of one connection, kept in storage across reloads (the `persist` option). */
export interface PersistedId {
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
 * The store for `config.persist`, or `undefined` when it is off. Storage that throws (full, disabled,
 * private mode, missing) is reported once through `report`, then left alone: the stream goes on.
 */
export function createPersistedId(
  config: ConnectionConfig,
  report: (error: EventStreamError) => void,
): PersistedId | undefined {
  const { persist } = config
  if (persist === undefined) return undefined
  const source = persist
  // What is requested (functions and non-string bodies left out: their identity changes with every page
  // load), hashed so that no credential lands in a storage key.
  const key = `typed-sse:${hash(connectionKey(config, () => null, REQUEST_FIELDS))}`
  let storage: StorageLike | undefined
  let broken = false
  let pending: string | undefined
  let cancelWrite: Cancel | undefined

  function use<T>(action: (storage: StorageLike) => T): T | undefined {
    if (broken) return undefined
    try {
      storage ??= typeof source === 'string' ? pageStorage(source) : source
      return action(storage)
    } catch (cause) {
      broken = true
      const message = `typed-sse: the \`persist\` storage failed, the stream goes on without it (${reasonOf(cause)})`
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
