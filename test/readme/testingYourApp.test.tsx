// @vitest-environment jsdom
// The "Testing your app" example of docs/testing.md, as it is printed there (between the markers): keep them
// in sync (test/readme/readmeSnippets.test.ts checks it).
// docs:begin
import { render, screen } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { useEventStream } from 'typed-sse/react'
import { eventStreamHandler } from 'typed-sse/testing'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

type Events = { price: { symbol: string; value: number } }

function Ticker() {
  const { status, lastEvent } = useEventStream<Events>('/prices')
  return (
    <p>
      {status}: {lastEvent ? `${lastEvent.data.symbol} ${lastEvent.data.value}` : '–'}
    </p>
  )
}

const server = setupServer()
beforeAll(() => server.listen())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

it('shows the latest price and survives a dropped connection', async () => {
  const prices = [1, 2, 3].map((value) => ({
    event: 'price' as const,
    data: { symbol: 'SSE', value },
    id: `${value}`,
  }))
  server.use(eventStreamHandler<Events>('/prices', prices, { interval: 10, dropAfter: 2 }))

  render(<Ticker />)

  expect(await screen.findByText('open: SSE 3', {}, { timeout: 3000 })).toBeDefined()
})
// docs:end
