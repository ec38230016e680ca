// @vitest-environment jsdom
import { act, render, screen, waitFor } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import { StrictMode } from 'react'
import { describe, expect, it } from 'vitest'
import { useEventStream } from '../../src/react'
import { createMockStream, encodeEvent, eventStreamHandler, type MockEvent } from '../../src/testing'
import { renderStream, setupMockServer, type Ticker, ticks } from './harness'

const { server, requests, track } = setupMockServer()

function LastTick({ name, url = '/stream', token }: { name: string; url?: string; token?: string }) {
  const { lastEvent, status } = useEventStream<Ticker>(url, {
    ...(token && { headers: { authorization: token } }),
  })
  return (
    <p data-testid={name}>
      {status} {lastEvent?.type === 'tick' ? lastEvent.data.n : '-'}
    </p>
  )
}

function Two({ second }: { second: boolean }) {
  return (
    <>
      <LastTick name="a" />
      {second && <LastTick name="b" />}
    </>
  )
}

describe('useEventStream connection sharing', () => {
  it('opens one connection under StrictMode and drops no event', async () => {
    const mock = track(createMockStream<Ticker>())
    const seen: string[] = []
    let headerCalls = 0
    const view = renderStream<Ticker>(
      'http://sse.test/stream',
      {
        fetch: mock.fetch,
        headers: () => ({ 'x-call': String(++headerCalls) }),
        history: 100,
        on: { tick: (_data, event) => void seen.push(event.id) },
      },
      { strict: true },
    )
    await act(() => mock.waitForConnection())
    for (const event of ticks(20)) act(() => mock.send(event))
    await waitFor(() => expect(view.current().events).toHaveLength(20))
    expect(mock.requests).toHaveLength(1)
    expect(headerCalls).toBe(1)
    expect(seen).toEqual(ticks(20).map((e) => e.id))
    expect(view.current().events.map((e) => e.id)).toEqual(seen)
    view.unmount()
    await waitFor(() => expect(mock.requests[0]?.signal.aborted).toBe(true))
  })

  it('opens one request at the MSW server under StrictMode', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(3), { interval: 2 }))
    render(
      <StrictMode>
        <LastTick name="a" />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('open 2'))
    expect(requests).toHaveLength(1)
  })

  it('shares one connection between two components; the last one to unmount closes it', async () => {
    // A response the test writes to: an event sent after `b` left must still reach `a` over the same request.
    let send = (_event: MockEvent<Ticker>) => {}
    server.use(
      http.get('/stream', () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            send = (event) => controller.enqueue(new TextEncoder().encode(encodeEvent(event)))
          },
        })
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } })
      }),
    )
    const view = render(<Two second />)
    await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('open -'))
    for (const event of ticks(3)) send(event)
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('open 2'))
    expect(screen.getByTestId('b').textContent).toBe('open 2')
    expect(requests).toHaveLength(1)
    view.rerender(<Two second={false} />)
    send(ticks(1, 3)[0] as MockEvent<Ticker>)
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('open 3'))
    expect(requests).toHaveLength(1)
    expect(requests[0]?.signal.aborted).toBe(false)
    view.unmount()
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
  })

  it('does not share between components with different auth headers', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(1)))
    render(
      <>
        <LastTick name="a" token="Bearer a" />
        <LastTick name="b" token="Bearer b" />
      </>,
    )
    await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('open 0'))
    expect(screen.getByTestId('a').textContent).toBe('open 0')
    expect(requests.map((r) => r.headers.get('authorization')).sort()).toEqual(['Bearer a', 'Bearer b'])
  })

  it('shares one connection between components passing the same `fetch` function', async () => {
    const mock = track(createMockStream<Ticker>())
    const a = renderStream<Ticker>('http://sse.test/shared', { fetch: mock.fetch })
    const b = renderStream<Ticker>('http://sse.test/shared', { fetch: mock.fetch })
    await act(() => mock.waitForConnection())
    act(() => mock.send({ event: 'tick', data: { n: 1 }, id: '1' }))
    await waitFor(() => expect(b.current().lastEventId).toBe('1'))
    expect(a.current().lastEventId).toBe('1')
    expect(mock.requests).toHaveLength(1)
  })

  it('lets one component close() its subscription while the other keeps the connection', async () => {
    const mock = track(createMockStream<Ticker>())
    const a = renderStream<Ticker>('http://sse.test/shared', { fetch: mock.fetch })
    const b = renderStream<Ticker>('http://sse.test/shared', { fetch: mock.fetch })
    await act(() => mock.waitForConnection())
    act(() => mock.send({ event: 'tick', data: { n: 1 }, id: '1' }))
    await waitFor(() => expect(a.current().lastEventId).toBe('1'))
    act(() => a.current().close())
    act(() => mock.send({ event: 'tick', data: { n: 2 }, id: '2' }))
    await waitFor(() => expect(b.current().lastEventId).toBe('2'))
    expect(a.current()).toMatchObject({ status: 'closed', lastEventId: '1' })
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]?.signal.aborted).toBe(false)
  })
})

/** Two hooks on one URL, each with an inline `shouldRetry` of its own. */
function TwoHooksWithInlineFunctions({ fetch }: { fetch: typeof globalThis.fetch }) {
  useEventStream<Ticker>('http://sse.test/feed', { fetch, retry: { shouldRetry: () => true } })
  useEventStream<Ticker>('http://sse.test/feed', { fetch, retry: { shouldRetry: () => true } })
  return null
}

describe('useEventStream function options', () => {
  it('keeps one connection while inline doneWhen, reconnectRequest and shouldRetry change, and calls the latest', async () => {
    const mock = track(createMockStream<Ticker>())
    const seen: string[] = []
    const optionsFor = (render: number) => ({
      fetch: mock.fetch,
      method: 'POST',
      body: '{}',
      doneWhen: (event: { raw: string }) => {
        seen.push(`doneWhen ${render}`)
        return event.raw === '"stop"'
      },
      reconnectRequest: () => ({ method: 'GET' }),
      retry: { shouldRetry: (_error: unknown, _attempt: number, byDefault: boolean) => byDefault },
    })
    const view = renderStream<Ticker>('http://sse.test/answer', optionsFor(1))
    await act(() => mock.waitForConnection())
    for (let render = 2; render <= 5; render++) view.rerender('http://sse.test/answer', optionsFor(render))
    act(() => mock.send({ data: '"stop"' }))
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(mock.requests).toHaveLength(1)
    expect(seen).toEqual(['doneWhen 5'])
  })

  it('gives two components with their own inline functions a connection each (functions compare by identity)', async () => {
    const mock = track(createMockStream<Ticker>())
    render(<TwoHooksWithInlineFunctions fetch={mock.fetch} />)
    await act(() => mock.waitForConnection(2))
    expect(mock.requests).toHaveLength(2)
  })
})
