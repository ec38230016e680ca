import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

/**
 * An MSW server for one test file: it listens before the file's tests (unhandled requests are errors),
 * forgets the handlers a test added (`server.use`) and the requests it recorded after each test, and closes
 * after the file. `requests` holds every request it received in the current test, in order, as MSW saw
 * them: their `signal` tells whether the client aborted.
 */
export function setupMockServer() {
  const server = setupServer()
  const requests: Request[] = []
  server.events.on('request:start', ({ request }) => {
    requests.push(request)
  })
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    server.resetHandlers()
    requests.length = 0
  })
  afterAll(() => server.close())
  return { server, requests }
}

/** The event map of {@link ticks}: numbered `tick` events, and plain messages. */
export type Ticker = { tick: { n: number }; message: string }

/** Numbered `tick` events with ids '0', '1', …, for MSW handlers and the mock stream. */
export const ticks = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    event: 'tick' as const,
    data: { n: from + i },
    id: String(from + i),
  }))
