// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { StreamEvent } from '../../src/index'
import { createMockStream, eventStreamHandler } from '../../src/testing'
import { countFetches, runClientTimers } from '../helpers/clientTimers'
import { fastRetry, renderStream, settle, setupMockServer, type Ticker, ticks } from './harness'

const { server, requests, track } = setupMockServer()

describe('useEventStream against MSW streaming handlers', () => {
  it('goes connecting → open → reconnecting → open across a dropped connection, resuming by Last-Event-ID', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(3), { interval: 5, dropAfter: 2 }))
    const view = renderStream<Ticker>('/stream', { retry: fastRetry, history: 10 })
    expect(view.current().status).toBe('connecting')
    await waitFor(() => expect(view.current().events).toHaveLength(3))
    expect(view.statuses()).toEqual(['connecting', 'open', 'reconnecting', 'open'])
    expect(view.current().events.map((e) => e.id)).toEqual(['0', '1', '2'])
    expect(requests.map((r) => r.headers.get('last-event-id'))).toEqual([null, '1'])
    expect(screen.getByRole('status').textContent).toBe('open')
  })

  it('delivers typed events in order to `on`, `lastEvent`, `events` and `lastEventId`', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', [...ticks(3), { data: 'hello' }], { interval: 2 }))
    const seen: [string, unknown, string][] = []
    const view = renderStream<Ticker>('/stream', {
      history: 10,
      decode: { tick: (raw) => JSON.parse(raw) as { n: number } },
      on: {
        tick: (data, event) => seen.push([event.type, data.n, event.id]),
        message: (data, event) => seen.push([event.type, data, event.id]),
      },
    })
    await waitFor(() => expect(view.current().events).toHaveLength(4))
    expect(seen).toEqual([
      ['tick', 0, '0'],
      ['tick', 1, '1'],
      ['tick', 2, '2'],
      ['message', 'hello', '2'],
    ])
    const { lastEvent, events, lastEventId } = view.current()
    expect(lastEvent).toEqual({ type: 'message', data: 'hello', raw: 'hello', id: '2' })
    expect(events.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, 'hello'])
    expect(lastEventId).toBe('2')
  })

  it('keeps only the last `history` events, and none by default', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(6), { interval: 1 }))
    const bounded = renderStream<Ticker>('/stream', { history: 2 })
    const none = renderStream<Ticker>('/stream')
    await waitFor(() => expect(bounded.current().lastEventId).toBe('5'))
    await waitFor(() => expect(none.current().lastEvent?.id).toBe('5'))
    expect(bounded.current().events.map((e) => e.id)).toEqual(['4', '5'])
    expect(none.current().events).toEqual([])
  })

  it('surfaces a 401 as a fatal http error: closed, no retry', async () => {
    server.use(eventStreamHandler('/stream', [], { status: 401 }))
    // The client's timers are fake but keep pace with real time (for waitFor); a retry would be one of them.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    const fetches = countFetches()
    const errors: unknown[] = []
    const view = renderStream('/stream', { retry: fastRetry, onError: (error) => errors.push(error) })
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().error).toMatchObject({ code: 'http', status: 401 })
    expect(errors).toEqual([view.current().error])
    await act(() => runClientTimers()) // a retry would start now
    expect(fetches()).toBe(1)
    expect(requests).toHaveLength(1)
    expect(view.current().status).toBe('closed')
  })

  it('surfaces a 500 while it keeps retrying', async () => {
    server.use(eventStreamHandler('/stream', [], { status: 500 }))
    const view = renderStream('/stream', { retry: fastRetry })
    await waitFor(() => expect(view.current().attempt).toBeGreaterThanOrEqual(2))
    expect(view.current()).toMatchObject({ status: 'reconnecting', error: { code: 'http', status: 500 } })
    expect(view.current().retryDelay).toBeGreaterThan(0)
  })

  it('surfaces a wrong content type as a fatal content-type error', async () => {
    server.use(
      eventStreamHandler('/stream', [{ data: '{}' }], { headers: { 'content-type': 'application/json' } }),
    )
    const view = renderStream('/stream', { retry: fastRetry })
    await waitFor(() => expect(view.current().status).toBe('closed'))
    expect(view.current().error?.code).toBe('content-type')
  })

  it('surfaces a decode failure, skips that event and goes on with the next', async () => {
    server.use(
      eventStreamHandler('/stream', [
        { data: 'not json', id: '1' },
        { data: '{"ok":true}', id: '2' },
      ]),
    )
    const view = renderStream<{ message: { ok: boolean } }>('/stream', { history: 5 })
    await waitFor(() => expect(view.current().lastEvent?.id).toBe('2'))
    expect(view.current().error).toMatchObject({
      code: 'decode',
      event: { type: 'message', raw: 'not json' },
    })
    expect(view.current().events.map((e) => e.data)).toEqual([{ ok: true }])
    expect(view.current().status).toBe('open')
  })

  it('closes the connection on unmount: the request is aborted at the server', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(1)))
    const view = renderStream<Ticker>('/stream')
    await waitFor(() => expect(view.current().lastEvent?.id).toBe('0'))
    expect(requests[0]?.signal.aborted).toBe(false)
    view.unmount()
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
  })

  it('opens a new connection for a new URL, aborts the old one and resumes nothing from it', async () => {
    server.use(eventStreamHandler<Ticker>('/a', ticks(2)), eventStreamHandler<Ticker>('/b', ticks(1, 100)))
    const view = renderStream<Ticker>('/a', { history: 5 })
    await waitFor(() => expect(view.current().lastEventId).toBe('1'))
    view.rerender('/b', { history: 5 })
    await waitFor(() => expect(view.current().lastEventId).toBe('100'))
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(['/a', '/b'])
    expect(requests[1]?.headers.get('last-event-id')).toBeNull()
    expect(requests[0]?.signal.aborted).toBe(true)
    expect(view.current().events.map((e) => e.id)).toEqual(['100'])
  })

  it('does not reconnect when inline options and handlers change on re-render, and calls the latest ones', async () => {
    const mock = track(createMockStream<Ticker>())
    const handled: [string, number][] = []
    const fetched: string[] = []
    const options = (render: string) => ({
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        fetched.push(render)
        return mock.fetch(input, init)
      },
      retry: { ...fastRetry, shouldRetry: () => true },
      headers: { 'x-app': 'demo' },
      decode: { tick: (raw: string) => JSON.parse(raw) as { n: number } },
      on: { tick: (data: { n: number }) => void handled.push([render, data.n]) },
      history: 3,
    })
    const view = renderStream<Ticker>('http://sse.test/stream', options('first'))
    await act(() => mock.waitForConnection())
    act(() => mock.send({ event: 'tick', data: { n: 0 }, id: '0' }))
    await waitFor(() => expect(view.current().lastEventId).toBe('0'))
    for (let i = 0; i < 5; i++) view.rerender(new URL('http://sse.test/stream'), options('later'))
    act(() => mock.send({ event: 'tick', data: { n: 1 }, id: '1' }))
    await waitFor(() => expect(view.current().lastEventId).toBe('1'))
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]?.signal.aborted).toBe(false)
    expect(handled).toEqual([
      ['first', 0],
      ['later', 1],
    ])
    act(() => mock.drop())
    await act(() => mock.waitForConnection(2))
    expect(fetched).toEqual(['first', 'later'])
  })

  it('reconnects afresh when a transport option changes (static headers, method, body, credentials)', async () => {
    const mock = track(createMockStream<Ticker>())
    const view = renderStream<Ticker>('http://sse.test/stream', {
      fetch: mock.fetch,
      headers: { authorization: 'Bearer a' },
    })
    await act(() => mock.waitForConnection())
    act(() => mock.send({ event: 'tick', data: { n: 1 }, id: '1' }))
    await waitFor(() => expect(view.current().lastEventId).toBe('1'))
    view.rerender('http://sse.test/stream', { fetch: mock.fetch, headers: { authorization: 'Bearer b' } })
    await act(() => mock.waitForConnection(2))
    view.rerender('http://sse.test/stream', {
      fetch: mock.fetch,
      headers: { authorization: 'Bearer b' },
      method: 'POST',
      body: '{"q":1}',
      credentials: 'include',
    })
    await act(() => mock.waitForConnection(3))
    const [a, b, c] = mock.requests
    expect(a?.signal.aborted).toBe(true)
    expect(b?.headers.get('authorization')).toBe('Bearer b')
    expect(b?.headers.get('last-event-id')).toBeNull()
    expect(b?.signal.aborted).toBe(true)
    expect([c?.method, await c?.text(), c?.credentials]).toEqual(['POST', '{"q":1}', 'include'])
    expect(view.current()).toMatchObject({ lastEventId: '', lastEvent: undefined })
  })

  it('calls the latest `headers` function on every attempt without reconnecting when it changes', async () => {
    const mock = track(createMockStream<Ticker>())
    const withToken = (token: string) => ({
      fetch: mock.fetch,
      retry: fastRetry,
      headers: async () => ({ authorization: `Bearer ${token}` }),
    })
    const view = renderStream<Ticker>('http://sse.test/stream', withToken('old'))
    await act(() => mock.waitForConnection())
    view.rerender('http://sse.test/stream', withToken('new'))
    act(() => mock.send({ event: 'tick', data: { n: 1 }, id: '1' }))
    await waitFor(() => expect(view.current().lastEventId).toBe('1'))
    expect(mock.requests).toHaveLength(1)
    act(() => mock.drop())
    await act(() => mock.waitForConnection(2))
    expect(mock.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer old', 'Bearer new'])
    expect(mock.requests[1]?.headers.get('last-event-id')).toBe('1')
  })

  it('calls the latest `fetch` of a component still connected, not of one that left', async () => {
    const mock = track(createMockStream<Ticker>())
    const calls: string[] = []
    const moduleFetch: typeof fetch = (input, init) => {
      calls.push('module')
      return mock.fetch(input, init)
    }
    const inline = (): typeof fetch => (input, init) => {
      calls.push('inline')
      return mock.fetch(input, init)
    }
    const options = { fetch: moduleFetch, retry: fastRetry }
    const leaving = renderStream<Ticker>('http://sse.test/stream', options)
    renderStream<Ticker>('http://sse.test/stream', options)
    await act(() => mock.waitForConnection())
    leaving.rerender('http://sse.test/stream', { ...options, fetch: inline() })
    act(() => mock.drop())
    await act(() => mock.waitForConnection(2))
    leaving.unmount()
    act(() => mock.drop())
    await act(() => mock.waitForConnection(3))
    expect(calls).toEqual(['module', 'inline', 'module'])
  })

  it('stays disconnected with `enabled: false`, connects when enabled and disconnects again', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(1)))
    const fetches = countFetches()
    const view = renderStream<Ticker>('/stream', { enabled: false })
    await settle()
    expect(fetches()).toBe(0)
    expect(requests).toHaveLength(0)
    expect(view.current().status).toBe('closed')
    view.rerender('/stream', { enabled: true })
    await waitFor(() => expect(view.current().lastEvent?.id).toBe('0'))
    view.rerender('/stream', { enabled: false })
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
    expect(view.current()).toMatchObject({ status: 'closed', lastEvent: undefined })
    expect(requests).toHaveLength(1)
  })

  it('stays disconnected with a null URL, and close() / reconnect() do nothing then', async () => {
    server.use(eventStreamHandler('/stream', []))
    const fetches = countFetches()
    const view = renderStream(null)
    act(() => {
      view.current().reconnect()
      view.current().close()
    })
    await settle()
    expect(fetches()).toBe(0)
    expect(requests).toHaveLength(0)
    expect(view.current()).toMatchObject({ status: 'closed', lastEventId: '', events: [] })
  })

  it('close() disconnects for good; reconnect() connects again and resumes from the last event ID', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(3), { interval: 2 }))
    const fetches = countFetches()
    const view = renderStream<Ticker>('/stream', { history: 5 })
    await waitFor(() => expect(view.current().lastEventId).toBe('2'))
    act(() => view.current().close())
    expect(view.current().status).toBe('closed')
    await waitFor(() => expect(requests[0]?.signal.aborted).toBe(true))
    view.rerender('/stream', { history: 5 })
    await settle()
    expect(fetches()).toBe(1)
    expect(requests).toHaveLength(1)
    act(() => view.current().reconnect())
    await waitFor(() => expect(view.current().status).toBe('open'))
    expect(requests[1]?.headers.get('last-event-id')).toBe('2')
    expect(view.current().events.map((e) => e.id)).toEqual(['0', '1', '2'])
  })

  it('reconnect() starts again after a fatal error', async () => {
    server.use(eventStreamHandler('/stream', [], { status: 403 }))
    const view = renderStream('/stream')
    await waitFor(() => expect(view.current().status).toBe('closed'))
    server.use(eventStreamHandler('/stream', [{ data: '"back"' }]))
    act(() => view.current().reconnect())
    await waitFor(() => expect(view.current().lastEvent?.data).toBe('back'))
    expect(view.current()).toMatchObject({ status: 'open', error: undefined })
    expect(requests).toHaveLength(2)
  })

  it('keeps the result object identical across renders while nothing changed', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(1)))
    const view = renderStream<Ticker>('/stream')
    await waitFor(() => expect(view.current().lastEvent?.id).toBe('0'))
    const before = view.current()
    view.rerender('/stream', {})
    expect(view.current()).toBe(before)
  })

  it('reports a throwing `on` handler as a handler error and still delivers the event', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(2)))
    const view = renderStream<Ticker>('/stream', {
      history: 5,
      on: {
        tick: (_data: { n: number }, event: StreamEvent<'tick', { n: number }>) => {
          if (event.id === '0') throw new Error('boom')
        },
      },
    })
    await waitFor(() => expect(view.current().events).toHaveLength(2))
    expect(view.current().error).toMatchObject({ code: 'handler' })
  })

  it('calls only own `on` handlers: events named after Object.prototype members run nothing', async () => {
    const names = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']
    server.use(
      eventStreamHandler('/stream', [
        ...names.map((event, i) => ({ event, data: '1', id: String(i) })),
        { event: 'tick', data: '{"n":1}', id: 'last' },
      ]),
    )
    const ticked: unknown[] = []
    const errors: unknown[] = []
    const view = renderStream<Ticker>('/stream', {
      history: 10,
      on: { tick: (data) => ticked.push(data) },
      onError: (error) => errors.push(error),
    })
    await waitFor(() => expect(view.current().lastEventId).toBe('last'))
    expect(ticked).toEqual([{ n: 1 }])
    expect(errors).toEqual([])
    expect(view.current().error).toBeUndefined()
    expect(view.current().events.map((event) => event.type)).toEqual([...names, 'tick'])
  })
})
