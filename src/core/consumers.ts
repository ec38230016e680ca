import type { EventStreamError } from './errors'
import type { ConnectionListener } from './types'

/** The consumers of one connection: each hears every raw event, error, state change and the end. */
export interface Consumers {
  add(listener: ConnectionListener): () => void
  event(type: string, raw: string, id: string): void
  error(error: EventStreamError): void
  state(): void
  closed(error: EventStreamError | undefined): void
  /** Whether every consumer is backed up (only slow `for await` loops listen): then reading waits. */
  backedUp(): boolean
  clear(): void
}

export function createConsumers(): Consumers {
  const listeners = new Set<ConnectionListener>()
  return {
    add(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    event(type, raw, id) {
      for (const listener of listeners) listener.event(type, raw, id)
    },
    error(error) {
      for (const listener of listeners) listener.error(error)
    },
    state() {
      for (const listener of listeners) listener.state()
    },
    closed(error) {
      for (const listener of listeners) listener.closed(error)
    },
    backedUp() {
      if (listeners.size === 0) return false
      for (const listener of listeners) if (!listener.backedUp?.()) return false
      return true
    },
    clear() {
      listeners.clear()
    },
  }
}
