import { afterEach } from 'vitest'

/**
 * Anything a test opens and must close: an event stream, an `SseServer`… `close()` may return a promise.
 * An unsubscribe function (what `subscribe` returns) counts too: closing it means calling it.
 */
export type Closable = { close(): unknown } | (() => unknown)

/**
 * Registers an `afterEach` hook (in the current file or `describe`) and returns `track`.
 *
 * `track(resource)` remembers `resource` and returns it unchanged, so it wraps the call that opens it:
 * `const server = track(await startSseServer())`, then `const stream = track(createEventStream(server.url))`
 * or `const unsubscribe = track(subscribe(url, handlers))`.
 * After each test, passed or failed, everything tracked is closed one by one in reverse order of tracking
 * (a stream before the server it was opened on), awaiting each `close()`, and then forgotten. A `close()`
 * that throws does not stop the others; its error is rethrown once all are closed.
 *
 * Call it once at the top level of a file or `describe`, not inside a test. With Vitest's default
 * `sequence.hooks: 'stack'`, an `afterEach` registered before this call runs after the closing.
 */
export function closeAfterEach(): <T extends Closable>(resource: T) => T {
  let tracked: Closable[] = []
  afterEach(async () => {
    const closing = tracked.reverse()
    tracked = []
    const errors: unknown[] = []
    for (const resource of closing) {
      try {
        await (typeof resource === 'function' ? resource() : resource.close())
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, 'closeAfterEach: several close() calls failed')
  })
  return (resource) => {
    tracked.push(resource)
    return resource
  }
}
