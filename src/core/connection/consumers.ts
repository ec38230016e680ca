import type { EventStreamError } from '../errors'
import { keepShape } from '../keepShape'
import type { ConnectionListener } from '../types'

/**
 * The consumers of one connection: each hears every raw event, error, state change and the end. A class:
 * `event` runs for every event (see `keepShape`).
 */
export class Consumers {
  readonly #listeners = new Set<ConnectionListener>()
  /** The one consumer, while there is exactly one (the usual case): events go to it without iterating. */
  #only: ConnectionListener | undefined = undefined

  constructor() {
    keepShape(Consumers, () => new Consumers())
  }

  /** Adds a consumer; returns the function that removes it. */
  add(listener: ConnectionListener): () => void {
    this.#listeners.add(listener)
    this.#updateOnly()
    return () => {
      this.#listeners.delete(listener)
      this.#updateOnly()
    }
  }

  event(type: string, raw: string, id: string): void {
    const only = this.#only
    if (only !== undefined) only.event(type, raw, id)
    else for (const listener of this.#listeners) listener.event(type, raw, id)
  }

  error(error: EventStreamError): void {
    for (const listener of this.#listeners) listener.error(error)
  }

  state(): void {
    const only = this.#only
    if (only !== undefined) only.state()
    else for (const listener of this.#listeners) listener.state()
  }

  restarted(): void {
    for (const listener of this.#listeners) listener.restarted?.()
  }

  closed(error: EventStreamError | undefined): void {
    for (const listener of this.#listeners) listener.closed(error)
  }

  /** Whether every consumer is backed up (only slow `for await` loops listen): then reading waits. */
  backedUp(): boolean {
    const only = this.#only
    if (only !== undefined) return only.backedUp?.() === true
    if (this.#listeners.size === 0) return false
    for (const listener of this.#listeners) if (!listener.backedUp?.()) return false
    return true
  }

  clear(): void {
    this.#listeners.clear()
    this.#only = undefined
  }

  #updateOnly(): void {
    const listeners = this.#listeners
    this.#only = listeners.size === 1 ? listeners.values().next().value : undefined
  }
}
