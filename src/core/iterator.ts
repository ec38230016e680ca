/** The receiving end of one `for await` loop: events pushed in, then an end (with an error if fatal). */
export interface IteratorSink<T> {
  push(value: T): void
  end(error?: unknown): void
}

/**
 * An async iterator over pushed values that buffers what arrives between `next()` calls.
 * `onReturn` runs when the loop is left early (`break`, `return`, a throw in the loop body).
 */
export function createPushIterator<T>(onReturn: () => void): {
  sink: IteratorSink<T>
  iterator: AsyncIterableIterator<T>
} {
  let buffer: T[] = []
  let head = 0
  let ended = false
  let failure: { error: unknown } | undefined
  let waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined

  const sink: IteratorSink<T> = {
    push(value) {
      if (ended) return
      if (waiting) {
        const { resolve } = waiting
        waiting = undefined
        resolve({ value, done: false })
      } else buffer.push(value)
    },
    end(error) {
      if (ended) return
      ended = true
      if (error !== undefined) failure = { error }
      if (waiting && head === buffer.length) settle(waiting)
    },
  }

  /** Hands the end (or the fatal error, once) to a waiting `next()`. */
  function settle(receiver: NonNullable<typeof waiting>): void {
    waiting = undefined
    if (failure) {
      const { error } = failure
      failure = undefined
      receiver.reject(error)
    } else receiver.resolve({ value: undefined, done: true })
  }

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (head < buffer.length) {
        const value = buffer[head++] as T
        if (head === buffer.length) {
          buffer = []
          head = 0
        }
        return Promise.resolve({ value, done: false })
      }
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject }
        if (ended) settle(waiting)
      })
    },
    return() {
      const wasEnded = ended
      ended = true
      buffer = []
      head = 0
      if (!wasEnded) onReturn()
      return Promise.resolve({ value: undefined, done: true })
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return { sink, iterator }
}
