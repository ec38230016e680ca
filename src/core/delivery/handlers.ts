import { keepShape } from '../keepShape'
import type { StreamEvent } from '../types'

/** An `on` handler: the decoded value, then the whole event. (`onAny` handlers get the event twice.) */
export type Handler = (value: unknown, event: StreamEvent) => void

const NONE: readonly Handler[] = []

/**
 * The handlers of one stream: `on` handlers by event type, and `onAny` handlers. A list is never changed,
 * only replaced: a delivery iterates a plain array, and what a handler adds is called from the next event.
 * `removals` counts removals, so that a delivery can skip a handler removed while it runs (see
 * {@link Handlers.stillHas}). A class: `forType` runs for every event (see `keepShape`).
 */
export class Handlers {
  readonly #byType = new Map<string, readonly Handler[]>()
  /** `onAny` handlers. */
  any: readonly Handler[] = NONE
  /** How many handlers were removed so far. */
  removals = 0
  /**
   * The type `forType` looked up last, and its handlers: a stream of one type (most are) skips the Map.
   * (The parser gives `message` as one string, so that comparison is one of pointers.)
   */
  #lastType = '' // (no event has this type: '' is `message`)
  #lastHandlers: readonly Handler[] | undefined = undefined

  constructor() {
    keepShape(Handlers, () => new Handlers())
  }

  /** The `on` handlers of `type`, or `undefined` when it has none. */
  forType(type: string): readonly Handler[] | undefined {
    if (type === this.#lastType) return this.#lastHandlers
    const handlers = this.#byType.get(type)
    this.#lastType = type
    this.#lastHandlers = handlers
    return handlers
  }

  /** Whether any handler listens, of a type or of all. */
  get size(): number {
    return this.#byType.size + this.any.length
  }

  /** Adds an `on` handler of `type` (once, however often it is added); returns the function that removes it. */
  on(type: string, handler: Handler): () => void {
    const list = this.#byType.get(type) ?? NONE
    if (!list.includes(handler)) this.#set(type, [...list, handler])
    return () => {
      const current = this.#byType.get(type) ?? NONE
      if (current.includes(handler)) this.#set(type, without(current, handler))
    }
  }

  /** Adds an `onAny` handler; returns the function that removes it. */
  onAny(handler: Handler): () => void {
    if (!this.any.includes(handler)) this.any = [...this.any, handler]
    return () => {
      if (!this.any.includes(handler)) return
      this.removals++
      this.any = without(this.any, handler)
    }
  }

  /**
   * Whether `handler` is still an `on` handler of `type` (with `type` undefined: an `onAny` handler). Asked
   * only after a removal during a delivery.
   */
  stillHas(type: string | undefined, handler: Handler): boolean {
    return (type === undefined ? this.any : (this.#byType.get(type) ?? NONE)).includes(handler)
  }

  /** Removes every handler. */
  clear(): void {
    this.removals++
    this.#byType.clear()
    this.any = NONE
    this.#forget()
  }

  #set(type: string, list: readonly Handler[]): void {
    if (list.length < (this.#byType.get(type)?.length ?? 0)) this.removals++
    if (list.length > 0) this.#byType.set(type, list)
    else this.#byType.delete(type)
    this.#forget()
  }

  #forget(): void {
    this.#lastType = ''
    this.#lastHandlers = undefined
  }
}

function without(list: readonly Handler[], handler: Handler): readonly Handler[] {
  return list.filter((other) => other !== handler)
}
