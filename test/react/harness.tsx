import { cleanup, render } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { type ReactNode, StrictMode } from 'react'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { EventMap } from '../../src/index'
import { type UseEventStreamOptions, type UseEventStreamResult, useEventStream } from '../../src/react'

/** An MSW server for one test file, recording every request it receives (signals included). */
export function setupMockServer() {
  const server = setupServer()
  const requests: Request[] = []
  server.events.on('request:start', ({ request }) => {
    requests.push(request)
  })
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    cleanup()
    server.resetHandlers()
    requests.length = 0
  })
  afterAll(() => server.close())
  return { server, requests }
}

interface ProbeProps<E extends EventMap> {
  url: string | URL | null
  options?: UseEventStreamOptions<E> | undefined
  results: UseEventStreamResult<E>[]
}

/** Renders `useEventStream` and records every render's result. */
function Probe<E extends EventMap>({ url, options, results }: ProbeProps<E>) {
  const result = useEventStream<E>(url, options)
  results.push(result)
  return <output>{result.status}</output>
}

/**
 * Renders `useEventStream` in a component that records every render's result, so that tests can check
 * what was rendered (`results`), the latest result (`current()`) and the distinct statuses (`statuses()`).
 */
export function renderStream<E extends EventMap = EventMap>(
  url: string | URL | null,
  options?: UseEventStreamOptions<E>,
  { strict = false }: { strict?: boolean } = {},
) {
  const results: UseEventStreamResult<E>[] = []
  const wrap = (node: ReactNode) => (strict ? <StrictMode>{node}</StrictMode> : node)
  const view = render(wrap(<Probe url={url} options={options} results={results} />))
  return {
    results,
    current: () => results.at(-1) as UseEventStreamResult<E>,
    statuses: () => results.map((r) => r.status).filter((status, i, all) => status !== all[i - 1]),
    rerender: (nextUrl: string | URL | null, nextOptions?: UseEventStreamOptions<E>) =>
      view.rerender(wrap(<Probe url={nextUrl} options={nextOptions} results={results} />)),
    unmount: () => view.unmount(),
  }
}

/** Numbered `tick` events with ids '0', '1', …, for MSW handlers and the mock stream. */
export const ticks = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    event: 'tick' as const,
    data: { n: from + i },
    id: String(from + i),
  }))

export type Ticker = { tick: { n: number }; message: string }

/** Retries quickly and without jitter, so that status sequences are deterministic. */
export const fastRetry = { initialDelay: 20, maxDelay: 50, jitter: false }
