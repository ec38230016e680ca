import { keepShape } from '../keepShape'

/** The receiving end of one `for await` loop: events pushed in, then an end (with an error if fatal). */
export interface IteratorSink<T> {
  push(value: T): void
  end(error?: unknown): void
  /** How many values wait for the loop. */
  readonly buffered: number
}

/** What a {@link PushIterator} tells the stream that made it. */
export interface LoopOwner {
  /** The loop was left early (`break`, `return`, a throw in the loop body). */
  loopLeft(): void
  /** The loop took a buffered value; `buffered` are still waiting. */
  loopTook(buffered: number): void
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
 * A class, not closures: `push` and `next` run for every event, and every loop shares their code
 * (see `keepShape` and `callUser.ts`).
 */
export class PushIterator<T> implements IteratorSink<T>, AsyncIterableIterator<T> {
  readonly #owner: LoopOwner
  #buffer: T[] = []
  #head = 0
  #ended = false
  #failure: { error: unknown } | undefined = undefined
  /** `next()` calls waiting for a value; only ever non-empty while the buffer is empty. */
  readonly #waiters: Waiter<T>[] = []

  constructor(owner: LoopOwner) {
    this.#owner = owner
    keepShape(PushIterator, () => new PushIterator({ loopLeft() {}, loopTook() {} }))
  }

  // The sink: what the stream pushes.

  push(value: T): void {
    if (this.#ended) return
    const waiter = this.#waiters.shift()
    if (waiter) waiter.resolve({ value, done: false })
    else this.#buffer.push(value)
  }

  end(error?: unknown): void {
    if (this.#ended) return
    this.#ended = true
    if (error !== undefined) this.#failure = { error }
    this.#settleWaiters() // waiters exist only when the buffer is empty
  }

  get buffered(): number {
    return this.#buffer.length - this.#head
  }

  // The iterator: what the loop calls.

  next(): Promise<IteratorResult<T>> {
    const buffer = this.#buffer
    if (this.#head < buffer.length) {
      const value = buffer[this.#head++] as T
      if (this.#head === buffer.length) {
        this.#buffer = []
        this.#head = 0
      } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= buffer.length) {
        // A loop that never quite catches up: drop the values it took (amortised, at most half moves).
        this.#buffer = buffer.slice(this.#head)
        this.#head = 0
      }
      this.#owner.loopTook(this.buffered)
      return Promise.resolve({ value, done: false })
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject }
      if (this.#ended) this.#settle(waiter)
      else this.#waiters.push(waiter)
    })
  }

  return(): Promise<IteratorResult<T>> {
    const wasEnded = this.#ended
    this.#ended = true
    this.#failure = undefined
    this.#buffer = []
    this.#head = 0
    this.#settleWaiters()
    if (!wasEnded) this.#owner.loopLeft()
    return Promise.resolve(DONE)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this
  }

  /** Settles one `next()` after the end: the fatal error once, then done. */
  #settle(waiter: Waiter<T>): void {
    const failure = this.#failure
    if (failure) {
      this.#failure = undefined
      waiter.reject(failure.error)
    } else waiter.resolve(DONE)
  }

  #settleWaiters(): void {
    for (const waiter of this.#waiters.splice(0)) this.#settle(waiter)
  }
}
