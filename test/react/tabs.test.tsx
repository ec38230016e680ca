// @vitest-environment jsdom
// `useEventStream(url, { share: tabs })` where tabs cannot share across tabs (jsdom has no Web Locks): it
// shares within the page, and `share` is part of what decides whether a render needs a new connection.
import { waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { tabs } from '../../src/tabs'
import { eventStreamHandler } from '../../src/testing'
import { countFetches } from '../helpers/clientTimers'
import { renderStream, settle, setupMockServer, type Ticker, ticks } from './harness'

const { server, requests } = setupMockServer()

describe('useEventStream with share: tabs (fallback to the page)', () => {
  it('opens one connection under StrictMode and delivers every event', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(3), { interval: 2 }))
    const view = renderStream<Ticker>('/stream', { share: tabs, history: 10 }, { strict: true })
    await waitFor(() => expect(view.current().events).toHaveLength(3))
    expect(view.current().events.map((event) => event.id)).toEqual(['0', '1', '2'])
    expect(requests).toHaveLength(1)
  })

  it('keeps the connection for the same strategy on re-render, and opens another for a new one', async () => {
    server.use(eventStreamHandler<Ticker>('/stream', ticks(1), { interval: 2 }))
    const fetches = countFetches()
    const view = renderStream<Ticker>('/stream', { share: tabs.key('user-1') })
    await waitFor(() => expect(view.current().status).toBe('open'))
    view.rerender('/stream', { share: tabs.key('user-1'), history: 5 })
    await settle()
    expect(fetches()).toBe(1)
    expect(requests).toHaveLength(1)
    view.rerender('/stream', { share: tabs.key('user-2') })
    await waitFor(() => expect(requests).toHaveLength(2))
    view.rerender('/stream', { share: 'page' })
    await waitFor(() => expect(requests).toHaveLength(3))
  })

  it('throws the TypeError that asks for a key when the headers are a function', () => {
    expect(() =>
      renderStream<Ticker>('/stream', { share: tabs, headers: () => ({ authorization: 'Bearer t' }) }),
    ).toThrow(/cannot be compared across tabs/)
  })
})
