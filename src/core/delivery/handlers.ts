import { keepShape } from '../keepShape'
import type { StreamEvent } from '../types'

/** An `on` handler: the decoded value, then the whole event. (`onAny` handlers get the event twice.) */
export type Handler = (value: unknown, event: StreamEvent) => void

const NONE: readonly Handler[] = []

/**
 * Up to this many types with handlers, `forType` compares an event's type with each in turn, which is
 * cheaper than a `Map` lookup: that hashes the type, a new string at every event. Instructions per stream
 * of 100k events: 4 types of the bench's small corpus 305 → 284 M; 4 types of 26 characters that share 21
 * (the worst case for comparing) 365 → 305 M; but 8 such types 338 → 398 M, hence the Map beyond 4.
 */
const SCANNED_TYPES = 4

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
   * What `forType` reads, rebuilt whenever the handlers change. First, the first type with handlers and
   * its handlers: a stream of one type (most LLM answers are) goes no further. Then, with up to
   * `SCANNED_TYPES` types, every type and its handlers at the same index; with more, these are empty and
   * the lookup goes to the Map.
   */
  #firstType: string | undefined = undefined
  #firstHandlers: readonly Handler[] | undefined = undefined
  #types: readonly string[] = []
  #lists: readonly (readonly Handler[])[] = []

  constructor() {
    keepShape(Handlers, () => new Handlers())
  }

  /** The `on` handlers of `type`, or `undefined` when it has none. */
  forType(type: string): readonly Handler[] | undefined {
    return type === this.#firstType ? this.#firstHandlers : this.#lookUp(type)
  }

  /**
   * `forType` past the first type. (A method of its own: `forType`, which every event runs, stays small
   * enough for V8 to inline it with the rest of the delivery; inlined, this costs a stream of one type 4 %.)
   */
  #lookUp(type: string): readonly Handler[] | undefined {
    const types = this.#types
    for (let i = 1; i < types.length; i++) if (types[i] === type) return this.#lists[i]
    return this.#byType.size > SCANNED_TYPES ? this.#byType.get(type) : undefined
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
    this.#index()
  }

  #set(type: string, list: readonly Handler[]): void {
    if (list.length < (this.#byType.get(type)?.length ?? 0)) this.removals++
    if (list.length > 0) this.#byType.set(type, list)
    else this.#byType.delete(type)
    this.#index()
  }

  /** Rebuilds what `forType` reads from the Map. */
  #index(): void {
    const types = [...this.#byType.keys()]
    const lists = [...this.#byType.values()]
    this.#firstType = types[0]
    this.#firstHandlers = lists[0]
    const scanned = types.length <= SCANNED_TYPES
    this.#types = scanned ? types : []
    this.#lists = scanned ? lists : []
  }
}

function without(list: readonly Handler[], handler: Handler): readonly Handler[] {
  return list.filter((other) => other !== handler)
}
