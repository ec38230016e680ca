import { afterAll, beforeAll } from 'vitest'

/**
 * Records every promise rejection that nobody handles while the current file's tests run (Node's
 * `unhandledRejection`), and returns the list: tests assert it stays empty.
 */
export function watchUnhandledRejections(): readonly unknown[] {
  const unhandled: unknown[] = []
  const record = (reason: unknown) => unhandled.push(reason)
  beforeAll(() => {
    process.on('unhandledRejection', record)
  })
  afterAll(() => {
    process.off('unhandledRejection', record)
  })
  return unhandled
}
