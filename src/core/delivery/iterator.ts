/** The receiving end of one `for await` loop: events pushed in, then an end (with an error if fatal). */
export interface IteratorSink<T> {
  push(value: T): void
  end(error?: unknown): void
  /** How many values wait for the loop. */
  readonly buffered: number
}

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void
  reject(error: unknown): void
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

/** Taken values kept before the buffer is compacted. */
const COMPACT_AFTER = 1024

/**
 * An async iterator over pushed values that buffers what arrives between `next()` calls and queues
 * `next()` calls made before a value arrives (`Promise.all`, read-ahead), serving both in order.
 * After the end, the fatal error (if any) rejects one `next()`; every other one completes.
 * `onReturn` runs when the loop is left early (`break`, `return`, a throw in the loop body); `onTake`
 * after the loop took a buffered value, with the number still buffered.
 */
export function createPushIterator<T>(
  onReturn: () => void,
  onTake?: (buffered: number) => void,
): {
  sink: IteratorSink<T>
  iterator: AsyncIterableIterator<T>
} {
  let buffer: T[] = []
  let head = 0
  let ended = false
  let failure: { error: unknown } | undefined
  /** `next()` calls waiting for a value; only ever non-empty while the buffer is empty. */
  const waiters: Waiter<T>[] = []

  /** Settles one `next()` after the end: the fatal error once, then done. */
  function settle(waiter: Waiter<T>): void {
    if (failure) {
      const { error } = failure
      failure = undefined
      waiter.reject(error)
    } else waiter.resolve(DONE)
  }

  function settleWaiters(): void {
    for (const waiter of waiters.splice(0)) settle(waiter)
  }

  const sink: IteratorSink<T> = {
    push(value) {
      if (ended) return
      const waiter = waiters.shift()
      if (waiter) waiter.resolve({ value, done: false })
      else buffer.push(value)
    },
    end(error) {
      if (ended) return
      ended = true
      if (error !== undefined) failure = { error }
      settleWaiters() // waiters exist only when the buffer is empty
    },
    get buffered() {
      return buffer.length - head
    },
  }

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (head < buffer.length) {
        const value = buffer[head++] as T
        if (head === buffer.length) {
          buffer = []
          head = 0
        } else if (head >= COMPACT_AFTER && head * 2 >= buffer.length) {
          // A loop that never quite catches up: drop the values it took (amortised, at most half moves).
          buffer = buffer.slice(head)
          head = 0
        }
        onTake?.(buffer.length - head)
        return Promise.resolve({ value, done: false })
      }
      return new Promise((resolve, reject) => {
        const waiter = { resolve, reject }
        if (ended) settle(waiter)
        else waiters.push(waiter)
      })
    },
    return() {
      const wasEnded = ended
      ended = true
      failure = undefined
      buffer = []
      head = 0
      settleWaiters()
      if (!wasEnded) onReturn()
      return Promise.resolve(DONE)
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return { sink, iterator }
}
