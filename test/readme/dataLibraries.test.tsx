// @vitest-environment jsdom
// The recipes for TanStack Query and SWR (test/readme/recipes/, printed in docs/recipes.md as they are),
// run against MSW.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import type { ReactNode } from 'react'
import { eventStreamHandler, eventStreamResponse } from 'typed-sse/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { setupMockServer } from '../helpers/mockServer'
import { LastPrice } from './recipes/swr'
import { PriceChart } from './recipes/tanstackQuery'

const { server, requests } = setupMockServer()
// Hooks run last-registered first: cleanup() unmounts (closing the streams) before the handlers are reset.
afterEach(() => cleanup())

/** Price events with ids '0', '1', …; the first one sets the client's reconnection delay when given. */
const prices = (values: number[], retry?: number) =>
  values.map((value, i) => ({
    event: 'price' as const,
    data: { symbol: 'SSE', value },
    id: String(i),
    ...(i === 0 && retry !== undefined ? { retry } : {}),
  }))

describe('TanStack Query: streamedQuery fed by the stream', () => {
  const withClient = (node: ReactNode) => (
    <QueryClientProvider client={new QueryClient()}>{node}</QueryClientProvider>
  )

  it('appends every price to the query data, across a dropped connection, and closes on unmount', async () => {
    server.use(
      // The connection breaks after two events; the client comes back 20 ms later (`retry: 20`) and resumes.
      eventStreamHandler('/prices/SSE', prices([1, 2, 3], 20), { dropAfter: 2 }),
    )
    const view = render(withClient(<PriceChart symbol="SSE" />))
    await screen.findByText('1 → 2 → 3')
    expect(requests.map((request) => request.headers.get('last-event-id'))).toEqual([null, '1'])
    view.unmount()
    await waitFor(() => expect(requests[1]?.signal.aborted).toBe(true))
  })

  it('reports a stream that gives up as the query error', async () => {
    server.use(http.get('/prices/SSE', () => new HttpResponse(null, { status: 404 })))
    render(withClient(<PriceChart symbol="SSE" />))
    expect((await screen.findByRole('alert')).textContent).toMatch(/404/)
    expect(requests).toHaveLength(1)
  })
})

describe('SWR: useSWRSubscription with subscribe', () => {
  it('shows the latest price and ends the subscription on unmount', async () => {
    server.use(http.get('/prices/SSE', () => eventStreamResponse(prices([5, 6]))))
    const view = render(<LastPrice symbol="SSE" />)
    await screen.findByText('6')
    view.unmount()
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
    expect(requests).toHaveLength(1)
  })

  it('reports an error of the stream', async () => {
    server.use(http.get('/prices/SSE', () => new HttpResponse('nope', { status: 401 })))
    render(<LastPrice symbol="SSE" />)
    expect((await screen.findByRole('alert')).textContent).toMatch(/401/)
  })
})
