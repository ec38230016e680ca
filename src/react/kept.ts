// What `useEventStream` keeps of a stream's events between two renders: the latest event, the last
// `history` events, and `value`, every event folded by `reduce`.
import type { AnyStreamEvent, EventMap } from '../index'
import type { UseEventStreamOptions } from './types'

const NO_EVENTS: readonly never[] = Object.freeze([])

/** What a render shows of the events: the fields of the hook's result that events change. */
export interface KeptEvents<E extends EventMap, V> {
  lastEvent: AnyStreamEvent<E> | undefined
  events: readonly AnyStreamEvent<E>[]
  value: V
}

/** The events of one hook instance, taken in as they arrive and handed to a render per frame. */
export interface EventKeeper<E extends EventMap, V> {
  /** Folds an event into `value` with the latest `reduce`, at once. */
  fold(event: AnyStreamEvent<E>): void
  /** Keeps an event for the next `take()`. */
  keep(event: AnyStreamEvent<E>): void
  /** The stream starts again from its first event: so do `value`, `lastEvent` and `events`. */
  restart(): void
  /** What a render shows now (the same arrays and values until something arrived). */
  take(): KeptEvents<E, V>
}

/** `latest` holds the options of the latest render: `history`, `reduce` and `initial` are read from it. */
export function keepEvents<E extends EventMap, V>(latest: {
  readonly current: UseEventStreamOptions<E, V>
}): EventKeeper<E, V> {
  /** Events since the last `take()`: the tail that `history` can keep. */
  let pending: AnyStreamEvent<E>[] = []
  const kept: KeptEvents<E, V> = {
    lastEvent: undefined,
    events: NO_EVENTS,
    value: latest.current.initial as V,
  }

  /** The `history` option as a count of events. */
  function historySize(): number {
    const { history = 0 } = latest.current
    return history > 0 ? Math.floor(history) : 0
  }

  return {
    fold(event) {
      // A throw is reported by the core, as a handler's: that event is skipped.
      const { reduce } = latest.current
      if (reduce) kept.value = reduce(kept.value, event)
    },
    keep(event) {
      pending.push(event)
      // Amortised trimming keeps the buffer bounded when frames are slow or paused.
      const keep = historySize() || 1
      if (pending.length >= 2 * keep) pending.splice(0, pending.length - keep)
    },
    restart() {
      pending = []
      kept.lastEvent = undefined
      kept.events = NO_EVENTS
      kept.value = latest.current.initial as V
    },
    take() {
      if (pending.length > 0) {
        kept.lastEvent = pending.at(-1)
        kept.events = [...kept.events, ...pending]
        pending = []
      }
      const history = historySize()
      if (kept.events.length > history) kept.events = history > 0 ? kept.events.slice(-history) : NO_EVENTS
      return { ...kept }
    },
  }
}
