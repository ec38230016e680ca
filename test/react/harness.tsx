import { cleanup, render } from '@testing-library/react'
import { type ReactNode, StrictMode } from 'react'
import { afterEach } from 'vitest'
import type { EventMap } from '../../src/index'
import { type UseEventStreamOptions, type UseEventStreamResult, useEventStream } from '../../src/react'
import { setupMockServer as setupSharedMockServer } from '../helpers/mockServer'

export { type Ticker, ticks } from '../helpers/mockServer'

/** {@link setupMockServer} of test/helpers, and testing-library's `cleanup()` (unmounts) after each test. */
export function setupMockServer() {
  const mock = setupSharedMockServer()
  afterEach(() => cleanup())
  return mock
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

/** Retries quickly and without jitter, so that status sequences are deterministic. */
export const fastRetry = { initialDelay: 20, maxDelay: 50, jitter: false }
