// @vitest-environment jsdom
// useEventStream takes the page-lifecycle options; passed inline, none of them reconnects.
import { waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { StorageLike } from '../../src/index'
import { eventStreamHandler } from '../../src/testing'
import { renderStream, setupMockServer, type Ticker, ticks } from './harness'

const { server, requests } = setupMockServer()

/** A new storage object on every call, as an inline option is on every render. */
const inlineStorage = (items: Map<string, string>): StorageLike => ({
  getItem: (key) => items.get(key) ?? null,
  setItem: (key, value) => void items.set(key, value),
  removeItem: (key) => void items.delete(key),
})

describe('useEventStream with persist, pauseWhenHidden and lastEventIdParam', () => {
  it('resumes from the stored ID, and does not reconnect when the options are new objects on re-render', async () => {
    const items = new Map<string, string>()
    server.use(eventStreamHandler<Ticker>('/stream', ticks(3), { interval: 2 }))
    const options = () => ({
      persist: inlineStorage(items),
      pauseWhenHidden: 60_000,
      lastEventIdParam: 'last_event_id',
    })
    const first = renderStream<Ticker>('/stream', options())
    await waitFor(() => expect(first.current().lastEventId).toBe('2'))
    first.rerender('/stream', options())
    first.rerender('/stream', options())
    expect(requests).toHaveLength(1)
    first.unmount() // closes the shared connection a microtask later, which writes the stored ID
    await waitFor(() => expect([...items.values()]).toEqual(['2']))

    const second = renderStream<Ticker>('/stream', options())
    await waitFor(() => expect(requests).toHaveLength(2))
    expect(new URL(requests[1]?.url ?? '').searchParams.get('last_event_id')).toBe('2')
    expect(requests[1]?.headers.get('last-event-id')).toBeNull()
    second.unmount()
  })
})
