import type { EventStreamError } from '../errors'
import { keepShape } from '../keepShape'
import type { ConnectionListener } from '../types'

/**
 * The consumers of one connection: each hears every raw event, error, state change and the end. A class:
 * `event` runs for every event (see `keepShape`).
 */
export class Consumers {
  readonly #listeners = new Set<ConnectionListener>()

  constructor() {
    keepShape(Consumers, () => new Consumers())
  }

  /** Adds a consumer; returns the function that removes it. */
  add(listener: ConnectionListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  event(type: string, raw: string, id: string): void {
    for (const listener of this.#listeners) listener.event(type, raw, id)
  }

  error(error: EventStreamError): void {
    for (const listener of this.#listeners) listener.error(error)
  }

  state(): void {
    for (const listener of this.#listeners) listener.state()
  }

  restarted(): void {
    for (const listener of this.#listeners) listener.restarted?.()
  }

  closed(error: EventStreamError | undefined): void {
    for (const listener of this.#listeners) listener.closed(error)
  }

  /** Whether every consumer is backed up (only slow `for await` loops listen): then reading waits. */
  backedUp(): boolean {
    if (this.#listeners.size === 0) return false
    for (const listener of this.#listeners) if (!listener.backedUp?.()) return false
    return true
  }

  clear(): void {
    this.#listeners.clear()
  }
}
