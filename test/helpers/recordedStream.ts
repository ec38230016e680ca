import {
  createEventStream,
  type EventStreamError,
  type EventStreamOptions,
  type StreamEvent,
  type StreamState,
} from '../../src/index'
import type { Closable } from './closeAfterEach'
import { type Plan, type RecordedRequest, startSseServer } from './sseServer'

/**
 * Starts a test server of 5 numbered events answering with `respond`, and a text stream on `path` that
 * retries fast (1–10 ms) and records its events, errors and states. `track` (from `closeAfterEach`) closes
 * both after the test.
 */
export async function startRecordedStream(
  track: <T extends Closable>(resource: T) => T,
  respond: (request: RecordedRequest) => Plan,
  options: EventStreamOptions = {},
  path = '/stream',
) {
  const server = track(await startSseServer({ count: 5, respond }))
  let fetches = 0
  const fetch: typeof globalThis.fetch = (input, init) => {
    fetches++
    return globalThis.fetch(input, init)
  }
  const stream = track(
    createEventStream(server.origin + path, {
      fetch,
      decode: 'text',
      retry: { initialDelay: 1, maxDelay: 10 },
      ...options,
    }),
  )
  const events: StreamEvent[] = []
  const errors: EventStreamError[] = []
  const states: StreamState[] = []
  stream.onAny((event) => events.push(event))
  stream.onError((error) => errors.push(error))
  stream.onState((state) => states.push(state))
  /** `fetch` calls so far: a retry starts with one, synchronously (unlike its request at the server). */
  return { server, stream, events, errors, states, fetches: () => fetches }
}
